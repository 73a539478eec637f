import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  captureConsole,
  chunkedBody,
  exchangeCode,
  type Outbound,
  oauthError,
  readFor,
  recordingSend,
  refresh,
  SECRETS,
  send,
  sendSafely,
  spyOnOutbound,
  tokensOf,
} from '../support/attack';
import { connectMcp } from '../support/mcp-client';
import { INITIALIZE, mcpRequest, openWireSession, readEvents } from '../support/mcp-http';
import {
  authorizeInBrowser,
  authorizeUrl,
  Browser,
  parseForms,
  pkcePair,
  type RegisteredClient,
  registerClient,
  registrationRequest,
  signIn,
  tokenRequest,
} from '../support/oauth-client';
import { CIMD_DOCUMENTS } from '../support/outbound';
import { text } from '../support/session';
import { controlStandin, newBrowser, ORIGIN, sendToWorker, standinUrl } from '../support/worker';

/*
 * Attacks and bad input, one test per named threat. Every case asserts the exact refusal (status,
 * OAuth or JSON-RPC error, page instead of redirect) — so never a 5xx, never a hang (`send` turns
 * an escaped exception into the 500 production would answer and fails after 10 s).
 *
 * Rows marked "fixed (was a bug)" failed when this suite was written; each was fixed in the
 * product, and the comment on its test says what was wrong.
 *
 * Traceability matrix — threat → test (describe › it) → expected
 *
 * AUTHORIZATION
 *  A1  code interception without PKCE      › PKCE missing is refused with invalid_request…              302 → redirect_uri?error=invalid_request, no code
 *  A2  PKCE downgrade                      › PKCE downgraded to plain is refused…                         302 → redirect_uri?error=invalid_request, no code
 *  A3  unknown PKCE method                 › PKCE with an unknown method (S512)…                          302 → redirect_uri?error=invalid_request, no code
 *  A4  implicit grant (token in URL)       › an implicit-grant request (response_type=token)…             302 → redirect_uri?error=unsupported_response_type
 *  A5  unregistered redirect URI           › a redirect URI the client never registered…                  400 page, no Location
 *  A6  registered redirect URI altered     › a registered redirect URI altered (path|query|port|scheme|host suffix|userinfo|loopback path)… 400 page, no Location
 *  A7  open redirect via invalid client    › an unknown client with an attacker redirect_uri…             400 page, no Location
 *  A8  open redirect via error path        › an error on a request with an unregistered redirect_uri…     400 page, no Location
 *  A9  token for another resource          › an authorization request for another resource…               302 → redirect_uri?error=invalid_target, no code
 *  A10 forged /callback state              › /callback with a forged state…                               400 page, no Location
 *  A11 open redirect via /callback error   › /callback with an upstream error and a forged state…         400 page, no Location
 *  A12 /callback without state             › /callback without state…                                     400 page, no Location
 *  A13 stolen upstream code, other browser › an upstream callback replayed from another browser…          400 page; victim still gets its code
 *  A14 upstream callback replay            › a callback URL replayed in the same browser…                 400 page, no Location
 *  A15 over-long client_id                 › an over-long client_id at /authorize…                        400 page              fixed (was a bug)
 * TOKENS
 *  T1  wrong code_verifier                 › a wrong code_verifier is refused with invalid_grant            400 invalid_grant
 *  T2  missing code_verifier               › a missing code_verifier is refused with invalid_request        400 invalid_request
 *  T3  code replay                         › a reused authorization code…first use revoked                  400 invalid_grant; first tokens → 401 / invalid_grant
 *  T4  code used by another client         › a code redeemed by another client…                             400 invalid_grant; code still good for its client
 *  T5  code with another redirect_uri      › a code redeemed with another registered redirect_uri…          400 invalid_grant
 *  T6  code for another resource           › a code exchanged for another resource…                         400 invalid_target; code not consumed
 *  T7  refresh token replay                › a rotated refresh token is refused…                            200 within the one-step grace, then 400 invalid_grant
 *  T8  refresh by another client           › a refresh token presented by another client…                   400 invalid_grant
 *  T9  refresh for another resource        › a refresh for another resource…                                400 invalid_target
 *  T10 revoked access token (RFC 7009)     › an access token revoked at /token…                             401 on /mcp, also in its open session
 *  T11 revoked refresh token               › revoking a refresh token revokes the grant…                    401 on /mcp, refresh 400 invalid_grant
 *  T12 revocation by another client        › a revocation sent by another client…                           200 (RFC 7009) and the token still works
 *  T13 refresh token as bearer             › a refresh token used as a bearer token…                        401 invalid_token
 *  T14 access token as refresh token       › an access token used as a refresh token…                      400 invalid_grant
 *  T15 tampered access token               › a tampered access token…                                       401 invalid_token
 *  T16 over-long client_id at /token       › an over-long client_id at /token…                              401 invalid_client    fixed (was a bug)
 *  T17 over-long code                      › an over-long authorization code…                               400 invalid_grant     fixed (was a bug)
 *  T18 over-long refresh token             › an over-long refresh token…                                    400 invalid_grant     fixed (was a bug)
 *  T19 over-long token to revoke           › an over-long token at the revocation endpoint…                 200 or 400            fixed (was a bug)
 * CONSENT
 *  C1  forged consent (no binding cookie)  › a consent form replayed from a fresh browser…                  400 page, no Location
 *  C2  clickjacking the consent page       › the consent page cannot be framed…                             CSP frame-ancestors 'none', XFO DENY, no-store
 *  C3  clickjacking the error pages        › error pages cannot be framed either                            same headers on 400 pages
 *  C4  cross-site POST with the cookie     › a cross-site POST of the consent form…                         403 page, no Location fixed (was a bug)
 *  C5  cross-site POST (SameSite=Lax)      › a cross-site POST without the binding cookie…                  403 page, no Location
 *  C6  consent handle replay after Allow   › a reused consent handle after Allow…                           400 page, no Location
 *  C7  consent handle replay after Deny    › a reused consent handle after Deny…                            400 page, no Location
 *  C8  forged handle with Deny             › a forged handle with Deny…                                     400 page, no Location
 *  C9  scope injection in the form         › a consent form with an injected scope…                         400 page, no Location
 * CLIENT METADATA
 *  M1  DCR javascript: redirect URI        › DCR: a javascript: redirect URI…                               400 invalid_client_metadata
 *  M2  DCR data: redirect URI beside a good one › DCR: a data: redirect URI next to a valid one…           400 invalid_client_metadata
 *  M3  DCR remote http redirect URI        › DCR: a remote http redirect URI…                               400 invalid_client_metadata
 *  M4  DCR javascript: client_uri/logo_uri › DCR: a javascript: client_uri or logo_uri…                     400 invalid_client_metadata
 *  M5  DCR HTML in client_name (XSS)       › DCR: HTML in client_name is rendered escaped…                  201, consent page escaped
 *  M6  DCR huge client_name                › DCR: a 500 KB client_name…                                     refused 4xx, or page escaped; never 5xx
 *  M7  CIMD HTML name + javascript: URI    › CIMD: a document with an HTML name and a javascript: redirect… 400 page, no raw HTML
 *  M8  CIMD HTML in client_name (XSS)      › CIMD: HTML in a document's client_name is rendered escaped     200, consent page escaped
 *  M9  CIMD oversized document             › CIMD: a document over 5 KB…                                    400 page
 *  M10 CIMD impersonation                  › CIMD: a document naming another client_id…                     400 page
 *  M11 CIMD redirect to a private address  › CIMD: a document URL that redirects to a private address…      400 page, redirect not followed
 *  M12 CIMD SSRF at /authorize             › CIMD: client_id <private/non-https URL>…                       400 page, no fetch    fixed (was a bug)
 *  M13 CIMD SSRF at /token                 › CIMD: a private-address client_id at /token…                   401 invalid_client, no fetch fixed (was a bug)
 * SESSIONS
 *  S1  session hijack: identity            › an intruder calling whoami on another user's session…          404, no owner data
 *  S2  session hijack: CRM data            › an intruder calling search_records on another user's session… 404, no records
 *  S3  session hijack: stream resumption   › an intruder resuming another user's dropped stream…            404, no results       fixed (was a bug)
 *  S4  session termination by intruder     › an intruder cannot end another user's session…                 404; session lives    fixed (was a bug)
 *  S5  guessed session id                  › a guessed session id…                                          404
 *  S6  token revoked mid-session           › a session whose token was revoked mid-session…                 401
 *  S7  forged internal auth header         › a forged x-mcp-session-auth header…                            tool error naming mcp:write
 * TRANSPORT / JSON-RPC
 *  R1  DNS rebinding (foreign Origin)      › DNS rebinding: a page on http://attacker.example…             403 forbidden_origin, no CORS
 *  R2  rebound host name                   › a request for a rebound host name…                             421
 *  R3  Origin: null                        › Origin: null…                                                  403
 *  R4  look-alike Origin                   › a look-alike Origin…                                           403
 *  R5  malformed JSON-RPC (10 shapes)      › malformed JSON-RPC: <shape>…                                   400 JSON-RPC error
 *  R5b empty batch                         › malformed JSON-RPC: an empty batch…                            400 -32600            fixed (was a bug)
 *  R6  unknown method                      › an unknown method…                                             JSON-RPC -32601
 *  R7  wrong content types                 › Content-Type text/plain | form…                                415
 *  R8  missing / narrow Accept             › a POST without Accept | accepting only JSON…                   406
 *  R9  5 MB body on /mcp                   › a 5 MB POST to /mcp…                                           413 (4 MiB limit)
 *  R10 5 MB chunked body on /mcp           › a 5 MB POST to /mcp sent chunked…                              413                   fixed (was a bug)
 *  R11 5 MB body on /token                 › a 5 MB POST to /token…                                         400 or 413
 *  R12 5 MB body on /register              › a 5 MB POST to /register (declared | chunked)…                 413 (1 MiB limit)
 *  R13 5 MB consent POST                   › a 5 MB consent POST to /authorize…                             400 page
 *  R14 absurd URL                          › a 100 KB URL on /mcp…                                          401
 *  R15 absurd header                       › a 200 KB header on /mcp…                                       401
 *  R16 over-long bearer token              › an over-long bearer token on /mcp…                             401 invalid_token     fixed (was a bug)
 *  R17 deeply nested JSON                  › deeply nested JSON-RPC params…                                 4xx or JSON-RPC error, never 5xx
 * SECRETS
 *  X1  leak in any response or log         › a whole sign-in, refresh and tool calls never show…            no Attio token / CONSENT_SECRET / ATTIO_CLIENT_SECRET; no own token in logs
 *  X2  secrets sent to the wrong place     › the Attio client secret goes only to Attio's token endpoint…   outbound calls checked
 *  X3  leak in a revoked-token tool error  › a tool error after Attio revokes access…                       "Reconnect", no token, in responses and logs
 *  X4  credential echoed in errors         › OAuth and MCP errors do not echo the credential sent           no echo
 *  X5  /health leaks values                › /health shows booleans, never values                           no secret values
 */

