/**
 * Attio stand-in: an in-memory imitation of app.attio.com (OAuth) and
 * api.attio.com (REST v2) serving a deterministic demo workspace. `app.fetch`
 * works in any runtime (Node, workerd); nothing here imports Node-only modules.
 *
 * ── Sign-in form contract (plain HTML forms, no JavaScript) ──────────────────
 *  1. GET /authorize?client_id=…&response_type=code&redirect_uri=…&state=…
 *     Unknown client_id or unregistered redirect_uri (exact match) → 400 HTML
 *     page (never a redirect). response_type other than "code" → 302 to
 *     redirect_uri?error=unsupported_response_type&state=….
 *     Otherwise 200 HTML with one form:
 *       <form method="post" action="/authorize/sign-in">
 *         hidden: client_id, redirect_uri, response_type ("code"), state (if given)
 *         <input name="email" type="email">   <button type="submit">Continue</button>
 *  2. POST /authorize/sign-in (application/x-www-form-urlencoded, fields above)
 *     Any email signs in: a seeded member's email (e.g. demo@example.com, Dana
 *     Demo) picks that member, another email creates a new workspace member. The email picks
 *     the workspace (workspaces.ts): its member's, "Fresh Start" for other @fresh.example
 *     emails, else "Demo Workspace"; the token serves that workspace's data.
 *     Answers 200 HTML "Allow <app> to access Demo Workspace" with one form:
 *       <form method="post" action="/authorize/decision">
 *         hidden: ticket (one-time, 10 min), client_id, redirect_uri, state (if given)
 *         <button name="decision" value="allow">  <button name="decision" value="deny">
 *  3. POST /authorize/decision (ticket, decision, and the hidden fields)
 *     allow → 302 Location: redirect_uri?code=…&state=…
 *     deny  → 302 Location: redirect_uri?error=access_denied&state=…
 *  4. POST /oauth/token (form: client_id, client_secret, grant_type=authorization_code,
 *     code, redirect_uri optional; HTTP Basic client auth also accepted)
 *     → 200 { access_token, token_type: "Bearer" }. Codes are single use and expire
 *     after 10 minutes. Errors use OAuth's { error, error_description }:
 *     401 invalid_client, 400 invalid_grant / invalid_request / unsupported_grant_type.
 *  Tests can drive this without a browser: read each form's action and inputs,
 *  post them back with the email / decision filled in, and follow the Location.
 *
 * ── Control endpoints (test-only, no auth) ───────────────────────────────────
 *  POST   /_standin/faults    { status?: 429|500|502|503, count?: 1, retryAfterSeconds?: 1,
 *                               pathPrefix?: "/v2", delayMs?: 0 }
 *         The next `count` /v2 requests whose path starts with pathPrefix wait delayMs and
 *         then fail with `status` (429: Retry-After HTTP date + Attio's rate_limit_error body;
 *         5xx: Attio-shaped api_error body). Without status the requests are only delayed.
 *  GET    /_standin/faults    pending fault rules;  DELETE /_standin/faults clears them.
 *  POST   /_standin/revoke    { token: "…" } or { all: true } → { revoked: n }. Revoked tokens
 *         get 401 on /v2 and { active: false } from /v2/self.
 *  POST   /_standin/reset     {} or { tokens: true } → restores both seeds and the default scopes,
 *         clears faults and request counts (and with tokens: true, all codes and tokens).
 *  POST   /_standin/scopes    { scopes: [...] } or { all: true } → the scopes of tokens issued from
 *         now on; each /v2 operation needs the scopes of its OpenAPI `security` block (scopes.ts),
 *         else 403 auth_error missing_scopes.  GET /_standin/scopes reads them.
 *  GET    /_standin/requests  { total, byPath: { "/v2/self": 2, … }, byRoute: { "GET /v2/self": 2 },
 *                               hungUp: ["POST /v2/objects/records/search"] } (delayed requests whose
 *                               client hung up before the delay ended)
 *         counts every /v2 request, including failed and faulted ones.
 *  DELETE /_standin/requests  resets the counts.   GET /_standin/health → { ok: true }.
 */
import { Hono } from 'hono';
import { type AppEnv, AuthState, DEFAULT_CLIENT, requireToken } from './auth.ts';
import { registerCommentRoutes } from './comments.ts';
import { FaultController, faultMiddleware, RequestCounter, registerControlRoutes } from './control.ts';
import { AttioError, endpointNotFound } from './errors.ts';
import type { RouteDeps } from './http.ts';
import { registerListRoutes } from './lists.ts';
import { registerMeetingRoutes } from './meetings.ts';
import { registerNoteRoutes } from './notes.ts';
import { registerOAuthRoutes } from './oauth.ts';
import { registerObjectRoutes } from './objects.ts';
import { openApiRequestValidation } from './openapi.ts';
import { registerRecordPage } from './pages.ts';
import { registerRecordRoutes } from './records.ts';
import { requireScopes } from './scopes.ts';
import { registerSearchDelayRoutes, SearchDelay } from './search-delay.ts';
import type { Store } from './store.ts';
import { registerTaskRoutes } from './tasks.ts';
import { registerWorkspaceRoutes } from './workspace.ts';
import { Workspaces } from './workspaces.ts';

