import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { takeEvents } from '../../test/support/sse.ts';

/**
 * MCP on the wire, by hand, for `npm run bench`: opening sessions on both transports, sending a
 * `tools/call` with a unique JSON-RPC id, and checking its answer, whether it comes as JSON or
 * on an SSE stream. No SDK client in the load path, so the load generator stays light and every
 * byte sent is the benchmark's. The same client speaks to the product and the stock template.
 */

export const PROTOCOL_VERSION = '2025-06-18';

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export function toolCallBody(id: number, call: ToolCall): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: call });
}

/** MCP's revision without sessions: each request stands alone, its version and capabilities in `_meta`. */
export const CURRENT_REVISION = '2026-07-28';

/** A 2026-07-28 `tools/call`: the call with the per-request `_meta` envelope. */
export function currentToolCallBody(id: number, call: ToolCall): string {
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': CURRENT_REVISION,
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { ...call, _meta } });
}

/** The headers of a 2026-07-28 `tools/call`: no session; the revision, method and tool mirrored from the body. */
export function currentHeaders(token: string, call: ToolCall): Record<string, string> {
  return {
    ...mcpHeaders(token),
    'MCP-Protocol-Version': CURRENT_REVISION,
    'Mcp-Method': 'tools/call',
    'Mcp-Name': call.name,
  };
}

interface JsonRpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  result?: { isError?: boolean; content?: { type: string; text?: string }[] };
  error?: { code: number; message: string };
}

/**
 * The JSON-RPC messages of a POST's answer. Streamable HTTP lets a server answer a POST either
 * way: `application/json` (one message or a batch) or `text/event-stream` (an SSE stream whose
 * `message` events carry them; McpAgent.serve answers every request so). `contentType` decides;
 * without one the body is sniffed (JSON starts with `{` or `[`). Events without data (priming
 * events for resumability) carry no message.
 */
export function messagesIn(body: string, contentType?: string): JsonRpcMessage[] {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  const trimmed = body.trimStart();
  const json =
    type === undefined || type === ''
      ? trimmed.startsWith('{') || trimmed.startsWith('[')
      : type !== 'text/event-stream';
  const parsed = json
    ? [JSON.parse(trimmed) as JsonRpcMessage | JsonRpcMessage[]]
    : takeEvents(`${body}\n\n`)
        .events.filter((event) => event.event === 'message' && event.data)
        .map((event) => JSON.parse(event.data) as JsonRpcMessage | JsonRpcMessage[]);
  return parsed.flat();
}

