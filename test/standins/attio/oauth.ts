// app.attio.com side: the authorize pages (sign-in, consent) and POST /oauth/token.
// See the form contract at the top of app.ts.
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { type Html, pageKit } from '../page.ts';
import type { AuthState, OAuthClient } from './auth.ts';
import { jsonResponse } from './errors.ts';
import type { WorkspaceMember } from './model.ts';
import type { Store } from './store.ts';
import { nowTimestamp, randomUuid } from './util.ts';

interface OAuthDeps {
  auth: () => AuthState;
  /** The workspace named before an email is given (the first, "Demo Workspace"). */
  store: () => Store;
  /** The workspace an email signs in to (see workspaces.ts). */
  storeForEmail: (email: string) => Store;
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f6f6f7; color: #1d1d1f; margin: 0; }
  main { max-width: 420px; margin: 12vh auto; background: #fff; border-radius: 12px; padding: 32px;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 20px; margin: 0 0 16px; }
  label { display: block; font-size: 14px; margin-bottom: 6px; }
  input[type=email] { width: 100%; box-sizing: border-box; padding: 10px; font-size: 15px;
                      border: 1px solid #ccc; border-radius: 8px; margin-bottom: 16px; }
  button { padding: 10px 16px; font-size: 15px; border-radius: 8px; border: 1px solid #1d1d1f;
           background: #1d1d1f; color: #fff; cursor: pointer; margin-right: 8px; }
  button.secondary { background: #fff; color: #1d1d1f; }
  .error { color: #b00020; font-size: 14px; }
  .muted { color: #666; font-size: 13px; }
`;

const { page, errorPage } = pageKit(STYLE);

function signInPage(
  client: OAuthClient,
  redirectUri: string,
  state: string | null,
  workspaceName: string,
  error?: string,
): Html {
  return page(
    `Sign in to Attio`,
    html`<h1>Sign in to Attio</h1>
      <p class="muted">${client.name} wants to connect to ${workspaceName}.</p>
      ${error ? html`<p class="error" id="error">${error}</p>` : ''}
      <form method="post" action="/authorize/sign-in">
        <input type="hidden" name="client_id" value="${client.clientId}" />
        <input type="hidden" name="redirect_uri" value="${redirectUri}" />
        <input type="hidden" name="response_type" value="code" />
        ${state !== null ? html`<input type="hidden" name="state" value="${state}" />` : ''}
        <label for="email">Work email</label>
        <input id="email" name="email" type="email" required autocomplete="email" placeholder="you@company.com" />
        <button type="submit">Continue</button>
      </form>`,
  );
}

function consentPage(
  client: OAuthClient,
  member: WorkspaceMember,
  workspaceName: string,
  ticket: string,
  redirectUri: string,
  state: string | null,
): Html {
  return page(
    `Allow ${client.name} to access ${workspaceName}`,
    html`<h1>Allow ${client.name} to access ${workspaceName}</h1>
      <p class="muted">Signed in as ${member.email_address}. ${client.name} will be able to read and write records, lists, notes and tasks in ${workspaceName}.</p>
      <form method="post" action="/authorize/decision">
        <input type="hidden" name="ticket" value="${ticket}" />
        <input type="hidden" name="client_id" value="${client.clientId}" />
        <input type="hidden" name="redirect_uri" value="${redirectUri}" />
        ${state !== null ? html`<input type="hidden" name="state" value="${state}" />` : ''}
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
      </form>`,
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
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** Validates client_id + redirect_uri; invalid ones get an error page, never a redirect. */
function checkClient(
  auth: AuthState,
  clientId: string | undefined,
  redirectUri: string | undefined,
): OAuthClient | string {
  if (!clientId) return 'The client_id parameter is missing.';
  const client = auth.clients.get(clientId);
  if (!client) return `Unknown client_id "${clientId}".`;
  if (!redirectUri) return 'The redirect_uri parameter is missing.';
  if (!client.redirectUris.includes(redirectUri)) {
    return `The redirect_uri "${redirectUri}" is not registered for this app.`;
  }
  return client;
}

function nameFromEmail(email: string): { first: string; last: string } {
  const local = email.split('@')[0] ?? '';
  const parts = local.split(/[._+-]+/).filter((p) => p.length > 0);
  const cap = (s: string | undefined): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : '');
  return { first: cap(parts[0]) || 'New', last: cap(parts[1]) };
}

function oauthError(
  status: 400 | 401,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse({ error, error_description: description }, status, {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
}

export function registerOAuthRoutes(app: Hono, deps: OAuthDeps): void {
  app.get('/authorize', (c) => {
    const auth = deps.auth();
    const redirectUri = c.req.query('redirect_uri');
    const client = checkClient(auth, c.req.query('client_id'), redirectUri);
    if (typeof client === 'string' || redirectUri === undefined) {
      return errorPage(
        c,
        'Invalid authorization request',
        typeof client === 'string' ? client : 'Missing redirect_uri.',
      );
    }
    const state = c.req.query('state') ?? null;
    const responseType = c.req.query('response_type');
    if (responseType !== 'code') {
      return c.redirect(
        redirectWith(redirectUri, {
          error: 'unsupported_response_type',
          error_description: 'response_type must be "code".',
          state,
        }),
        302,
      );
    }
    return c.html(signInPage(client, redirectUri, state, deps.store().workspace.name));
  });

  app.post('/authorize/sign-in', async (c) => {
    const auth = deps.auth();
    const form = await formFields(c);
    const client = checkClient(auth, form.client_id, form.redirect_uri);
    if (typeof client === 'string' || form.redirect_uri === undefined) {
      return errorPage(
        c,
        'Invalid authorization request',
        typeof client === 'string' ? client : 'Missing redirect_uri.',
      );
    }
    const state = form.state ?? null;
    const email = (form.email ?? '').trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      return c.html(
        signInPage(client, form.redirect_uri, state, deps.store().workspace.name, 'Enter a valid email address.'),
        400,
      );
    }
    const store = deps.storeForEmail(email);
    let member = store.memberByEmail(email);
    if (!member) {
      const name = nameFromEmail(email);
      member = {
        id: randomUuid(),
        first_name: name.first,
        last_name: name.last,
        avatar_url: null,
        email_address: email.toLowerCase(),
        created_at: nowTimestamp(),
        access_level: 'member',
      };
      store.members.set(member.id, member);
    }
    if (member.access_level === 'suspended') {
      return errorPage(c, 'Account suspended', `${member.email_address} is suspended in ${store.workspace.name}.`, 403);
    }
    const ticket = auth.createTicket(client.clientId, form.redirect_uri, state, member.id, store.workspace.id);
    return c.html(consentPage(client, member, store.workspace.name, ticket.ticket, form.redirect_uri, state));
  });

  app.post('/authorize/decision', async (c) => {
    const auth = deps.auth();
    const form = await formFields(c);
    const ticket = form.ticket ? auth.takeTicket(form.ticket) : undefined;
    if (!ticket)
      return errorPage(
        c,
        'Invalid authorization request',
        'This sign-in has expired or was already used. Start again.',
      );
    if (
      (form.client_id && form.client_id !== ticket.clientId) ||
      (form.redirect_uri && form.redirect_uri !== ticket.redirectUri)
    ) {
      return errorPage(c, 'Invalid authorization request', 'The request does not match this sign-in.');
    }
    if (form.decision === 'allow') {
      const code = auth.issueCode(ticket.clientId, ticket.redirectUri, ticket.memberId, ticket.workspaceId);
      return c.redirect(redirectWith(ticket.redirectUri, { code: code.code, state: ticket.state }), 302);
    }
    if (form.decision === 'deny') {
      return c.redirect(
        redirectWith(ticket.redirectUri, {
          error: 'access_denied',
          error_description: 'The user denied access.',
          state: ticket.state,
        }),
        302,
      );
    }
    return errorPage(c, 'Invalid authorization request', 'decision must be "allow" or "deny".');
  });

  app.post('/oauth/token', async (c) => {
    const auth = deps.auth();
    const contentType = c.req.header('content-type') ?? '';
    let fields: Record<string, string> = {};
    if (contentType.includes('application/json')) {
      const body: unknown = await c.req.json().catch(() => null);
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
      }
    } else {
      fields = await formFields(c);
    }
    // Client authentication: client_secret_post, or client_secret_basic.
    let clientId = fields.client_id;
    let clientSecret = fields.client_secret;
    const authorization = c.req.header('authorization');
    const usedBasic = authorization?.toLowerCase().startsWith('basic ') ?? false;
    if (authorization && usedBasic) {
      try {
        const decoded = atob(authorization.slice(6).trim());
        const colon = decoded.indexOf(':');
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      } catch {
        return oauthError(401, 'invalid_client', 'Malformed HTTP Basic client credentials.');
      }
    }
    if (!clientId || !clientSecret)
      return oauthError(401, 'invalid_client', 'Client authentication is required (client_id and client_secret).');
    const client = auth.clients.get(clientId);
    if (!client || client.clientSecret !== clientSecret) {
      return oauthError(
        401,
        'invalid_client',
        'Client authentication failed: unknown client_id or wrong client_secret.',
        usedBasic ? { 'www-authenticate': 'Basic realm="attio"' } : {},
      );
    }
    if (fields.grant_type !== 'authorization_code') {
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be "authorization_code".');
    }
    if (!fields.code) return oauthError(400, 'invalid_request', 'The code parameter is missing.');
    const code = auth.codes.get(fields.code);
    if (!code || code.clientId !== client.clientId) {
      return oauthError(400, 'invalid_grant', 'The authorization code is invalid.');
    }
    if (code.used) return oauthError(400, 'invalid_grant', 'The authorization code has already been used.');
    if (code.expiresAt < auth.now()) return oauthError(400, 'invalid_grant', 'The authorization code has expired.');
    if (fields.redirect_uri !== undefined && fields.redirect_uri !== code.redirectUri) {
      return oauthError(
        400,
        'invalid_grant',
        'The redirect_uri does not match the one used in the authorization request.',
      );
    }
    code.used = true;
    const token = auth.issueToken(client.clientId, code.memberId, code.workspaceId);
    return jsonResponse({ access_token: token.token, token_type: 'Bearer' }, 200, {
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
  });
}
