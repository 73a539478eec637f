import { beforeAll, describe, expect, it } from 'vitest';
import { INITIALIZE, mcpRequest, openWireSession } from '../support/mcp-http';
import { messageOf, modernBody, modernRequest, REVISION, streamOf } from '../support/mcp-wire-2026';
import { signIn } from '../support/oauth-client';
import { get, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

/**
 * MCP 2026-07-28 on /mcp, by hand on the wire: one test per requirement of the revision that a
 * server must meet, named after it (docs/protocol-2026.md maps each MUST to its test). Sources:
 * the revision's changelog, basic/transports/streamable-http, basic/patterns/mrtr.
 */

let token = '';
beforeAll(async () => {
  token = (await signIn(newBrowser(), { email: 'protocol-2026@example.com' })).tokens.access_token;
});

const WHOAMI = { name: 'whoami', arguments: {} };

describe('no sessions (SEP-2567, SEP-2575)', () => {
  it('server/discover is implemented: the supported revisions, capabilities and server identity', async () => {
    const response = await modernRequest('server/discover', {}, { token });
    expect(response.status).toBe(200);
    const { result } = await messageOf(response);
    expect(result).toMatchObject({
      supportedVersions: [REVISION],
      // The lane announces no list changes, and does not claim to.
      capabilities: { tools: { listChanged: false } },
      resultType: 'complete',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'remote-mcp' } },
    });
  });

  it('a request is served on its own: no initialize before it, no session id minted or echoed', async () => {
    const response = await modernRequest('tools/call', WHOAMI, { token, headers: { 'Mcp-Session-Id': 'made-up' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const { result } = await messageOf(response);
    expect(result).toMatchObject({ resultType: 'complete', structuredContent: { scopes: ['mcp:read', 'mcp:write'] } });
  });

  it('a revision the server does not serve: 400 UnsupportedProtocolVersion (-32022) listing the supported ones', async () => {
    const response = await modernRequest('tools/list', {}, { token, revision: '2099-01-01' });
    expect(response.status).toBe(400);
    expect((await messageOf(response)).error).toMatchObject({
      code: -32022,
      data: { supported: [REVISION], requested: '2099-01-01' },
    });
  });

  it('a request that names the revision in its header but carries no envelope is refused, not served as 2025', async () => {
    const response = await modernRequest(
      'tools/list',
      {},
      { token, revision: null, headers: { 'MCP-Protocol-Version': REVISION } },
    );
    expect(response.status).toBe(400);
    expect((await messageOf(response)).error?.code).toBeLessThan(0);
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });

  it('a method the server does not implement (ping is gone): 404 with -32601', async () => {
    for (const method of ['ping', 'logging/setLevel', 'no/such-method']) {
      const response = await modernRequest(method, {}, { token });
      expect(response.status, method).toBe(404);
      expect((await messageOf(response)).error?.code, method).toBe(-32601);
    }
  });

  it('a notification is accepted with 202 and no body', async () => {
    const response = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json, text/event-stream',
          'Content-Type': 'application/json',
          'MCP-Protocol-Version': REVISION,
          'Mcp-Method': 'notifications/cancelled',
        },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } }),
      }),
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });
});

describe('request headers (SEP-2243)', () => {
  it('Mcp-Method is required: without it, 400 HeaderMismatch (-32020)', async () => {
    const response = await modernRequest('tools/list', {}, { token, headers: { 'Mcp-Method': undefined } });
    expect(response.status).toBe(400);
    expect((await messageOf(response)).error?.code).toBe(-32020);
  });

  it('Mcp-Name is required on tools/call and must match params.name: else 400 HeaderMismatch', async () => {
    for (const name of [undefined, 'health']) {
      const response = await modernRequest('tools/call', WHOAMI, { token, headers: { 'Mcp-Name': name } });
      expect(response.status, String(name)).toBe(400);
      expect((await messageOf(response)).error?.code, String(name)).toBe(-32020);
    }
  });

  it('Mcp-Method must match the body’s method: else 400 HeaderMismatch', async () => {
    const response = await modernRequest('tools/list', {}, { token, headers: { 'Mcp-Method': 'prompts/list' } });
    expect(response.status).toBe(400);
    expect((await messageOf(response)).error?.code).toBe(-32020);
  });

  it('MCP-Protocol-Version must match the envelope’s version: else 400 HeaderMismatch', async () => {
    const response = await modernRequest(
      'tools/list',
      {},
      { token, headers: { 'MCP-Protocol-Version': '2025-11-25' } },
    );
    expect(response.status).toBe(400);
    expect((await messageOf(response)).error?.code).toBe(-32020);
  });

  it('an Mcp-Name in the Base64 sentinel form is decoded before it is compared', async () => {
    const response = await modernRequest('tools/call', WHOAMI, {
      token,
      headers: { 'Mcp-Name': `=?base64?${btoa('whoami')}?=` },
    });
    expect(response.status).toBe(200);
  });
});

