import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { Browser, signIn } from '../support/oauth-client';

/**
 * Rate limits on the Workers rate-limiting bindings, as `wrangler dev` runs them (wrangler.jsonc:
 * 300 MCP requests per user; sign-in requests 300 per address and 60 per address and client, per
 * minute). `wrangler dev` keeps a `CF-Connecting-IP` the client sends, so requests here can come
 * from several addresses; Cloudflare sets it and a client cannot.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/**
 * Sends batches of 20 until one is answered 429, or twice the limit (plus a batch) has gone out.
 * The dev limiter's windows are aligned to the wall clock, so a burst that straddles the turn of a
 * minute starts counting again; twice the limit still overflows the fresh window.
 */
async function burstPast(limit: number, send: () => Promise<Response>): Promise<Response[]> {
  const responses: Response[] = [];
  while (responses.length <= 2 * limit && !responses.some((r) => r.status === 429)) {
    responses.push(...(await Promise.all(Array.from({ length: 20 }, send))));
  }
  return responses;
}

describe('rate limits', () => {
  it('one user’s MCP requests beyond the limit get 429 with Retry-After; the answer says when to retry', async () => {
    const { tokens } = await signIn(new Browser(stack.origin, (request) => fetch(request)), {
      email: 'rate-limited@example.com',
    });
    const initialize = await fetch(`${stack.origin}/mcp`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.access_token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'burst', version: '1' } },
      }),
    });
    const sessionId = initialize.headers.get('mcp-session-id') ?? '';
    await initialize.body?.cancel();
    let id = 1;
    const responses = await burstPast(300, () =>
      fetch(`${stack.origin}/mcp`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokens.access_token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'ping' }),
      }),
    );
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((r) => r.status >= 500)).toHaveLength(0);
    const first = limited[0] as Response;
    expect(first.headers.get('Retry-After')).toBe('60');
    expect(await first.json()).toMatchObject({ error: 'rate_limited' });
    await Promise.all(responses.map((r) => r.body?.cancel().catch(() => undefined)));
  });

  it('sign-in requests from one address naming a client get 429 there, while that client’s refreshes from other addresses are answered', async () => {
    const refresh = (address: string, clientId: string) =>
      fetch(`${stack.origin}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': address },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x:y:z', client_id: clientId }),
      });
    const flood = await burstPast(60, () => refresh('203.0.113.10', 'popular-client'));
    expect(flood.map((r) => r.status)).toContain(429);
    const elsewhere = await refresh('198.51.100.10', 'popular-client');
    expect(elsewhere.status).toBe(401); // unknown client: the library's answer, not a 429
    await Promise.all([...flood, elsewhere].map((r) => r.body?.cancel().catch(() => undefined)));

    // One address varying the client id is limited per address all the same.
    let n = 0;
    const varied = await burstPast(300, () => refresh('203.0.113.11', `nobody-${n++}`));
    expect(varied.map((r) => r.status)).toContain(429);
    expect(varied.filter((r) => r.status >= 500)).toHaveLength(0);
    await Promise.all(varied.map((r) => r.body?.cancel().catch(() => undefined)));
  });

  it('registrations from one address beyond the limit get 429', async () => {
    const responses = await burstPast(60, () =>
      fetch(`${stack.origin}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'burst', redirect_uris: ['http://127.0.0.1:9/callback'] }),
      }),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    await Promise.all(responses.map((r) => r.body?.cancel().catch(() => undefined)));
  });
});
