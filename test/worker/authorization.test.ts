import { describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  authorizeUrl,
  type Browser,
  parseForms,
  pkcePair,
  registerClient,
  signIn,
  type TokenResponse,
  tokenRequest,
} from '../support/oauth-client';
import { controlStandin, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

async function newClient(metadata: Record<string, unknown> = {}) {
  const client = await registerClient(sendToWorker, ORIGIN, metadata);
  const { verifier, challenge } = await pkcePair();
  return { client, redirectUri: client.redirect_uris[0] ?? '', verifier, challenge };
}

async function exchange(clientId: string, redirectUri: string, verifier: string, code: string) {
  return tokenRequest(sendToWorker, ORIGIN, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: clientId,
    code_verifier: verifier,
  });
}

/** Opens the consent page and returns its form, as a browser would see it. */
async function openConsent(browser: Browser, params: Parameters<typeof authorizeUrl>[1]) {
  const response = await browser.request(authorizeUrl(ORIGIN, params));
  const html = await response.text();
  return { response, html, form: parseForms(html, `${ORIGIN}/authorize`)[0] };
}

describe('the whole sign-in: authorize → consent → Attio sign-in → callback → token', () => {
  it('issues tokens bound to the resource, with the scopes the user approved', async () => {
    const { client, redirectUri, verifier, challenge } = await newClient();
    const browser = newBrowser();
    const { redirect, consentShown } = await authorizeInBrowser(browser, {
      clientId: client.client_id,
      redirectUri,
      challenge,
      scope: 'mcp:read mcp:write',
      resource: ORIGIN,
      state: 'opaque-state',
    });
    expect(consentShown).toBe(true);
    expect(redirect.toString().startsWith(redirectUri)).toBe(true);
    expect(redirect.searchParams.get('state')).toBe('opaque-state');
    expect(redirect.searchParams.get('iss')).toBe(ORIGIN); // RFC 9207
    const code = redirect.searchParams.get('code') ?? '';
    const response = await exchange(client.client_id, redirectUri, verifier, code);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenResponse;
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);
    expect(tokens.resource).toBe(ORIGIN);
    // The Attio token (64 hex characters at the stand-in) stays server-side.
    expect(Object.keys(tokens).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'resource',
      'scope',
      'token_type',
    ]);
    expect(JSON.stringify(tokens)).not.toMatch(/[0-9a-f]{64}/);
    // Tokens carry the library's user id; ours is opaque, so they reveal no workspace or member id.
    expect(tokens.access_token).toMatch(/^attio-[0-9a-f]{32}:/);
  });

  it('a client that asks for scope=claudeai gets the default grant shown on the consent page', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const { response, form } = await openConsent(newBrowser(), {
      clientId: client.client_id,
      redirectUri,
      challenge,
      scope: 'claudeai',
    });
    expect(response.status).toBe(200);
    expect(form?.checkboxes.map(([, value]) => value)).toEqual(['mcp:read', 'mcp:write']);
  });

  it('a client that asks for no scope (ChatGPT) gets the default grant, not an error', async () => {
    const browser = newBrowser();
    const { tokens } = await signIn(browser);
    expect(tokens.scope.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);
  });

  it('a scope the user unticks is not granted', async () => {
    const { tokens } = await signIn(newBrowser(), { scope: 'mcp:read mcp:write', untick: ['mcp:write'] });
    expect(tokens.scope).toBe('mcp:read');
  });

  it('the consent page shows the client name escaped, the redirect host, and warns about loopback', async () => {
    const { client, redirectUri, challenge } = await newClient({ client_name: '<script>alert(1)</script> Evil' });
    const { html, response } = await openConsent(newBrowser(), { clientId: client.client_id, redirectUri, challenge });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Evil');
    expect(html).toContain('<strong>127.0.0.1</strong>');
    expect(html).toContain('an app on your computer');
    expect(html).toContain('not verified');
    expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
  });

  it('the consent page offers to remember the approval for 30 days, unticked', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const { html } = await openConsent(newBrowser(), { clientId: client.client_id, redirectUri, challenge });
    expect(html).toContain('Remember this approval for 30 days in this browser');
    expect(html).toMatch(/<input type="checkbox" name="remember" value="yes"\/?>/);
  });

  it('an approval the person did not choose to remember is not remembered: the next authorization asks again', async () => {
    const browser = newBrowser();
    const { client } = await signIn(browser, { scope: 'mcp:read' });
    const { challenge } = await pkcePair();
    const again = await authorizeInBrowser(browser, {
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      challenge,
      scope: 'mcp:read',
    });
    expect(again.consentShown).toBe(true);
  });

  it('an approval the person chose to remember: the next authorization in the same browser skips the page', async () => {
    const browser = newBrowser();
    const { client } = await signIn(browser, { scope: 'mcp:read', remember: true });
    const { challenge } = await pkcePair();
    const again = await authorizeInBrowser(browser, {
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      challenge,
      scope: 'mcp:read',
    });
    expect(again.consentShown).toBe(false);
    expect(again.redirect.searchParams.get('code')).toBeTruthy();
    // prompt=consent asks again even in the same browser.
    const prompted = await browser.request(
      `${authorizeUrl(ORIGIN, { clientId: client.client_id, redirectUri: client.redirect_uris[0] ?? '', challenge, scope: 'mcp:read' })}&prompt=consent`,
    );
    expect(prompted.status).toBe(200);
    // Another browser is asked again.
    const { response } = await openConsent(newBrowser(), {
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      challenge,
      scope: 'mcp:read',
    });
    expect(response.status).toBe(200);
  });
});