describe('results (SEP-2322, SEP-2549)', () => {
  it('every result says resultType; tools/list says how long it may be cached, and for whom', async () => {
    const { result } = await messageOf(await modernRequest('tools/list', {}, { token }));
    expect(result).toMatchObject({ resultType: 'complete', cacheScope: 'private' });
    expect(result?.ttlMs).toBeGreaterThan(0);
    const tools = result?.tools as { name: string }[];
    // Deterministic order (a SHOULD that client-side caches rely on): the same order twice.
    const again = (await messageOf(await modernRequest('tools/list', {}, { token, id: 2 }))).result?.tools as {
      name: string;
    }[];
    expect(again.map((tool) => tool.name)).toEqual(tools.map((tool) => tool.name));
  });

  it('request-scoped notifications only on the request’s own stream; no log messages unasked', async () => {
    const response = await modernRequest(
      'tools/call',
      { ...WHOAMI, _meta: { progressToken: 7 } },
      { token, headers: { 'Mcp-Name': 'whoami' } },
    );
    const messages = await streamOf(response);
    expect(messages.map((message) => message.method ?? 'result')).toEqual(['notifications/progress', 'result']);
  });
});

describe('multi round-trip requests (SEP-2322)', () => {
  it('a question is never a server-to-client request: the stream carries no request, only the input_required result', async () => {
    const response = await modernRequest(
      'tools/call',
      { name: 'delete_record', arguments: { object: 'companies', record_id: '00000000-0000-4000-8000-00000000dead' } },
      { token, capabilities: { elicitation: {} } },
    );
    const messages = (response.headers.get('content-type') ?? '').includes('event-stream')
      ? await streamOf(response)
      : [(await response.json()) as Record<string, unknown>];
    expect(messages.filter((message) => 'method' in message && 'id' in message)).toEqual([]);
  });
});

describe('security (streamable HTTP §Security)', () => {
  it('an Origin that is present and not allowed: 403', async () => {
    const response = await modernRequest('tools/list', {}, { token, headers: { Origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
  });

  it('an allowed browser origin is served, with CORS for it', async () => {
    const response = await modernRequest('tools/list', {}, { token, headers: { Origin: 'http://localhost:6274' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:6274');
  });

  it('no token: 401 with the resource metadata challenge, as on the 2025 revisions', async () => {
    const response = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'MCP-Protocol-Version': REVISION, 'Mcp-Method': 'tools/list' },
        body: JSON.stringify(modernBody('tools/list', {}, { token: '' })),
      }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('resource_metadata=');
  });
});

describe('backward compatibility on the one URL', () => {
  it('a client that probes with server/discover, then chooses 2025-11-25, gets a session', async () => {
    // The official Python SDK opens with this probe; it used to get 400 "Mcp-Session-Id header is required".
    const probe = await modernRequest('server/discover', {}, { token });
    expect(probe.status).toBe(200);
    const init = await mcpRequest(
      'POST',
      { ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2025-11-25' } },
      { token },
    );
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toMatch(/^[0-9a-f]{64}$/);
    await init.body?.cancel();
  });

  it('GET and DELETE naming no session: 405 (no stream to open, nothing to end); naming one, the session’s', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      for (const headers of [{}, { 'MCP-Protocol-Version': REVISION }] as Record<string, string>[]) {
        const response = await mcpRequest(method, undefined, { token, headers });
        expect(response.status, method).toBe(405);
        expect(response.headers.get('Allow')).toBe('GET, POST, DELETE');
        expect((await response.json()) as unknown).toMatchObject({ error: { code: -32000 } });
      }
    }
    const named = { token, sessionId: await openWireSession(token), protocolVersion: '2025-06-18' };
    const stream = await mcpRequest('GET', undefined, named);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
    expect((await mcpRequest('DELETE', undefined, named)).status).toBe(204);
  });
});

describe('authorization (SEP-2468, PR #2858)', () => {
  it('the metadata says authorization responses carry iss; CIMD is offered; DCR stays for older clients', async () => {
    const metadata = (await (await get('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.registration_endpoint).toBe(`${ORIGIN}/register`);
  });
});
