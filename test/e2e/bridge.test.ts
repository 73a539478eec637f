import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  type JSONRPCMessage,
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeProcess, EVERYTHING_SERVER, startBridge } from '../../scripts/lib/bridge.ts';
import { freePort } from '../../scripts/lib/stack.ts';

/**
 * The stdio↔streamable-HTTP bridge (container/bridge.ts), as the container runs it: a real
 * process in front of real stdio MCP servers (the test fixture, and the SDK's reference
 * server-everything from npm), driven by the SDK's `Client` as the Worker drives it, and by raw
 * HTTP where the test is about the wire (which stream a message travels on, status codes).
 */

const FIXTURE = [process.execPath, join(import.meta.dirname, '../backends/fixture-server.ts')];
const BRIDGE = join(import.meta.dirname, '../../container/bridge.ts');
const TOKEN = 'bridge-test-token-0123456789abcdef';

/** What the Worker sends for a signed-in person (names and groups percent-encoded). */
const ALICE = {
  'X-MCP-User-Id': 'access-alice',
  'X-MCP-User-Email': 'alice@example.com',
  'X-MCP-User-Name': encodeURIComponent('Zoë Alice'),
  'X-MCP-User-Groups': ['engineering', 'eng,admins'].map(encodeURIComponent).join(','),
  'X-MCP-User-Login': 'alice-gh',
  'X-MCP-User-Upstream': 'access',
  'X-MCP-User-Scopes': 'mcp:read mcp:write',
};
const BOB = { 'X-MCP-User-Id': 'access-bob', 'X-MCP-User-Email': 'bob@example.com' };

const started: BridgeProcess[] = [];
/** Sessions a test opened, ended after it so that each test starts with no child running. */
const opened: Array<() => Promise<unknown>> = [];

