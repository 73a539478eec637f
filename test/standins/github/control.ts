// Test control plane under /_standin/ (no auth): fault injection, token
// revocation and minting, reset, request log, health. Contract in README.md.
import type { Hono } from 'hono';
import { z } from 'zod';
import { type AuthState, DEFAULT_CLIENT, normalizeScopes } from './auth.ts';
import { GitHubError } from './errors.ts';
import type { Store } from './store.ts';
import { isoNow, jsonResponse, randomHex, readJsonBody } from './util.ts';

export type FaultStatus = 403 | 429 | 500 | 502 | 503;

export interface FaultRule {
  id: number;
  status: FaultStatus | null;
  remaining: number;
  retryAfterSeconds: number;
  pathPrefix: string;
  delayMs: number;
  /** Only requests made with this user's tokens (parallel tests stay apart). */
  login: string | null;
  /** 403/429 as a secondary rate limit (message, retry-after, remaining not 0) instead of the primary one. */
  secondary: boolean;
}

export const faultInputSchema = z
  .object({
    status: z.union([z.literal(403), z.literal(429), z.literal(500), z.literal(502), z.literal(503)]).optional(),
    count: z.number().int().min(1).default(1),
    retryAfterSeconds: z.number().int().min(0).default(1),
    pathPrefix: z.string().startsWith('/').default('/'),
    delayMs: z.number().int().min(0).max(60_000).default(0),
    login: z.string().min(1).optional(),
    secondary: z.boolean().default(false),
  })
  .refine((f) => f.status !== undefined || f.delayMs > 0, { message: 'Give a status, a delayMs, or both.' });

export type FaultInput = z.input<typeof faultInputSchema>;

export class FaultController {
  #rules: FaultRule[] = [];
  #nextId = 1;

  add(input: FaultInput): FaultRule {
    const parsed = faultInputSchema.parse(input);
    const rule: FaultRule = {
      id: this.#nextId++,
      status: parsed.status ?? null,
      remaining: parsed.count,
      retryAfterSeconds: parsed.retryAfterSeconds,
      pathPrefix: parsed.pathPrefix,
      delayMs: parsed.delayMs,
      login: parsed.login ?? null,
      secondary: parsed.secondary,
    };
    this.#rules.push(rule);
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.#rules = [];
  }

  /**
   * Consumes one use of the first matching rule. REST paths match by prefix; the github.com
   * OAuth pages (/login/…) only match rules whose pathPrefix starts with /login.
   */
  take(path: string, login: string | null, isRest: boolean): FaultRule | undefined {
    const rule = this.#rules.find(
      (r) =>
        path.startsWith(r.pathPrefix) &&
        (isRest || r.pathPrefix.startsWith('/login')) &&
        (r.login === null || (login !== null && r.login.toLowerCase() === login.toLowerCase())),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
    return { ...rule };
  }
}

export function newRequestId(): string {
  const hex = randomHex(12).toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}:${hex.slice(20, 24)}`;
}

/**
 * The error a faulted REST request gets. 403/429: GitHub's rate limit bodies (primary:
 * "API rate limit exceeded for user ID …" with x-ratelimit-remaining 0; secondary: "You have
 * exceeded a secondary rate limit" with retry-after). 5xx: GitHub's server error bodies.
 */
export function faultError(
  rule: FaultRule & { status: FaultStatus },
  caller: { id: number } | null,
  requestId: string,
  now: number,
  limit: number,
): GitHubError {
  const support = `If you reach out to GitHub Support for help, please include the request ID ${requestId} and timestamp ${isoNow(now).replace('T', ' ').replace('Z', ' UTC')}.`;
  const retryAfter = String(rule.retryAfterSeconds);
  const reset = String(Math.floor(now / 1000) + rule.retryAfterSeconds);
  if (rule.status === 403 || rule.status === 429) {
    if (rule.secondary) {
      return new GitHubError(
        rule.status,
        `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ${support}`,
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        undefined,
        { 'retry-after': retryAfter },
      );
    }
    const who =
      caller === null
        ? "127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
        : `user ID ${caller.id}.`;
    return new GitHubError(
      rule.status,
      `API rate limit exceeded for ${who} ${support}`,
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      undefined,
      {
        'retry-after': retryAfter,
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(limit),
        'x-ratelimit-reset': reset,
      },
    );
  }
  if (rule.status === 503) {
    return new GitHubError(503, 'Service Unavailable', 'https://docs.github.com/rest', undefined, {
      'retry-after': retryAfter,
    });
  }
  return new GitHubError(rule.status, 'Server Error', 'https://docs.github.com/rest');
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  login: string | null;
  userAgent: string | null;
  at: string;
}

/** Counts every REST request (faulted and failed ones included) and keeps the last 200. */
export class RequestLog {
  readonly byPath = new Map<string, number>();
  readonly byRoute = new Map<string, number>();
  readonly recent: LoggedRequest[] = [];
  total = 0;

  record(entry: LoggedRequest): void {
    this.total++;
    this.byPath.set(entry.path, (this.byPath.get(entry.path) ?? 0) + 1);
    const route = `${entry.method} ${entry.path}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    this.recent.push(entry);
    if (this.recent.length > 200) this.recent.splice(0, this.recent.length - 200);
  }

  clear(): void {
    this.total = 0;
    this.byPath.clear();
    this.byRoute.clear();
    this.recent.length = 0;
  }

  toJSON(): Record<string, unknown> {
    return {
      total: this.total,
      byPath: Object.fromEntries(this.byPath),
      byRoute: Object.fromEntries(this.byRoute),
      recent: this.recent,
    };
  }
}

