import { ORIGIN, sendToWorker } from './worker';

/**
 * MCP 2026-07-28 requests by hand, for tests of the wire itself (headers, the `_meta` envelope,
 * error codes) that the SDK v2 client gets right by construction.
 */

export const REVISION = '2026-07-28';

export interface ModernOptions {
  token: string;
  /** The client capabilities in the envelope (default: none). */
  capabilities?: Record<string, unknown>;
  /** The envelope's protocol version (default 2026-07-28); `null` leaves the envelope out. */
  revision?: string | null;
  /** Replaces or, with `undefined`, removes the headers a client sets. */
  headers?: Record<string, string | undefined>;
  id?: number;
  /** Aborting it hangs up on the request, as a client that gives the call up does. */
  signal?: AbortSignal;
}

/** The JSON-RPC body of a 2026-07-28 request: the method's params with the `_meta` envelope. */
export function modernBody(method: string, params: Record<string, unknown>, options: ModernOptions) {
  const revision = options.revision === undefined ? REVISION : options.revision;
  const envelope =
    revision === null
      ? {}
      : {
          'io.modelcontextprotocol/protocolVersion': revision,
          'io.modelcontextprotocol/clientInfo': { name: 'wire-test', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
        };
  const meta = typeof params._meta === 'object' && params._meta !== null ? params._meta : {};
  return { jsonrpc: '2.0', id: options.id ?? 1, method, params: { ...params, _meta: { ...meta, ...envelope } } };
}

/** POSTs a 2026-07-28 request to /mcp with the headers the revision requires (Mcp-Method, Mcp-Name). */
export function modernRequest(
  method: string,
  params: Record<string, unknown>,
  options: ModernOptions,
): Promise<Response> {
  return sendToWorker(modernHttpRequest(method, params, options));
}

/** The HTTP request `modernRequest` sends. */
export function modernHttpRequest(
  method: string,
  params: Record<string, unknown>,
  options: ModernOptions,
): Request<unknown, IncomingRequestCfProperties> {
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const headers: Record<string, string | undefined> = {
    Authorization: `Bearer ${options.token}`,
    Accept: 'application/json, text/event-stream',
    'Content-Type': 'application/json',
    'MCP-Protocol-Version': options.revision ?? REVISION,
    'Mcp-Method': method,
    ...(name === undefined ? {} : { 'Mcp-Name': name }),
    ...options.headers,
  };
  const sent = Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return new Request(`${ORIGIN}/mcp`, {
    method: 'POST',
    headers: sent,
    body: JSON.stringify(modernBody(method, params, options)),
    signal: options.signal,
  });
}

/** The JSON-RPC message of an answer, whether it came as JSON or as an SSE stream (its last message). */
export async function messageOf(response: Response): Promise<{
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
  id?: unknown;
}> {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) return JSON.parse(text);
  const messages = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => JSON.parse(line.slice(5)));
  return messages.at(-1);
}

/** Every JSON-RPC message of an SSE answer, in order. */
export async function streamOf(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => JSON.parse(line.slice(5)));
}
