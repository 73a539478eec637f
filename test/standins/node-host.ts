// Hosting a stand-in on Node: the pieces every stand-in's server.ts shares (listen, close,
// translate between node:http and fetch Requests/Responses, run as `node server.ts`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** Listens on `port` (0 = a free one) and answers the port actually used. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every open connection (keep-alive, SSE), so tests end promptly. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** One log line per request: method, path (never the query: it carries codes and state), status, time. */
export function logRequest(req: IncomingMessage, status: number, started: number): void {
  const path = (req.url ?? '/').split('?')[0];
  console.log(`${req.method ?? 'GET'} ${path} ${status} ${Date.now() - started}ms`);
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

/** Serves a fetch handler (a stand-in's Hono app) over node:http; answers its URL and how to stop it. */
export async function hostFetchHandler(
  handle: (request: Request) => Response | Promise<Response>,
  options: { port: number; host?: string; log?: boolean; label: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  let origin = `http://${host}`;
  const server = createServer((req, res) => {
    const started = Date.now();
    void (async () => {
      try {
        const response = await handle(await toRequest(req, origin));
        await writeResponse(res, response);
        if (options.log) logRequest(req, response.status, started);
      } catch (error) {
        console.error(`[${options.label}] request failed`, error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      }
    })();
  });
  origin = `http://${host}:${await listen(server, options.port, host)}`;
  return { url: origin, close: () => closeServer(server) };
}

/** A comma-separated list from the environment, e.g. extra redirect URIs. */
export function listFromEnv(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * `node test/standins/<name>/server.ts`: runs `start` when this module is the entry point, and
 * stops what it started cleanly on SIGINT/SIGTERM.
 */
export function runWhenMain(moduleUrl: string, start: () => Promise<{ close(): Promise<void> }>): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(entry).href) return;
  start().then(
    (running) => {
      const shutdown = (signal: string): void => {
        console.log(`Received ${signal}, shutting down`);
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
