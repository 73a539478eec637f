// github.com's side of the OAuth app web flow: the authorize pages (sign-in,
// authorize) and POST /login/oauth/access_token. The form contract is in README.md.
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { type Html, pageKit } from '../page.ts';
import { type AuthState, normalizeScopes, type OAuthClient, SCOPE_DESCRIPTIONS, type SignInTicket } from './auth.ts';
import type { Store, User } from './store.ts';
import { isoNow, isPlainObject, s256 } from './util.ts';

interface OAuthDeps {
  auth: () => AuthState;
  store: () => Store;
}

const TOKEN_ERRORS_DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';
const AUTHORIZE_ERRORS_DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/';

const TOKEN_ERROR = {
  incorrect_client_credentials: {
    error_description: 'The client_id and/or client_secret passed are incorrect.',
    error_uri: `${TOKEN_ERRORS_DOCS}#incorrect-client-credentials`,
  },
  redirect_uri_mismatch: {
    error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
    error_uri: `${AUTHORIZE_ERRORS_DOCS}#redirect-uri-mismatch2`,
  },
  bad_verification_code: {
    error_description: 'The code passed is incorrect or expired.',
    error_uri: `${TOKEN_ERRORS_DOCS}#bad-verification-code`,
  },
  unsupported_grant_type: {
    error_description: 'The grant type is not supported.',
    error_uri: 'https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
  },
} as const;

type TokenErrorCode = keyof typeof TOKEN_ERROR;

/** GitHub logins: alphanumerics and single inner hyphens, at most 39 characters. */
const LOGIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** RFC 7636: a S256 challenge is 43 base64url characters. */
const CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;

const STYLE = `
  body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", sans-serif; background: #f6f8fa; color: #1f2328; margin: 0; }
  main { max-width: 440px; margin: 10vh auto; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 24px; }
  h1 { font-size: 22px; font-weight: 400; margin: 0 0 16px; text-align: center; }
  label { display: block; font-size: 14px; font-weight: 600; margin-bottom: 6px; }
  input[type=text] { width: 100%; box-sizing: border-box; padding: 6px 10px; font-size: 14px; line-height: 20px;
                     border: 1px solid #d0d7de; border-radius: 6px; margin-bottom: 16px; }
  button { padding: 6px 16px; font-size: 14px; font-weight: 500; border-radius: 6px; border: 1px solid rgba(31,35,40,.15);
           background: #1f883d; color: #fff; cursor: pointer; }
  button.secondary { background: #f6f8fa; color: #24292f; margin-right: 8px; }
  ul.scopes { padding-left: 20px; font-size: 14px; }
  .error { color: #d1242f; background: #ffebe9; border: 1px solid rgba(255,129,130,.4); padding: 12px; border-radius: 6px; font-size: 14px; }
  .muted { color: #59636e; font-size: 13px; }
`;

const { page, errorPage } = pageKit(STYLE);

interface AuthorizeParams {
  clientId: string;
  /** As given (may be empty: the default callback URL is used). */
  redirectUri: string;
  state: string | null;
  scope: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  allowSignup: string;
}

function hidden(name: string, value: string | null): Html | string {
  return value === null || value === '' ? '' : html`<input type="hidden" name="${name}" value="${value}" />`;
}

function signInPage(client: OAuthClient, params: AuthorizeParams, login: string, error?: string): Html {
  return page(
    'Sign in to GitHub',
    html`<h1>Sign in to GitHub</h1>
      <p class="muted" style="text-align:center">to continue to <strong>${client.name}</strong></p>
      ${error ? html`<p class="error" id="error">${error}</p>` : ''}
      <form method="post" action="/login/oauth/authorize/sign-in">
        <input type="hidden" name="client_id" value="${client.clientId}" />
        ${hidden('redirect_uri', params.redirectUri)} ${hidden('state', params.state)} ${hidden('scope', params.scope)}
        ${hidden('code_challenge', params.codeChallenge)}
        ${hidden('code_challenge_method', params.codeChallengeMethod)} ${hidden('allow_signup', params.allowSignup)}
        <label for="login">Username or email address</label>
        <input id="login" name="login" type="text" value="${login}" required autocapitalize="off" autocomplete="username" />
        <button type="submit">Continue</button>
      </form>
      <p class="muted">Stand-in: any username signs in, no password.</p>`,
  );
}

