import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

/** JSON-RPC bodies as the Worker reads them, and the errors it answers before a session does. */

/** `undefined` for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function jsonRpcError(status: number, code: number, message: string, headers?: HeadersInit): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });
}

/** A session that is closed, unknown or another user's: all answered alike, on both transports. */
export function sessionNotFound(): Response {
  return jsonRpcError(404, -32001, 'Session not found');
}

/**
 * GET or DELETE on `/mcp` naming no session: there is no stream to open and nothing to end. MCP
 * says a GET the server does not answer with a stream gets 405 (2025-11-25), and a server without
 * sessions answers GET and DELETE so (2026-07-28). With a session id, both are the session's.
 */
export function noSessionNamed(): Response {
  return jsonRpcError(
    405,
    -32000,
    'Method not allowed: GET and DELETE need an Mcp-Session-Id; send requests by POST.',
    {
      Allow: 'GET, POST, DELETE',
    },
  );
}

/** The messages of a body: a batch's items, or the one message. */
export function messagesOf(body: unknown): unknown[] {
  return Array.isArray(body) ? body : [body];
}

/** Whether `message` is a request for `method`. */
export function isRequestFor(message: unknown, method: string): boolean {
  return typeof message === 'object' && message !== null && (message as { method?: unknown }).method === method;
}

/** Deeper than this, a message is refused: it could not cross to the Durable Object (structured clone). */
const MAX_MESSAGE_DEPTH = 64;

/**
 * A legacy SSE message is handed to the session as a value, across the Durable Object boundary,
 * and the library throws on anything but one well-formed JSON-RPC message: refused here with the
 * JSON-RPC error a client can act on, never the edge's 503. (2024-11-05, the SSE transport's
 * revision, has no batches.)
 */
export function refuseLegacyMessage(message: unknown): Response | undefined {
  if (message === undefined) return jsonRpcError(400, -32700, 'Parse error: the body is not JSON.');
  if (Array.isArray(message)) {
    return jsonRpcError(400, -32600, 'Invalid Request: send one JSON-RPC message per request on /sse/message.');
  }
  if (!JSONRPCMessageSchema.safeParse(message).success) {
    return jsonRpcError(400, -32600, 'Invalid Request: the body is not a JSON-RPC 2.0 message.');
  }
  if (nestedDeeperThan(message, MAX_MESSAGE_DEPTH)) {
    return jsonRpcError(400, -32600, `Invalid Request: nested more than ${MAX_MESSAGE_DEPTH} levels deep.`);
  }
  return undefined;
}

/** Without recursion, so a hostile depth cannot overflow the stack here either. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
