// Test control plane under /_standin/ (see app.ts for the contract): fault
// injection for /v2 requests, token revocation, reset and request counts.
import type { Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { type AppEnv, type AuthState, tokenFromHeader } from './auth.ts';
import { AttioError, jsonResponse } from './errors.ts';
import { KNOWN_SCOPES } from './scopes.ts';

export type FaultStatus = 429 | 500 | 502 | 503;

export interface FaultRule {
  id: number;
  status: FaultStatus | null;
  remaining: number;
  retryAfterSeconds: number;
  pathPrefix: string;
  delayMs: number;
  /** Only requests made with a token of this workspace member (tests running in parallel stay apart). */
  memberId: string | null;
}

export const faultInputSchema = z
  .object({
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]).optional(),
    count: z.number().int().min(1).default(1),
    retryAfterSeconds: z.number().min(0).default(1),
    pathPrefix: z.string().startsWith('/').default('/v2'),
    delayMs: z.number().int().min(0).max(60_000).default(0),
    memberEmail: z.string().optional(),
  })
  .refine((f) => f.status !== undefined || f.delayMs > 0, { message: 'Give a status, a delayMs, or both.' });

export type FaultInput = z.input<typeof faultInputSchema>;

export class FaultController {
  #rules: FaultRule[] = [];
  #nextId = 1;

  add(input: FaultInput, memberId: string | null = null): FaultRule {
    const parsed = faultInputSchema.parse(input);
    const rule: FaultRule = {
      id: this.#nextId++,
      status: parsed.status ?? null,
      remaining: parsed.count,
      retryAfterSeconds: parsed.retryAfterSeconds,
      pathPrefix: parsed.pathPrefix,
      delayMs: parsed.delayMs,
      memberId,
    };
    this.#rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.#rules = [];
  }

  /** Consumes one use of the first rule whose pathPrefix (and member, when set) matches. */
  take(path: string, memberId?: string): FaultRule | undefined {
    const rule = this.#rules.find(
      (r) => path.startsWith(r.pathPrefix) && (r.memberId === null || r.memberId === memberId),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
    return { ...rule };
  }
}

const FAULT_CODES: Record<Exclude<FaultStatus, 429>, { code: string; message: string }> = {
  500: { code: 'internal_server_error', message: 'An unexpected error occurred, please try again later.' },
  502: { code: 'bad_gateway', message: 'Bad gateway, please try again later.' },
  503: { code: 'service_unavailable', message: 'The service is temporarily unavailable, please try again later.' },
};

export function faultError(status: FaultStatus, retryAfterSeconds: number): AttioError {
  const retryAfter = new Date(Date.now() + retryAfterSeconds * 1000).toUTCString();
  if (status === 429) {
    return new AttioError(
      429,
      'rate_limit_error',
      'rate_limit_exceeded',
      'Rate limit exceeded, please try again later',
      undefined,
      {
        'retry-after': retryAfter,
      },
    );
  }
  const { code, message } = FAULT_CODES[status];
  return new AttioError(
    status,
    'api_error',
    code,
    message,
    undefined,
    status === 503 ? { 'retry-after': retryAfter } : {},
  );
}

export class RequestCounter {
  readonly byPath = new Map<string, number>();
  readonly byRoute = new Map<string, number>();
  total = 0;
  /** Delayed requests whose client hung up before the delay ended (`METHOD /path`, in order). */
  readonly hungUp: string[] = [];

