import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { useEveryAttioTool } from '../support/attio-every-tool';
import { connectMcp } from '../support/mcp-client';
import { connectV2, textOf } from '../support/mcp-client-v2';
import { messageOf, modernHttpRequest, modernRequest, streamOf } from '../support/mcp-wire-2026';
import { signIn } from '../support/oauth-client';
import { BrowserOAuthProviderV2, connectV2WithOAuth } from '../support/sdk-v2-oauth-provider';
import { controlStandin, newBrowser, ORIGIN, sendToWorker, standinRequests, until } from '../support/worker';

/**
 * The 2026-07-28 lane on /mcp, driven by the official SDK v2 client (`@modelcontextprotocol/client`
 * pinned to 2026-07-28): the same tools as the sessions, under the same policy (scopes and
 * step-up, the audit line, revocation, readable errors), and what needed a session done without
 * one (a confirmed delete by multi-round-trip result, the workspace schema kept per grant,
 * progress on the request's own stream).
 */

async function tokenFor(email: string, untick: string[] = []): Promise<string> {
  return (await signIn(newBrowser(), { email, untick })).tokens.access_token;
}

function v2(token: string, onElicit?: Parameters<typeof connectV2>[0]['onElicit']): Promise<Client> {
  return connectV2({ origin: ORIGIN, token, send: sendToWorker, onElicit });
}

async function callV2<Structured = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
) {
  const result = await client.callTool({ name, arguments: args });
  return { structured: result.structuredContent as Structured, text: textOf(result), isError: result.isError === true };
}

describe('signing in', () => {
  it('a client with a Client ID Metadata Document signs in through the SDK v2 client’s own OAuth (iss checked) and calls a tool', async () => {
    const provider = new BrowserOAuthProviderV2({
      browser: newBrowser(),
      identity: 'lane-cimd@example.com',
      redirectUri: 'https://claude.example/api/mcp/auth_callback',
      clientMetadataUrl: 'https://claude.example/oauth/mcp-oauth-client-metadata',
    });
    const client = await connectV2WithOAuth(ORIGIN, provider, { send: sendToWorker });
    expect(provider.clientInfo?.client_id).toBe('https://claude.example/oauth/mcp-oauth-client-metadata');
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect((await callV2(client, 'whoami')).structured).toMatchObject({ member: { email: 'lane-cimd@example.com' } });
    await client.close();
  });
});

describe('the same tools as the sessions', () => {
  it('lists the pack the session lists: names, titles, descriptions, annotations and schema fields', async () => {
    const token = await tokenFor('lane-list@example.com');
    const modern = await v2(token);
    const session = await connectMcp({ origin: ORIGIN, token, transport: 'streamable-http', send: sendToWorker });
    const keysOf = (value: unknown) => (typeof value === 'object' && value !== null ? Object.keys(value) : []);
    const shape = (tool: {
      name: string;
      title?: string;
      description?: string;
      annotations?: unknown;
      inputSchema: Record<string, unknown>;
      outputSchema?: Record<string, unknown>;
    }) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      annotations: tool.annotations,
      input: keysOf(tool.inputSchema.properties),
      required: tool.inputSchema.required,
      output: keysOf(tool.outputSchema?.properties),
    });
    const modernTools = (await modern.listTools()).tools.map(shape);
    const sessionTools = (await session.listTools()).tools.map(shape);
    expect(modernTools.length).toBeGreaterThan(20);
    expect(modernTools).toEqual(sessionTools);
    await modern.close();
    await session.close();
  });

  it('answers every tool', async () => {
    const client = await v2(await tokenFor('demo@example.com'));
    const { answered, failed } = await useEveryAttioTool((name, args) => callV2(client, name, args));
    expect(Object.fromEntries(failed)).toEqual({});
    const { tools } = await client.listTools();
    expect([...answered].sort()).toEqual(tools.map((tool) => tool.name).sort());
    await client.close();
  });

  it('bad input is a tool result the model can read, not a protocol failure', async () => {
    const client = await v2(await tokenFor('lane-input@example.com'));
    const { isError, text } = await callV2(client, 'search_records', { query: '', limit: 500 });
    expect(isError).toBe(true);
    expect(text).toMatch(/Input validation error|too (small|big)|at least/i);
    await client.close();
  });
});

