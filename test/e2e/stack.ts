import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitForUrl } from '../../scripts/lib/processes';
import { startAttioStandin } from '../standins/attio/server';

export interface Stack {
  /** The Worker's public origin, `http://localhost:PORT`. */
  origin: string;
  standinUrl: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts the product as `npm run dev` does, on free ports and with throwaway state: the Attio
 * stand-in and the real `wrangler dev`, configured through `--var` like a deployment's vars.
 */
export async function startStack(): Promise<Stack> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const standin = await startAttioStandin({ port: 0, redirectUris: [`${origin}/callback`] });
  const stateDir = mkdtempSync(join(tmpdir(), 'mcp-e2e-'));
  const vars = {
    PUBLIC_URL: origin,
    UPSTREAM: 'attio',
    CONSENT_SECRET: 'e2e-consent-secret-0123456789-abcdefghijklmnop',
    ATTIO_CLIENT_ID: 'dev-attio-client',
    ATTIO_CLIENT_SECRET: 'dev-attio-secret',
    ATTIO_AUTHORIZE_URL: `${standin.url}/authorize`,
    ATTIO_TOKEN_URL: `${standin.url}/oauth/token`,
    ATTIO_API_URL: standin.url,
  };
  const args = [
    'dev',
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    stateDir,
    '--show-interactive-dev-session=false',
  ];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const worker = startProcess(join(process.cwd(), 'node_modules/.bin/wrangler'), args, {
    label: 'wrangler',
    env: { WRANGLER_SEND_METRICS: 'false' },
    quiet: true,
  });
  const stop = async () => {
    await worker.stop();
    await standin.close();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitForUrl(`${origin}/health`, { timeoutMs: 120_000, requireOk: true });
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : error}\nwrangler said:\n${worker.recentOutput()}`);
  }
  return { origin, standinUrl: standin.url, stop };
}
