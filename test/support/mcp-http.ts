import { takeEvents } from './sse';
import { ORIGIN, sendToWorker } from './worker';

/**
 * MCP over streamable HTTP by hand, for tests of the wire itself (headers, session ids, SSE
 * event ids) that the SDK client hides.
 */

export interface McpHttpOptions {
  token: string;
  sessionId?: string;
  protocolVersion?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function mcpRequest(method: string, body: unknown, options: McpHttpOptions): Promise<Response> {
  return sendToWorker(mcpHttpRequest(method, body, options));
}

/** The HTTP request `mcpRequest` sends, for tests that hand it to the Worker another way. */
export function mcpHttpRequest(
  method: string,
  body: unknown,
  options: McpHttpOptions,
): Request<unknown, IncomingRequestCfProperties> {
  return new Request(`${ORIGIN}/mcp`, {
    method,
    headers: {
      Authorization: `Bearer ${options.token}`,
      Accept: 'application/json, text/event-stream',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.sessionId ? { 'mcp-session-id': options.sessionId } : {}),
      ...(options.protocolVersion ? { 'mcp-protocol-version': options.protocolVersion } : {}),
      ...options.headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: options.signal,
  });
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'wire-test', version: '1' } },
};

/** initialize + notifications/initialized; returns the session id. */
export async function openWireSession(token: string, capabilities: Record<string, unknown> = {}): Promise<string> {
  const response = await mcpRequest(
    'POST',
    { ...INITIALIZE, params: { ...INITIALIZE.params, capabilities } },
    { token },
  );
  const sessionId = response.headers.get('mcp-session-id');
  if (!response.ok || !sessionId) throw new Error(`initialize failed: ${response.status}`);
  await response.body?.cancel();
  const initialized = await mcpRequest(
    'POST',
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { token, sessionId, protocolVersion: '2025-06-18' },
  );
  await initialized.body?.cancel();
  return sessionId;
}

export interface SseEvent {
  id?: string;
  data: unknown;
}

/**
 * Reads the messages of an answer to a POST as a client must accept them: an SSE stream, read one
 * event at a time (`until` stops early; the stream stays open), or one JSON body (a message or a
 * batch), which the server may choose instead when it has nothing to send before the answer.
 */
export async function readEvents(response: Response, until: (event: SseEvent) => boolean): Promise<SseEvent[]> {
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    const body = (await response.json()) as unknown;
    return (Array.isArray(body) ? body : [body]).map((data) => ({ data }));
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const taken = takeEvents(buffer);
    buffer = taken.rest;
    for (const block of taken.events) {
      if (!block.data) continue;
      const event = { id: block.id, data: JSON.parse(block.data) as unknown };
      events.push(event);
      if (until(event)) {
        reader.releaseLock();
        return events;
      }
    }
  }
  return events;
}
