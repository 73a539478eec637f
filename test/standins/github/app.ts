/**
 * GitHub stand-in: an in-memory imitation of github.com's OAuth app flow and
 * api.github.com's REST API, on one origin (REST at root paths, as api.github.com
 * has them), serving a deterministic seed. `app.fetch` works in any runtime (Node,
 * workerd); nothing here imports Node-only modules. Contract: README.md.
 *
 *  github.com   GET  /login/oauth/authorize            → sign-in form (or 400 page / error redirect)
 *               POST /login/oauth/authorize/sign-in    → "Authorize <app>" page
 *               POST /login/oauth/authorize/decision   → 302 redirect_uri?code=…&state=… (or access_denied)
 *               POST /login/oauth/access_token         → token (JSON, XML or form by Accept); errors are HTTP 200
 *  api          GET  /user, /user/emails, /user/orgs, /user/repos, /users/{u}, /orgs/{org}[/members|/public_members],
 *                    /repos/{o}/{r}, /repos/{o}/{r}/issues[/{n}[/comments]], /search/issues, /rate_limit
 *               POST /repos/{o}/{r}/issues
 *  control      /_standin/faults, /_standin/revoke, /_standin/tokens, /_standin/reset, /_standin/requests,
 *               /_standin/health
 */
import { Hono } from 'hono';
import { AuthState, DEFAULT_CLIENT, normalizeScopes } from './auth.ts';
import { FaultController, RequestLog, registerControlRoutes } from './control.ts';
import { registerIssueRoutes } from './issues.ts';
import { registerOAuthRoutes } from './oauth.ts';
import { RateLimits } from './ratelimit.ts';
import { registerRepoRoutes } from './repos.ts';
import { createApi } from './rest.ts';
import { registerSearchRoutes } from './search.ts';
import { createSeedStore } from './seed.ts';
import type { Store } from './store.ts';
import { registerUserRoutes } from './users.ts';

export { DEFAULT_CLIENT } from './auth.ts';
export { SEED_IDS } from './seed.ts';

export interface StandinClientOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Shown on the authorize page ("Authorize <name>"). */
  name?: string;
  owner?: string;
}

export interface GitHubStandinOptions {
  /** Extra OAuth apps (the default dev client is always registered). */
  clients?: StandinClientOptions[];
  /** Extra redirect (callback) URIs registered for the default client. */
  redirectUris?: string[];
  /** Origin of html_url values (default https://github.com). */
  webBaseUrl?: string;
  /** Origin of the API URLs in answers (default: the origin each request was made to). */
  apiBaseUrl?: string;
}

export interface StandinState {
  /** The current data; replaced by reset(). */
  readonly store: Store;
  readonly auth: AuthState;
  readonly requests: RequestLog;
  readonly rateLimits: RateLimits;
  /** Restores the seed, clears faults, request log and rate counters; `tokens: true` also drops codes and tokens. */
  reset(options?: { tokens?: boolean }): void;
  /** Mints a token for a user without the browser flow (scope: space- or comma-separated). */
  createToken(login: string, scope?: string, clientId?: string): string;
}

export interface GitHubStandin {
  app: Hono;
  state: StandinState;
  faults: FaultController;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createGitHubStandin(options: GitHubStandinOptions = {}): GitHubStandin {
  const auth = new AuthState();
  auth.addClient({
    ...DEFAULT_CLIENT,
    redirectUris: [...DEFAULT_CLIENT.redirectUris, ...(options.redirectUris ?? [])],
  });
  for (const client of options.clients ?? []) auth.addClient(client);

  const faults = new FaultController();
  const requests = new RequestLog();
  const rateLimits = new RateLimits();
  let store = createSeedStore();

  const state: StandinState = {
    get store() {
      return store;
    },
    auth,
    requests,
    rateLimits,
    reset(resetOptions = {}) {
      store = createSeedStore();
      faults.clear();
      requests.clear();
      rateLimits.clear();
      if (resetOptions.tokens) auth.clearGrants();
    },
    createToken(login, scope = '', clientId = DEFAULT_CLIENT.clientId) {
      const user = store.userByLogin(login);
      if (!user) throw new Error(`No user has the login ${login}.`);
      return auth.issueToken(clientId, user.id, normalizeScopes(scope)).token;
    },
  };

  const api = createApi(
    {
      store: () => store,
      auth: () => auth,
      faults,
      requests,
      rateLimits,
      apiBaseUrl: options.apiBaseUrl,
      webBaseUrl: options.webBaseUrl ?? 'https://github.com',
    },
    (routes) => {
      registerUserRoutes(routes, { rateLimits });
      registerRepoRoutes(routes);
      registerIssueRoutes(routes);
      registerSearchRoutes(routes);
    },
  );

  const app = new Hono();
  app.onError((error) => {
    console.error('[github-standin] unhandled error', error);
    return new Response('Internal error', { status: 500 });
  });

  registerControlRoutes(app, {
    faults,
    requests,
    auth: () => auth,
    store: () => store,
    reset: (o) => state.reset(o),
  });

  // Faults on github.com's pages apply only to rules whose pathPrefix starts with /login.
  app.use('/login/*', async (c, next) => {
    const rule = faults.take(c.req.path, null, false);
    if (rule) {
      if (rule.delayMs > 0) await sleep(rule.delayMs);
      if (rule.status !== null) {
        return c.html(
          `<!doctype html><title>GitHub</title><h1>${rule.status === 429 || rule.status === 403 ? 'Too many requests' : 'Unicorn! This page is taking too long to load.'}</h1>`,
          rule.status,
          rule.status === 429 || rule.status === 503 ? { 'retry-after': String(rule.retryAfterSeconds) } : {},
        );
      }
    }
    return next();
  });
  registerOAuthRoutes(app, { auth: () => auth, store: () => store });

  // Everything else is api.github.com.
  app.all('*', (c) => api(c.req.raw));
  return { app, state, faults };
}
