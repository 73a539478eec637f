import { describe, expect, it } from 'vitest';
import { authorizeUrl, pkcePair, registerClient } from '../support/oauth-client';
import { get, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

describe('discovery: a client that has never seen the server finds how to sign in', () => {
  it('an unauthenticated POST /mcp gets 401 with a challenge naming the resource metadata', async () => {
    const response = await get('/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('WWW-Authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
    // The default grant, so clients that request exactly the challenge's scope can also write.
    expect(challenge).toContain('scope="mcp:read mcp:write"');
  });

  it('the legacy SSE endpoint challenges the same way', async () => {
    const response = await get('/sse', { headers: { Accept: 'text/event-stream' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('resource_metadata=');
  });

  it('protected resource metadata (RFC 9728) names the origin as the resource covering /mcp and /sse', async () => {
    const response = await get('/.well-known/oauth-protected-resource');
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.resource).toBe(ORIGIN);
    expect(metadata.authorization_servers).toEqual([ORIGIN]);
    expect(metadata.scopes_supported).toEqual(['mcp:read', 'mcp:write']);
  });

  it('authorization server metadata (RFC 8414) offers PKCE S256 only, DCR, CIMD, refresh and revocation', async () => {
    const response = await get('/.well-known/oauth-authorization-server');
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(ORIGIN);
    expect(metadata.authorization_endpoint).toBe(`${ORIGIN}/authorize`);
    expect(metadata.token_endpoint).toBe(`${ORIGIN}/token`);
    expect(metadata.registration_endpoint).toBe(`${ORIGIN}/register`);
    expect(metadata.revocation_endpoint).toBeDefined();
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).toContain('refresh_token');
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
    expect(metadata.scopes_supported).toEqual(['mcp:read', 'mcp:write']);
  });

  it('dynamic client registration returns a client id for a public client', async () => {
    const client = await registerClient(sendToWorker, ORIGIN, { client_name: 'Inspector' });
    expect(client.client_id).toMatch(/\S+/);
    expect(client.client_secret).toBeUndefined();
  });

  it('registration with a javascript: redirect URI is refused with 400', async () => {
    const response = await get('/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_name: 'x',
        redirect_uris: ['javascript:alert(1)'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(response.status).toBe(400);
  });
});

describe('Client ID Metadata Document clients', () => {
  it('a CIMD client is shown with its verified domain on the consent page', async () => {
    const { challenge } = await pkcePair();
    const response = await newBrowser().request(
      authorizeUrl(ORIGIN, {
        clientId: 'https://claude.example/oauth/mcp-oauth-client-metadata',
        redirectUri: 'https://claude.example/api/mcp/auth_callback',
        challenge,
        scope: 'claudeai',
      }),
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Published by <strong>claude.example</strong>');
    expect(html).toContain('Allow <strong>Claude</strong>');
    expect(html).not.toContain('an app on your computer');
  });

  it('a CIMD document with a javascript: redirect URI is refused with a page', async () => {
    const response = await newBrowser().request(
      `${ORIGIN}/authorize?response_type=code&client_id=${encodeURIComponent('https://evil.example/client.json')}&redirect_uri=${encodeURIComponent('javascript:alert(1)')}&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=S256`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('<img src=x');
  });
});
