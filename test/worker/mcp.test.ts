import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, vi } from 'vitest';
import type { TransportKind } from '../support/mcp-client';
import { connectMcp } from '../support/mcp-client';
import { signIn, tokenRequest } from '../support/oauth-client';
import { openSession, text } from '../support/session';
import { controlStandin, newBrowser, ORIGIN, sendToWorker, standinRequests, until } from '../support/worker';

for (const transport of ['streamable-http', 'sse'] as TransportKind[]) {
  describe(`MCP over ${transport} with the signed-in user's props`, () => {
    it('lists the Attio tool pack, read tools marked read-only', async () => {
      const client = await openSession(transport);
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name);
      expect(names).toEqual(
        expect.arrayContaining(['search_records', 'query_records', 'create_record', 'search', 'fetch']),
      );
      expect(tools.find((t) => t.name === 'query_records')?.annotations?.readOnlyHint).toBe(true);
      expect(tools.find((t) => t.name === 'delete_record')?.annotations?.destructiveHint).toBe(true);
      await client.close();
    });

    it('whoami answers the workspace and the member who signed in', async () => {
      const client = await openSession(transport, { email: 'demo@example.com' });
      const result = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as {
        workspace: { slug: string };
        member: { email: string };
        scopes: string[];
      };
      expect(structured.workspace.slug).toBe('demo-workspace');
      expect(structured.member.email).toBe('demo@example.com');
      expect(structured.scopes.sort()).toEqual(['mcp:read', 'mcp:write']);
      // The upstream token is never in tool output.
      expect(JSON.stringify(result)).not.toMatch(/attioToken|access_token/);
      await client.close();
    });

    it('search_records finds a company in the demo CRM', async () => {
      const client = await openSession(transport);
      const result = (await client.callTool({
        name: 'search_records',
        arguments: { query: 'Acme', objects: ['companies'] },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const { results } = result.structuredContent as { results: { name: string; object: string; id: string }[] };
      expect(results.some((r) => r.name.includes('Acme') && r.object === 'companies')).toBe(true);
      expect(text(result)).toContain('Acme');
      await client.close();
    });

    it('bad tool input is a tool error the model can read, not a protocol failure', async () => {
      const client = await openSession(transport);
      const result = (await client.callTool({
        name: 'search_records',
        arguments: { query: '', limit: 500 },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      await client.close();
    });

    it('health reports that Attio answers', async () => {
      const client = await openSession(transport);
      const result = (await client.callTool({ name: 'health', arguments: {} })) as CallToolResult;
      expect((result.structuredContent as { attio: string }).attio).toBe('ok');
      await client.close();
    });
  });
}

describe('session tokens', () => {
  it('a made-up bearer token gets 401 with the challenge', async () => {
    const response = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, { method: 'POST', headers: { Authorization: 'Bearer a:b:c' }, body: '{}' }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('a session opened by one user cannot be used with another user’s token', async () => {
    const owner = await signIn(newBrowser(), { email: 'session-owner@example.com' });
    const transport = new StreamableHTTPClientTransport(new URL(`${ORIGIN}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${owner.tokens.access_token}` } },
      fetch: (input, init) => sendToWorker(new Request(input, init)),
    });
    const client = new Client({ name: 'owner', version: '1.0.0' });
    await client.connect(transport);
    const intruder = await signIn(newBrowser(), { email: 'session-intruder@example.com' });
    // Client-supplied copies of the Worker's internal headers change nothing: the Worker overwrites them.
    const forged = JSON.stringify({
      userId: 'someone-else',
      grantId: 'g',
      clientId: 'c',
      scopes: ['mcp:read'],
      props: {},
    });
    const response = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${intruder.tokens.access_token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'mcp-session-id': transport.sessionId ?? '',
          'mcp-protocol-version': '2025-06-18',
          'x-mcp-verified-call': forged,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: 'whoami', arguments: {} },
        }),
      }),
    );
    expect(response.status).toBe(404); // as if the session did not exist
    const body = await response.text();
    expect(body).toContain('Session not found');
    expect(body).not.toContain('session-owner@example.com');
    // The owner's own calls still work.
    const mine = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect(JSON.stringify(mine.structuredContent)).toContain('session-owner@example.com');
    await client.close();
  });
});

