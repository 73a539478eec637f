// api.github.com's request pipeline: User-Agent check, token resolution, request
// log, faults, rate limit accounting, API version, then the routes; every answer
// gets GitHub's headers (x-ratelimit-*, x-oauth-scopes, x-accepted-oauth-scopes,
// x-github-request-id, x-github-media-type, CORS).
import { type Context, Hono } from 'hono';
import { type AccessToken, type AuthState, hasScope, tokenFromHeader } from './auth.ts';
import { type FaultController, type FaultStatus, faultError, newRequestId, type RequestLog } from './control.ts';
import { badCredentials, DOCS, GitHubError, notFound, requiresAuthentication, userAgentRequired } from './errors.ts';
import { type RateLimits, rateHeaders, resourceFor } from './ratelimit.ts';
import { Renderer } from './render.ts';
import type { Repo, Store, User } from './store.ts';

export const SUPPORTED_API_VERSIONS = ['2022-11-28', '2026-03-10'];

export interface ApiCtx {
  store: Store;
  auth: AuthState;
  token: AccessToken | null;
  user: User | null;
  scopes: string[];
  /** Origin of the API URLs in answers (the stand-in itself unless configured). */
  apiBase: string;
  /** Origin of html_url (https://github.com unless configured). */
  webBase: string;
  render: Renderer;
  requestId: string;
}

export type ApiEnv = { Bindings: { ctx: ApiCtx } };
export type ApiContext = Context<ApiEnv>;

