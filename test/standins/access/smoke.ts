// Smoke test of the Access stand-in, as a relying party would use it: discovery, the
// authorization code flow with PKCE and nonce through the HTML sign-in form (plain fetch and a
// cookie jar), ID-token verification with jose, the deny path, and every tamper mode rejected.
// Run: node test/standins/access/smoke.ts  (prints one line per check; exit code 1 on failure)
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import { ACCESS_OIDC_PATH, type AccessStandin, startAccessStandin, TAMPER_MODES, type TamperMode } from './server.ts';

let failures = 0;

function check(name: string, ok: boolean, detail?: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures++;
}

class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = setCookie.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function go(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

const unescapeHtml = (s: string): string =>
  s.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
const b64url = (buffer: Buffer): string => buffer.toString('base64url');

interface Pkce {
  verifier: string;
  challenge: string;
}

function newPkce(): Pkce {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface FlowInput {
  jar?: CookieJar;
  email?: string;
  decision?: 'allow' | 'deny';
  state?: string;
  nonce?: string;
  pkce?: Pkce | null;
}

interface FlowResult {
  /** The redirect to the relying party's redirect URI. */
  callback: URL;
  /** Whether the sign-in form was shown. */
  formShown: boolean;
  state: string;
  nonce: string;
  pkce: Pkce | null;
}

/** Follows the authorization flow in a fetch "browser" until it redirects to the redirect URI. */
async function authorize(standin: AccessStandin, redirectUri: string, input: FlowInput = {}): Promise<FlowResult> {
  const jar = input.jar ?? new CookieJar();
  const state = input.state ?? b64url(randomBytes(12));
  const nonce = input.nonce ?? b64url(randomBytes(12));
  const pkce = input.pkce === undefined ? newPkce() : input.pkce;
  const params = new URLSearchParams({
    client_id: standin.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid email profile groups',
    state,
    nonce,
  });
  if (pkce) {
    params.set('code_challenge', pkce.challenge);
    params.set('code_challenge_method', 'S256');
  }
  let url = `${standin.endpoints.authorization}?${params}`;
  let init: RequestInit = {};
  let formShown = false;
  for (let hop = 0; hop < 10; hop++) {
    const response = await go(jar, url, init);
    init = {};
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return { callback: next, formShown, state, nonce, pkce };
      url = next.href;
      continue;
    }
    const html = await response.text();
    const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
    if (response.status !== 200 || !form?.[1] || formShown) {
      throw new Error(`unexpected ${response.status} at ${new URL(url).pathname}: ${html.slice(0, 200)}`);
    }
    for (const needle of [/<input[^>]*name="email"/, /name="decision" value="allow"/, /name="decision" value="deny"/]) {
      if (!needle.test(html)) throw new Error(`sign-in form lacks ${needle}`);
    }
    formShown = true;
    url = new URL(unescapeHtml(form[1]), url).href;
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: input.email ?? 'alice@example.com', decision: input.decision ?? 'allow' }),
    };
  }
  throw new Error('too many redirects');
}

interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

