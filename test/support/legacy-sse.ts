import { takeEvents } from './sse';
import { ORIGIN, sendToWorker } from './worker';

/**
 * The legacy SSE transport (`/sse`, MCP 2024-11-05) by hand, for tests of the wire the SDK client
 * hides: the session id, which token each message carries, and answers to malformed messages.
 */
export interface LegacySseSession {
  sessionId: string;
  /** POSTs `body` (a message, or raw text) to the session's message endpoint with `token`. */
  post(body: unknown, token?: string): Promise<Response>;
  /** The next message on the stream that `until` accepts (messages before it are dropped). */
  next(until: (message: { id?: unknown; method?: string }) => boolean, ms?: number): Promise<unknown>;
  /** Sends `initialize` and `notifications/initialized`, as a client does first. */
  initialize(): Promise<void>;
  /** A tool call, answered on the stream: its result. */
  callTool(id: number, name: string, args?: Record<string, unknown>, token?: string): Promise<ToolResult>;
  close(): Promise<void>;
}

export interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

export function postSseMessage(sessionId: string, body: unknown, token: string): Promise<Response> {
  return sendToWorker(
    new Request(`${ORIGIN}/sse/message?sessionId=${encodeURIComponent(sessionId)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** Opens `GET /sse` with `token` and reads the `endpoint` event that names the session. */
export async function openLegacySse(token: string): Promise<LegacySseSession> {
  const stream = await sendToWorker(
    new Request(`${ORIGIN}/sse`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } }),
  );
  if (stream.status !== 200 || !stream.body) throw new Error(`GET /sse: ${stream.status}`);
  const reader = stream.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queued: { event: string; data: string }[] = [];

  async function nextEvent(deadline: number): Promise<{ event: string; data: string }> {
    for (;;) {
      const event = queued.shift();
      if (event) return event;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no event on the SSE stream in time')), deadline - Date.now());
      });
      const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('the SSE stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
      const taken = takeEvents(buffer);
      buffer = taken.rest;
      queued.push(...taken.events);
    }
  }

  const endpoint = await nextEvent(Date.now() + 10_000);
  const sessionId = new URL(endpoint.data, ORIGIN).searchParams.get('sessionId');
  if (endpoint.event !== 'endpoint' || !sessionId) throw new Error(`no endpoint event: ${endpoint.data}`);

  const session: LegacySseSession = {
    sessionId,
    post: (body, as = token) => postSseMessage(sessionId, body, as),
    async next(until, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const event = await nextEvent(deadline);
        if (event.event !== 'message') continue;
        const message = JSON.parse(event.data) as { id?: unknown; method?: string };
        if (until(message)) return message;
      }
    },
    async initialize() {
      const init = {
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'legacy-wire', version: '1' } },
      };
      const accepted = await session.post(init);
      if (accepted.status !== 202) throw new Error(`initialize: ${accepted.status}`);
      await session.next((message) => message.id === 0);
      await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    },
    async callTool(id, name, args = {}, as = token) {
      const accepted = await session.post(
        { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } },
        as,
      );
      if (accepted.status !== 202) throw new Error(`tools/call ${name}: ${accepted.status}`);
      const answer = (await session.next((message) => message.id === id && message.method === undefined)) as {
        result: ToolResult;
      };
      return answer.result;
    },
    async close() {
      await reader.cancel().catch(() => undefined);
    },
  };
  return session;
}