/** The `Content-Type` of a response, from node:http's or autocannon's headers (any name case). */
export function contentTypeOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-type') return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Why a tools/call answer is not a success, or `undefined` when it is: HTTP 200, a JSON-RPC
 * response with this id and a `result` (in a JSON body or on the answer's SSE stream), and no
 * `isError`.
 */
export function toolCallFailure(status: number, body: string, id: number, contentType?: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 160)}`;
  let messages: JsonRpcMessage[];
  try {
    messages = messagesIn(body, contentType);
  } catch {
    return `unparsable ${contentType ?? 'body'}: ${body.slice(0, 160)}`;
  }
  const answer = messages.find((message) => message.id === id);
  return answerFailure(answer, id);
}

export function answerFailure(answer: JsonRpcMessage | undefined, id: number): string | undefined {
  if (!answer) return `no JSON-RPC response with id ${id}`;
  if (answer.error) return `JSON-RPC error ${answer.error.code}: ${answer.error.message}`;
  if (!answer.result) return 'no result';
  if (answer.result.isError) return `isError: ${answer.result.content?.[0]?.text?.slice(0, 160) ?? ''}`;
  return undefined;
}

/** A small HTTP client over keep-alive sockets (node:http; loopback only). */
export class Http {
  readonly origin: string;
  readonly agent: Agent;
  readonly #url: URL;
  constructor(origin: string, maxSockets: number) {
    this.origin = origin;
    this.#url = new URL(origin);
    if (!['localhost', '127.0.0.1', '[::1]'].includes(this.#url.hostname)) {
      throw new Error(`the benchmark sends load to loopback only, not ${origin}`);
    }
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Sends a request and resolves with the status, headers and whole body. */
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: this.#url.hostname.replace(/^\[|\]$/g, ''),
          port: this.#url.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) },
        },
        (response) => {
          response.setEncoding('utf8');
          let text = '';
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Opens a long-lived GET (an SSE stream) on its own socket. */
  stream(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: this.#url.hostname.replace(/^\[|\]$/g, ''),
          port: this.#url.port,
          method: 'GET',
          path,
          agent: false,
          headers,
        },
        resolve,
      );
      request.on('error', reject);
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export function mcpHeaders(token: string, sessionId?: string): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    ...(sessionId ? { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': PROTOCOL_VERSION } : {}),
  };
}

const initializeParams = {
  protocolVersion: PROTOCOL_VERSION,
  capabilities: {},
  clientInfo: { name: 'bench', version: '1.0.0' },
};

/** initialize + notifications/initialized on streamable HTTP; the session's `Mcp-Session-Id`. */
export async function openStreamableSession(http: Http, token: string): Promise<string> {
  const init = await http.send(
    'POST',
    '/mcp',
    mcpHeaders(token),
    JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: initializeParams }),
  );
  const sessionId = init.headers['mcp-session-id'];
  if (init.status !== 200 || typeof sessionId !== 'string') {
    throw new Error(`initialize on /mcp: HTTP ${init.status}, session ${sessionId}: ${init.body.slice(0, 300)}`);
  }
  const answer = messagesIn(init.body, contentTypeOf(init.headers)).find((message) => message.id === 0);
  if (!answer?.result) throw new Error(`initialize on /mcp failed: ${init.body.slice(0, 300)}`);
  const initialized = await http.send(
    'POST',
    '/mcp',
    mcpHeaders(token, sessionId),
    JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  );
  if (initialized.status !== 202) throw new Error(`notifications/initialized: HTTP ${initialized.status}`);
  return sessionId;
}

/**
 * A legacy SSE session: `GET /sse` holds the stream, messages are POSTed to the endpoint it
 * names, and every answer arrives on the stream, matched to its request by JSON-RPC id.
 */
export class SseSession {
  readonly #http: Http;
  readonly #token: string;
  readonly #pending = new Map<number, (message: JsonRpcMessage) => void>();
  #stream: IncomingMessage | undefined;
  #endpoint = '';
  #closed = false;

  constructor(http: Http, token: string) {
    this.#http = http;
    this.#token = token;
  }

  async open(): Promise<void> {
    const stream = await this.#http.stream('/sse', {
      Authorization: `Bearer ${this.#token}`,
      Accept: 'text/event-stream',
    });
    this.#stream = stream;
    if (stream.statusCode !== 200) throw new Error(`GET /sse: HTTP ${stream.statusCode}`);
    const endpoint = new Promise<string>((resolve, reject) => {
      stream.setEncoding('utf8');
      let buffer = '';
      stream.on('data', (chunk: string) => {
        const taken = takeEvents(buffer + chunk);
        buffer = taken.rest;
        for (const { event, data } of taken.events) {
          if (event === 'endpoint') resolve(data);
          else if (event === 'message' && data) this.#deliver(JSON.parse(data) as JsonRpcMessage);
        }
      });
      stream.on('end', () => {
        if (!this.#closed) reject(new Error('the /sse stream ended'));
      });
      stream.on('error', reject);
    });
    this.#endpoint = await endpoint;
    const init = await this.request(
      0,
      JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: initializeParams }),
    );
    if (!init.result) throw new Error(`initialize on /sse failed: ${JSON.stringify(init).slice(0, 300)}`);
    const initialized = await this.#post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    if (initialized.status !== 202) throw new Error(`notifications/initialized on /sse: HTTP ${initialized.status}`);
  }

  #deliver(message: JsonRpcMessage): void {
    if (typeof message.id !== 'number') return;
    const resolve = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    resolve?.(message);
  }

  #post(body: string) {
    return this.#http.send('POST', this.#endpoint, mcpHeaders(this.#token), body);
  }

  /** POSTs one request and resolves with its answer from the stream (end-to-end). */
  async request(id: number, body: string): Promise<JsonRpcMessage> {
    const answer = new Promise<JsonRpcMessage>((resolve) => this.#pending.set(id, resolve));
    const posted = await this.#post(body);
    if (posted.status !== 202) {
      this.#pending.delete(id);
      throw new Error(`POST ${this.#endpoint.split('?')[0]}: HTTP ${posted.status} ${posted.body.slice(0, 160)}`);
    }
    return answer;
  }

  /** Requests still waiting for an answer (answers lost on the stream show up here). */
  get waiting(): number {
    return this.#pending.size;
  }

  close(): void {
    this.#closed = true;
    this.#stream?.destroy();
    this.#pending.clear();
  }
}
