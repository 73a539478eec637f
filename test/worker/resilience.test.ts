import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { type McpSession, SESSION_IDLE_EXPIRY_MS } from '../../src/mcp/session';
import { mcpRequest, openWireSession, readEvents } from '../support/mcp-http';
import { signIn } from '../support/oauth-client';
import { newBrowser, ORIGIN } from '../support/worker';

/** The server keeps its promises when the platform under it hiccups. */

/** A streamable HTTP session's Durable Object, as McpAgent names it. */
const sessionObject = (sessionId: string) =>
  env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(`streamable-http:${sessionId}`));

describe('a session Durable Object evicted mid-session', () => {
  it('continues the session: the next tool call answers from the same session id', async () => {
    const { tokens } = await signIn(newBrowser(), { email: 'evicted@example.com' });
    const sessionId = await openWireSession(tokens.access_token);
    const call = (id: number) =>
      mcpRequest(
        'POST',
        { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
        { token: tokens.access_token, sessionId, protocolVersion: '2025-06-18' },
      );
    const before = await readEvents(await call(1), (event) => (event.data as { id?: number }).id === 1);
    expect(JSON.stringify(before.at(-1)?.data)).toContain('evicted@example.com');

    await evictDurableObject(sessionObject(sessionId));

    const after = await readEvents(await call(2), (event) => (event.data as { id?: number }).id === 2);
    const answer = after.at(-1)?.data as {
      result: { isError?: boolean; structuredContent: { member: { email: string } } };
    };
    expect(answer.result.isError).toBeFalsy();
    expect(answer.result.structuredContent.member.email).toBe('evicted@example.com');
  });

  it('keeps what the client said it can do: after an eviction, a delete still asks the user first', async () => {
    const { tokens } = await signIn(newBrowser(), { email: 'evicted-asker@example.com' });
    const token = tokens.access_token;
    const sessionId = await openWireSession(token, { elicitation: { form: {} } });
    const options = { token, sessionId, protocolVersion: '2025-06-18' };
    const toolCall = (id: number, name: string, args: Record<string, unknown>) =>
      mcpRequest('POST', { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }, options);
    const made = await readEvents(
      await toolCall(1, 'create_record', { object: 'companies', values: { name: 'Evicted Asker Ltd' } }),
      (event) => (event.data as { id?: number }).id === 1,
    );
    const created = made.at(-1)?.data as { result: { structuredContent: { record: { id: string } } } };
    const recordId = created.result.structuredContent.record.id;

    await evictDurableObject(sessionObject(sessionId));

    // The question comes on the call's stream; the answer goes back as another POST, as a client does.
    const questions: string[] = [];
    let answered: Promise<Response> | undefined;
    const events = await readEvents(
      await toolCall(2, 'delete_record', { object: 'companies', record_id: recordId, confirm: true }),
      (event) => {
        const message = event.data as { id?: number; method?: string; params?: { message: string } };
        if (message.method === 'elicitation/create') {
          questions.push(message.params?.message ?? '');
          const decline = { jsonrpc: '2.0', id: message.id, result: { action: 'decline' } };
          answered = mcpRequest('POST', decline, options);
        }
        return message.method === undefined && message.id === 2;
      },
    );
    expect(questions).toEqual(['Delete the company "Evicted Asker Ltd" from Attio? This cannot be undone.']);
    expect((await answered)?.status).toBe(202);
    const result = events.at(-1)?.data as { result: { structuredContent: { deleted: boolean } } };
    expect(result.result.structuredContent.deleted).toBe(false);
  });
});

describe('an idle session', () => {
  const whoami = (token: string, sessionId: string, id: number) =>
    mcpRequest(
      'POST',
      { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      { token, sessionId, protocolVersion: '2025-06-18' },
    );

  it('is kept while in use, and deleted after a day unused: its id then gets 404, and a new session works', async () => {
    const { tokens } = await signIn(newBrowser(), { email: 'idle@example.com' });
    const token = tokens.access_token;
    const sessionId = await openWireSession(token);
    const stub = sessionObject(sessionId);

    // The expiry check set at the start finds the session in use: it stays, and looks again later.
    await runInDurableObject(stub, (object: McpSession) => object.expireIfIdle());
    expect((await whoami(token, sessionId, 1)).status).toBe(200);
    const next = await runInDurableObject(stub, (_object, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now());

    // A day and a minute later (its last use moved back), the check deletes it with its storage.
    await runInDurableObject(stub, async (object: McpSession, state) => {
      const stored = (await state.storage.get<Record<string, unknown>>('props')) ?? {};
      await object.updateProps({ ...stored, touched: Date.now() - SESSION_IDLE_EXPIRY_MS - 60_000 });
      await object.schedule(0, 'expireIfIdle');
    });
    await runDurableObjectAlarm(stub);
    const gone = await whoami(token, sessionId, 2);
    expect(gone.status).toBe(404);
    expect(await runInDurableObject(stub, (_object, state) => state.storage.get('props'))).toBeUndefined();

    const fresh = await openWireSession(token);
    expect(fresh).not.toBe(sessionId);
    expect((await whoami(token, fresh, 3)).status).toBe(200);
  });
});

describe('the OAuth storage (KV) failing', () => {
  const brokenKv = new Proxy(env.OAUTH_KV, {
    get(target, property) {
      if (['get', 'put', 'delete', 'list', 'getWithMetadata'].includes(String(property))) {
        return () => Promise.reject(new Error('KV is unavailable'));
      }
      return Reflect.get(target, property);
    },
  });
  // A separate env object: the Worker builds its provider per env, so the broken KV is used.
  const brokenEnv = { ...env, OAUTH_KV: brokenKv } as Env;
  const send = (path: string, init: RequestInit = {}) =>
    worker.fetch(new Request(`${ORIGIN}${path}`, init) as Request<unknown, IncomingRequestCfProperties>, brokenEnv, {
      waitUntil() {},
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext);

  it('MCP and token requests answer 503 with Retry-After and a message, not a 500', async () => {
    const mcp = await send('/mcp', {
      method: 'POST',
      headers: { Authorization: 'Bearer user:grant:secret', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(mcp.status).toBe(503);
    expect(mcp.headers.get('Retry-After')).toBeTruthy();
    expect(await mcp.json()).toMatchObject({ error: 'temporarily_unavailable' });

    const token = await send('/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=a:b:c&client_id=x',
    });
    expect(token.status).toBe(503);
  });

  it('the consent page says the server has a problem, in a page', async () => {
    const page = await send('/authorize?response_type=code&client_id=x&redirect_uri=https%3A%2F%2Fa.example%2Fcb', {
      headers: { Accept: 'text/html' },
    });
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/Something went wrong on our side|Temporarily unavailable/);
  });
});
