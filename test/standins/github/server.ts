// Node entry point: `node test/standins/github/server.ts` serves the stand-in on
// 127.0.0.1:${GITHUB_STANDIN_PORT:-8790}. Extra redirect URIs for the default client
// come from GITHUB_STANDIN_REDIRECT_URIS (comma separated). Tests import
// startGitHubStandin({ port: 0 }) to get a random free port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createGitHubStandin, type GitHubStandin, type GitHubStandinOptions } from './app.ts';

export interface StartOptions extends GitHubStandinOptions {
  port?: number;
  host?: string;
  /** Log one line per request (method, path, status) to stdout. */
  log?: boolean;
}

export interface RunningStandin extends GitHubStandin {
  url: string;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    body = new Uint8Array(Buffer.concat(chunks));
  }
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

export async function startGitHubStandin(options: StartOptions = {}): Promise<RunningStandin> {
  const host = options.host ?? '127.0.0.1';
  const standin = createGitHubStandin(options);
  let origin = `http://${host}`;
  const server = createServer((req, res) => {
    const started = Date.now();
    void (async () => {
      try {
        const response = await standin.app.fetch(await toRequest(req, origin));
        await writeResponse(res, response);
        if (options.log) {
          // Path only: query strings may carry codes or state, never log them (or tokens).
          const path = (req.url ?? '/').split('?')[0];
          console.log(`${req.method ?? 'GET'} ${path} ${response.status} ${Date.now() - started}ms`);
        }
      } catch (error) {
        console.error('[github-standin] request failed', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8790, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${host}:${address.port}`;
  return {
    ...standin,
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.GITHUB_STANDIN_PORT ?? '8790');
  const redirectUris = (process.env.GITHUB_STANDIN_REDIRECT_URIS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  const running = await startGitHubStandin({ port, redirectUris, log: true });
  console.log(`GitHub stand-in listening on ${running.url} (client_id dev-github-client)`);
  const shutdown = (signal: string): void => {
    console.log(`Received ${signal}, shutting down`);
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