describe('declining', () => {
  it('Deny on the consent page sends access_denied with state and iss back to the client', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const { redirect } = await authorizeInBrowser(newBrowser(), {
      clientId: client.client_id,
      redirectUri,
      challenge,
      consent: 'deny',
      state: 's1',
    });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s1');
    expect(redirect.searchParams.get('iss')).toBe(ORIGIN);
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  it('Deny at Attio sends access_denied back to the client', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const { redirect } = await authorizeInBrowser(newBrowser(), {
      clientId: client.client_id,
      redirectUri,
      challenge,
      upstreamDecision: 'deny',
      state: 's2',
    });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s2');
  });
});

describe('the consent handle is single use and bound to the browser', () => {
  it('a replayed consent form is refused with a readable 400 page', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const browser = newBrowser();
    const { form } = await openConsent(browser, { clientId: client.client_id, redirectUri, challenge });
    const fields: [string, string][] = [...(form?.fields ?? []), ...(form?.checkboxes ?? []), ['decision', 'approve']];
    const first = await browser.postForm(`${ORIGIN}/authorize`, fields);
    expect(first.status).toBe(302);
    const replay = await browser.postForm(`${ORIGIN}/authorize`, fields);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('Content-Type')).toContain('text/html');
    expect(await replay.text()).toContain('start connecting again');
  });

  it('a consent form posted from another browser (no binding cookie) is refused', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const { form } = await openConsent(newBrowser(), { clientId: client.client_id, redirectUri, challenge });
    const attacker = newBrowser();
    const response = await attacker.postForm(`${ORIGIN}/authorize`, [
      ...(form?.fields ?? []),
      ['scope', 'mcp:read'],
      ['decision', 'approve'],
    ]);
    expect(response.status).toBe(400);
  });

  it('a made-up handle is refused', async () => {
    const response = await newBrowser().postForm(`${ORIGIN}/authorize`, [
      ['handle', 'forged'],
      ['scope', 'mcp:read'],
      ['decision', 'approve'],
    ]);
    expect(response.status).toBe(400);
  });

  it('a callback with a stale or unknown state is refused with a page, not a redirect', async () => {
    const response = await newBrowser().request(`${ORIGIN}/callback?code=abc&state=not-a-real-state`);
    expect(response.status).toBe(400);
    expect(response.headers.get('Location')).toBeNull();
  });
});

