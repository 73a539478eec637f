import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Stack, startStack } from '../../scripts/lib/stack.ts';
import { launchChromium, shouldRunBrowserTests } from '../support/chromium.ts';
import { ProcessGroups, spawnMcpRemote } from '../support/client-processes.ts';

/**
 * Claude Desktop and Cursor reach a remote server through `mcp-remote`: the app spawns it as a
 * stdio MCP server from its config (`{"command": "npx", "args": ["mcp-remote", "<url>/mcp"]}`)
 * and speaks MCP over its stdin and stdout. This proves that whole path with the real programs:
 * the real `mcp-remote` (from node_modules, with a throwaway MCP_REMOTE_CONFIG_DIR and its own
 * callback port) discovers this server from the 401, registers, prints the authorize URL and
 * "opens a browser" (a BROWSER script that only records the URL: no desktop browser opens);
 * Chromium, driven by Playwright, does what the person does there (Allow on the consent page,
 * sign in at the Attio stand-in, Allow) and lands on mcp-remote's loopback callback. The
 * official SDK client on the other end of the stdio pipe, exactly as Claude Desktop runs it,
 * initializes, lists the Attio tools and searches the CRM. A second start of `mcp-remote` (the
 * app restarting) uses the stored tokens and opens no browser.
 */

const RUN = shouldRunBrowserTests('the mcp-remote sign-in through a real browser');
const ARTIFACTS = 'test-results';

let stack: Stack;
let browser: Browser;
let workDir = '';
let configDir = '';
let openedLog = '';
let callbackPort = 0;
/** Set when the first test's sign-in completed: the restart test needs its stored tokens. */
let signedIn = false;
const groups = new ProcessGroups();

beforeAll(async () => {
  if (!RUN) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium(); // first: in CI a missing browser fails before wrangler starts
  stack = await startStack();
  workDir = mkdtempSync(join(tmpdir(), 'mcp-remote-e2e-'));
  configDir = join(workDir, 'mcp-auth');
  mkdirSync(configDir);
  mkdirSync(join(workDir, 'home'));
  // What mcp-remote runs to "open the browser": `open`'s xdg-open honours $BROWSER when there is
  // no desktop session (the SDK's stdio transport passes no DISPLAY). It records the URL and
  // exits 0, so mcp-remote reports "Browser opened automatically" and waits for its callback.
  openedLog = join(workDir, 'opened-urls.txt');
  writeFileSync(openedLog, '');
  const script = join(workDir, 'record-browser.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openedLog}'\nexit 0\n`);
  chmodSync(script, 0o755);
  callbackPort = await freePort();
});

afterAll(async () => {
  await groups.stopAll();
  await browser?.close();
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** `mcp-remote <origin>/mcp <port>`, with a throwaway home and config directory. */
function mcpRemote() {
  return spawnMcpRemote({
    url: `${stack.origin}/mcp`,
    callbackPort,
    env: {
      HOME: join(workDir, 'home'),
      MCP_REMOTE_CONFIG_DIR: configDir,
      BROWSER: join(workDir, 'record-browser.sh'),
    },
    groups,
  });
}

function openedUrls(): string[] {
  return readFileSync(openedLog, 'utf8').split('\n').filter(Boolean);
}

async function expectAttioTools(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  expect(names).toEqual(expect.arrayContaining(['search_records', 'query_records', 'get_record', 'whoami']));
}

async function searchAcme(client: Client): Promise<void> {
  const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  const [first] = result.content;
  expect(first?.type === 'text' && first.text).toContain('Acme Corp (companies)');
  const { results } = result.structuredContent as { results: { name: string; object: string }[] };
  expect(results).toContainEqual(expect.objectContaining({ name: 'Acme Corp', object: 'companies' }));
}

describe.runIf(RUN)('Claude Desktop / Cursor through mcp-remote', () => {
  it('signs in once in the browser, then lists and calls the Attio tools over stdio', async () => {
    const { client, transport, stderr } = mcpRemote();
    const started = Date.now();
    // `initialize` waits in mcp-remote's stdin until the sign-in is done: give it the time a person takes.
    const connected = client.connect(transport, { timeout: 120_000 });
    connected.catch(() => {}); // awaited below; a failure earlier must not be reported as unhandled

    const [, printed = ''] = await stderr.waitFor(
      /Please authorize this client by visiting:\s*\n(\S+)/,
      60_000,
      'authorize URL from mcp-remote',
    );
    const authorize = new URL(printed);
    expect(authorize.origin + authorize.pathname).toBe(`${stack.origin}/authorize`);
    const redirectUri = `http://localhost:${callbackPort}/oauth/callback`;
    expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUri);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    await stderr.waitFor(/Browser opened automatically/, 10_000, 'the browser hand-off');
    // The URL handed to the "browser" is the printed one (re-encoded: `+` becomes `%20`).
    const [opened] = openedUrls();
    expect(new URL(opened ?? '').searchParams.get('state')).toBe(authorize.searchParams.get('state'));

    const page = await browser.newPage();
    try {
      await page.goto(printed);
      expect(await page.textContent('h1')).toContain('MCP CLI Proxy'); // the name mcp-remote registered
      await page.screenshot({ path: `${ARTIFACTS}/mcp-remote-consent.png`, fullPage: true });
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((current) => current.origin === stack.standinUrl);
      await page.fill('input[name="email"]', 'demo@example.com');
      await page.locator('button, input[type="submit"]').first().click();
      await page.getByRole('button', { name: /allow/i }).click();
      // mcp-remote's own loopback callback page.
      await page.waitForURL((current) => current.href.startsWith(redirectUri));
      expect(await page.textContent('body')).toContain('Authorization successful');
    } finally {
      await page.close();
    }
    await stderr.waitFor(/Auth code received/, 10_000, 'the code at the callback');

    await connected;
    await stderr.waitFor(/Proxy established successfully/, 10_000, 'the proxy');
    expect(client.getServerVersion()?.name).toBeTruthy();
    await expectAttioTools(client);
    await searchAcme(client);
    const whoami = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect((whoami.structuredContent as { member: { email: string } }).member.email).toBe('demo@example.com');
    await client.close();
    console.log(`mcp-remote: first run with the browser sign-in took ${Date.now() - started} ms`);
    expect(openedUrls()).toHaveLength(1);
    // The tokens are kept where mcp-remote keeps them, for the next start.
    expect(readdirSync(join(configDir, 'mcp-remote-v1')).some((name) => name.endsWith('_tokens.json'))).toBe(true);
    signedIn = true;
  });

  it('restarted, it reuses the stored tokens without a browser', async () => {
    expect(signedIn, 'needs the sign-in of the test before').toBe(true);
    const { client, transport, stderr } = mcpRemote();
    const started = Date.now();
    await client.connect(transport, { timeout: 60_000 });
    await expectAttioTools(client);
    await searchAcme(client);
    await client.close();
    console.log(`mcp-remote: second run with the stored tokens took ${Date.now() - started} ms`);
    expect(stderr.text).not.toContain('Please authorize');
    expect(openedUrls()).toHaveLength(1);
  });
});