async function exchange(
  standin: AccessStandin,
  redirectUri: string,
  code: string,
  verifier: string,
  auth: 'basic' | 'post' = 'basic',
): Promise<TokenResponse> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  form.set('code_verifier', verifier);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') {
    const credentials = `${encodeURIComponent(standin.clientId)}:${encodeURIComponent(standin.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    form.set('client_id', standin.clientId);
    form.set('client_secret', standin.clientSecret);
  }
  const response = await fetch(standin.endpoints.token, { method: 'POST', headers, body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

class NonceMismatch extends Error {
  readonly code = 'NONCE_MISMATCH';
}

/** What the relying party must do with an ID token: signature, alg, iss, aud, exp, then nonce. */
async function verifyIdToken(
  standin: AccessStandin,
  jwks: ReturnType<typeof createRemoteJWKSet>,
  idToken: string,
  nonce: string,
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer: standin.issuer,
    audience: standin.clientId,
    algorithms: ['RS256'],
  });
  if (payload.nonce !== nonce) throw new NonceMismatch(`nonce mismatch: got ${String(payload.nonce)}`);
  return payload;
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code ?? error.name;
  const claim = (error as { claim?: string }).claim;
  return `${code}${claim ? ` [${claim}]` : ''}: ${error.message}`;
}

const EXPECTED_REJECTION: Record<TamperMode, RegExp> = {
  audience: /^ERR_JWT_CLAIM_VALIDATION_FAILED \[aud\]/,
  signature: /^ERR_JWS_SIGNATURE_VERIFICATION_FAILED/,
  issuer: /^ERR_JWT_CLAIM_VALIDATION_FAILED \[iss\]/,
  expired: /^ERR_JWT_EXPIRED/,
  nonce: /^NONCE_MISMATCH/,
  'alg-none': /^ERR_JOSE_ALG_NOT_ALLOWED/,
};

async function main(): Promise<void> {
  const standin = await startAccessStandin({ port: 0 });
  const redirectUri = standin.redirectUris[0] ?? 'http://localhost:8788/callback';
  const jwks = createRemoteJWKSet(new URL(standin.endpoints.jwks));
  try {
    // Discovery, in Access for SaaS's shape.
    const issuer = `${standin.origin}${ACCESS_OIDC_PATH}/${standin.clientId}`;
    check('issuer is <origin>/cdn-cgi/access/sso/oidc/<client_id>', standin.issuer === issuer, standin.issuer);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    check('discovery issuer', discovery.issuer === issuer);
    for (const [field, suffix] of [
      ['authorization_endpoint', '/authorization'],
      ['token_endpoint', '/token'],
      ['jwks_uri', '/jwks'],
      ['userinfo_endpoint', '/userinfo'],
    ] as const) {
      check(
        `discovery ${field} = <issuer>${suffix}`,
        discovery[field] === `${issuer}${suffix}`,
        String(discovery[field]),
      );
    }
    const listed = (field: string, value: string): boolean =>
      Array.isArray(discovery[field]) && (discovery[field] as unknown[]).includes(value);
    check('discovery: PKCE S256', listed('code_challenge_methods_supported', 'S256'));
    check('discovery: scope groups', listed('scopes_supported', 'groups'));
    check('discovery: RS256 ID tokens', listed('id_token_signing_alg_values_supported', 'RS256'));
    const health = await fetch(`${standin.origin}/_standin/health`);
    check('GET /_standin/health', health.status === 200 && ((await health.json()) as { ok?: boolean }).ok === true);

    // Full flow as Alice.
    const jar = new CookieJar();
    const flow = await authorize(standin, redirectUri, { jar, email: 'Alice@Example.com' });
    const code = flow.callback.searchParams.get('code');
    check('sign-in form shown, allow redirects with code', flow.formShown && code !== null);
    check('callback state echoed', flow.callback.searchParams.get('state') === flow.state);
    check('callback iss parameter', flow.callback.searchParams.get('iss') === issuer);
    const tokens = await exchange(standin, redirectUri, code ?? '', flow.pkce?.verifier ?? '');
    check('token endpoint (client_secret_basic)', tokens.status === 200, JSON.stringify(tokens.body).slice(0, 120));
    const idToken = String(tokens.body.id_token);
    try {
      const claims = await verifyIdToken(standin, jwks, idToken, flow.nonce);
      check('ID token verifies (jwks, iss, aud, exp, RS256, nonce)', true);
      check('ID token email', claims.email === 'alice@example.com', String(claims.email));
      check('ID token name', claims.name === 'Alice Admin', String(claims.name));
      check(
        'ID token groups',
        JSON.stringify(claims.groups) === JSON.stringify(['engineering', 'admins']),
        JSON.stringify(claims.groups),
      );
      check(
        'ID token sub is a UUID',
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(claims.sub)),
      );
    } catch (error) {
      check('ID token verifies (jwks, iss, aud, exp, RS256, nonce)', false, reason(error));
    }
    const userinfo = await fetch(standin.endpoints.userinfo, {
      headers: { authorization: `Bearer ${String(tokens.body.access_token)}` },
    });
    const info = (await userinfo.json()) as Record<string, unknown>;
    check('userinfo', userinfo.status === 200 && info.email === 'alice@example.com' && Array.isArray(info.groups));

    // Session reuse (Access keeps the user signed in).
    const again = await authorize(standin, redirectUri, { jar });
    check(
      'second authorization reuses the session (no form)',
      !again.formShown && again.callback.searchParams.has('code'),
    );

    // A replayed code fails and revokes what was issued with it (and the grant behind it).
    const replay = await exchange(standin, redirectUri, code ?? '', flow.pkce?.verifier ?? '');
    check('code is single-use', replay.status === 400 && replay.body.error === 'invalid_grant');
    const revoked = await fetch(standin.endpoints.userinfo, {
      headers: { authorization: `Bearer ${String(tokens.body.access_token)}` },
    });
    check('code replay revokes its access token', revoked.status === 401);

    // Reset forgets sessions.
    const reset = await fetch(`${standin.origin}/_standin/reset`, { method: 'POST' });
    check('POST /_standin/reset', reset.status === 200);
    const afterReset = await authorize(standin, redirectUri, { jar, email: 'bob@contractor.test' });
    check('after reset the form is shown again', afterReset.formShown && afterReset.callback.searchParams.has('code'));

    // Other users, client_secret_post.
    const carol = await authorize(standin, redirectUri, { email: 'carol@example.com' });
    const carolTokens = await exchange(
      standin,
      redirectUri,
      carol.callback.searchParams.get('code') ?? '',
      carol.pkce?.verifier ?? '',
      'post',
    );
    check('token endpoint (client_secret_post)', carolTokens.status === 200);
    const carolClaims = await verifyIdToken(standin, jwks, String(carolTokens.body.id_token), carol.nonce);
    check(
      'carol: groups [sales], no name',
      JSON.stringify(carolClaims.groups) === '["sales"]' && carolClaims.name === undefined,
    );
    const dave = await authorize(standin, redirectUri, { email: 'dave@elsewhere.test' });
    const daveTokens = await exchange(
      standin,
      redirectUri,
      dave.callback.searchParams.get('code') ?? '',
      dave.pkce?.verifier ?? '',
    );
    const daveClaims = await verifyIdToken(standin, jwks, String(daveTokens.body.id_token), dave.nonce);
    check(
      'unknown email signs in with no groups',
      daveClaims.email === 'dave@elsewhere.test' && JSON.stringify(daveClaims.groups) === '[]',
    );

    // Deny.
    const denied = await authorize(standin, redirectUri, { decision: 'deny' });
    check(
      'deny redirects with error=access_denied',
      denied.callback.searchParams.get('error') === 'access_denied' && !denied.callback.searchParams.has('code'),
      denied.callback.search,
    );
    check(
      'deny error_description',
      denied.callback.searchParams.get('error_description') === 'The user denied access.',
    );
    check('deny echoes state', denied.callback.searchParams.get('state') === denied.state);

    // PKCE is required and checked.
    const noPkce = await authorize(standin, redirectUri, { pkce: null });
    check(
      'authorization without code_challenge is refused',
      noPkce.callback.searchParams.get('error') === 'invalid_request' && !noPkce.formShown,
      noPkce.callback.searchParams.get('error_description') ?? '',
    );
    const wrongVerifier = await authorize(standin, redirectUri);
    const wrong = await exchange(
      standin,
      redirectUri,
      wrongVerifier.callback.searchParams.get('code') ?? '',
      newPkce().verifier,
    );
    check('wrong code_verifier gets invalid_grant', wrong.status === 400 && wrong.body.error === 'invalid_grant');

    // Tamper modes: each forged ID token must be rejected, for the right reason.
    const badMode = await fetch(`${standin.origin}/_standin/tamper`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'bogus' }),
    });
    check('POST /_standin/tamper rejects an unknown mode', badMode.status === 400);
    for (const [index, mode] of TAMPER_MODES.entries()) {
      if (index % 2 === 0) {
        standin.tamperNextIdToken(mode);
      } else {
        const set = await fetch(`${standin.origin}/_standin/tamper`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mode }),
        });
        if (set.status !== 200) check(`POST /_standin/tamper ${mode}`, false, String(set.status));
      }
      const via = index % 2 === 0 ? 'in-process' : 'HTTP';
      const tampered = await authorize(standin, redirectUri, { email: 'bob@contractor.test' });
      const response = await exchange(
        standin,
        redirectUri,
        tampered.callback.searchParams.get('code') ?? '',
        tampered.pkce?.verifier ?? '',
      );
      const token = String(response.body.id_token);
      const forged = decodeJwt(token);
      const sameClaims = forged.email === 'bob@contractor.test' && JSON.stringify(forged.groups) === '["contractors"]';
      try {
        await verifyIdToken(standin, jwks, token, tampered.nonce);
        check(`tamper ${mode} (${via}) is rejected`, false, 'verification PASSED');
      } catch (error) {
        const why = reason(error);
        check(`tamper ${mode} (${via}) is rejected`, EXPECTED_REJECTION[mode].test(why) && sameClaims, why);
      }
    }
    check('tamper is consumed', standin.pendingTamper() === undefined);
    const clean = await authorize(standin, redirectUri);
    const cleanTokens = await exchange(
      standin,
      redirectUri,
      clean.callback.searchParams.get('code') ?? '',
      clean.pkce?.verifier ?? '',
    );
    try {
      await verifyIdToken(standin, jwks, String(cleanTokens.body.id_token), clean.nonce);
      check('the token after a tampered one is genuine again', true);
    } catch (error) {
      check('the token after a tampered one is genuine again', false, reason(error));
    }
  } catch (error) {
    check('smoke run completed', false, error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await standin.close();
  }
  console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
