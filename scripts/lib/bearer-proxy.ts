import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback reverse proxy that adds `Authorization: Bearer <token>` to every request and
 * otherwise passes requests and responses through unchanged, streaming both ways (SSE included).
 *
 * For tools that can talk to an MCP server but cannot send a bearer token (the conformance
 * runner). The token is a real one, issued by the server's own OAuth flow to a signed-in user:
 * the server checks it exactly as it checks any client's. A request that already carries an
 * `Authorization` header keeps its own.
 *
 * The proxy publishes the server at its own address, as any reverse proxy does, so the proxy's
 * own `Host` and `Origin` (the address clients were given) are translated to the server's
 * public ones. Every other `Host` or `Origin` passes through untouched, so the server itself
 * judges foreign ones (DNS rebinding protection is the server's, not the proxy's).
 */
export interface BearerProxy {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  close(): Promise<void>;
}

/** Connection-level headers, which belong to one hop and are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export async function startBearerProxy(options: {
  /** The server's public origin, e.g. `http://localhost:8788` (its `PUBLIC_URL`). */
  target: string;
  token: string;
}): Promise<BearerProxy> {
  const target = new URL(options.target);
  let self = { host: '', origin: '' };

  const server = createServer((incoming, outgoing) => {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    }
    if (headers.host === self.host) headers.host = target.host;
    if (headers.origin === self.origin) headers.origin = target.origin;
    headers.authorization ??= `Bearer ${options.token}`;

    const upstream = httpRequest(
      // `wrangler dev` listens on 127.0.0.1; `localhost` may resolve to ::1 first.
      { host: loopback(target.hostname), port: target.port, method: incoming.method, path: incoming.url, headers },
      (response) => {
        const responseHeaders: IncomingHttpHeaders = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (!HOP_BY_HOP.has(name)) responseHeaders[name] = value;
        }
        outgoing.writeHead(response.statusCode ?? 502, response.statusMessage, responseHeaders);
        outgoing.flushHeaders(); // an SSE stream's headers go out before its first event
        response.pipe(outgoing);
        response.once('error', () => outgoing.destroy());
      },
    );
    upstream.once('error', (error) => {
      if (outgoing.headersSent) outgoing.destroy();
      else outgoing.writeHead(502, { 'Content-Type': 'text/plain' }).end(`proxy: ${error.message}`);
    });
    // The client went away (it closed an SSE stream, or gave up): so does the upstream request.
    outgoing.once('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  self = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` };
  return {
    origin: self.origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function loopback(hostname: string): string {
  return hostname === 'localhost' ? '127.0.0.1' : hostname;
}