async function bridgeFor(command: string[], env: Record<string, string> = {}, token?: string): Promise<BridgeProcess> {
  const bridge = startBridge({ port: await freePort(), command, token, env, quiet: true });
  started.push(bridge);
  try {
    await bridge.ready();
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : error}\nthe bridge said:\n${bridge.recentOutput()}`);
  }
  return bridge;
}

async function connect(
  url: string,
  headers: Record<string, string>,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'bridge-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  opened.push(async () => {
    await transport.terminateSession().catch(() => {});
    await client.close();
  });
  return { client, transport };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  return result.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
}

/** The fixture's `whoami_env`: the MCP_USER_* variables its process got, and its pid. */
async function whoami(client: Client): Promise<Record<string, unknown> & { pid: number }> {
  const result = await call(client, 'whoami_env');
  const content = result.structuredContent as Record<string, unknown> | undefined;
  expect(typeof content?.pid).toBe('number');
  return { ...content, pid: Number(content?.pid) };
}

// --- Raw HTTP, for what the SDK client hides ---------------------------------------------

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Opens a session by hand (initialize, then initialized) and returns its id. */
async function openRawSession(url: string, headers: Record<string, string>): Promise<string> {
  const response = await post(url, INITIALIZE, headers);
  expect(response.status).toBe(200);
  const sessionId = response.headers.get('mcp-session-id') ?? '';
  expect(sessionId).not.toBe('');
  await response.text();
  const initialized = await post(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { ...headers, 'mcp-session-id': sessionId },
  );
  expect(initialized.status).toBe(202);
  opened.push(() => fetch(url, { method: 'DELETE', headers: { ...headers, 'mcp-session-id': sessionId } }));
  return sessionId;
}

/** The JSON-RPC messages in an SSE body. */
function sseMessages(text: string): JSONRPCMessage[] {
  return text
    .split(/\n\n/)
    .map((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n'),
    )
    .filter(Boolean)
    .map((data) => JSON.parse(data) as JSONRPCMessage);
}

/** Reads the session's standalone GET stream in the background, collecting its messages. */
async function openGetStream(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  expect(response.status).toBe(200);
  const messages: JSONRPCMessage[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body ?? []) {
        pending += decoder.decode(chunk, { stream: true });
        const end = pending.lastIndexOf('\n\n');
        if (end === -1) continue;
        messages.push(...sseMessages(pending.slice(0, end)));
        pending = pending.slice(end + 2);
      }
    } catch {
      // Aborted.
    }
  })();
  return {
    messages,
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

function methodOf(message: JSONRPCMessage): string | undefined {
  return 'method' in message ? message.method : undefined;
}

// --- Processes ---------------------------------------------------------------------------

/** Whether a process runs (a zombie, dead but not yet reaped by its parent, does not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // No /proc (macOS): signal 0 only checks that the process exists.
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fails after `ms` instead of leaving a lost message to the test's long timeout. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref();
  });
  return Promise.race([promise, timeout]);
}

async function health(bridge: BridgeProcess): Promise<{ status: string; sessions: number }> {
  return (await fetch(bridge.url.replace(/\/mcp$/, '/health'))).json() as Promise<{ status: string; sessions: number }>;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((end) => end().catch(() => {})));
});

afterAll(async () => {
  await Promise.all(started.map((bridge) => bridge.stop()));
});

describe('a stdio MCP server behind the bridge', () => {
  let bridge: BridgeProcess;
  const auth = { Authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    bridge = await bridgeFor(FIXTURE, {}, TOKEN);
  });

  it('serves the stdio server’s tools, resources and prompts over streamable HTTP', async () => {
    const { client } = await connect(bridge.url, { ...auth, ...ALICE });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['add_numbers', 'crash', 'enable_extra_tool', 'save_note', 'slow_count', 'whoami_env'].sort(),
    );
    // Passed through untouched: the Worker decides read or write from these annotations.
    expect(tools.find((tool) => tool.name === 'whoami_env')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((tool) => tool.name === 'save_note')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });
    expect(textOf(await call(client, 'add_numbers', { a: 40, b: 2 }))).toBe('42');

    const { contents } = await client.readResource({ uri: 'fixture://readme' });
    expect(contents[0]).toMatchObject({ uri: 'fixture://readme', text: 'The bridge test fixture.' });
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Zoë' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Say hello to Zoë.' });
  });

  it('starts the session’s server as the user who opened it (MCP_USER_* variables, decoded)', async () => {
    const { client } = await connect(bridge.url, { ...auth, ...ALICE });
    const me = await whoami(client);
    expect(me).toMatchObject({
      MCP_USER_ID: 'access-alice',
      MCP_USER_EMAIL: 'alice@example.com',
      MCP_USER_NAME: 'Zoë Alice',
      // A comma inside a group's name stays encoded, so "eng,admins" cannot pass for "admins".
      MCP_USER_GROUPS: 'engineering,eng%2Cadmins',
      MCP_USER_LOGIN: 'alice-gh',
      MCP_USER_UPSTREAM: 'access',
      MCP_USER_SCOPES: 'mcp:read mcp:write',
    });
    // Absent headers leave their variables unset, rather than set to "".
    expect(me).not.toHaveProperty('MCP_USER_ORGS');

    const { client: other } = await connect(bridge.url, { ...auth, ...BOB });
    expect(await whoami(other)).toMatchObject({ MCP_USER_ID: 'access-bob', MCP_USER_EMAIL: 'bob@example.com' });
    expect(await whoami(other)).not.toHaveProperty('MCP_USER_NAME');
  });

  it('never gives the stdio server BRIDGE_TOKEN, and never logs it', async () => {
    const { client } = await connect(bridge.url, { ...auth, ...ALICE });
    const result = await call(client, 'whoami_env');
    expect(result.structuredContent).toMatchObject({ sees_bridge_token: false });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    // The session's line in the log names the user, and nothing secret.
    expect(bridge.recentOutput()).toMatch(/session [0-9a-f]{8} opened for user access-alice alice@example\.com/);
    expect(bridge.recentOutput()).not.toContain(TOKEN);
  });

  it('refuses a request without the bridge’s token, or with a wrong one (401); /health needs none', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const response = await post(bridge.url, INITIALIZE, {
        ...ALICE,
        ...(authorization ? { Authorization: authorization } : {}),
      });
      expect(response.status, authorization ?? 'no Authorization').toBe(401);
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { message: 'Unauthorized' } });
    }
    await expect(connect(bridge.url, { Authorization: 'Bearer wrong-token', ...ALICE })).rejects.toMatchObject({
      code: 401,
    });

    const response = await fetch(bridge.url.replace(/\/mcp$/, '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', sessions: expect.any(Number) });
  });

  it('gives each session its own server process', async () => {
    const { client: first } = await connect(bridge.url, { ...auth, ...ALICE });
    const { client: second } = await connect(bridge.url, { ...auth, ...ALICE });
    expect((await whoami(first)).pid).not.toBe((await whoami(second)).pid);
    expect((await call(first, 'save_note', { text: 'first' })).structuredContent).toEqual({ notes: ['first'] });
    // The second session's process holds only its own note.
    expect((await call(second, 'save_note', { text: 'second' })).structuredContent).toEqual({ notes: ['second'] });
    expect((await call(first, 'save_note', { text: 'again' })).structuredContent).toEqual({
      notes: ['first', 'again'],
    });
  });

  it('passes a tool’s progress notifications to the client while the call runs', async () => {
    const { client } = await connect(bridge.url, { ...auth, ...ALICE });
    const seen: number[] = [];
    const result = (await client.callTool({ name: 'slow_count', arguments: { steps: 4, ms: 30 } }, undefined, {
      onprogress: (progress) => seen.push(progress.progress),
    })) as CallToolResult;
    expect(textOf(result)).toBe('counted to 4');
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('sends progress on the tool call’s own stream, and a tool-list change on the GET stream', async () => {
    const headers = { ...auth, ...ALICE };
    const sessionId = await openRawSession(bridge.url, headers);
    const inSession = { ...headers, 'mcp-session-id': sessionId };
    const standalone = await openGetStream(bridge.url, inSession);

    const counting = await post(
      bridge.url,
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'slow_count', arguments: { steps: 3, ms: 10 }, _meta: { progressToken: 'count-7' } },
      },
      inSession,
    );
    const onCallStream = sseMessages(await counting.text());
    expect(onCallStream.map((message) => methodOf(message) ?? 'response')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'response',
    ]);
    expect(onCallStream[0]).toMatchObject({ params: { progressToken: 'count-7', progress: 1, total: 3 } });

    const enabling = await post(
      bridge.url,
      { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'enable_extra_tool', arguments: {} } },
      inSession,
    );
    // The change concerns the session, not this call: it travels on the GET stream (as the SDK's
    // own servers send it), so the call's stream holds only the answer.
    expect(sseMessages(await enabling.text())).toEqual([expect.objectContaining({ id: 8, result: expect.anything() })]);
    await eventually(
      () => standalone.messages.some((message) => methodOf(message) === 'notifications/tools/list_changed'),
      'tools/list_changed on the GET stream',
    );
    expect(standalone.messages.some((message) => methodOf(message) === 'notifications/progress')).toBe(false);
    await standalone.close();
  });

  it('tells the client when the server’s tool list changes, and then lists the new tool', async () => {
    const { client } = await connect(bridge.url, { ...auth, ...ALICE });
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('extra_tool');
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    expect(textOf(await call(client, 'enable_extra_tool'))).toBe('extra_tool enabled');
    await within(changed, 5000, 'notifications/tools/list_changed');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('extra_tool');
  });

  it('ends the session of a server that dies: the call fails at once, then 404, and a new session works', async () => {
    const { client, transport } = await connect(bridge.url, { ...auth, ...ALICE });
    const { pid } = await whoami(client);
    const sessions = (await health(bridge)).sessions;

    // The call in flight is answered with an error, rather than left to the client's timeout.
    await expect(client.callTool({ name: 'crash' }, undefined, { timeout: 5000 })).rejects.toThrow(
      /session ended before the server answered: its server process exited/,
    );
    await eventually(() => !isRunning(pid), 'the crashed server process to be gone');
    expect((await health(bridge)).sessions).toBe(sessions - 1);
    expect(bridge.recentOutput()).toMatch(/session [0-9a-f]{8} ended: its server process exited/);

    // 404 is what tells a streamable HTTP client to initialize again.
    await expect(client.listTools()).rejects.toMatchObject({ code: 404 });
    const raw = await post(
      bridge.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      {
        ...auth,
        ...ALICE,
        'mcp-session-id': transport.sessionId ?? '',
      },
    );
    expect(raw.status).toBe(404);

    const { client: fresh } = await connect(bridge.url, { ...auth, ...ALICE });
    const again = await whoami(fresh);
    expect(again.pid).not.toBe(pid);
  });

  it('ends the session and stops its server process on DELETE', async () => {
    const { client, transport } = await connect(bridge.url, { ...auth, ...ALICE });
    const { pid } = await whoami(client);
    const sessionId = transport.sessionId ?? '';
    await transport.terminateSession();
    await eventually(() => !isRunning(pid), 'the server process to stop after DELETE');
    const after = await post(
      bridge.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      {
        ...auth,
        ...ALICE,
        'mcp-session-id': sessionId,
      },
    );
    expect(after.status).toBe(404);
    expect(bridge.recentOutput()).toMatch(/ended: the client ended it/);
  });

  it('answers a session only for the user who opened it (403 for anyone else)', async () => {
    const sessionId = await openRawSession(bridge.url, { ...auth, ...ALICE });
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const asBob = await post(bridge.url, list, { ...auth, ...BOB, 'mcp-session-id': sessionId });
    expect(asBob.status).toBe(403);
    // Without any identity is someone else too.
    const asNobody = await post(bridge.url, list, { ...auth, 'mcp-session-id': sessionId });
    expect(asNobody.status).toBe(403);
    const deleteAsBob = await fetch(bridge.url, {
      method: 'DELETE',
      headers: { ...auth, ...BOB, 'mcp-session-id': sessionId },
    });
    expect(deleteAsBob.status).toBe(403);

    const asAlice = await post(bridge.url, list, { ...auth, ...ALICE, 'mcp-session-id': sessionId });
    expect(asAlice.status).toBe(200);
    expect(sseMessages(await asAlice.text())[0]).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
  });

  it('answers an unknown session 404, and a request without a session that is not initialize 400', async () => {
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const unknown = await post(bridge.url, list, { ...auth, ...ALICE, 'mcp-session-id': randomUUID() });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32001, message: 'Session not found' } });
    expect((await post(bridge.url, list, { ...auth, ...ALICE })).status).toBe(400);
  });

  it('refuses a body over 4 MiB (413), a browser (403), and identity headers it cannot decode (400)', async () => {
    const big = JSON.stringify({
      ...INITIALIZE,
      params: { ...INITIALIZE.params, padding: 'x'.repeat(4 * 1024 * 1024) },
    });
    expect((await post(bridge.url, big, { ...auth, ...ALICE })).status).toBe(413);
    const fromPage = await post(bridge.url, INITIALIZE, { ...auth, ...ALICE, Origin: 'https://evil.example' });
    expect(fromPage.status).toBe(403);
    const badName = await post(bridge.url, INITIALIZE, { ...auth, ...ALICE, 'X-MCP-User-Name': '%E0%A4%A' });
    expect(badName.status).toBe(400);
    const controlInName = await post(bridge.url, INITIALIZE, { ...auth, ...ALICE, 'X-MCP-User-Name': 'Eve%0Aforged' });
    expect(controlInName.status).toBe(400);
  });
});

describe('the bridge’s limits', () => {
  let bridge: BridgeProcess;

  beforeAll(async () => {
    // No BRIDGE_TOKEN here: a local bridge may trust its callers, and says so.
    bridge = await bridgeFor(FIXTURE, { BRIDGE_MAX_SESSIONS: '2', BRIDGE_IDLE_SECONDS: '2' });
  });

  it('warns at start when BRIDGE_TOKEN is unset', () => {
    expect(bridge.recentOutput()).toMatch(/WARNING: BRIDGE_TOKEN is not set/);
  });

  it('refuses a session beyond BRIDGE_MAX_SESSIONS with 503 and Retry-After', async () => {
    const first = await openRawSession(bridge.url, ALICE);
    const second = await openRawSession(bridge.url, BOB);
    const third = await post(bridge.url, INITIALIZE, ALICE);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await third.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringMatching(/too many sessions/) },
    });
    // A session that ends makes room.
    await fetch(bridge.url, { method: 'DELETE', headers: { ...ALICE, 'mcp-session-id': first } });
    const fourth = await post(bridge.url, INITIALIZE, ALICE);
    expect(fourth.status).toBe(200);
    for (const [sessionId, user] of [
      [second, BOB] as const,
      [fourth.headers.get('mcp-session-id') ?? '', ALICE] as const,
    ]) {
      await fetch(bridge.url, { method: 'DELETE', headers: { ...user, 'mcp-session-id': sessionId } });
    }
  });

  it('closes a session idle for BRIDGE_IDLE_SECONDS and stops its server process', async () => {
    expect((await health(bridge)).sessions).toBe(0);
    const { client, transport } = await connect(bridge.url, ALICE);
    const { pid } = await whoami(client);
    // A request keeps it open: 1.5 s in, it is still there.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(textOf(await call(client, 'add_numbers', { a: 1, b: 2 }))).toBe('3');
    await eventually(() => !isRunning(pid), 'the idle session’s server process to stop', 8000);
    const after = await post(
      bridge.url,
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      {
        ...ALICE,
        'mcp-session-id': transport.sessionId ?? '',
      },
    );
    expect(after.status).toBe(404);
    expect(bridge.recentOutput()).toMatch(/ended: idle for 2 s/);
  });
});

describe('the bridge as a process', () => {
  it('stops its server processes and exits cleanly on SIGTERM', async () => {
    const bridge = await bridgeFor(FIXTURE);
    const { client } = await connect(bridge.url, ALICE);
    const { pid } = await whoami(client);
    const exited = new Promise<number | null>((resolve) => bridge.child.once('exit', (code) => resolve(code)));
    // The bridge alone, not its process group: it must stop its children itself.
    process.kill(bridge.child.pid ?? 0, 'SIGTERM');
    expect(await exited).toBe(0);
    await eventually(() => !isRunning(pid), 'the session’s server process to stop with the bridge');
  });

  it('exits with a usage message when given no command', async () => {
    const child = spawn(process.execPath, [BRIDGE], { env: { ...process.env, BRIDGE_COMMAND: '' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/no command/);
    expect(stderr).toMatch(/usage: node bridge\.ts -- <command>/);
  });
});

describe('the SDK’s reference server (server-everything) behind the bridge', () => {
  let bridge: BridgeProcess;

  beforeAll(async () => {
    bridge = await bridgeFor(EVERYTHING_SERVER, {}, TOKEN);
  });

  it('lists and calls its tools, reads a resource and gets a prompt', async () => {
    const { client } = await connect(bridge.url, { Authorization: `Bearer ${TOKEN}`, ...ALICE });
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
    expect(textOf(await call(client, 'echo', { message: 'through the bridge' }))).toBe('Echo: through the bridge');

    const { resources } = await client.listResources();
    const document = resources.find((resource) => resource.uri.startsWith('demo://resource/static/document/'));
    expect(document).toBeDefined();
    const read = await client.readResource({ uri: document?.uri ?? '' });
    expect(read.contents[0]).toMatchObject({ uri: document?.uri, text: expect.stringMatching(/\w/) });

    const prompt = await client.getPrompt({ name: 'simple-prompt' });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'This is a simple prompt without arguments.' });
  });

  it('carries its progress, and its requests to the client (roots) and their answers', async () => {
    const roots = [{ uri: 'file:///work/project', name: 'project' }];
    let asked = 0;
    const client = new Client({ name: 'bridge-e2e', version: '1.0.0' }, { capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, () => {
      asked++;
      return { roots };
    });
    const transport = new StreamableHTTPClientTransport(new URL(bridge.url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}`, ...ALICE } },
    });
    await client.connect(transport);
    opened.push(async () => {
      await transport.terminateSession();
      await client.close();
    });

    const seen: number[] = [];
    await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
      undefined,
      { onprogress: (progress) => seen.push(progress.progress) },
    );
    expect(seen).toHaveLength(3);

    // The server asks the client for its roots (a server-to-client request through the bridge).
    const listed = textOf(
      (await client.callTool({ name: 'get-roots-list' }, undefined, { timeout: 10_000 })) as CallToolResult,
    );
    expect(listed).toContain('file:///work/project');
    expect(asked).toBeGreaterThan(0);
  });
});