const ATTACKER = 'https://attacker.example';
const MB5 = 5 * 1024 * 1024;
const JSON_RPC_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

async function newClient(metadata: Record<string, unknown> = {}) {
  const client = await registerClient(sendSafely, ORIGIN, metadata);
  const { verifier, challenge } = await pkcePair();
  return { client, redirectUri: client.redirect_uris[0] ?? '', verifier, challenge };
}

/** A code for `client`, through consent and the Attio stand-in in a fresh browser. */
async function codeFor(client: RegisteredClient, redirectUri: string, challenge: string, email?: string) {
  const { redirect } = await authorizeInBrowser(new Browser(ORIGIN, sendSafely), {
    clientId: client.client_id,
    redirectUri,
    challenge,
    email,
  });
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code: ${redirect}`);
  return code;
}

function authorizePath(params: Record<string, string>): string {
  return `/authorize?${new URLSearchParams({ response_type: 'code', ...params })}`;
}

function getPage(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return send(new Request(`${ORIGIN}${path}`, { headers: { Accept: 'text/html', ...headers } }));
}

/** A page and not a redirect: the request or its client isn't trusted. */
async function expectPage(response: Response, status = 400): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Location')).toBeNull();
  expect(response.headers.get('Content-Type')).toContain('text/html');
  return response.text();
}

/**
 * An OAuth error sent back to the client: only to its exact registered redirect URI (validated by
 * the library first), with `state` and `iss`, and never a code.
 */
function expectErrorRedirect(response: Response, redirectUri: string, error: string): URL {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('Location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe('s');
  expect(location.searchParams.get('iss')).toBe(ORIGIN);
  expect(location.searchParams.get('code')).toBeNull();
  return location;
}

/** An MCP request carrying a bearer token (and the session when given). */
function mcp(
  token: string,
  body: unknown,
  sessionId?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return send(
    new Request(`${ORIGIN}/mcp`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        ...JSON_RPC_HEADERS,
        ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

async function userToken(email: string, overrides: Parameters<typeof signIn>[1] = {}) {
  return signIn(new Browser(ORIGIN, sendSafely), { email, ...overrides });
}

/** Opens the consent page in `browser` and returns its form fields with the boxes as ticked. */
async function consentForm(browser: Browser, client: RegisteredClient, challenge: string) {
  const page = await browser.request(
    authorizeUrl(ORIGIN, { clientId: client.client_id, redirectUri: client.redirect_uris[0] ?? '', challenge }),
  );
  expect(page.status).toBe(200);
  const [form] = parseForms(await page.text(), `${ORIGIN}/authorize`);
  if (!form) throw new Error('no consent form');
  return { page, fields: [...form.fields, ...form.checkboxes] as [string, string][] };
}

describe('authorization', () => {
  it('PKCE missing is refused with invalid_request at the verified redirect URI, and no code', async () => {
    const { client, redirectUri } = await newClient();
    const response = await getPage(
      authorizePath({ client_id: client.client_id, redirect_uri: redirectUri, state: 's' }),
    );
    expectErrorRedirect(response, redirectUri, 'invalid_request');
  });

  it('PKCE downgraded to plain is refused with invalid_request at the verified redirect URI, and no code', async () => {
    const { client, redirectUri } = await newClient();
    const verifier = 'plain-verifier-plain-verifier-plain-verifier-0123';
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: redirectUri,
        code_challenge: verifier,
        code_challenge_method: 'plain',
        state: 's',
      }),
    );
    expectErrorRedirect(response, redirectUri, 'invalid_request');
  });

  it('PKCE with an unknown method (S512) is refused with invalid_request at the verified redirect URI', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S512',
        state: 's',
      }),
    );
    expectErrorRedirect(response, redirectUri, 'invalid_request');
  });

  it('an implicit-grant request (response_type=token) is refused with unsupported_response_type, and no token', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 's',
        response_type: 'token',
      }),
    );
    const location = expectErrorRedirect(response, redirectUri, 'unsupported_response_type');
    expect(location.hash).toBe('');
    expect(location.searchParams.get('access_token')).toBeNull();
  });

  it('a redirect URI the client never registered is refused with a 400 page, never a redirect', async () => {
    const { client, challenge } = await newClient();
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: `${ATTACKER}/steal`,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    await expectPage(response);
  });

  const registered = 'https://app.example/callback';
  const altered: [string, string][] = [
    ['path', 'https://app.example/callback/evil'],
    ['path traversal', 'https://app.example/callback/../evil'],
    ['query', 'https://app.example/callback?next=https://attacker.example'],
    ['port on a non-loopback host', 'https://app.example:8443/callback'],
    ['scheme', 'http://app.example/callback'],
    ['host suffix', 'https://app.example.attacker.example/callback'],
    ['userinfo', 'https://app.example@attacker.example/callback'],
    ['loopback path', 'http://127.0.0.1:33418/evil'],
  ];
  for (const [what, redirectUri] of altered) {
    it(`a registered redirect URI altered (${what}) is refused with a 400 page, never a redirect`, async () => {
      const { client, challenge } = await newClient({
        redirect_uris: [registered, 'http://127.0.0.1:33418/callback'],
      });
      const response = await getPage(
        authorizePath({
          client_id: client.client_id,
          redirect_uri: redirectUri,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      await expectPage(response);
    });
  }

  it('an unknown client with an attacker redirect_uri gets a 400 page, never a redirect (no open redirect)', async () => {
    const response = await getPage(
      authorizePath({ client_id: 'no-such-client', redirect_uri: `${ATTACKER}/steal`, state: 's' }),
    );
    const html = await expectPage(response);
    expect(html).not.toMatch(/http-equiv|<script|href="https:\/\/attacker/i);
  });

  it('an error on a request with an unregistered redirect_uri (no PKCE either) is a 400 page, not a redirect to it', async () => {
    const { client } = await newClient();
    const response = await getPage(authorizePath({ client_id: client.client_id, redirect_uri: `${ATTACKER}/steal` }));
    await expectPage(response);
  });

  it('an authorization request for another resource is refused with invalid_target at the verified redirect URI, and no code', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        resource: 'https://other-server.example/mcp',
        state: 's',
      }),
    );
    expectErrorRedirect(response, redirectUri, 'invalid_target');
  });

  it('/callback with a forged state is refused with a 400 page, never a redirect', async () => {
    await expectPage(await newBrowser().request(`${ORIGIN}/callback?code=stolen&state=forged-state`));
  });

  it('/callback with an upstream error and a forged state does not redirect anywhere', async () => {
    const response = await newBrowser().request(
      `${ORIGIN}/callback?error=access_denied&state=forged&redirect_uri=${encodeURIComponent(ATTACKER)}`,
    );
    await expectPage(response);
  });

  it('/callback without state is refused with a 400 page, never a redirect', async () => {
    await expectPage(await newBrowser().request(`${ORIGIN}/callback?code=abc`));
    await expectPage(await newBrowser().request(`${ORIGIN}/callback?error=access_denied`));
  });

  it('an upstream callback replayed from another browser (a stolen Attio code) is refused, and the victim still signs in', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const attacker = new Browser(ORIGIN, sendSafely);
    let attackerResponse: Response | undefined;
    const { redirect } = await authorizeInBrowser(new Browser(ORIGIN, sendSafely), {
      clientId: client.client_id,
      redirectUri,
      challenge,
      beforeCallback: async (callback) => {
        attackerResponse = await attacker.request(callback.toString());
      },
    });
    if (!attackerResponse) throw new Error('the callback was not intercepted');
    await expectPage(attackerResponse);
    expect(redirect.searchParams.get('code')).toBeTruthy();
  });

  it('a callback URL replayed in the same browser after use is refused with a 400 page', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const browser = new Browser(ORIGIN, sendSafely);
    let callbackUrl = '';
    await authorizeInBrowser(browser, {
      clientId: client.client_id,
      redirectUri,
      challenge,
      beforeCallback: async (callback) => {
        callbackUrl = callback.toString();
      },
    });
    await expectPage(await browser.request(callbackUrl));
  });

  // Found by this suite, now fixed: a client_id longer than KV's 512-byte key limit makes the library's client lookup
  // throw ("KV GET failed: 414 … exceeds key length limit"); app.onError turns it into a 503
  // "something went wrong on our side" page and logs auth_page_failed, for any anonymous visitor.
  // Expected: the 400 "not valid" page an unknown client_id gets.
  it('an over-long client_id at /authorize gets a 400 page, not a 503', async () => {
    const { challenge } = await pkcePair();
    const response = await getPage(
      authorizePath({
        client_id: 'c'.repeat(600),
        redirect_uri: 'http://127.0.0.1:1/cb',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    await expectPage(response);
  });
});

describe('tokens', () => {
  it('a wrong code_verifier is refused with invalid_grant', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const code = await codeFor(client, redirectUri, challenge);
    const response = await exchangeCode({
      code,
      clientId: client.client_id,
      redirectUri,
      verifier: 'wrong-verifier-wrong-verifier-wrong-verifier-012345',
    });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  it('a missing code_verifier is refused with invalid_request', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const code = await codeFor(client, redirectUri, challenge);
    const response = await exchangeCode({ code, clientId: client.client_id, redirectUri });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_request');
  });

  it('a reused authorization code is refused with invalid_grant, and the tokens from its first use are revoked', async () => {
    const { client, redirectUri, verifier, challenge } = await newClient();
    const code = await codeFor(client, redirectUri, challenge);
    const first = await tokensOf(await exchangeCode({ code, clientId: client.client_id, redirectUri, verifier }));
    expect((await mcp(first.access_token, INITIALIZE)).status).toBe(200);

    const replay = await exchangeCode({ code, clientId: client.client_id, redirectUri, verifier });
    expect(replay.status).toBe(400);
    expect(await oauthError(replay)).toBe('invalid_grant');
    // The library revokes the grant on a replayed code (OAuth 2.1 §4.1.3): both tokens are dead.
    expect((await mcp(first.access_token, INITIALIZE)).status).toBe(401);
    const refreshed = await refresh(client.client_id, first.refresh_token ?? '');
    expect(refreshed.status).toBe(400);
    expect(await oauthError(refreshed)).toBe('invalid_grant');
  });

  it('a code redeemed by another client is refused with invalid_grant, and stays good for its own client', async () => {
    const { client, redirectUri, verifier, challenge } = await newClient();
    const other = await registerClient(sendSafely, ORIGIN);
    const code = await codeFor(client, redirectUri, challenge);
    const stolen = await exchangeCode({ code, clientId: other.client_id, redirectUri, verifier });
    expect(stolen.status).toBe(400);
    expect(await oauthError(stolen)).toBe('invalid_grant');
    expect((await exchangeCode({ code, clientId: client.client_id, redirectUri, verifier })).status).toBe(200);
  });

  it('a code redeemed with another registered redirect_uri is refused with invalid_grant', async () => {
    const { client, verifier, challenge } = await newClient({
      redirect_uris: ['https://app.example/callback', 'https://app.example/other-callback'],
    });
    const code = await codeFor(client, 'https://app.example/callback', challenge);
    const response = await exchangeCode({
      code,
      clientId: client.client_id,
      redirectUri: 'https://app.example/other-callback',
      verifier,
    });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  it('a code exchanged for another resource is refused with invalid_target before the code is consumed', async () => {
    const { client, redirectUri, verifier, challenge } = await newClient();
    const code = await codeFor(client, redirectUri, challenge);
    const response = await exchangeCode({
      code,
      clientId: client.client_id,
      redirectUri,
      verifier,
      resource: 'https://other-server.example/mcp',
    });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_target');
    const tokens = await tokensOf(await exchangeCode({ code, clientId: client.client_id, redirectUri, verifier }));
    expect(tokens.resource).toBe(ORIGIN);
  });

  it('a rotated refresh token is refused with invalid_grant once its replacement has been used (the library’s one-step grace)', async () => {
    const { client, tokens } = await userToken('refresh-replay@example.com');
    const r1 = tokens.refresh_token ?? '';
    const second = await tokensOf(await refresh(client.client_id, r1));
    // Documented grace: "the immediately previous token remains valid until its replacement is
    // first used", so a client that lost the response can retry.
    const retried = await tokensOf(await refresh(client.client_id, r1));
    const third = await tokensOf(await refresh(client.client_id, retried.refresh_token ?? ''));
    expect(third.access_token).toBeTruthy();
    const replay = await refresh(client.client_id, r1);
    expect(replay.status).toBe(400);
    expect(await oauthError(replay)).toBe('invalid_grant');
    // The retry replaced the first rotation's token: it is no longer valid either.
    const superseded = await refresh(client.client_id, second.refresh_token ?? '');
    expect(superseded.status).toBe(400);
    expect(await oauthError(superseded)).toBe('invalid_grant');
  });

  it('a refresh token presented by another client is refused with invalid_grant', async () => {
    const victim = await userToken('refresh-victim@example.com');
    const thief = await registerClient(sendSafely, ORIGIN);
    const response = await refresh(thief.client_id, victim.tokens.refresh_token ?? '');
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  it('a refresh for another resource is refused with invalid_target', async () => {
    const { client, tokens } = await userToken('refresh-resource@example.com');
    const response = await refresh(client.client_id, tokens.refresh_token ?? '', {
      resource: 'https://other-server.example/mcp',
    });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_target');
  });

  it('an access token revoked at /token (RFC 7009) gets 401 on /mcp, also inside its open session', async () => {
    const { client, tokens } = await userToken('revoked-access@example.com');
    const sessionId = await openWireSession(tokens.access_token);
    const revoke = await tokenRequest(sendSafely, ORIGIN, { token: tokens.access_token, client_id: client.client_id });
    expect(revoke.status).toBe(200);
    const fresh = await mcp(tokens.access_token, INITIALIZE);
    expect(fresh.status).toBe(401);
    expect(fresh.headers.get('WWW-Authenticate')).toContain('invalid_token');
    const inSession = await mcp(tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, sessionId);
    expect(inSession.status).toBe(401);
  });

  it('revoking a refresh token revokes the grant: its access token gets 401 and the refresh token is dead', async () => {
    const { client, tokens } = await userToken('revoked-refresh@example.com');
    const revoke = await tokenRequest(sendSafely, ORIGIN, {
      token: tokens.refresh_token ?? '',
      token_type_hint: 'refresh_token',
      client_id: client.client_id,
    });
    expect(revoke.status).toBe(200);
    expect((await mcp(tokens.access_token, INITIALIZE)).status).toBe(401);
    const again = await refresh(client.client_id, tokens.refresh_token ?? '');
    expect(again.status).toBe(400);
    expect(await oauthError(again)).toBe('invalid_grant');
  });

  it('a revocation sent by another client answers 200 (RFC 7009) and leaves the token working', async () => {
    const victim = await userToken('revoke-by-other@example.com');
    const other = await registerClient(sendSafely, ORIGIN);
    const revoke = await tokenRequest(sendSafely, ORIGIN, {
      token: victim.tokens.access_token,
      client_id: other.client_id,
    });
    expect(revoke.status).toBe(200);
    expect((await mcp(victim.tokens.access_token, INITIALIZE)).status).toBe(200);
  });

  it('a refresh token used as a bearer token gets 401 invalid_token', async () => {
    const { tokens } = await userToken('refresh-as-bearer@example.com');
    const response = await mcp(tokens.refresh_token ?? '', INITIALIZE);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('an access token used as a refresh token is refused with invalid_grant', async () => {
    const { client, tokens } = await userToken('access-as-refresh@example.com');
    const response = await refresh(client.client_id, tokens.access_token);
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  it('a tampered access token gets 401 invalid_token', async () => {
    const { tokens } = await userToken('tampered@example.com');
    const last = tokens.access_token.at(-1) === 'A' ? 'B' : 'A';
    const response = await mcp(`${tokens.access_token.slice(0, -1)}${last}`, INITIALIZE);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  // Found by this suite, now fixed (T16–T19): identifiers over KV's 512-byte key limit make the library's KV lookups
  // throw ("KV GET failed: 414 … exceeds key length limit of 512"). src/index.ts catches it as a
  // storage outage: 503 "cannot reach its storage, try again" with Retry-After 30, for input any
  // anonymous client can send — clients retry in vain and monitoring sees an outage on demand.
  it('an over-long client_id at /token is refused with 401 invalid_client, not a crash', async () => {
    const response = await refresh('c'.repeat(600), 'x:y:z');
    expect(response.status).toBe(401);
    expect(await oauthError(response)).toBe('invalid_client');
  });

  // Found by this suite, now fixed: see above (the code's user id becomes part of a KV key).
  it('an over-long authorization code is refused with 400 invalid_grant, not a crash', async () => {
    const { client, redirectUri, verifier } = await newClient();
    const response = await exchangeCode({
      code: `${'u'.repeat(600)}:grant:secret`,
      clientId: client.client_id,
      redirectUri,
      verifier,
    });
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  // Found by this suite, now fixed: see above.
  it('an over-long refresh token is refused with 400 invalid_grant, not a crash', async () => {
    const { client } = await newClient();
    const response = await refresh(client.client_id, `${'u'.repeat(600)}:grant:secret`);
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_grant');
  });

  // Found by this suite, now fixed: see above.
  it('an over-long token at the revocation endpoint is answered 200 or 400, not a crash', async () => {
    const { client } = await newClient();
    const response = await tokenRequest(sendSafely, ORIGIN, {
      token: `${'u'.repeat(600)}:grant:secret`,
      client_id: client.client_id,
    });
    expect([200, 400]).toContain(response.status);
  });
});

describe('consent', () => {
  it('a consent form replayed from a fresh browser (no binding cookie) is refused with a 400 page and no code', async () => {
    const { client, challenge } = await newClient();
    const { fields } = await consentForm(new Browser(ORIGIN, sendSafely), client, challenge);
    const attacker = new Browser(ORIGIN, sendSafely);
    const response = await attacker.postForm(`${ORIGIN}/authorize`, [...fields, ['decision', 'approve']]);
    expect(await expectPage(response)).toContain('start connecting again');
  });

  it('the consent page cannot be framed: frame-ancestors none, X-Frame-Options DENY, no-store', async () => {
    const { client, challenge } = await newClient();
    const { page } = await consentForm(new Browser(ORIGIN, sendSafely), client, challenge);
    expect(page.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('X-Frame-Options')).toBe('DENY');
    expect(page.headers.get('Cache-Control')).toContain('no-store');
    const cookie = page.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/__Host-oauth-consent-[^;]*;.*Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=(Lax|Strict)/);
  });

  it('error pages cannot be framed either', async () => {
    const response = await newBrowser().postForm(`${ORIGIN}/authorize`, [
      ['handle', 'forged'],
      ['decision', 'approve'],
      ['scope', 'mcp:read'],
    ]);
    await expectPage(response);
    expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
  });

  // Found by this suite, now fixed: POST /authorize checks neither Origin nor Sec-Fetch-Site. The binding cookie is
  // SameSite=Lax, which a same-site page (a sibling subdomain of a custom domain) still gets sent,
  // and older browsers ignore; with the handle, such a page approves the consent (302 to Attio).
  it('a cross-site POST of the consent form (Origin of another site) is refused, even with the binding cookie', async () => {
    const { client, challenge } = await newClient();
    const browser = new Browser(ORIGIN, sendSafely);
    const { fields } = await consentForm(browser, client, challenge);
    const response = await browser.request(`${ORIGIN}/authorize`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: ATTACKER,
        'Sec-Fetch-Site': 'cross-site',
      },
      body: new URLSearchParams([...fields, ['decision', 'approve']]).toString(),
    });
    await expectPage(response, 403);
  });

  it('a cross-site POST without the binding cookie (what a browser sends for SameSite=Lax) is refused with a 403 page', async () => {
    const { client, challenge } = await newClient();
    const { fields } = await consentForm(new Browser(ORIGIN, sendSafely), client, challenge);
    const response = await send(
      new Request(`${ORIGIN}/authorize`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: ATTACKER,
          'Sec-Fetch-Site': 'cross-site',
        },
        body: new URLSearchParams([...fields, ['decision', 'approve']]).toString(),
      }),
    );
    await expectPage(response, 403);
  });

  it('a reused consent handle after Allow is refused with a 400 page and no second upstream redirect', async () => {
    const { client, challenge } = await newClient();
    const browser = new Browser(ORIGIN, sendSafely);
    const { fields } = await consentForm(browser, client, challenge);
    const form: [string, string][] = [...fields, ['decision', 'approve']];
    expect((await browser.postForm(`${ORIGIN}/authorize`, form)).status).toBe(302);
    await expectPage(await browser.postForm(`${ORIGIN}/authorize`, form));
  });

  it('a reused consent handle after Deny is refused with a 400 page, no redirect', async () => {
    const { client, challenge } = await newClient();
    const browser = new Browser(ORIGIN, sendSafely);
    const { fields } = await consentForm(browser, client, challenge);
    const denied = await browser.postForm(`${ORIGIN}/authorize`, [...fields, ['decision', 'deny']]);
    expect(denied.status).toBe(302);
    expect(new URL(denied.headers.get('Location') ?? '').searchParams.get('error')).toBe('access_denied');
    await expectPage(await browser.postForm(`${ORIGIN}/authorize`, [...fields, ['decision', 'approve']]));
  });

  it('a forged handle with Deny is refused with a 400 page, no redirect', async () => {
    await expectPage(
      await newBrowser().postForm(`${ORIGIN}/authorize`, [
        ['handle', 'forged'],
        ['decision', 'deny'],
      ]),
    );
  });

  it('a consent form with an injected scope grants nothing: a 400 page, no redirect', async () => {
    const { client, challenge } = await newClient();
    const browser = new Browser(ORIGIN, sendSafely);
    const { fields } = await consentForm(browser, client, challenge);
    const response = await browser.postForm(`${ORIGIN}/authorize`, [
      ...fields.filter(([name]) => name !== 'scope'),
      ['scope', 'admin'],
      ['scope', 'mcp:read mcp:write'],
      ['decision', 'approve'],
    ]);
    await expectPage(response);
  });
});

describe('client metadata', () => {
  function register(metadata: Record<string, unknown>): Promise<Response> {
    return send(registrationRequest(ORIGIN, metadata));
  }

  async function expectMetadataRefused(response: Response) {
    expect(response.status).toBe(400);
    expect(await oauthError(response)).toBe('invalid_client_metadata');
  }

  const RAW_HTML = /<img\b|<script\b/i; // as markup; escaped text (&lt;img …) is fine

  it('DCR: a javascript: redirect URI is refused with invalid_client_metadata', async () => {
    await expectMetadataRefused(await register({ redirect_uris: ['javascript:alert(document.cookie)'] }));
  });

  it('DCR: a data: redirect URI next to a valid one is refused with invalid_client_metadata', async () => {
    await expectMetadataRefused(
      await register({ redirect_uris: ['https://app.example/callback', 'data:text/html,<script>alert(1)</script>'] }),
    );
  });

  it('DCR: a remote http redirect URI is refused with invalid_client_metadata', async () => {
    await expectMetadataRefused(await register({ redirect_uris: ['http://attacker.example/callback'] }));
  });

  it('DCR: a javascript: client_uri or logo_uri is refused with invalid_client_metadata', async () => {
    await expectMetadataRefused(await register({ client_uri: 'javascript:alert(1)' }));
    await expectMetadataRefused(await register({ logo_uri: 'javascript:alert(1)' }));
  });

  it('DCR: HTML in client_name is rendered escaped on the consent page (no raw <img or <script)', async () => {
    const { client, challenge } = await newClient({
      client_name: '<img src=x onerror=alert(1)><script>alert(2)</script>',
    });
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: client.redirect_uris[0] ?? '',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toMatch(RAW_HTML);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('DCR: a 500 KB client_name is refused, or rendered escaped on the consent page; never a 5xx', async () => {
    const name = `${'N'.repeat(500_000)}<script>alert(1)</script>`;
    const registration = await register({ client_name: name });
    if (registration.status !== 201) {
      expect(registration.status).toBe(400);
      return;
    }
    const client = (await registration.json()) as RegisteredClient;
    const { challenge } = await pkcePair();
    const response = await getPage(
      authorizePath({
        client_id: client.client_id,
        redirect_uri: client.redirect_uris[0] ?? '',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect([200, 400]).toContain(response.status);
    expect(await response.text()).not.toMatch(RAW_HTML);
  });

  describe('Client ID Metadata Documents', () => {
    let outbound: ReturnType<typeof spyOnOutbound>;
    const standinHost = () => new URL(standinUrl()).host;
    /** CIMD documents come from the stub; nothing but the stand-in is reached over the network. */
    function stubDocuments(documents: Record<string, Response | (() => Response)> = {}) {
      outbound = spyOnOutbound(({ url }) => {
        const stubbed = documents[url];
        if (stubbed) return typeof stubbed === 'function' ? stubbed() : stubbed;
        const known = CIMD_DOCUMENTS[url];
        if (known) return Response.json(known);
        if (new URL(url).host === standinHost()) return undefined;
        return new Response('not found', { status: 404 });
      });
    }
    afterEach(() => outbound?.spy.mockRestore());
    const fetched = (url: string) => outbound.calls.some((call) => call.url === url);

    async function authorizeAs(clientId: string, redirectUri: string): Promise<Response> {
      const { challenge } = await pkcePair();
      return getPage(
        authorizePath({
          client_id: clientId,
          redirect_uri: redirectUri,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
    }

    it('CIMD: a document with an HTML name and a javascript: redirect URI is refused with a 400 page', async () => {
      stubDocuments();
      const html = await expectPage(await authorizeAs('https://evil.example/client.json', 'javascript:alert(1)'));
      expect(html).not.toMatch(RAW_HTML);
    });

    it('CIMD: HTML in a document’s client_name is rendered escaped on the consent page', async () => {
      const clientId = 'https://hostile-name.example/client.json';
      stubDocuments({
        [clientId]: () =>
          Response.json({
            client_id: clientId,
            client_name: '<script>alert(1)</script><img src=x onerror=alert(2)>',
            redirect_uris: ['https://hostile-name.example/callback'],
            token_endpoint_auth_method: 'none',
          }),
      });
      const response = await authorizeAs(clientId, 'https://hostile-name.example/callback');
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).not.toMatch(RAW_HTML);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('Published by <strong>hostile-name.example</strong>');
    });

    it('CIMD: a document over 5 KB is refused with a 400 page', async () => {
      const clientId = 'https://huge-document.example/client.json';
      stubDocuments({
        [clientId]: () =>
          Response.json({
            client_id: clientId,
            client_name: 'H'.repeat(10_000),
            redirect_uris: ['https://huge-document.example/callback'],
            token_endpoint_auth_method: 'none',
          }),
      });
      await expectPage(await authorizeAs(clientId, 'https://huge-document.example/callback'));
    });

    it('CIMD: a document naming another client_id (impersonating Claude) is refused with a 400 page', async () => {
      const clientId = 'https://impostor.example/client.json';
      stubDocuments({
        [clientId]: () =>
          Response.json({
            client_id: 'https://claude.ai/oauth/mcp-oauth-client-metadata',
            client_name: 'Claude',
            redirect_uris: ['https://impostor.example/callback'],
            token_endpoint_auth_method: 'none',
          }),
      });
      const html = await expectPage(await authorizeAs(clientId, 'https://impostor.example/callback'));
      expect(html).not.toContain('Published by');
    });

    it('CIMD: a document URL that redirects to a private address is refused, and the redirect is not followed', async () => {
      const clientId = 'https://redirector.example/client.json';
      const target = 'http://169.254.169.254/latest/meta-data/';
      stubDocuments({ [clientId]: () => new Response(null, { status: 302, headers: { Location: target } }) });
      await expectPage(await authorizeAs(clientId, 'https://redirector.example/callback'));
      expect(fetched(target)).toBe(false);
    });

    // The library refuses non-https client ids before fetching, but fetched any https URL,
    // whatever its host (found by this suite; the rows marked true): the Worker now refuses
    // private, loopback, link-local and internal hosts itself, in wrangler dev too, where the
    // global_fetch_strictly_public flag does not protect a developer's network.
    const PRIVATE_CLIENT_IDS: [url: string, what: string, wasBug: boolean][] = [
      ['http://127.0.0.1/client.json', 'loopback over http', false],
      ['http://169.254.169.254/latest/meta-data/iam', 'cloud metadata over http', false],
      ['http://localhost/client.json', 'localhost over http', false],
      ['http://client.example/client.json', 'a non-https URL', false],
      ['https://10.0.0.1/client.json', 'a private network address', true],
      ['https://192.168.1.1/client.json', 'a home-router address', true],
      ['https://127.0.0.1/client.json', 'loopback over https', true],
      ['https://[::1]/client.json', 'IPv6 loopback', true],
      ['https://169.254.169.254/latest/meta-data/iam', 'cloud metadata over https', true],
      ['https://localhost/client.json', 'localhost over https', true],
      ['https://metadata.google.internal/computeMetadata/v1/', 'an internal-only host name', true],
    ];
    for (const [clientId, what] of PRIVATE_CLIENT_IDS) {
      it(`CIMD: client_id ${clientId} (${what}) is refused with a 400 page without the Worker fetching it (SSRF)`, async () => {
        stubDocuments();
        await expectPage(await authorizeAs(clientId, 'https://app.example/callback'));
        expect(fetched(clientId)).toBe(false);
      });
    }

    // Found by this suite, now fixed: the token endpoint resolves CIMD client ids too, so the same fetch happens
    // without a browser: one POST per address.
    it('CIMD: a private-address client_id at /token is refused with 401 invalid_client without the Worker fetching it', async () => {
      stubDocuments();
      const clientId = 'https://10.0.0.1/client.json';
      const response = await refresh(clientId, 'x:y:z');
      expect(response.status).toBe(401);
      expect(await oauthError(response)).toBe('invalid_client');
      expect(fetched(clientId)).toBe(false);
    });
  });
});

describe('sessions', () => {
  async function ownerAndIntruder(prefix: string) {
    const owner = await userToken(`${prefix}-owner@example.com`);
    const intruder = await userToken(`${prefix}-intruder@example.com`);
    const sessionId = await openWireSession(owner.tokens.access_token);
    return { owner, intruder, sessionId };
  }

  function toolCall(id: number, name: string, args: Record<string, unknown> = {}) {
    return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
  }

  it('an intruder calling whoami on another user’s session with their own token gets no data', async () => {
    const { intruder, sessionId } = await ownerAndIntruder('hijack-whoami');
    const response = await mcp(intruder.tokens.access_token, toolCall(1, 'whoami'), sessionId);
    expect(response.status).toBe(404); // as if the session did not exist
    const body = await readFor(response, 5_000);
    expect(body).toContain('Session not found');
    expect(body).not.toContain('hijack-whoami-owner@example.com');
    expect(body).not.toContain('structuredContent');
  });

  it('an intruder calling search_records on another user’s session gets no records', async () => {
    const { intruder, sessionId } = await ownerAndIntruder('hijack-search');
    const response = await mcp(
      intruder.tokens.access_token,
      toolCall(2, 'search_records', { query: 'Acme' }),
      sessionId,
    );
    expect(response.status).toBe(404);
    const body = await readFor(response, 5_000);
    expect(body).not.toContain('Acme Corp');
  });

  // Found by this suite, now fixed: the ownership check lives only in the tool-call path inside the session. GET
  // /mcp with another user's session id and a Last-Event-ID is answered 200 and resumes the
  // owner's stream: the intruder receives the owner's tool results (CRM records), the owner nothing.
  it('an intruder resuming another user’s dropped stream (GET + Last-Event-ID) is refused with 404 and gets none of its results', async () => {
    const email = 'hijack-stream-owner@example.com';
    const owner = await userToken(email);
    const intruder = await userToken('hijack-stream-intruder@example.com');
    const sessionId = await openWireSession(owner.tokens.access_token);
    await controlStandin('faults', {
      delayMs: 1500,
      count: 1,
      pathPrefix: '/v2/objects/records/search',
      memberEmail: email,
    });
    const dropped = new AbortController();
    const call = await mcpRequest(
      'POST',
      {
        ...toolCall(42, 'search_records', { query: 'Acme' }),
        params: { name: 'search_records', arguments: { query: 'Acme' }, _meta: { progressToken: 'p' } },
      },
      { token: owner.tokens.access_token, sessionId, protocolVersion: '2025-06-18', signal: dropped.signal },
    );
    const [progress] = await readEvents(call, () => true);
    dropped.abort(); // the owner's network drops before the answer
    const resumed = await send(
      new Request(`${ORIGIN}/mcp`, {
        headers: {
          Authorization: `Bearer ${intruder.tokens.access_token}`,
          Accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-06-18',
          'Last-Event-ID': progress?.id ?? '',
        },
      }),
    );
    const body = await readFor(resumed, 4_000);
    expect(body).not.toContain('Acme Corp');
    expect(resumed.status).toBe(404);
  });

  // Found by this suite, now fixed: DELETE /mcp is handled by the agents library before any ownership check: any
  // signed-in user who learns a session id can end it (204), and the owner's next call is a 404.
  it('an intruder cannot end another user’s session with DELETE (404), and the session keeps working', async () => {
    const { owner, intruder, sessionId } = await ownerAndIntruder('hijack-delete');
    const ended = await send(
      new Request(`${ORIGIN}/mcp`, {
        method: 'DELETE',
        headers: {
          Authorization: `Bearer ${intruder.tokens.access_token}`,
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-06-18',
        },
      }),
    );
    expect(ended.status).toBe(404);
    const still = await mcp(owner.tokens.access_token, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, sessionId);
    expect(still.status).toBe(200);
    await still.body?.cancel();
  });

  it('a guessed session id gets 404', async () => {
    const { tokens } = await userToken('guessed-session@example.com');
    const guess = '0'.repeat(64);
    const response = await mcp(tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, guess);
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });

  it('a session whose token was revoked mid-session gets 401', async () => {
    const { client, tokens } = await userToken('revoked-mid-session@example.com');
    const sessionId = await openWireSession(tokens.access_token);
    await tokenRequest(sendSafely, ORIGIN, { token: tokens.access_token, client_id: client.client_id });
    const response = await mcp(tokens.access_token, toolCall(1, 'whoami'), sessionId);
    expect(response.status).toBe(401);
  });

  it('a forged x-mcp-session-auth header cannot raise a read-only token to write (SSE, no step-up)', async () => {
    const { tokens } = await userToken('forged-scopes@example.com', {
      scope: 'mcp:read mcp:write',
      untick: ['mcp:write'],
    });
    expect(tokens.scope).toBe('mcp:read');
    const forged = JSON.stringify({ scopes: ['mcp:read', 'mcp:write'], userId: 'someone-else', grantId: 'g' });
    const transport = new SSEClientTransport(new URL(`${ORIGIN}/sse`), {
      requestInit: { headers: { Authorization: `Bearer ${tokens.access_token}`, 'x-mcp-session-auth': forged } },
      fetch: (input, init) => sendToWorker(new Request(input, init)),
    });
    const client = new Client({ name: 'forger', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = (await client.callTool({
        name: 'create_note',
        arguments: { object: 'companies', record_id: 'any', title: 'forged', content: 'forged' },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('mcp:write');
    } finally {
      await client.close();
    }
  });
});

describe('transport / JSON-RPC', () => {
  let bearer = '';
  let sessionId = '';
  beforeAll(async () => {
    bearer = (await userToken('transport-attacks@example.com')).tokens.access_token;
    sessionId = await openWireSession(bearer);
  });

  async function expectJsonRpcError(response: Response, status: number): Promise<number> {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { jsonrpc: string; error: { code: number; message: string } };
    expect(body.jsonrpc).toBe('2.0');
    expect(typeof body.error.code).toBe('number');
    return body.error.code;
  }

  it('DNS rebinding: a page on http://attacker.example posting to PUBLIC_URL/mcp is refused with 403 and no CORS', async () => {
    const response = await mcp(bearer, INITIALIZE, undefined, {
      Host: new URL(ORIGIN).host,
      Origin: 'http://attacker.example',
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe('forbidden_origin');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('a request for a rebound host name (attacker.example pointing at this server) is refused with 421, never served', async () => {
    const response = await send(
      new Request('http://attacker.example/mcp', {
        method: 'POST',
        headers: { Authorization: `Bearer ${bearer}`, Origin: 'http://attacker.example', ...JSON_RPC_HEADERS },
        body: JSON.stringify(INITIALIZE),
      }),
    );
    expect(response.status).toBe(421);
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });

  it('Origin: null (a sandboxed iframe or file:// page) is refused with 403', async () => {
    const response = await mcp(bearer, INITIALIZE, undefined, { Origin: 'null' });
    expect(response.status).toBe(403);
  });

  it('a look-alike Origin (PUBLIC_URL as a prefix of the attacker’s host) is refused with 403', async () => {
    const response = await mcp(bearer, INITIALIZE, undefined, { Origin: `${ORIGIN}.attacker.example` });
    expect(response.status).toBe(403);
  });

  const malformed: [string, string][] = [
    ['invalid JSON', '{"jsonrpc": "2.0", "id": 1, "method": '],
    ['a number, not an object', '42'],
    ['a string, not an object', '"tools/list"'],
    ['null', 'null'],
    ['missing jsonrpc', '{"id": 1, "method": "tools/list"}'],
    ['missing method', '{"jsonrpc": "2.0", "id": 1}'],
    ['jsonrpc 1.0', '{"jsonrpc": "1.0", "id": 1, "method": "tools/list"}'],
    ['method not a string', '{"jsonrpc": "2.0", "id": 1, "method": 42}'],
    ['a batch of garbage', '[1, "two", {"three": 3}, null, []]'],
    ['a batch mixing a valid call with garbage', '[{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, {"x": 1}]'],
  ];
  for (const [shape, body] of malformed) {
    it(`malformed JSON-RPC: ${shape} is refused with 400 and a JSON-RPC error`, async () => {
      await expectJsonRpcError(await mcp(bearer, body, sessionId), 400);
    });
  }

  // Found by this suite, now fixed (low): an empty batch is answered 202 Accepted (the agents library treats "every
  // message is a notification" as true for no messages); JSON-RPC 2.0 §6 requires an Invalid
  // Request error for an array without a value.
  it('malformed JSON-RPC: an empty batch is refused with 400 and a JSON-RPC error', async () => {
    await expectJsonRpcError(await mcp(bearer, '[]', sessionId), 400);
  });

  it('an unknown method is answered with JSON-RPC -32601 (method not found)', async () => {
    const response = await mcp(bearer, { jsonrpc: '2.0', id: 9, method: 'admin/dump_sessions' }, sessionId);
    expect(response.status).toBe(200);
    const events = await readEvents(response, (event) => (event.data as { id?: number }).id === 9);
    const answer = events.at(-1)?.data as { error?: { code: number } } | undefined;
    expect(answer?.error?.code).toBe(-32601);
  });

  it('Content-Type text/plain on POST /mcp is refused with 415', async () => {
    const code = await expectJsonRpcError(
      await mcp(bearer, INITIALIZE, undefined, { 'Content-Type': 'text/plain' }),
      415,
    );
    expect(code).toBe(-32000);
  });

  it('Content-Type application/x-www-form-urlencoded on POST /mcp (a plain HTML form) is refused with 415', async () => {
    await expectJsonRpcError(
      await mcp(bearer, 'jsonrpc=2.0&method=tools/list', sessionId, {
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
      415,
    );
  });

  it('a POST to /mcp without Accept is refused with 406', async () => {
    const response = await send(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(INITIALIZE),
      }),
    );
    await expectJsonRpcError(response, 406);
  });

  it('a POST to /mcp accepting only application/json is refused with 406', async () => {
    await expectJsonRpcError(await mcp(bearer, INITIALIZE, undefined, { Accept: 'application/json' }), 406);
  });

  it('a 5 MB POST to /mcp is refused with 413 (limit: 4 MiB)', async () => {
    const body = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: 'x'.repeat(MB5) } });
    const response = await mcp(bearer, body);
    expect(await expectJsonRpcError(response, 413)).toBe(-32000);
  });

  // Found by this suite, now fixed: the agents library enforces its 4 MiB limit on the Content-Length header only; a
  // chunked body has none, so 5 MB is read, parsed and served (here: a new session, 200).
  it('a 5 MB POST to /mcp sent chunked (no Content-Length) is refused with 413', async () => {
    const body = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: 'x'.repeat(MB5) } });
    const response = await send(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bearer}`, ...JSON_RPC_HEADERS },
        body: chunkedBody(body),
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(response.status).toBe(413);
  });

  it('a 5 MB POST to /token is refused with a 4xx OAuth error (400 or 413)', async () => {
    const response = await refresh('some-client', 'r'.repeat(MB5));
    expect([400, 401, 413]).toContain(response.status);
    expect(await oauthError(response)).toMatch(/^invalid_/);
  });

  it('a 5 MB POST to /register is refused with 413 (limit: 1 MiB)', async () => {
    const response = await send(
      new Request(`${ORIGIN}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'n'.repeat(MB5), redirect_uris: ['https://app.example/callback'] }),
      }),
    );
    expect(response.status).toBe(413);
    expect(await oauthError(response)).toBe('invalid_request');
  });

  it('a 5 MB POST to /register sent chunked is refused with 413 (limit: 1 MiB)', async () => {
    const response = await send(
      new Request(`${ORIGIN}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: chunkedBody(JSON.stringify({ client_name: 'n'.repeat(MB5), redirect_uris: ['https://app.example/cb'] })),
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
  });

  it('a 5 MB consent POST to /authorize is refused with a 400 page', async () => {
    const response = await send(
      new Request(`${ORIGIN}/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `handle=${'h'.repeat(MB5)}&decision=approve&scope=mcp%3Aread`,
      }),
    );
    await expectPage(response);
  });

  it('a 100 KB URL on /mcp gets 401, not a 5xx', async () => {
    const response = await send(
      new Request(`${ORIGIN}/mcp?${'q'.repeat(100_000)}`, {
        method: 'POST',
        headers: JSON_RPC_HEADERS,
        body: JSON.stringify(INITIALIZE),
      }),
    );
    expect(response.status).toBe(401);
  });

  it('a 200 KB header on /mcp gets 401, not a 5xx', async () => {
    const response = await send(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: {
          ...JSON_RPC_HEADERS,
          'X-Padding': 'p'.repeat(200_000),
          Authorization: `Bearer ${'a'.repeat(100_000)}`,
        },
        body: JSON.stringify(INITIALIZE),
      }),
    );
    expect(response.status).toBe(401);
  });

  // Found by this suite, now fixed: see tokens T16–T19; the token's user and grant ids become a KV key, so any
  // anonymous request gets 503 "cannot reach its storage" instead of the 401 challenge.
  it('an over-long bearer token on /mcp gets 401 invalid_token, not a crash', async () => {
    const response = await mcp(`${'u'.repeat(600)}:grant:secret`, INITIALIZE);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('deeply nested JSON-RPC params are answered with a 4xx or a JSON-RPC error, never a 5xx', async () => {
    const depth = 50_000;
    const body = `{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"whoami","arguments":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const response = await mcp(bearer, body, sessionId);
    expect(response.status).toBeLessThan(500);
    const answer = await readFor(response, 5_000);
    if (response.status === 200) expect(answer).toMatch(/"id":11/);
  });
});

describe('secrets', () => {
  /** The Attio tokens the Worker used: the bearer of every call it made to Attio's API. */
  function attioTokens(calls: Outbound[]): string[] {
    const api = `${standinUrl()}/v2/`;
    const tokens = calls
      .filter((call) => call.url.startsWith(api))
      .map((call) => (call.headers.get('Authorization') ?? '').replace(/^Bearer\s+/i, ''))
      .filter(Boolean);
    return [...new Set(tokens)];
  }

  function expectNoSecrets(seen: string, attio: string[]) {
    for (const secret of [...attio, SECRETS.CONSENT_SECRET, SECRETS.ATTIO_CLIENT_SECRET]) {
      expect(seen.includes(secret), `a secret (${secret.slice(0, 6)}…) was shown`).toBe(false);
    }
    expect(seen).not.toContain(btoa(`dev-attio-client:${SECRETS.ATTIO_CLIENT_SECRET}`));
  }

  it('a whole sign-in, refresh and tool calls never show the Attio token, CONSENT_SECRET or ATTIO_CLIENT_SECRET in responses or logs', async () => {
    const logs = captureConsole();
    const outbound = spyOnOutbound();
    const recorder = recordingSend();
    try {
      const browser = new Browser(ORIGIN, recorder.send);
      const { client, tokens } = await signIn(browser, { email: 'no-leaks@example.com' });
      await tokensOf(
        await tokenRequest(recorder.send, ORIGIN, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token ?? '',
          client_id: client.client_id,
        }),
      );
      const mcpClient = await connectMcp({
        origin: ORIGIN,
        token: tokens.access_token,
        transport: 'streamable-http',
        send: recorder.send,
      });
      for (const [name, args] of [
        ['whoami', {}],
        ['health', {}],
        ['search_records', { query: 'Acme' }],
        ['query_records', { object: 'deals', filter: { nonsense_attribute: 'x' } }],
        ['get_record', { object: 'companies', record_id: 'not-a-record' }],
      ] as const) {
        await mcpClient.callTool({ name, arguments: args });
      }
      await mcpClient.close();
      // Revocation is audited (src/index.ts): the log line must not carry the token either.
      const revoked = await tokenRequest(recorder.send, ORIGIN, {
        token: tokens.access_token,
        client_id: client.client_id,
      });
      expect(revoked.status).toBe(200);
      const attio = attioTokens(outbound.calls);
      expect(attio.length).toBeGreaterThan(0); // the check below is only as good as this
      const responses = await recorder.seen();
      // The checks below are only as good as what was captured: tool output and the audit log.
      expect(responses).toContain('Acme Corp');
      expect(logs.text()).toContain('"audit":"sign_in"');
      expect(logs.text()).toContain('"audit":"token_revocation"');
      expectNoSecrets(`${responses}\n${logs.text()}`, attio);
      // Nor this server's own tokens in the logs.
      for (const own of [tokens.access_token, tokens.refresh_token ?? '']) expect(logs.text()).not.toContain(own);
    } finally {
      outbound.spy.mockRestore();
      logs.restore();
    }
  });

  it('the Attio client secret goes only to Attio’s token endpoint, and the Attio token only to Attio’s API', async () => {
    const outbound = spyOnOutbound();
    try {
      const { tokens } = await userToken('secret-destinations@example.com');
      const session = await connectMcp({
        origin: ORIGIN,
        token: tokens.access_token,
        transport: 'streamable-http',
        send: sendSafely,
      });
      await session.callTool({ name: 'search_records', arguments: { query: 'Acme' } });
      await session.close();
      const attio = attioTokens(outbound.calls);
      expect(attio.length).toBeGreaterThan(0);
      for (const call of outbound.calls) {
        const carried = `${[...call.headers].join(' ')} ${call.body}`;
        if (carried.includes(SECRETS.ATTIO_CLIENT_SECRET)) expect(call.url).toBe(`${standinUrl()}/oauth/token`);
        if (attio.some((token) => carried.includes(token)))
          expect(call.url.startsWith(`${standinUrl()}/v2/`)).toBe(true);
        expect(carried).not.toContain(SECRETS.CONSENT_SECRET);
      }
    } finally {
      outbound.spy.mockRestore();
    }
  });

  it('a tool error after Attio revokes access says reconnect and shows no token or secret, in responses or logs', async () => {
    const email = 'revoked-no-leak@example.com';
    const logs = captureConsole();
    const outbound = spyOnOutbound();
    const recorder = recordingSend();
    try {
      const { tokens } = await userToken(email);
      const session = await connectMcp({
        origin: ORIGIN,
        token: tokens.access_token,
        transport: 'streamable-http',
        send: recorder.send,
      });
      await controlStandin('revoke', { email });
      const result = (await session.callTool({
        name: 'search_records',
        arguments: { query: 'Acme' },
      })) as CallToolResult;
      await session.close();
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/reconnect/i);
      const attio = attioTokens(outbound.calls);
      expect(attio.length).toBeGreaterThan(0);
      const responses = await recorder.seen();
      expect(responses).toMatch(/reconnect/i);
      expect(logs.text()).toContain('"audit":"grant_revoked"');
      expectNoSecrets(`${JSON.stringify(result)}\n${responses}\n${logs.text()}`, attio);
    } finally {
      outbound.spy.mockRestore();
      logs.restore();
    }
  });

  it('OAuth and MCP errors do not echo the credential sent', async () => {
    const credential = 'attio-00000000000000000000000000000000:grantgrantgrant1:SuperSecretValue_0123456789';
    const bad = await mcp(credential, INITIALIZE);
    expect(bad.status).toBe(401);
    expect(`${[...bad.headers].join(' ')} ${await bad.text()}`).not.toContain('SuperSecretValue');
    const { client } = await newClient();
    const refreshed = await refresh(client.client_id, credential);
    expect(refreshed.status).toBe(400);
    expect(await refreshed.text()).not.toContain('SuperSecretValue');
    const exchanged = await exchangeCode({
      code: credential,
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      verifier: 'SuperSecretVerifier-0123456789-0123456789-0123',
    });
    expect(exchanged.status).toBe(400);
    expect(await exchanged.text()).not.toMatch(/SuperSecret/);
  });

  it('/health shows booleans, never values', async () => {
    const response = await send(new Request(`${ORIGIN}/health`));
    expect(response.status).toBe(200);
    const body = await response.text();
    expectNoSecrets(body, []);
    expect(body).not.toContain('dev-attio-client');
    const { checks } = JSON.parse(body) as { checks: Record<string, unknown> };
    expect(Object.values(checks).every((value) => typeof value === 'boolean')).toBe(true);
  });
});
