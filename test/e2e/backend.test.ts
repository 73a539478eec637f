import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type CallToolResult, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeProcess, startBridge } from '../../scripts/lib/bridge.ts';
import { freePort, startAccessStack } from '../../scripts/lib/stack.ts';
import { ProcessGroups, spawnMcpRemote } from '../support/client-processes.ts';
import { Browser, followAuthorization } from '../support/oauth-client.ts';
import { startRecordingProxy } from '../support/recording-proxy.ts';
import { BrowserOAuthProviderV2, connectV2WithOAuth } from '../support/sdk-v2-oauth-provider';
import { BrowserOAuthProvider, connect } from './upstream-flow';

/**
 * "Protect an existing MCP server": UPSTREAM=access with a backend MCP server as the tool source.
 * The real `wrangler dev` signs people in through the Access stand-in (oidc-provider) and serves,
 * through its McpAgent sessions, a real stdio MCP server (test/backends/fixture-server.ts) behind
 * the real bridge (container/bridge.ts, what the container runs) as a process. A recording proxy
 * between the Worker and the bridge shows what the backend receives.
 */

const FIXTURE = [process.execPath, join(import.meta.dirname, '../backends/fixture-server.ts')];
const BACKEND_TOKEN = 'backend-credential-0123456789-abcdef';
const POLICY = {
  tools: {
    // Admins only: the note store and the tools that change the backend itself.
    save_note: { allow: ['group:admins'] },
    enable_extra_tool: { allow: ['group:admins'] },
    crash: { allow: ['group:admins'] },
  },
};

let stack: { origin: string; stop(): Promise<void> };
let bridge: BridgeProcess;
let bridgePort: number;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;

async function startFixtureBridge(): Promise<BridgeProcess> {
  const started = startBridge({ port: bridgePort, command: FIXTURE, token: BACKEND_TOKEN, quiet: true });
  await started.ready();
  return started;
}

beforeAll(async () => {
  bridgePort = await freePort();
  bridge = await startFixtureBridge();
  proxy = await startRecordingProxy(`http://127.0.0.1:${bridgePort}`);
  stack = await startAccessStack({
    vars: {
      BACKEND: 'url',
      BACKEND_URL: `${proxy.url}/mcp`,
      BACKEND_TOKEN,
      BACKEND_POLICY: JSON.stringify(POLICY),
      BACKEND_TIMEOUT_MS: '20000',
    },
  });
});

const groups = new ProcessGroups();
let workDir = '';

afterAll(async () => {
  await groups.stopAll();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  await stack?.stop();
  await proxy?.close();
  await bridge?.stop();
});