describe('a confirmed delete without a session: a multi-round-trip result', () => {
  it('the first call answers with the question; the retry with the user’s yes deletes', async () => {
    const questions: string[] = [];
    const client = await v2(await tokenFor('lane-delete@example.com'), (params) => {
      questions.push(params.message);
      return { action: 'accept', content: { confirm: true } };
    });
    const made = await callV2<{ record: { id: string } }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Round Trip Ltd' },
    });
    const id = made.structured.record.id;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
    const deleted = await callV2<{ deleted: boolean }>(client, 'delete_record', { object: 'companies', record_id: id });
    log.mockRestore();
    expect(deleted.structured.deleted).toBe(true);
    expect(questions).toEqual(['Delete the company "Round Trip Ltd" from Attio? This cannot be undone.']);
    // Both rounds are in the audit log: the question, then the delete.
    const outcomes = logged
      .filter((line) => line.startsWith('{"audit":"tool_call"'))
      .map((line) => (JSON.parse(line) as { tool: string; outcome: string }).outcome);
    expect(outcomes).toEqual(['asked', 'ok']);
    expect((await callV2(client, 'get_record', { object: 'companies', record_id: id })).isError).toBe(true);
    await client.close();
  });

  it('a no keeps the record, even with confirm: true in the arguments', async () => {
    const client = await v2(await tokenFor('lane-decline@example.com'), () => ({ action: 'decline' }));
    const made = await callV2<{ record: { id: string } }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Keep Me Ltd' },
    });
    const id = made.structured.record.id;
    const declined = await callV2<{ deleted: boolean }>(client, 'delete_record', {
      object: 'companies',
      record_id: id,
      confirm: true,
    });
    expect(declined.structured.deleted).toBe(false);
    expect(declined.text).toContain('the user declined');
    expect((await callV2(client, 'get_record', { object: 'companies', record_id: id })).isError).toBe(false);
    await client.close();
  });

  it('a client without elicitation is never asked: it must pass confirm: true', async () => {
    const client = await v2(await tokenFor('lane-no-elicit@example.com'));
    const made = await callV2<{ record: { id: string } }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Ask The Model Ltd' },
    });
    const kept = await callV2<{ deleted: boolean }>(client, 'delete_record', {
      object: 'companies',
      record_id: made.structured.record.id,
    });
    expect(kept.structured.deleted).toBe(false);
    expect(kept.text).toContain('confirm: true');
    await client.close();
  });

  it('on the wire: resultType input_required, one elicitation, and an answer counts only for its own question', async () => {
    const token = await tokenFor('lane-wire-delete@example.com');
    const client = await v2(token);
    const made = await callV2<{ record: { id: string } }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Wire Delete Ltd' },
    });
    await client.close();
    const params = { name: 'delete_record', arguments: { object: 'companies', record_id: made.structured.record.id } };
    const capabilities = { elicitation: { form: {} } };
    const first = await messageOf(await modernRequest('tools/call', params, { token, capabilities }));
    expect(first.result?.resultType).toBe('input_required');
    const requests = first.result?.inputRequests as Record<string, { method: string; params: { message: string } }>;
    const [key, question] = Object.entries(requests)[0] ?? [];
    expect(Object.keys(requests)).toHaveLength(1);
    expect(question?.method).toBe('elicitation/create');
    expect(question?.params.message).toContain('"Wire Delete Ltd"');
    // A yes to another question is no answer: the server asks again.
    const yes = { action: 'accept', content: { confirm: true } };
    const stray = await messageOf(
      await modernRequest(
        'tools/call',
        { ...params, inputResponses: { 'confirm-0000000000000000': yes } },
        {
          token,
          capabilities,
          id: 2,
        },
      ),
    );
    expect(stray.result?.resultType).toBe('input_required');
    const done = await messageOf(
      await modernRequest(
        'tools/call',
        { ...params, inputResponses: { [key ?? '']: yes } },
        {
          token,
          capabilities,
          id: 3,
        },
      ),
    );
    expect(done.result).toMatchObject({ resultType: 'complete', structuredContent: { deleted: true } });
  });
});