function authorizePage(client: OAuthClient, user: User, ticket: SignInTicket): Html {
  const scopes =
    ticket.scopes.length === 0
      ? html`<li><strong>Public data only</strong>: limited access to your public data</li>`
      : ticket.scopes.map(
          (scope) =>
            html`<li><code>${scope}</code>${SCOPE_DESCRIPTIONS[scope] ? `: ${SCOPE_DESCRIPTIONS[scope]}` : ''}</li>`,
        );
  return page(
    `Authorize ${client.name}`,
    html`<h1>Authorize ${client.name}</h1>
      <p><strong>${client.name}</strong> by <strong>${client.owner}</strong> wants to access your
        <strong>${user.login}</strong> account</p>
      <ul class="scopes">${scopes}</ul>
      <form method="post" action="/login/oauth/authorize/decision">
        <input type="hidden" name="ticket" value="${ticket.ticket}" />
        <button type="submit" name="decision" value="deny" class="secondary">Cancel</button>
        <button type="submit" name="decision" value="allow">Authorize ${client.owner}</button>
      </form>
      <p class="muted">Authorizing will redirect to ${new URL(ticket.redirectUri).origin}</p>`,
  );
}

function redirectWith(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) url.searchParams.set(key, value);
  }
  return url.toString();
}

async function formFields(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

function paramsFrom(source: Record<string, string | undefined>): AuthorizeParams {
  return {
    clientId: source.client_id ?? '',
    redirectUri: source.redirect_uri ?? '',
    state: source.state ?? null,
    scope: source.scope ?? '',
    codeChallenge: source.code_challenge ?? '',
    codeChallengeMethod: source.code_challenge_method ?? '',
    allowSignup: source.allow_signup ?? '',
  };
}

type Checked = { client: OAuthClient; redirectUri: string } | { page: [title: string, message: string] };

/** Unknown client or redirect URI: an error page, never a redirect (it could be anyone's URL). */
function checkClient(auth: AuthState, params: AuthorizeParams): Checked {
  const client = params.clientId ? auth.clients.get(params.clientId) : undefined;
  if (!client) {
    return { page: ['Not Found', `No OAuth application is registered with client_id "${params.clientId}".`] };
  }
  const redirectUri = auth.resolveRedirectUri(client, params.redirectUri || undefined);
  if (redirectUri === null) {
    return {
      page: [
        'Be careful!',
        "The redirect_uri is not associated with this application. The application might be misconfigured or could be trying to redirect you to a website you weren't expecting.",
      ],
    };
  }
  return { client, redirectUri };
}

/** PKCE parameters: only S256 is accepted (GitHub's rule); returns an error description or null. */
function pkceProblem(params: AuthorizeParams): string | null {
  if (params.codeChallenge === '' && params.codeChallengeMethod === '') return null;
  if (params.codeChallenge === '') return 'code_challenge is required when code_challenge_method is given.';
  if (params.codeChallengeMethod !== 'S256') return 'code_challenge_method must be S256.';
  if (!CHALLENGE_RE.test(params.codeChallenge)) return 'code_challenge must be 43 base64url characters.';
  return null;
}

function tokenAnswer(c: Context, fields: Record<string, string>): Response {
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  const headers = { 'cache-control': 'no-cache, no-store', vary: 'Accept' };
  if (accept.includes('application/json')) {
    return new Response(JSON.stringify(fields), {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    });
  }
  if (accept.includes('application/xml')) {
    const escapeXml = (s: string): string =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const inner = Object.entries(fields)
      .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
      .join('');
    return new Response(`<OAuth>${inner}</OAuth>`, {
      status: 200,
      headers: { 'content-type': 'application/xml; charset=utf-8', ...headers },
    });
  }
  return new Response(new URLSearchParams(fields).toString(), {
    status: 200,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
  });
}

/** Token endpoint errors are HTTP 200 with { error, error_description, error_uri }, as GitHub sends them. */
function tokenError(c: Context, error: TokenErrorCode): Response {
  return tokenAnswer(c, { error, ...TOKEN_ERROR[error] });
}

async function tokenRequestFields(c: Context): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  // GitHub also reads parameters from the query string of the POST.
  for (const [key, value] of new URL(c.req.url).searchParams) fields[key] = value;
  const contentType = (c.req.header('content-type') ?? '').toLowerCase();
  if (contentType.includes('application/json')) {
    const body: unknown = await c.req.json().catch(() => null);
    if (isPlainObject(body)) {
      for (const [key, value] of Object.entries(body)) {
        if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
      }
    }
  } else if (contentType.includes('form')) {
    Object.assign(fields, await formFields(c));
  }
  const authorization = c.req.header('authorization');
  if (authorization?.toLowerCase().startsWith('basic ')) {
    try {
      const decoded = atob(authorization.slice(6).trim());
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        fields.client_id = decodeURIComponent(decoded.slice(0, colon));
        fields.client_secret = decodeURIComponent(decoded.slice(colon + 1));
      }
    } catch {
      // Malformed Basic credentials: treated as missing.
    }
  }
  return fields;
}

