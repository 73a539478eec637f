import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectMcp } from '../support/mcp-client';
import { authorizeInBrowser, pkcePair, registerClient, signIn, tokenRequest } from '../support/oauth-client';
import { controlStandin, get, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

/**
 * The audit log: structured JSON lines for sign-ins, refusals, revocations and tool calls, with
 * ids and outcomes only. The Worker runs in this isolate, so its console is observable here.
 */

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
});
afterEach(() => vi.restoreAllMocks());

function events(name: string): Record<string, unknown>[] {
  return lines
    .filter((line) => line.startsWith('{"audit"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.audit === name);
}

const SECRETS = [/dev-attio-secret/, /test-consent-secret/, /[0-9a-f]{64}/]; // client secret, consent secret, Attio token shape

describe('the audit log', () => {
  it('records a sign-in and each tool call with who, which client, which tool, outcome and duration', async () => {
    const { client, tokens } = await signIn(newBrowser(), { email: 'audited@example.com' });
    const [signInEvent] = events('sign_in');
    expect(signInEvent).toMatchObject({
      upstream: 'attio',
      client: client.client_id,
      scopes: ['mcp:read', 'mcp:write'],
    });
    expect(String(signInEvent?.user)).toMatch(/^attio-[0-9a-f]{32}$/); // opaque, not the email
    expect(typeof signInEvent?.at).toBe('string');

    const mcp = await connectMcp({
      origin: ORIGIN,
      token: tokens.access_token,
      transport: 'streamable-http',
      send: sendToWorker,
    });
    await mcp.callTool({ name: 'search_records', arguments: { query: 'Acme' } });
    await mcp.callTool({ name: 'query_records', arguments: { object: 'deals', filter: { stage: 'Closed' } } });
    await mcp.close();
    const calls = events('tool_call');
    expect(calls).toEqual([
      expect.objectContaining({
        tool: 'search_records',
        outcome: 'ok',
        client: client.client_id,
        user: signInEvent?.user,
      }),
      expect.objectContaining({ tool: 'query_records', outcome: 'refused' }),
    ]);
    expect(calls.every((call) => typeof call.ms === 'number')).toBe(true);
    for (const line of lines) for (const secret of SECRETS) expect(line).not.toMatch(secret);
    expect(lines.join('\n')).not.toContain('audited@example.com');
    expect(lines.join('\n')).not.toContain(tokens.access_token);
  });

  it('records a denied consent, a revoked grant and a token revocation', async () => {
    const client = await registerClient(sendToWorker, ORIGIN);
    const { challenge } = await pkcePair();
    await authorizeInBrowser(newBrowser(), {
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      challenge,
      consent: 'deny',
    });
    expect(events('consent_denied')).toEqual([expect.objectContaining({ client: client.client_id })]);

    const email = 'audited-revoked@example.com';
    const { tokens, client: signedIn } = await signIn(newBrowser(), { email });
    await controlStandin('revoke', { email });
    const mcp = await connectMcp({
      origin: ORIGIN,
      token: tokens.access_token,
      transport: 'streamable-http',
      send: sendToWorker,
    });
    await mcp.callTool({ name: 'whoami', arguments: {} }); // answers from the grant
    await mcp.callTool({ name: 'search_records', arguments: { query: 'Acme' } }); // Attio says 401
    await mcp.close().catch(() => undefined);
    expect(events('grant_revoked')).toEqual([
      expect.objectContaining({ upstream: 'attio', reason: 'upstream_unauthorized' }),
    ]);

    const second = await signIn(newBrowser(), { email: 'audited-revocation@example.com' });
    await tokenRequest(sendToWorker, ORIGIN, {
      token: second.tokens.refresh_token ?? '',
      client_id: second.client.client_id,
    });
    expect(events('token_revocation')).toEqual([
      expect.objectContaining({ client: second.client.client_id, status: 200 }),
    ]);
    expect(signedIn.client_id).toBeTruthy();
  });

  it('records a foreign web page refused at /mcp', async () => {
    await get('/mcp', { method: 'POST', headers: { Origin: 'https://evil.example' }, body: '{}' });
    expect(events('origin_refused')).toEqual([
      expect.objectContaining({ path: '/mcp', origin: 'https://evil.example' }),
    ]);
  });
});