const revokeSchema = z.object({
  token: z.string().optional(),
  login: z.string().optional(),
  all: z.boolean().optional(),
});
const resetSchema = z.object({ tokens: z.boolean().optional() });
const tokenSchema = z.object({
  login: z.string().min(1),
  scope: z.string().default(''),
  clientId: z.string().default(DEFAULT_CLIENT.clientId),
});

function badRequest(message: string): Response {
  return jsonResponse({ error: message }, 400);
}

export interface ControlDeps {
  faults: FaultController;
  requests: RequestLog;
  auth: () => AuthState;
  store: () => Store;
  reset: (options: { tokens: boolean }) => void;
}

export function registerControlRoutes(app: Hono, deps: ControlDeps): void {
  app.get('/_standin/health', () => jsonResponse({ ok: true }));

  app.post('/_standin/faults', async (c) => {
    const parsed = faultInputSchema.safeParse(await readJsonBody(c.req.raw));
    if (!parsed.success) {
      return badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    }
    if (parsed.data.login !== undefined && !deps.store().userByLogin(parsed.data.login)) {
      return badRequest(`No user has the login ${parsed.data.login}.`);
    }
    return jsonResponse({ data: deps.faults.add(parsed.data) });
  });

  app.get('/_standin/faults', () => jsonResponse({ data: deps.faults.list() }));

  app.delete('/_standin/faults', () => {
    deps.faults.clear();
    return jsonResponse({ ok: true });
  });

  app.post('/_standin/revoke', async (c) => {
    const parsed = revokeSchema.safeParse(await readJsonBody(c.req.raw));
    if (
      !parsed.success ||
      (parsed.data.token === undefined && parsed.data.login === undefined && parsed.data.all !== true)
    ) {
      return badRequest('Body must be { "token": "<access token>" }, { "login": "<user login>" } or { "all": true }.');
    }
    const { token, login, all } = parsed.data;
    const userId = login === undefined ? undefined : deps.store().userByLogin(login)?.id;
    if (login !== undefined && userId === undefined) return badRequest(`No user has the login ${login}.`);
    return jsonResponse({ revoked: deps.auth().revoke({ token, userId, all }) });
  });

  app.post('/_standin/tokens', async (c) => {
    const parsed = tokenSchema.safeParse(await readJsonBody(c.req.raw));
    if (!parsed.success) return badRequest('Body must be { "login": "<user login>", "scope"?: "repo read:org" }.');
    const user = deps.store().userByLogin(parsed.data.login);
    if (!user) return badRequest(`No user has the login ${parsed.data.login}.`);
    if (!deps.auth().clients.has(parsed.data.clientId)) return badRequest(`Unknown client ${parsed.data.clientId}.`);
    const scopes = normalizeScopes(parsed.data.scope);
    const token = deps.auth().issueToken(parsed.data.clientId, user.id, scopes);
    return jsonResponse({ access_token: token.token, token_type: 'bearer', scope: scopes.join(',') });
  });

  app.post('/_standin/reset', async (c) => {
    const parsed = resetSchema.safeParse(await readJsonBody(c.req.raw));
    if (!parsed.success) return badRequest('Body must be {} or { "tokens": true }.');
    deps.reset({ tokens: parsed.data.tokens ?? false });
    return jsonResponse({ ok: true });
  });

  app.get('/_standin/requests', () => jsonResponse(deps.requests.toJSON()));

  app.delete('/_standin/requests', () => {
    deps.requests.clear();
    return jsonResponse({ ok: true });
  });
}