export interface StandinClientOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Shown on the consent page ("Allow <name> to access Demo Workspace"). */
  name?: string;
}

export interface AttioStandinOptions {
  /** Extra OAuth clients (the default dev client is always registered). */
  clients?: StandinClientOptions[];
  /** Extra redirect URIs registered for the default client. */
  redirectUris?: string[];
  /** Origin used in records' `web_url` (default https://app.attio.com). */
  baseUrl?: string;
  /** Search lag: a record created or changed less than this many ms ago is not found (default 1000). */
  searchDelayMs?: number;
}

export interface StandinState {
  /** The first workspace's data ("Demo Workspace"); replaced by reset(). */
  readonly store: Store;
  /** Both workspaces: `workspaces.demo` (= store) and `workspaces.fresh` ("Fresh Start"). */
  readonly workspaces: Workspaces;
  readonly auth: AuthState;
  readonly requests: RequestCounter;
  /** Search lag (ms), also set by `POST /_standin/search-delay { ms }`; kept across reset(). */
  readonly searchDelay: SearchDelay;
  /**
   * Restores both seeds and the default token scopes, clears faults and request counts;
   * `tokens: true` also drops codes and tokens.
   */
  reset(options?: { tokens?: boolean }): void;
}

export interface AttioStandin {
  app: Hono;
  state: StandinState;
  faults: FaultController;
}

function internalError(error: unknown): Response {
  if (error instanceof AttioError) return error.toResponse();
  console.error('[attio-standin] unhandled error', error);
  return new AttioError(500, 'api_error', 'internal_server_error', 'An unexpected error occurred.').toResponse();
}

export function createAttioStandin(options: AttioStandinOptions = {}): AttioStandin {
  const webUrlBase = options.baseUrl ?? 'https://app.attio.com';
  const auth = new AuthState();
  auth.addClient({
    ...DEFAULT_CLIENT,
    redirectUris: [...DEFAULT_CLIENT.redirectUris, ...(options.redirectUris ?? [])],
  });
  for (const client of options.clients ?? []) auth.addClient(client);

  const faults = new FaultController();
  const requests = new RequestCounter();
  const searchDelay = new SearchDelay(options.searchDelayMs);
  const workspaces = new Workspaces(webUrlBase);

  const state: StandinState = {
    get store() {
      return workspaces.demo;
    },
    workspaces,
    auth,
    requests,
    searchDelay,
    reset(resetOptions = {}) {
      workspaces.reset();
      auth.setScopes(null);
      faults.clear();
      requests.clear();
      if (resetOptions.tokens) auth.clearGrants();
    },
  };

  const deps: RouteDeps = {
    store: (c) => c.get('store'),
    appIdOf: (clientId) => auth.clients.get(clientId)?.appId ?? clientId,
    searchDelayMs: () => searchDelay.ms,
  };

  const app = new Hono();
  app.onError((error) => internalError(error));
  app.notFound((c) =>
    c.req.path === '/v2' || c.req.path.startsWith('/v2/')
      ? endpointNotFound(c.req.method, c.req.path).toResponse()
      : c.text('Not found', 404),
  );

  registerSearchDelayRoutes(app, searchDelay);
  registerControlRoutes(app, {
    faults,
    counter: requests,
    auth: () => auth,
    reset: (o) => state.reset(o),
    memberIdForEmail: (email) => workspaces.memberByEmail(email)?.member.id,
  });
  registerOAuthRoutes(app, {
    auth: () => auth,
    store: () => workspaces.demo,
    storeForEmail: (email) => workspaces.storeForEmail(email),
  });

  const api = new Hono<AppEnv>();
  api.onError((error) => internalError(error));
  api.use(
    '*',
    faultMiddleware(faults, requests, () => auth),
  );
  api.use(
    '*',
    requireToken(
      () => auth,
      (token) => workspaces.storeForToken(token),
    ),
  );
  // Each operation's OAuth scopes, from Attio's OpenAPI `security` blocks (scopes.ts).
  api.use('*', requireScopes());
  // Every request is held to Attio's published request schemas (attio-ts-sdk) before a route sees it.
  api.use('*', openApiRequestValidation());
  registerWorkspaceRoutes(api, {
    ...deps,
    auth: () => auth,
    storeForToken: (token) => workspaces.storeForToken(token),
  });
  registerObjectRoutes(api, deps);
  registerRecordRoutes(api, deps);
  registerListRoutes(api, deps);
  registerNoteRoutes(api, deps);
  registerTaskRoutes(api, deps);
  registerCommentRoutes(api, deps);
  registerMeetingRoutes(api, deps);
  app.route('/v2', api);

  registerRecordPage(app, (slug) => workspaces.bySlug(slug));
  return { app, state, faults };
}