export function registerOAuthRoutes(app: Hono, deps: OAuthDeps): void {
  app.get('/login/oauth/authorize', (c) => {
    const params = paramsFrom(c.req.query());
    const checked = checkClient(deps.auth(), params);
    if ('page' in checked) return errorPage(c, ...checked.page);
    const problem = pkceProblem(params);
    if (problem !== null) {
      return c.redirect(
        redirectWith(checked.redirectUri, {
          error: 'invalid_request',
          error_description: problem,
          error_uri: 'https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
          state: params.state,
        }),
        302,
      );
    }
    return c.html(signInPage(checked.client, params, c.req.query('login') ?? ''));
  });

  app.post('/login/oauth/authorize/sign-in', async (c) => {
    const auth = deps.auth();
    const store = deps.store();
    const form = await formFields(c);
    const params = paramsFrom(form);
    const checked = checkClient(auth, params);
    if ('page' in checked) return errorPage(c, ...checked.page);
    const problem = pkceProblem(params);
    if (problem !== null) return errorPage(c, 'Invalid authorization request', problem);
    const login = (form.login ?? '').trim();
    if (!LOGIN_RE.test(login)) {
      return c.html(
        signInPage(
          checked.client,
          params,
          login,
          'Username may only contain alphanumeric characters or single hyphens, and cannot begin or end with a hyphen.',
        ),
        400,
      );
    }
    let user = store.userByLogin(login);
    if (!user) {
      if (params.allowSignup === 'false') {
        return c.html(
          signInPage(
            checked.client,
            params,
            login,
            `No account is named ${login}, and this application does not allow sign-ups.`,
          ),
          400,
        );
      }
      user = store.createUser(login, isoNow(auth.now()));
    }
    const ticket = auth.createTicket({
      clientId: checked.client.clientId,
      redirectUri: checked.redirectUri,
      redirectUriGiven: params.redirectUri !== '',
      state: params.state,
      scopes: normalizeScopes(params.scope),
      codeChallenge: params.codeChallenge === '' ? null : params.codeChallenge,
      userId: user.id,
    });
    return c.html(authorizePage(checked.client, user, ticket));
  });

  app.post('/login/oauth/authorize/decision', async (c) => {
    const auth = deps.auth();
    const form = await formFields(c);
    const ticket = form.ticket ? auth.takeTicket(form.ticket) : undefined;
    if (!ticket) {
      return errorPage(
        c,
        'Invalid authorization request',
        'This sign-in has expired or was already used. Start again.',
      );
    }
    if (form.decision === 'allow') {
      const code = auth.issueCode(ticket);
      return c.redirect(redirectWith(ticket.redirectUri, { code: code.code, state: ticket.state }), 302);
    }
    if (form.decision === 'deny') {
      return c.redirect(
        redirectWith(ticket.redirectUri, {
          error: 'access_denied',
          error_description: 'The user has denied your application access.',
          error_uri: `${AUTHORIZE_ERRORS_DOCS}#access-denied`,
          state: ticket.state,
        }),
        302,
      );
    }
    return errorPage(c, 'Invalid authorization request', 'decision must be "allow" or "deny".');
  });

  app.post('/login/oauth/access_token', async (c) => {
    const auth = deps.auth();
    const fields = await tokenRequestFields(c);
    const client = fields.client_id ? auth.clients.get(fields.client_id) : undefined;
    if (!client || !fields.client_secret || client.clientSecret !== fields.client_secret) {
      return tokenError(c, 'incorrect_client_credentials');
    }
    if (fields.grant_type !== undefined && fields.grant_type !== 'authorization_code') {
      return tokenError(c, 'unsupported_grant_type');
    }
    const redirectUri = fields.redirect_uri;
    if (redirectUri !== undefined && redirectUri !== '' && auth.resolveRedirectUri(client, redirectUri) === null) {
      return tokenError(c, 'redirect_uri_mismatch');
    }
    const code = fields.code ? auth.codes.get(fields.code) : undefined;
    if (!code || code.used || code.clientId !== client.clientId || code.expiresAt < auth.now()) {
      return tokenError(c, 'bad_verification_code');
    }
    if (redirectUri !== undefined && redirectUri !== '' && code.redirectUriGiven && redirectUri !== code.redirectUri) {
      return tokenError(c, 'redirect_uri_mismatch');
    }
    if (code.codeChallenge !== null) {
      const verifier = fields.code_verifier;
      if (!verifier || (await s256(verifier)) !== code.codeChallenge) return tokenError(c, 'bad_verification_code');
    }
    code.used = true;
    const token = auth.issueToken(client.clientId, code.userId, code.scopes);
    // Field order as GitHub documents it: access_token, scope, token_type.
    return tokenAnswer(c, { access_token: token.token, scope: token.scopes.join(','), token_type: 'bearer' });
  });
}
