import { describe, expect, it } from 'vitest';
import { INITIALIZE, mcpRequest, openWireSession, readEvents } from '../support/mcp-http';
import { signIn } from '../support/oauth-client';
import { controlStandin, newBrowser } from '../support/worker';

/** The streamable HTTP wire as clients meet it: protocol version header, session ids, resumable SSE. */

async function token(email: string): Promise<string> {
  return (await signIn(newBrowser(), { email })).tokens.access_token;
}

const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

describe('MCP-Protocol-Version', () => {
  it('a supported version is accepted; an unknown one is refused with 400 saying so', async () => {
    const bearer = await token('protocol-version@example.com');
    const sessionId = await openWireSession(bearer);
    const ok = await mcpRequest('POST', TOOLS_LIST, { token: bearer, sessionId, protocolVersion: '2025-06-18' });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    const bad = await mcpRequest('POST', TOOLS_LIST, { token: bearer, sessionId, protocolVersion: '1999-01-01' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/protocol version/i);
  });

  it('a request without the header is served (clients of the 2025-03-26 revision omit it)', async () => {
    const bearer = await token('protocol-version-absent@example.com');
    const sessionId = await openWireSession(bearer);
    const response = await mcpRequest('POST', TOOLS_LIST, { token: bearer, sessionId });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});

describe('Mcp-Session-Id lifecycle', () => {
  it('initialize issues an id; a request without it is refused; DELETE ends the session', async () => {
    const bearer = await token('session-lifecycle@example.com');
    const init = await mcpRequest('POST', INITIALIZE, { token: bearer });
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    expect(sessionId).toMatch(/^[\x21-\x7e]+$/); // visible ASCII, as the spec requires
    await init.body?.cancel();

    const withoutId = await mcpRequest('POST', TOOLS_LIST, { token: bearer, protocolVersion: '2025-06-18' });
    expect(withoutId.status).toBe(400);
    await withoutId.body?.cancel();

    const unknown = await mcpRequest('POST', TOOLS_LIST, {
      token: bearer,
      sessionId: 'not-a-session',
      protocolVersion: '2025-06-18',
    });
    expect(unknown.status).toBe(404);
    await unknown.body?.cancel();

    const ended = await mcpRequest('DELETE', undefined, { token: bearer, sessionId, protocolVersion: '2025-06-18' });
    expect(ended.status).toBeLessThan(300);
    await ended.body?.cancel();
    const after = await mcpRequest('POST', TOOLS_LIST, { token: bearer, sessionId, protocolVersion: '2025-06-18' });
    expect(after.status).toBe(404); // the client must start a new session
    await after.body?.cancel();
  });
});

describe('each tool call is answered on its own stream', () => {
  it('an SSE stream carrying the answer, after progress when the client asks for it; the same results', async () => {
    const bearer = await token('answer-forms@example.com');
    const sessionId = await openWireSession(bearer);
    const options = { token: bearer, sessionId, protocolVersion: '2025-06-18' };
    const search = (id: number, meta?: object) =>
      mcpRequest(
        'POST',
        {
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'search_records', arguments: { query: 'Acme' }, ...(meta ? { _meta: meta } : {}) },
        },
        options,
      );

    const plain = await search(1);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain('text/event-stream');
    expect(plain.headers.get('mcp-session-id')).toBe(sessionId);
    const plainEvents = await readEvents(plain, (event) => (event.data as { id?: number }).id === 1);
    expect(plainEvents).toHaveLength(1); // nothing before the answer
    const answer = plainEvents[0]?.data as { id: number; result: { structuredContent: unknown } };
    expect(answer.id).toBe(1);

    const withProgress = await search(2, { progressToken: 'forms' });
    expect(withProgress.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(withProgress, (event) => (event.data as { id?: number }).id === 2);
    expect(events[0]?.data).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'forms' } });
    const streamed = events.at(-1)?.data as { result: { structuredContent: unknown } };
    expect(streamed.result.structuredContent).toEqual(answer.result.structuredContent);
  });

  it('concurrent calls, with and without progress, each get their own answer', async () => {
    const bearer = await token('answer-forms-concurrent@example.com');
    const sessionId = await openWireSession(bearer);
    const options = { token: bearer, sessionId, protocolVersion: '2025-06-18' };
    const calls = Array.from({ length: 12 }, (_, index) =>
      mcpRequest(
        'POST',
        {
          jsonrpc: '2.0',
          id: 100 + index,
          method: 'tools/call',
          params: { name: 'whoami', arguments: {}, ...(index % 2 ? { _meta: { progressToken: `c-${index}` } } : {}) },
        },
        options,
      ).then((response) => readEvents(response, (event) => (event.data as { id?: number }).id === 100 + index)),
    );
    const answers = await Promise.all(calls);
    answers.forEach((events, index) => {
      const last = events.at(-1)?.data as { id: number; result?: { isError?: boolean } };
      expect(last.id).toBe(100 + index);
      expect(last.result?.isError).toBeFalsy();
    });
  });
});

describe('a dropped stream resumes with Last-Event-ID', () => {
  it('the answer to a tool call whose stream dropped is replayed on GET with Last-Event-ID', async () => {
    const email = 'resume-stream@example.com';
    const bearer = await token(email);
    const sessionId = await openWireSession(bearer);
    // Attio answers slowly, so the stream drops after the progress event and before the answer.
    await controlStandin('faults', {
      delayMs: 1500,
      count: 1,
      pathPrefix: '/v2/objects/records/search',
      memberEmail: email,
    });
    const aborter = new AbortController();
    const call = await mcpRequest(
      'POST',
      {
        jsonrpc: '2.0',
        id: 42,
        method: 'tools/call',
        params: { name: 'search_records', arguments: { query: 'Acme' }, _meta: { progressToken: 'p-1' } },
      },
      { token: bearer, sessionId, protocolVersion: '2025-06-18', signal: aborter.signal },
    );
    expect(call.headers.get('content-type')).toContain('text/event-stream');
    const [progress] = await readEvents(call, () => true);
    expect(progress?.data).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p-1' } });
    expect(progress?.id).toBeTruthy();
    aborter.abort(); // the network drops

    const resumed = await mcpRequest('GET', undefined, {
      token: bearer,
      sessionId,
      protocolVersion: '2025-06-18',
      headers: { Accept: 'text/event-stream', 'Last-Event-ID': progress?.id ?? '' },
    });
    expect(resumed.status).toBe(200);
    const events = await readEvents(resumed, (event) => (event.data as { id?: number }).id === 42);
    const answer = events.at(-1)?.data as {
      id: number;
      result: { structuredContent: { results: { name: string }[] } };
    };
    expect(answer.id).toBe(42);
    expect(answer.result.structuredContent.results.map((r) => r.name)).toContain('Acme Corp');
    await resumed.body?.cancel().catch(() => undefined);
  });
});