describe('bad authorization requests get a readable 4xx page, never a 500 or an unsafe redirect', () => {
  const cases: [string, (client: { client_id: string }, challenge: string) => string][] = [
    [
      'an unknown client',
      (_c, challenge) =>
        `/authorize?response_type=code&client_id=nope&redirect_uri=http://127.0.0.1:1/cb&code_challenge=${challenge}&code_challenge_method=S256`,
    ],
    [
      'an unregistered redirect URI',
      (c, challenge) =>
        `/authorize?response_type=code&client_id=${c.client_id}&redirect_uri=https://evil.example/cb&code_challenge=${challenge}&code_challenge_method=S256`,
    ],
    ['no parameters at all', () => '/authorize'],
    [
      'a malformed client id URL',
      (_c, challenge) =>
        `/authorize?response_type=code&client_id=https://%zz&redirect_uri=x&code_challenge=${challenge}`,
    ],
  ];
  for (const [name, path] of cases) {
    it(`${name} → 400 page`, async () => {
      const { client, challenge } = await newClient();
      const response = await newBrowser().request(`${ORIGIN}${path(client, challenge)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('Location')).toBeNull();
      expect(response.headers.get('Content-Type')).toContain('text/html');
    });
  }

  it('missing PKCE for a public client is reported to the client by redirect (its redirect URI is verified)', async () => {
    const { client, redirectUri } = await newClient();
    const response = await newBrowser().request(
      `${ORIGIN}/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent(redirectUri)}&state=s`,
    );
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('Location') ?? '');
    expect(location.toString().startsWith(redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('a plain (non-S256) PKCE challenge is refused', async () => {
    const { client, redirectUri } = await newClient();
    const response = await newBrowser().request(
      `${ORIGIN}/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent(redirectUri)}&code_challenge=abc&code_challenge_method=plain`,
    );
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('Location') ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  it('a consent POST that is not a form is a 400, not a 500', async () => {
    const response = await sendToWorker(
      new Request(`${ORIGIN}/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"handle":1}',
      }),
    );
    expect(response.status).toBe(400);
  });
});

describe('tokens: code single use, refresh, revocation', () => {
  it('an authorization code works once', async () => {
    const { client, redirectUri, verifier, challenge } = await newClient();
    const { redirect } = await authorizeInBrowser(newBrowser(), { clientId: client.client_id, redirectUri, challenge });
    const code = redirect.searchParams.get('code') ?? '';
    expect((await exchange(client.client_id, redirectUri, verifier, code)).status).toBe(200);
    const again = await exchange(client.client_id, redirectUri, verifier, code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('a wrong PKCE verifier is refused', async () => {
    const { client, redirectUri, challenge } = await newClient();
    const { redirect } = await authorizeInBrowser(newBrowser(), { clientId: client.client_id, redirectUri, challenge });
    const response = await exchange(
      client.client_id,
      redirectUri,
      'wrong-verifier-wrong-verifier-wrong-verifier-1234',
      redirect.searchParams.get('code') ?? '',
    );
    expect(response.status).toBe(400);
  });

  it('a refresh token gives a new access token and rotates', async () => {
    const { client, tokens } = await signIn(newBrowser());
    const response = await tokenRequest(sendToWorker, ORIGIN, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      client_id: client.client_id,
    });
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as TokenResponse;
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.scope).toBe(tokens.scope);
  });

  it('when Attio revokes access, the next refresh fails with invalid_grant and the grant is revoked', async () => {
    const { client, tokens } = await signIn(newBrowser(), { email: 'revoked-user@example.com' });
    await controlStandin('revoke', { email: 'revoked-user@example.com' });
    const response = await tokenRequest(sendToWorker, ORIGIN, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      client_id: client.client_id,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
    // The grant is gone: the access token no longer opens a session.
    const mcp = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokens.access_token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
        }),
      }),
    );
    expect(mcp.status).toBe(401);
  });

  it('a revoked access token is refused at /mcp', async () => {
    const { client, tokens } = await signIn(newBrowser());
    const revoke = await tokenRequest(sendToWorker, ORIGIN, {
      token: tokens.access_token,
      client_id: client.client_id,
    });
    expect(revoke.status).toBe(200);
    const response = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.access_token}` },
        body: '{}',
      }),
    );
    expect(response.status).toBe(401);
  });
});
