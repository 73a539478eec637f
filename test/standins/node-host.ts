// Hosting a stand-in on Node: the pieces every stand-in's server.ts shares (listen, close,
// translate between node:http and fetch Requests/Responses, run as `node server.ts`).

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';

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

/** How a stand-in is served on Node, besides its own options. */
export interface HostOptions {
  /** 0: a free port. */
  port?: number;
  host?: string;
  /** Log one line per request (method, path, status) to stdout. */
  log?: boolean;
}

/** A stand-in served over node:http: the stand-in itself, its URL and how to stop it. */
export type Hosted<Standin> = Standin & { url: string; close(): Promise<void> };

/** Serves a stand-in's Hono app over node:http on `options.port`, or on its default port. */
export async function hostStandin<Standin extends { app: { fetch(request: Request): Response | Promise<Response> } }>(
  standin: Standin,
  options: HostOptions,
  defaults: { port: number; label: string },
): Promise<Hosted<Standin>> {
  const host = options.host ?? '127.0.0.1';
  // Hono's Node adapter translates between node:http and fetch lazily (the stand-in answers the
  // benchmark's upstream calls, so its cost is counted there). Node's own Request and Response
  // stay in place: stand-ins share a process with tests and the benchmark.
  const listener = getRequestListener((request) => standin.app.fetch(request), {
    overrideGlobalObjects: false,
    errorHandler: (error) => {
      console.error(`[${defaults.label}] request failed`, error);
      return new Response('internal error', { status: 500, headers: { 'content-type': 'text/plain' } });
    },
  });
  const server = createServer((req, res) => {
    const started = Date.now();
    if (options.log) res.once('finish', () => logRequest(req, res.statusCode, started));
    void listener(req, res);
  });
  const url = `http://${host}:${await listen(server, options.port ?? defaults.port, host)}`;
  return { ...standin, url, close: () => closeServer(server) };
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