  record(method: string, path: string): void {
    this.total++;
    this.byPath.set(path, (this.byPath.get(path) ?? 0) + 1);
    const route = `${method} ${path}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  clear(): void {
    this.total = 0;
    this.byPath.clear();
    this.byRoute.clear();
    this.hungUp.length = 0;
  }

  toJSON(): Record<string, unknown> {
    return {
      total: this.total,
      byPath: Object.fromEntries(this.byPath),
      byRoute: Object.fromEntries(this.byRoute),
      hungUp: [...this.hungUp],
    };
  }
}

/** Waits `ms`; true when `signal` (the client hanging up) ended the wait first. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}

/** Counts every /v2 request, then applies the next matching fault, if any. */
export function faultMiddleware(
  faults: FaultController,
  counter: RequestCounter,
  auth: () => AuthState,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    counter.record(c.req.method, c.req.path);
    const raw = tokenFromHeader(c.req.header('authorization'));
    const rule = faults.take(c.req.path, raw === null ? undefined : auth().lookup(raw)?.memberId);
    if (rule) {
      // A client that hangs up during the delay is noted (how a test sees a request abandoned); the
      // request then goes on: the stand-in, like a server that did not see the hang-up, finishes it.
      if (rule.delayMs > 0 && (await delay(rule.delayMs, c.req.raw.signal))) {
        counter.hungUp.push(`${c.req.method} ${c.req.path}`);
      }
      if (rule.status !== null) throw faultError(rule.status, rule.retryAfterSeconds);
    }
    return next();
  };
}

const revokeSchema = z.object({
  token: z.string().optional(),
  email: z.string().optional(),
  all: z.boolean().optional(),
});
const resetSchema = z.object({ tokens: z.boolean().optional() });
const scopesSchema = z.union([
  z.object({ scopes: z.array(z.enum(KNOWN_SCOPES)) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function badRequest(message: string): Response {
  return jsonResponse({ error: message }, 400);
}

export interface ControlDeps {
  faults: FaultController;
  counter: RequestCounter;
  auth: () => AuthState;
  reset: (options: { tokens: boolean }) => void;
  memberIdForEmail: (email: string) => string | undefined;
}

export function registerControlRoutes(app: Hono, deps: ControlDeps): void {
  app.get('/_standin/health', () => jsonResponse({ ok: true }));

  app.post('/_standin/faults', async (c) => {
    const parsed = faultInputSchema.safeParse(await jsonBody(c.req.raw));
    if (!parsed.success)
      return badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const { memberEmail } = parsed.data;
    const memberId = memberEmail === undefined ? null : (deps.memberIdForEmail(memberEmail) ?? null);
    if (memberEmail !== undefined && memberId === null)
      return badRequest(`No workspace member has the email ${memberEmail}.`);
    return jsonResponse({ data: deps.faults.add(parsed.data, memberId) });
  });

  app.get('/_standin/faults', () => jsonResponse({ data: deps.faults.list() }));

  app.delete('/_standin/faults', () => {
    deps.faults.clear();
    return jsonResponse({ ok: true });
  });

  app.post('/_standin/revoke', async (c) => {
    const parsed = revokeSchema.safeParse(await jsonBody(c.req.raw));
    if (
      !parsed.success ||
      (parsed.data.token === undefined && parsed.data.email === undefined && parsed.data.all !== true)
    ) {
      return badRequest(
        'Body must be { "token": "<access token>" }, { "email": "<member email>" } or { "all": true }.',
      );
    }
    const { token, email, all } = parsed.data;
    const memberId = email === undefined ? undefined : deps.memberIdForEmail(email);
    if (email !== undefined && memberId === undefined) return badRequest(`No workspace member has the email ${email}.`);
    return jsonResponse({ revoked: deps.auth().revoke({ token, memberId, all }) });
  });

  app.post('/_standin/reset', async (c) => {
    const parsed = resetSchema.safeParse(await jsonBody(c.req.raw));
    if (!parsed.success) return badRequest('Body must be {} or { "tokens": true }.');
    deps.reset({ tokens: parsed.data.tokens ?? false });
    return jsonResponse({ ok: true });
  });

  // The scopes of the tokens issued from now on, as an Attio app configured with these scopes.
  app.post('/_standin/scopes', async (c) => {
    const parsed = scopesSchema.safeParse(await jsonBody(c.req.raw));
    if (!parsed.success) {
      return badRequest(
        `Body must be { "scopes": [...] } (Attio scope names, e.g. "record_permission:read") or { "all": true }.`,
      );
    }
    deps.auth().setScopes('scopes' in parsed.data ? parsed.data.scopes : null);
    return jsonResponse({ scopes: deps.auth().nextScopes });
  });

  app.get('/_standin/scopes', () => jsonResponse({ scopes: deps.auth().nextScopes }));

  app.get('/_standin/requests', () => jsonResponse(deps.counter.toJSON()));

  app.delete('/_standin/requests', () => {
    deps.counter.clear();
    return jsonResponse({ ok: true });
  });
}