export interface ApiDeps {
  store: () => Store;
  auth: () => AuthState;
  faults: FaultController;
  requests: RequestLog;
  rateLimits: RateLimits;
  apiBaseUrl?: string;
  webBaseUrl: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const EXPOSED_HEADERS =
  'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset';

/** The signed-in user, or 401 "Requires authentication" (with the endpoint's documentation URL). */
export function requireUser(c: ApiContext, documentationUrl: string): User {
  const user = c.env.ctx.user;
  if (!user) throw requiresAuthentication(documentationUrl);
  return user;
}

/** Whether the caller may see the repository: public, or private with the repo scope and access. */
export function canRead(ctx: ApiCtx, repo: Repo): boolean {
  if (!repo.private) return true;
  return ctx.user !== null && hasScope(ctx.scopes, 'repo') && ctx.store.permissionOf(ctx.user, repo) !== null;
}

/** The repository named in the path, or 404 (missing and invisible look the same, as on GitHub). */
export function repoFromPath(c: ApiContext, documentationUrl: string): Repo {
  const ctx = c.env.ctx;
  const repo = ctx.store.repoByFullName(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  if (!repo || !canRead(ctx, repo)) throw notFound(documentationUrl);
  return repo;
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** per_page (default 30, at most 100) and page (from 1), read leniently as GitHub does. */
export function pageParams(c: ApiContext, defaultPerPage = 30): { perPage: number; page: number } {
  const perPageRaw = Number.parseInt(c.req.query('per_page') ?? '', 10);
  const pageRaw = Number.parseInt(c.req.query('page') ?? '', 10);
  return {
    perPage: Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 100) : defaultPerPage,
    page: Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1,
  };
}

/** The Link header for a page of `total` items: prev, next, last, first, as GitHub orders them. */
export function linkHeader(c: ApiContext, page: number, perPage: number, total: number): string | null {
  const last = Math.max(1, Math.ceil(total / perPage));
  const url = new URL(c.req.url);
  const base = `${c.env.ctx.apiBase}${url.pathname}`;
  const at = (n: number): string => {
    const params = new URLSearchParams(url.search);
    params.set('per_page', String(perPage));
    params.set('page', String(n));
    return `<${base}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) {
    links.push(`${at(page + 1)}; rel="next"`);
    links.push(`${at(last)}; rel="last"`);
  }
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.length > 0 ? links.join(', ') : null;
}

/** One page of a list, with its Link header. */
export function paged<T>(
  c: ApiContext,
  items: T[],
  defaultPerPage = 30,
): { items: T[]; headers: Record<string, string> } {
  const { perPage, page } = pageParams(c, defaultPerPage);
  const link = linkHeader(c, page, perPage, items.length);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: link === null ? {} : { link },
  };
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) if (!merged.has(name)) merged.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

export function createApi(
  deps: ApiDeps,
  register: (api: Hono<ApiEnv>) => void,
): (request: Request) => Promise<Response> {
  const routes = new Hono<ApiEnv>();
  routes.onError((error) => {
    if (error instanceof GitHubError) return error.toResponse();
    console.error('[github-standin] unhandled error', error);
    return new GitHubError(500, 'Server Error').toResponse();
  });
  routes.notFound(() => notFound().toResponse());
  register(routes);

  return async (request: Request): Promise<Response> => {
    const userAgent = request.headers.get('user-agent');
    if (userAgent === null || userAgent.trim() === '') return userAgentRequired();

    const url = new URL(request.url);
    const store = deps.store();
    const auth = deps.auth();
    const authorization = request.headers.get('authorization');
    const raw = tokenFromHeader(authorization ?? undefined);
    const token = raw === null ? null : (auth.lookup(raw) ?? null);
    const user = token ? (store.users.get(token.userId) ?? null) : null;
    const requestId = newRequestId();
    const apiBase = (deps.apiBaseUrl ?? url.origin).replace(/\/+$/, '');
    const ctx: ApiCtx = {
      store,
      auth,
      token,
      user,
      scopes: token?.scopes ?? [],
      apiBase,
      webBase: deps.webBaseUrl.replace(/\/+$/, ''),
      render: new Renderer(store, apiBase, deps.webBaseUrl.replace(/\/+$/, ''), user),
      requestId,
    };

    const caller = user ? user.id : null;
    const resource = resourceFor(url.pathname);
    const rate =
      url.pathname === '/rate_limit' ? deps.rateLimits.peek(caller, resource) : deps.rateLimits.hit(caller, resource);

    let response: Response;
    try {
      response = await respond();
    } catch (error) {
      response = error instanceof GitHubError ? error.toResponse() : new GitHubError(500, 'Server Error').toResponse();
    }

    const headers: Record<string, string> = {
      ...rateHeaders(rate),
      'x-github-request-id': requestId,
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': request.headers.get('x-github-api-version') ?? SUPPORTED_API_VERSIONS[0] ?? '',
      'x-accepted-oauth-scopes': '',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': EXPOSED_HEADERS,
      'cache-control': request.method === 'GET' ? 'private, max-age=60, s-maxage=60' : 'private, no-store',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      'x-content-type-options': 'nosniff',
      server: 'github.com',
    };
    if (token) headers['x-oauth-scopes'] = token.scopes.join(', ');
    const final = withHeaders(response, headers);
    deps.requests.record({
      method: request.method,
      path: url.pathname,
      query: url.search,
      status: final.status,
      login: user?.login ?? null,
      userAgent,
      at: new Date().toISOString(),
    });
    return final;

    async function respond(): Promise<Response> {
      const rule = deps.faults.take(url.pathname, user?.login ?? null, true);
      if (rule) {
        if (rule.delayMs > 0) await sleep(rule.delayMs);
        if (rule.status !== null) {
          throw faultError({ ...rule, status: rule.status as FaultStatus }, user, requestId, auth.now(), rate.limit);
        }
      }
      const version = request.headers.get('x-github-api-version');
      if (version !== null && !SUPPORTED_API_VERSIONS.includes(version)) {
        throw new GitHubError(400, `API version ${version} is not supported.`, DOCS.apiVersions);
      }
      // A token that is unknown, revoked or unreadable: 401 on every path, before routing.
      if (authorization !== null && token === null) throw badCredentials();
      return routes.fetch(request, { ctx });
    }
  };
}