describe('the same policy as the sessions', () => {
  it('a tool outside the grant gets the 403 insufficient_scope step-up challenge', async () => {
    const readOnly = await tokenFor('lane-read-only@example.com', ['mcp:write']);
    const response = await modernRequest(
      'tools/call',
      { name: 'create_record', arguments: { object: 'companies', values: { name: 'x' } } },
      { token: readOnly },
    );
    expect(response.status).toBe(403);
    const challenge = response.headers.get('WWW-Authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp:read mcp:write"');
    const allowed = await modernRequest('tools/call', { name: 'whoami', arguments: {} }, { token: readOnly });
    expect(allowed.status).toBe(200);
  });

  describe('audit and revocation', () => {
    let lines: string[] = [];
    afterEach(() => vi.restoreAllMocks());
    const spy = () => {
      lines = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    };
    const events = (name: string) =>
      lines
        .filter((line) => line.startsWith('{"audit"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.audit === name);

    it('each tool call is one audit line: who, which client, which tool, outcome', async () => {
      const { tokens, client: registered } = await signIn(newBrowser(), { email: 'lane-audit@example.com' });
      const client = await v2(tokens.access_token);
      spy();
      await callV2(client, 'search_records', { query: 'Acme' });
      await callV2(client, 'query_records', { object: 'deals', filter: { stage: 'Closed' } });
      expect(events('tool_call')).toEqual([
        expect.objectContaining({ tool: 'search_records', outcome: 'ok', client: registered.client_id }),
        expect.objectContaining({ tool: 'query_records', outcome: 'refused' }),
      ]);
      expect(lines.join('\n')).not.toContain(tokens.access_token);
      await client.close();
    });

    it('Attio refusing the token revokes the grant: the next request gets 401', async () => {
      const email = 'lane-revoked@example.com';
      const token = await tokenFor(email);
      const client = await v2(token);
      await controlStandin('revoke', { email });
      spy();
      const refused = await callV2(client, 'search_records', { query: 'Acme' });
      expect(refused.isError).toBe(true);
      expect(refused.text).toContain('Reconnect this server');
      expect(events('grant_revoked')).toEqual([expect.objectContaining({ reason: 'upstream_unauthorized' })]);
      const after = await modernRequest('tools/list', {}, { token });
      expect(after.status).toBe(401);
      await client.close().catch(() => undefined);
    });
  });
});

describe('what a session kept, without one', () => {
  it('the workspace schema is kept per grant across requests', async () => {
    const email = 'lane-cache@example.com';
    const client = await v2(await tokenFor(email));
    expect((await callV2(client, 'describe_object', { object: 'companies' })).isError).toBe(false);
    // Attio now fails every schema read for this member; the next request reads the kept schema.
    await controlStandin('faults', {
      status: 503,
      count: 10,
      pathPrefix: '/v2/objects/companies/attributes',
      memberEmail: email,
    });
    const cached = await callV2(client, 'describe_object', { object: 'companies' });
    expect(cached.isError, cached.text).toBe(false);
    await client.close();
  });

  it('progress, when the client asks for it, on the request’s own stream before the answer', async () => {
    const token = await tokenFor('lane-progress@example.com');
    const response = await modernRequest(
      'tools/call',
      { name: 'search_records', arguments: { query: 'Acme' }, _meta: { progressToken: 'p1' } },
      { token },
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const messages = await streamOf(response);
    expect(messages[0]).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p1' } });
    expect(messages.at(-1)).toMatchObject({ result: { resultType: 'complete' } });
  });
});

describe('cancellation (2026-07-28: closing the response stream is the cancellation)', () => {
  it('a call the client hangs up on stops at once: its Attio request is aborted, the audit says cancelled', async () => {
    const email = 'lane-cancel@example.com';
    const token = await tokenFor(email);
    // Attio holds this person's next search for 20 s, and this Worker waits up to 30 s for it (the
    // tests' 2 s timeout would end the call on its own).
    await controlStandin('faults', { delayMs: 20_000, pathPrefix: '/v2/objects/records/search', memberEmail: email });
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
    const outcomes = () =>
      logged
        .filter((line) => line.startsWith('{"audit":"tool_call"'))
        .map((line) => (JSON.parse(line) as { outcome: string }).outcome);
    const searches = () => standinRequests('POST /v2/objects/records/search');
    const before = await searches();
    const giveUp = new AbortController();
    // Straight to the Worker's handler, as the runtime calls it: with `enable_request_signal`
    // (wrangler.jsonc) a client's hang-up aborts `request.signal`. The test entry (`exports`) and
    // `wrangler dev`'s proxy do not pass a hang-up on, so this is the request the runtime would give.
    const answer = worker
      .fetch(
        modernHttpRequest(
          'tools/call',
          { name: 'search_records', arguments: { query: 'Acme' } },
          { token, signal: giveUp.signal },
        ),
        { ...env, UPSTREAM_TIMEOUT_MS: '30000' } as Env,
        createExecutionContext(),
      )
      .catch((error: unknown) => error);
    await until(async () => (await searches()) > before, 5_000, 'the search reaching Attio');
    const hungUp = Date.now();
    giveUp.abort();
    await answer;
    await until(() => outcomes().includes('cancelled'), 5_000, 'a cancelled tool call');
    expect(Date.now() - hungUp).toBeLessThan(3_000);
    expect(outcomes()).toEqual(['cancelled']);
    expect(await searches()).toBe(before + 1); // not retried
  });
});
