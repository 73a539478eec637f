import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type Browser, chromium } from 'playwright-core';
import { freePort } from '../../scripts/lib/stack.ts';

/**
 * Debian's Chromium driven by Playwright, for tests that need a real browser, and the loopback
 * listener a native MCP client runs for its redirect URI (RFC 8252).
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** In CI (.ci/run installs Chromium) a missing browser must fail the run, not skip it. */
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * Whether to run the browser tests: locally they are skipped (with a message saying why) when
 * Chromium is missing; in CI they run, and `launchChromium()` then fails with that message.
 */
export function shouldRunBrowserTests(what: string): boolean {
  if (existsSync(CHROMIUM) || IN_CI) return true;
  console.warn(`Skipping ${what}: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
  return false;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (see .ci/run), or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A client's loopback redirect URI: records every request's query and answers with a small page. */
export class LoopbackCallback {
  readonly hits: URLSearchParams[] = [];
  redirectUri = '';
  #server?: Server;

  async start(): Promise<this> {
    const port = await freePort();
    this.redirectUri = `http://127.0.0.1:${port}/callback`;
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', this.redirectUri);
      if (url.pathname !== '/callback') {
        response.writeHead(404).end();
        return;
      }
      this.hits.push(url.searchParams);
      const error = url.searchParams.get('error');
      const text = error ? `The app was refused access (${error}).` : 'Signed in. You can close this window.';
      response
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html lang="en"><title>App</title><p>${text.replace(/[<>&]/g, '')}</p></html>`);
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return this;
  }

  /** What arrived for one authorization (by its `state`). */
  hitsFor(state: string): URLSearchParams[] {
    return this.hits.filter((query) => query.get('state') === state);
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
