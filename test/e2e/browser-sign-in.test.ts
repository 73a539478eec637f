import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Stack, startStack } from '../../scripts/lib/stack.ts';
import { launchChromium, shouldRunBrowserTests } from '../support/chromium';
import { InMemoryOAuthProvider } from '../support/sdk-oauth-provider';

/**
 * A person signing in through a real browser (Debian's Chromium, driven by Playwright), as a
 * desktop client such as Claude Desktop or Cursor would have them do: the client opens the
 * authorize URL, the person approves on the consent page, signs in at the Attio stand-in, and
 * the browser lands on the client's loopback redirect URI.
 */

// Chromium is a Debian package, not an npm one: a fresh machine may lack it. Locally the test
// then says so and is skipped; in CI (.ci/run installs it) a missing browser is a failure.
const haveChromium = shouldRunBrowserTests('the real-browser sign-in test');
const ARTIFACTS = 'test-results';

let stack: Stack;
let browser: Browser;
let callbackServer: Server;
let redirectUri = '';
let codeArrived: (code: string) => void = () => {};

beforeAll(async () => {
  if (!haveChromium) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack();
  const port = await freePort();
  redirectUri = `http://127.0.0.1:${port}/callback`;
  // The client's loopback listener, as a native MCP client runs one (RFC 8252).
  callbackServer = createServer((request, response) => {
    const code = new URL(request.url ?? '/', redirectUri).searchParams.get('code');
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>Signed in. You can close this window.</p>');
    if (code) codeArrived(code);
  });
  await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  callbackServer?.close();
  await stack?.stop();
});

/** The person in this test uses a real browser page, opened by the client. */
class BrowserOAuthProvider extends InMemoryOAuthProvider {
  code: Promise<string>;
  page?: Page;
  constructor() {
    super(redirectUri, 'Browser E2E client');
    this.code = new Promise((resolve) => {
      codeArrived = resolve;
    });
  }
  async redirectToAuthorization(url: URL) {
    this.page = await browser.newPage();
    await this.page.goto(url.toString());
  }
}

describe.runIf(haveChromium)('signing in through a real browser', () => {
  it('approve on the consent page, sign in at Attio; the client calls tools over both transports and refreshes', async () => {
    const provider = new BrowserOAuthProvider();
    const url = new URL(`${stack.origin}/mcp`);
    const client = new Client({ name: 'browser-e2e', version: '1.0.0' });
    await expect(
      client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider })),
    ).rejects.toBeInstanceOf(UnauthorizedError);

    const page = provider.page;
    if (!page) throw new Error('the client did not open the browser');
    expect(await page.textContent('h1')).toContain('Browser E2E client');
    expect(await page.isChecked('input[value="mcp:read"]')).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/consent-page.png`, fullPage: true });
    await page.getByRole('button', { name: 'Allow' }).click();

    // The Attio stand-in's sign-in, then its Allow page.
    await page.waitForURL((current) => current.origin === stack.standinUrl);
    await page.fill('input[name="email"]', 'demo@example.com');
    await page.locator('button, input[type="submit"]').first().click();
    await page.getByRole('button', { name: /allow/i }).click();

    const code = await provider.code;
    await page.screenshot({ path: `${ARTIFACTS}/signed-in.png` });
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await transport.finishAuth(code);
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    const result = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect((result.structuredContent as { member: { email: string } }).member.email).toBe('demo@example.com');
    await client.close();

    // The same tokens over legacy SSE.
    const sse = new Client({ name: 'browser-e2e-sse', version: '1.0.0' });
    await sse.connect(new SSEClientTransport(new URL(`${stack.origin}/sse`), { authProvider: provider }));
    const search = (await sse.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(JSON.stringify(search.structuredContent)).toContain('Acme');
    await sse.close();

    // An access token that no longer works is refreshed with the refresh token, without the browser.
    const issued = provider.savedTokens;
    if (!issued?.refresh_token) throw new Error('no refresh token was issued');
    provider.saveTokens({ ...issued, access_token: 'expired' });
    const again = new Client({ name: 'browser-e2e-refresh', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    expect(provider.savedTokens?.access_token).not.toBe('expired');
    expect(provider.savedTokens?.refresh_token).not.toBe(issued.refresh_token);
    await again.close();
  });
});
