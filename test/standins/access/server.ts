// A Cloudflare-Access-for-SaaS-shaped OpenID Provider on loopback, built on the certified
// `oidc-provider`. Run `node test/standins/access/server.ts` (127.0.0.1:${ACCESS_STANDIN_PORT:-8791});
// tests import startAccessStandin({ port: 0 }). The same provider also takes the shape of Supabase
// Auth's OAuth 2.1 server (startSupabaseAuthStandin, supabase.ts). See README.md next to this file.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Account, errors, type InteractionDetails } from 'oidc-provider';
import { closeServer, listen, listFromEnv, logRequest, runWhenMain } from '../node-host.ts';
import { errorPage, signInPage } from './pages.ts';
import { ProviderStore } from './store.ts';
import { isTamperMode, TAMPER_MODES, type TamperKeys, type TamperMode, tamperIdToken } from './tamper.ts';
import { type AccessUser, looksLikeEmail, SEED_USERS, type SeedUser, UserDirectory } from './users.ts';

export { TAMPER_MODES, type TamperMode } from './tamper.ts';
export { type AccessUser, SEED_USERS, type SeedUser } from './users.ts';

/**
 * What makes the provider look like one product or another: where it is mounted, its endpoint
 * paths, scopes and claims, its signing algorithm, and who may sign in.
 */
export interface ProviderShape {
  /** Shown on the sign-in page and in log lines: "Cloudflare Access". */
  name: string;
  /** The issuer's path on the origin, e.g. `/cdn-cgi/access/sso/oidc/<client id>`. */
  mount(clientId: string): string;
  routes: { authorization: string; token: string; jwks: string; userinfo: string };
  scopes: string[];
  claims: Record<string, string[]>;
  /** The claims of a user, beyond `sub`, for the scopes granted (filtered by `claims`). */
  userClaims(user: AccessUser): Record<string, unknown>;
  algorithm: 'RS256' | 'ES256';
  clientAuthMethods: string[];
  seed: readonly SeedUser[];
  /** Whether an email not in the table signs in as a new user (Access) or is refused (Supabase). */
  unknownUsers: 'sign-up' | 'refuse';
}

/** Access for SaaS puts every OIDC application under this path of the team domain. */
export const ACCESS_OIDC_PATH = '/cdn-cgi/access/sso/oidc';
export const DEFAULT_PORT = 8791;
export const DEFAULT_CLIENT_ID = 'dev-access-client';
export const DEFAULT_CLIENT_SECRET = 'dev-access-secret';
export const DEFAULT_REDIRECT_URIS: readonly string[] = [
  'http://localhost:8788/callback',
  'http://127.0.0.1:8788/callback',
];

/** Cloudflare Access for SaaS: one issuer per application, groups from the identity provider. */
export const ACCESS_SHAPE: ProviderShape = {
  name: 'Cloudflare Access',
  mount: (clientId) => `${ACCESS_OIDC_PATH}/${encodeURIComponent(clientId)}`,
  routes: { authorization: '/authorization', token: '/token', jwks: '/jwks', userinfo: '/userinfo' },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  userClaims: (user) => ({
    email: user.email,
    email_verified: true,
    ...(user.name === undefined ? {} : { name: user.name }),
    groups: [...user.groups],
  }),
  algorithm: 'RS256',
  // client_secret_post is accepted too: oidc-provider treats the two secret methods alike.
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  seed: SEED_USERS,
  unknownUsers: 'sign-up',
};
// Fixed so that cookies signed by one run stay readable by the next (determinism, not secrecy).
const COOKIE_KEYS = ['access-standin-cookie-key-1'];

export interface AccessStandinOptions {
  /** Default: Cloudflare Access (ACCESS_SHAPE). */
  shape?: ProviderShape;
  /** 0 picks a free port. Default 8791. */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Replaces the default redirect URIs. */
  redirectUris?: string[];
  /** Shown on the sign-in page. */
  clientName?: string;
  /** Replaces the seeded users. */
  users?: readonly SeedUser[];
  /** One line per request (method, path, status) on stdout. */
  log?: boolean;
}