async function signIn(email: string, options: { untick?: string[]; headers?: Record<string, string> } = {}) {
  const provider = new BrowserOAuthProvider(stack.origin, email, options.untick);
  const client = await connect(stack.origin, provider, 'streamable-http', { headers: options.headers });
  return { client, provider };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const textOf = (result: CallToolResult) =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('a backend MCP server behind the sign-in', () => {
  it('lists and calls the backend’s tools, resources and prompts for a signed-in person', async () => {
    const { client } = await signIn('alice@example.com');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['whoami_env', 'add_numbers', 'save_note', 'slow_count']));
    expect(names).not.toContain('whoami'); // the backend supplies the tools, not the Access pack

    const sum = await call(client, 'add_numbers', { a: 2, b: 40 });
    expect(sum.isError).toBeFalsy();
    expect(textOf(sum)).toContain('42');

    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain('fixture://readme');
    const read = await client.readResource({ uri: 'fixture://readme' });
    expect(JSON.stringify(read.contents)).toMatch(/fixture/i);

    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toContain('greet');
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Zoë' } });
    expect(JSON.stringify(prompt.messages)).toContain('Zoë');
    await client.close();
  });

  it('gives the backend the verified identity, its own credential, and never the client’s token', async () => {
    const before = proxy.requests.length;
    const { client, provider } = await signIn('alice@example.com');
    const whoami = await call(client, 'whoami_env');
    // The stdio server learns who it serves from the bridge (the opener's identity headers).
    expect(whoami.structuredContent).toMatchObject({
      MCP_USER_EMAIL: 'alice@example.com',
      MCP_USER_NAME: 'Alice Admin',
      MCP_USER_GROUPS: 'engineering,admins',
      MCP_USER_UPSTREAM: 'access',
    });
    expect(JSON.stringify(whoami.structuredContent)).not.toContain(BACKEND_TOKEN);
    await client.close();

    const seen = proxy.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    const clientTokens = [provider.savedTokens?.access_token, provider.savedTokens?.refresh_token].filter(
      (token): token is string => Boolean(token),
    );
    expect(clientTokens).toHaveLength(2);
    for (const request of seen) {
      expect(request.headers.authorization).toBe(`Bearer ${BACKEND_TOKEN}`);
      expect(request.headers['x-mcp-user-email']).toBe('alice@example.com');
      expect(request.headers['x-mcp-user-groups']).toBe('engineering,admins');
      expect(request.headers['x-mcp-user-scopes']).toBe('mcp:read mcp:write');
      expect(request.headers['x-mcp-user-id']).toMatch(/^access-[0-9a-f]{32}$/);
      const everything = JSON.stringify(request.headers) + request.body;
      for (const token of clientTokens) expect(everything).not.toContain(token);
      expect(everything).not.toContain('x-mcp-verified-call');
    }
  });

  it('strips identity headers a client forges', async () => {
    const before = proxy.requests.length;
    const { client } = await signIn('carol@example.com', {
      headers: { 'X-MCP-User-Email': 'root@example.com', 'X-MCP-User-Groups': 'admins', 'X-MCP-User-Id': 'root' },
    });
    const whoami = await call(client, 'whoami_env');
    expect(whoami.structuredContent).toMatchObject({ MCP_USER_EMAIL: 'carol@example.com', MCP_USER_GROUPS: 'sales' });
    // Carol is not an admin, whatever her client says.
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('save_note');
    await client.close();
    for (const request of proxy.requests.slice(before)) {
      expect(request.headers['x-mcp-user-email']).toBe('carol@example.com');
      expect(request.headers['x-mcp-user-id']).not.toBe('root');
    }
  });

  it('hides a tool the policy reserves for others, and refuses it when called by name', async () => {
    const { client } = await signIn('carol@example.com');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['whoami_env', 'add_numbers']));
    expect(names).not.toContain('save_note');
    await expect(call(client, 'save_note', { text: 'sneaky' })).rejects.toThrow(/Tool save_note not found/);
    await client.close();
  });

  it('needs mcp:write for a backend tool that is not read-only', async () => {
    const { client, provider } = await signIn('alice@example.com', { untick: ['mcp:write'] });
    expect(provider.savedTokens?.scope).toBe('mcp:read');
    const refused = await call(client, 'save_note', { text: 'from a read-only grant' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('needs the "mcp:write" permission');
    expect((await call(client, 'add_numbers', { a: 1, b: 1 })).isError).toBeFalsy();
    await client.close();
  });

  it('passes the backend’s progress on to the client', async () => {
    const { client } = await signIn('alice@example.com');
    const seen: number[] = [];
    const result = (await client.callTool({ name: 'slow_count', arguments: { steps: 3, ms: 50 } }, undefined, {
      onprogress: (progress) => seen.push(progress.progress),
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await client.close();
  });

  it('tells the client when the backend’s tool list changes', async () => {
    const { client } = await signIn('alice@example.com');
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('extra_tool');
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    expect((await call(client, 'enable_extra_tool')).isError).toBeFalsy();
    await changed;
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('extra_tool');
    await client.close();
  });

  it('answers a tool error while the backend is down, and picks up its return', async () => {
    const { client } = await signIn('alice@example.com');
    expect((await call(client, 'add_numbers', { a: 1, b: 2 })).isError).toBeFalsy();
    await bridge.stop();
    const down = await call(client, 'add_numbers', { a: 1, b: 2 });
    expect(down.isError).toBe(true);
    expect(textOf(down)).toContain('The backend MCP server is not answering');
    bridge = await startFixtureBridge();
    const back = await call(client, 'add_numbers', { a: 1, b: 2 });
    expect(back.isError).toBeFalsy();
    expect(textOf(back)).toContain('3');
    await client.close();
  });

  it('a restarted backend that forgot the session: the next call goes to a new backend session, first time', async () => {
    const { client } = await signIn('alice@example.com');
    expect((await call(client, 'add_numbers', { a: 1, b: 2 })).isError).toBeFalsy();
    await bridge.stop();
    bridge = await startFixtureBridge();
    const before = proxy.requests.length;
    const sum = await call(client, 'add_numbers', { a: 40, b: 2 });
    expect(sum.isError).toBeFalsy(); // the 404 was not processed: repeated on a new session
    expect(textOf(sum)).toContain('42');
    const sent = proxy.requests.slice(before).map((request) => JSON.parse(request.body || '{}').method);
    expect(sent.filter((method) => method === 'tools/call')).toHaveLength(2);
    expect(sent).toContain('initialize');
    await client.close();
  });

  it('serves the same backend over legacy SSE', async () => {
    const { client: signedIn, provider } = await signIn('alice@example.com');
    await signedIn.close();
    const client = await connect(stack.origin, provider, 'sse');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('add_numbers');
    expect(textOf(await call(client, 'add_numbers', { a: 20, b: 22 }))).toContain('42');
    await client.close();
  });

  it('works through mcp-remote, as Claude Desktop and Cursor reach it', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'backend-mcp-remote-'));
    mkdirSync(join(workDir, 'home'));
    // mcp-remote "opens a browser" with this script, which opens nothing; the test's browser signs in.
    const opener = join(workDir, 'no-browser.sh');
    writeFileSync(opener, '#!/bin/sh\nexit 0\n');
    chmodSync(opener, 0o755);
    const callbackPort = await freePort();
    const { client, transport, stderr } = spawnMcpRemote({
      url: `${stack.origin}/mcp`,
      callbackPort,
      env: { HOME: join(workDir, 'home'), MCP_REMOTE_CONFIG_DIR: join(workDir, 'auth'), BROWSER: opener },
      groups,
    });
    const connected = client.connect(transport, { timeout: 120_000 });
    connected.catch(() => {}); // awaited below
    const [, printed = ''] = await stderr.waitFor(
      /Please authorize this client by visiting:\s*\n(\S+)/,
      60_000,
      'authorize URL from mcp-remote',
    );
    const { redirect } = await followAuthorization(new Browser(stack.origin, (request) => fetch(request)), printed, {
      redirectUri: `http://localhost:${callbackPort}/oauth/callback`,
      email: 'alice@example.com',
    });
    expect((await fetch(redirect)).ok).toBe(true); // mcp-remote's loopback callback takes the code
    await connected;
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['add_numbers', 'save_note']),
    );
    const sum = (await client.callTool({ name: 'add_numbers', arguments: { a: 40, b: 2 } })) as CallToolResult;
    expect(textOf(sum)).toContain('42');
    await client.close();
  });
});

