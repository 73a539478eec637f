import { describe, expect, it } from 'vitest';
import { signIn } from '../support/oauth-client';
import { get, newBrowser, ORIGIN } from '../support/worker';

/**
 * Browser-based MCP clients (MCP Inspector's web UI) need CORS; every other web page must be
 * kept out of /mcp — MCP requires servers to validate Origin against DNS rebinding. Requests
 * without an Origin (Claude.ai's and ChatGPT's servers, mcp-remote, SDKs) are not affected.
 */

const INSPECTOR = 'http://localhost:6274'; // in ALLOWED_ORIGINS (vitest.config.ts)
const EVIL = 'https://evil.example';

function initialize(origin: string | undefined, token?: string): Promise<Response> {
  return get('/mcp', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      ...(origin ? { Origin: origin } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'web', version: '1' } },
    }),
  });
}

describe('MCP endpoints and browser origins', () => {
  it('a page on a foreign origin is refused with 403 and no CORS headers, even with a valid token', async () => {
    const { tokens } = await signIn(newBrowser(), { email: 'origins@example.com' });
    for (const path of ['/mcp', '/sse', '/sse/message?sessionId=x']) {
      const response = await get(path, {
        method: path === '/sse' ? 'GET' : 'POST',
        headers: { Origin: EVIL, Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/json' },
        body: path === '/sse' ? undefined : '{}',
      });
      expect(response.status, path).toBe(403);
      expect(((await response.json()) as { error: string }).error).toBe('forbidden_origin');
      expect(response.headers.get('Access-Control-Allow-Origin'), path).toBeNull();
    }
  });

  it('an allowed browser origin gets a permissive preflight and readable responses', async () => {
    const preflight = await get('/mcp', {
      method: 'OPTIONS',
      headers: {
        Origin: INSPECTOR,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, mcp-session-id, mcp-protocol-version',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toMatch(new RegExp(`^(\\*|${INSPECTOR})$`));

    const unauthenticated = await initialize(INSPECTOR);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('Access-Control-Expose-Headers')).toMatch(/WWW-Authenticate/i);

    const { tokens } = await signIn(newBrowser(), { email: 'inspector-web@example.com' });
    const response = await initialize(INSPECTOR, tokens.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toMatch(new RegExp(`^(\\*|${INSPECTOR})$`));
    expect(response.headers.get('Access-Control-Expose-Headers')).toMatch(/mcp-session-id/i);
    expect(response.headers.get('mcp-session-id')).toBeTruthy();
  });

  it('the server’s own origin and requests without an Origin are not affected', async () => {
    expect((await initialize(ORIGIN)).status).toBe(401);
    expect((await initialize(undefined)).status).toBe(401);
  });
});

describe('OAuth endpoints and browser origins', () => {
  it('discovery, registration and tokens answer an allowed origin with CORS', async () => {
    const response = await get('/.well-known/oauth-authorization-server', { headers: { Origin: INSPECTOR } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(INSPECTOR);
  });

  it('a foreign origin gets no CORS headers, so its page cannot read the answer, and its preflight is refused', async () => {
    const response = await get('/.well-known/oauth-authorization-server', { headers: { Origin: EVIL } });
    expect(response.status).toBe(200); // the document is public; the browser just won't hand it to the page
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const preflight = await get('/token', {
      method: 'OPTIONS',
      headers: { Origin: EVIL, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