export interface AccessStandin {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `${origin}/cdn-cgi/access/sso/oidc/${clientId}` (Access), `${origin}/auth/v1` (Supabase) */
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  endpoints: { discovery: string; authorization: string; token: string; jwks: string; userinfo: string };
  /** The user table: `users.upsert({ email, name, groups })` to add or change someone. */
  users: UserDirectory;
  /** The oidc-provider instance (for events or inspection). */
  provider: Provider;
  /** The next successful token response carries an ID token broken in this way (once). */
  tamperNextIdToken(mode: TamperMode): void;
  /** The pending tamper mode, if any. */
  pendingTamper(): TamperMode | undefined;
  /** Forget sessions, grants, codes and tokens, users added since start, and any pending tamper. */
  reset(): void;
  close(): Promise<void>;
}

type MountableRequest = IncomingMessage & { originalUrl?: string };

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, 'text/html; charset=utf-8', html);
}

/**
 * Buffers everything written to `res` and lets `transform` replace the body before it is sent.
 * oidc-provider (Koa) sets its headers and calls `res.end(body)` once, so the headers are still
 * unsent when `end` is called and Content-Length can be corrected.
 */
function interceptBody(res: ServerResponse, transform: (status: number, body: Buffer) => Promise<Buffer>): void {
  const chunks: Buffer[] = [];
  const toBuffer = (chunk: unknown, encoding?: unknown): Buffer =>
    Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  const originalEnd = res.end.bind(res) as (body?: Buffer) => ServerResponse;
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  };
  const end = (chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, encoding));
    const done = [chunk, encoding, callback].find((a) => typeof a === 'function') as (() => void) | undefined;
    void (async () => {
      const body = Buffer.concat(chunks);
      let out: Buffer = body;
      try {
        out = await transform(res.statusCode, body);
      } catch (error) {
        console.error('[oidc-standin] token response rewrite failed', error);
      }
      if (!res.headersSent) res.setHeader('content-length', out.length);
      originalEnd(out);
      done?.();
    })();
    return res;
  };
  res.write = write as unknown as ServerResponse['write'];
  res.end = end as unknown as ServerResponse['end'];
}