describe('the same backend for a client speaking MCP 2026-07-28 (no session)', () => {
  const REDIRECT_URI = 'http://127.0.0.1:33421/callback';
  const connectModern = (email: string) =>
    connectV2WithOAuth(
      stack.origin,
      new BrowserOAuthProviderV2({
        browser: new Browser(stack.origin, (request) => fetch(request)),
        identity: email,
        redirectUri: REDIRECT_URI,
      }),
    );
  const initializes = (since: number) =>
    proxy.requests.slice(since).filter((request) => request.body.includes('"method":"initialize"')).length;

  it('lists and calls the backend’s tools under the same policy, as the verified person', async () => {
    const carol = await connectModern('carol@example.com');
    expect(carol.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const names = (await carol.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['whoami_env', 'add_numbers']));
    expect(names).not.toContain('save_note'); // admins only
    await expect(carol.callTool({ name: 'save_note', arguments: { text: 'sneaky' } })).rejects.toThrow(
      /Tool save_note not found/,
    );
    const before = proxy.requests.length;
    const whoami = await carol.callTool({ name: 'whoami_env', arguments: {} });
    expect(whoami.structuredContent).toMatchObject({ MCP_USER_EMAIL: 'carol@example.com', MCP_USER_GROUPS: 'sales' });
    for (const request of proxy.requests.slice(before)) {
      expect(request.headers.authorization).toBe(`Bearer ${BACKEND_TOKEN}`);
      expect(request.headers['x-mcp-user-email']).toBe('carol@example.com');
    }
    const { resources } = await carol.listResources();
    expect(resources.map((resource) => resource.uri)).toContain('fixture://readme');
    const prompt = await carol.getPrompt({ name: 'greet', arguments: { name: 'Zoë' } });
    expect(JSON.stringify(prompt.messages)).toContain('Zoë');
    await carol.close();
  });

  it('goes on with one backend session across requests, and opens a new one when the backend forgot it', async () => {
    const alice = await connectModern('alice@example.com');
    expect((await alice.callTool({ name: 'add_numbers', arguments: { a: 1, b: 2 } })).isError).toBeFalsy();
    const before = proxy.requests.length;
    for (let i = 0; i < 3; i++) {
      expect((await alice.callTool({ name: 'add_numbers', arguments: { a: i, b: 1 } })).isError).toBeFalsy();
    }
    expect(initializes(before)).toBe(0); // stateless to the client, one session to the backend
    await bridge.stop();
    bridge = await startFixtureBridge(); // a restarted backend knows no session
    const afterRestart = proxy.requests.length;
    const sum = await alice.callTool({ name: 'add_numbers', arguments: { a: 40, b: 2 } });
    expect(sum.isError).toBeFalsy();
    expect(JSON.stringify(sum.content)).toContain('42');
    expect(initializes(afterRestart)).toBe(1);
    await alice.close();
  });

  it('passes the backend’s progress on, on the request’s own stream', async () => {
    const alice = await connectModern('alice@example.com');
    const seen: number[] = [];
    const result = await alice.callTool(
      { name: 'slow_count', arguments: { steps: 3, ms: 50 } },
      { onprogress: (progress) => seen.push(progress.progress) },
    );
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    await alice.close();
  });
});