describe('when Attio struggles', () => {
  it('a 429 with Retry-After is waited out and retried, and the tool still answers', async () => {
    const client = await openSession('streamable-http');
    await controlStandin('faults', {
      status: 429,
      count: 1,
      retryAfterSeconds: 1,
      pathPrefix: '/v2/objects/records/search',
    });
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('Acme Corp');
    await client.close();
  });

  it('an outage that outlasts the retries is a tool error saying so, not a protocol failure', async () => {
    const client = await openSession('streamable-http');
    await controlStandin('faults', { status: 503, count: 3, pathPrefix: '/v2/objects/records/search' });
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Attio is not answering right now');
    await client.close();
  });

  it('an Attio that does not answer in time is retried within the bound, then a tool error saying so', async () => {
    const email = 'slow-attio@example.com';
    const client = await openSession('streamable-http', { email });
    // Three attempts (the first and two retries), each waiting past UPSTREAM_TIMEOUT_MS (2 s in tests).
    await controlStandin('faults', {
      delayMs: 2500,
      count: 3,
      pathPrefix: '/v2/objects/records/search',
      memberEmail: email,
    });
    const started = Date.now();
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('Attio did not answer within 2 s. Try again in a moment.');
    expect(Date.now() - started).toBeLessThan(12_000); // bounded: 3 × 2 s plus backoff
    await client.close();
  });

  it('a revoked Attio token is a tool error telling the user to reconnect, and revokes the grant', async () => {
    const email = 'revoked-in-session@example.com';
    const { client: registered, tokens } = await signIn(newBrowser(), { email });
    const client = await connectMcp({
      origin: ORIGIN,
      token: tokens.access_token,
      transport: 'streamable-http',
      send: sendToWorker,
    });
    await controlStandin('revoke', { email });
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Reconnect this server');
    await client.close();
    // The grant is gone: the client's next request is challenged, so it signs the user in again.
    const next = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.access_token}` },
        body: '{}',
      }),
    );
    expect(next.status).toBe(401);
    const refresh = await tokenRequest(sendToWorker, ORIGIN, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      client_id: registered.client_id,
    });
    expect(refresh.status).toBe(400);
  });
});

describe('cancellation in a session (2025: notifications/cancelled)', () => {
  it('a call the client cancels stops at once: its Attio request is aborted, the audit says cancelled', async () => {
    const email = 'session-cancel@example.com';
    const client = await openSession('streamable-http', { email });
    // Attio holds this person's next search past the tests' 2 s upstream timeout.
    await controlStandin('faults', { delayMs: 20_000, pathPrefix: '/v2/objects/records/search', memberEmail: email });
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
    const cancelled = () =>
      logged.some((line) => line.startsWith('{"audit":"tool_call"') && line.includes('"outcome":"cancelled"'));
    const searches = () => standinRequests('POST /v2/objects/records/search');
    const before = await searches();
    const giveUp = new AbortController();
    const call = client
      .callTool({ name: 'search_records', arguments: { query: 'Acme' } }, undefined, { signal: giveUp.signal })
      .catch((error: unknown) => error);
    await until(async () => (await searches()) > before, 5_000, 'the search reaching Attio');
    giveUp.abort(); // the SDK client sends notifications/cancelled for the call
    // Well before the tests' 2 s upstream timeout would end the call anyway.
    await until(cancelled, 1_000, 'a cancelled tool call');
    expect(await call).toBeInstanceOf(Error);
    log.mockRestore();
    expect(await searches()).toBe(before + 1); // not retried
    await client.close();
  });
});