export async function startAccessStandin(options: AccessStandinOptions = {}): Promise<AccessStandin> {
  const shape = options.shape ?? ACCESS_SHAPE;
  const label = `[${shape.name.toLowerCase().replace(/\W+/g, '-')}-standin]`;
  const host = options.host ?? '127.0.0.1';
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const redirectUris = [...(options.redirectUris ?? DEFAULT_REDIRECT_URIS)];
  const clientName = options.clientName ?? 'MCP server (dev)';
  const users = new UserDirectory(options.users ?? shape.seed, shape.unknownUsers);
  const store = new ProviderStore();
  let pending: TamperMode | undefined;

  // Signing key generated per start; the private JWK stays here so that tamper modes can re-sign.
  const signing = await generateKeyPair(shape.algorithm, { extractable: true });
  const privateJwk: JWK = await exportJWK(signing.privateKey);
  privateJwk.kid = await calculateJwkThumbprint(privateJwk);
  privateJwk.alg = shape.algorithm;
  privateJwk.use = 'sig';
  const attacker = await generateKeyPair(shape.algorithm);
  const tamperKeys: TamperKeys = { signingKey: signing.privateKey, attackerKey: attacker.privateKey };

  let handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => {
    sendJson(res, 503, { error: 'starting' });
  };
  const server = createServer((req, res) => {
    const started = Date.now();
    if (options.log) res.on('finish', () => logRequest(req, res.statusCode, started));
    handler(req, res).catch((error: unknown) => {
      console.error(`${label} request failed`, error);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.end();
    });
  });
  const port = await listen(server, options.port ?? DEFAULT_PORT, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const prefix = shape.mount(clientId);
  const issuer = `${origin}${prefix}`;

  const provider = new Provider(issuer, {
    adapter: (model: string) => store.adapterFor(model),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        client_name: clientName,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: shape.algorithm,
      },
    ],
    clientAuthMethods: shape.clientAuthMethods,
    enabledJWA: { idTokenSigningAlgValues: [shape.algorithm] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    // Put the scope-granted claims (email, name, groups) in the ID token, as Access and Supabase do.
    conformIdTokenClaims: false,
    scopes: shape.scopes,
    claims: shape.claims,
    findAccount: (_ctx: unknown, sub: string): Account | undefined => {
      const user = users.findBySub(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: () => ({ sub: user.sub, ...shape.userClaims(user) }),
      };
    },
    jwks: { keys: [privateJwk as Record<string, unknown>] },
    cookies: { keys: COOKIE_KEYS },
    // Explicit lifetimes (oidc-provider prints a notice for each default it falls back to).
    // Sessions last 24 hours, Access's default session duration.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Grant: 86400, Session: 86400 },
    routes: shape.routes,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: false },
      introspection: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${prefix}/interaction/${interaction.uid}` },
    renderError: (ctx: { type: string; body: string }, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = errorPage('Sign-in failed', `${out.error ?? 'error'}: ${out.error_description ?? ''}`);
    },
  });
  provider.on('server_error', (_ctx, error) => console.error(`${label} server_error`, error));
  const callback = provider.callback();

  const endpoints = {
    discovery: `${issuer}/.well-known/openid-configuration`,
    authorization: `${issuer}${shape.routes.authorization}`,
    token: `${issuer}${shape.routes.token}`,
    jwks: `${issuer}${shape.routes.jwks}`,
    userinfo: `${issuer}${shape.routes.userinfo}`,
  };

  const tamperNextIdToken = (mode: TamperMode): void => {
    if (!isTamperMode(mode)) throw new TypeError(`unknown tamper mode ${String(mode)} (${TAMPER_MODES.join(', ')})`);
    pending = mode;
  };
  const reset = (): void => {
    store.clear();
    users.reset();
    pending = undefined;
  };

  const tamperTokenResponse = async (status: number, body: Buffer): Promise<Buffer> => {
    const mode = pending;
    if (status !== 200 || mode === undefined) return body;
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof json.id_token !== 'string') return body;
    pending = undefined;
    json.id_token = await tamperIdToken(json.id_token, mode, tamperKeys);
    return Buffer.from(JSON.stringify(json));
  };

  const signInAction = (uid: string): string => `${prefix}/interaction/${encodeURIComponent(uid)}`;
  const requestedScopes = (details: InteractionDetails): string[] =>
    String(details.params.scope ?? '')
      .split(' ')
      .filter((s) => shape.scopes.includes(s));

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        sendHtml(res, 400, errorPage('Sign-in expired', 'This sign-in request is unknown or expired. Start again.'));
        return;
      }
      throw error;
    }
    if (details.uid !== uid) {
      sendHtml(res, 400, errorPage('Sign-in expired', 'This sign-in request does not match your session.'));
      return;
    }
    const page = (status: number, email: string | undefined, error?: string): void =>
      sendHtml(
        res,
        status,
        signInPage({
          provider: shape.name,
          anyEmail: shape.unknownUsers === 'sign-up',
          action: signInAction(uid),
          clientName,
          scopes: requestedScopes(details),
          seedEmails: users.list().map((u) => u.email),
          ...(email === undefined ? {} : { email }),
          ...(error === undefined ? {} : { error }),
        }),
      );

    if (req.method === 'GET' || req.method === 'HEAD') {
      const current = details.session ? users.findBySub(details.session.accountId) : undefined;
      page(200, current?.email);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      sendHtml(res, 405, errorPage('Method not allowed', 'Use the sign-in form.'));
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const decision = form.get('decision');
    if (decision === 'deny') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user denied access.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (decision !== 'allow') {
      page(400, form.get('email') ?? undefined, 'Choose Sign in or Deny.');
      return;
    }
    const email = (form.get('email') ?? '').trim();
    if (!looksLikeEmail(email)) {
      page(400, email, 'Enter a valid email address.');
      return;
    }
    const user = users.signIn(email);
    if (!user) {
      page(
        400,
        email,
        `No user with this email: sign in as one of ${users
          .list()
          .map((u) => u.email)
          .join(', ')}.`,
      );
      return;
    }
    // Consent is implied (Access has no consent screen; Supabase's is the project's own page,
    // which this sign-in step stands for): grant what the client asked for.
    const grant = new provider.Grant({ accountId: user.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(requestedScopes(details).join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const readJson = async (): Promise<Record<string, unknown>> => {
      const text = await readBody(req);
      if (text.trim() === '') return {};
      const parsed: unknown = JSON.parse(text);
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    };
    if (path === '/_standin/health' && method === 'GET') {
      sendJson(res, 200, { ok: true, issuer, clientId });
      return;
    }
    if (path === '/_standin/reset' && method === 'POST') {
      reset();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (path === '/_standin/tamper') {
      if (method === 'GET') {
        sendJson(res, 200, { pending: pending ?? null, modes: TAMPER_MODES });
        return;
      }
      if (method === 'DELETE') {
        pending = undefined;
        sendJson(res, 200, { pending: null });
        return;
      }
      if (method === 'POST') {
        let body: Record<string, unknown>;
        try {
          body = await readJson();
        } catch {
          sendJson(res, 400, { error: 'invalid_json' });
          return;
        }
        if (!isTamperMode(body.mode)) {
          sendJson(res, 400, { error: 'invalid_mode', modes: TAMPER_MODES });
          return;
        }
        pending = body.mode;
        sendJson(res, 200, { pending });
        return;
      }
    }
    if (path === '/_standin/users') {
      if (method === 'GET') {
        sendJson(res, 200, { users: users.list() });
        return;
      }
      if (method === 'POST') {
        const body = await readJson().catch(() => ({}) as Record<string, unknown>);
        const groups = Array.isArray(body.groups) ? body.groups.filter((g) => typeof g === 'string') : [];
        if (typeof body.email !== 'string' || !looksLikeEmail(body.email.trim())) {
          sendJson(res, 400, { error: 'invalid_email' });
          return;
        }
        const user = users.upsert({
          email: body.email,
          groups,
          ...(typeof body.name === 'string' ? { name: body.name } : {}),
        });
        sendJson(res, 200, { user });
        return;
      }
    }
    sendJson(res, 404, { error: 'not_found' });
  }

  handler = async (req, res) => {
    const rawUrl = req.url ?? '/';
    const path = new URL(rawUrl, origin).pathname;
    if (path.startsWith('/_standin/')) return control(req, res, path);
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      const rest = path.slice(prefix.length);
      const match = /^\/interaction\/([^/]+)$/.exec(rest);
      if (match?.[1] !== undefined) return interaction(req, res, decodeURIComponent(match[1]));
      if (rest === shape.routes.token && req.method === 'POST' && pending !== undefined) {
        interceptBody(res, tamperTokenResponse);
      }
      // Mount oidc-provider under the prefix: it derives the mount path (for the endpoint URLs it
      // prints in discovery and redirects) from req.originalUrl minus req.url.
      const mounted = req as MountableRequest;
      mounted.originalUrl = rawUrl;
      mounted.url = rawUrl.slice(prefix.length) || '/';
      return callback(mounted, res);
    }
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, { issuer, discovery: endpoints.discovery });
      return;
    }
    sendJson(res, 404, { error: 'not_found' });
  };

  return {
    origin,
    issuer,
    clientId,
    clientSecret,
    redirectUris,
    endpoints,
    users,
    provider,
    tamperNextIdToken,
    pendingTamper: () => pending,
    reset,
    close: () => closeServer(server),
  };
}

runWhenMain(import.meta.url, async () => {
  const port = Number(process.env.ACCESS_STANDIN_PORT ?? String(DEFAULT_PORT));
  const extra = listFromEnv('ACCESS_STANDIN_REDIRECT_URIS');
  const running = await startAccessStandin({ port, redirectUris: [...DEFAULT_REDIRECT_URIS, ...extra], log: true });
  console.log(`Cloudflare Access stand-in: issuer ${running.issuer}`);
  console.log(`  client_id ${running.clientId}, client_secret ${running.clientSecret}`);
  console.log(`  redirect URIs ${running.redirectUris.join(', ')}`);
  return running;
});
