import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { WorkerTransport, type WorkerTransportOptions } from 'agents/mcp';

/**
 * The MCP SDK's web-standard transport (through agents' `WorkerTransport`, which keeps the session
 * across evictions), answering each POST in the cheapest form that can carry it: plain JSON when
 * nothing in it can talk back before its answer, an SSE stream otherwise. MCP lets the server
 * choose per request; the SDK only offers one mode per transport, and a stream costs a
 * ReadableStream, a keep-alive timer and event bookkeeping per call (about a tenth of a tool
 * call's CPU time when measured).
 *
 * A POST is answered with JSON only when every message in it is a `tools/call` of a tool in
 * `quietTools` (tools that never ask the user) without a progress token. Everything else
 * (initialize, other methods, tools that ask, conformance fixtures that notify) gets a stream.
 *
 * This relies on two private members of the pinned SDK (1.32): `_enableJsonResponse`, read when a
 * POST is accepted and when each message is sent, and `handlePostRequest`. Both reads happen
 * synchronously right after the flag is set here (the body is always passed parsed), so
 * concurrent requests never see each other's mode. test/worker/mcp.test.ts checks both forms.
 *
 * Two more of `WorkerTransport`'s private steps are narrowed, as each ran on every request:
 * - it looked for an `initialize` in every POST by validating each message against the SDK's
 *   schema; now only a POST with a message whose method is `initialize` is looked at;
 * - it copied every response to add `Access-Control-Allow-Origin: *`; browser origins are
 *   checked at the edge and the OAuth library adds CORS for them (see `withSessionCors`).
 */
export class SessionTransport extends WorkerTransport {
  readonly #quietTools: ReadonlySet<string>;

  constructor(options: WorkerTransportOptions, quietTools: ReadonlySet<string>) {
    super(options);
    this.#quietTools = quietTools;
    const sdk = this as unknown as Internals;
    const capture = sdk.captureInitializeParams.bind(this);
    sdk.captureInitializeParams = (request, handleOptions) =>
      hasInitialize(handleOptions?.parsedBody) ? capture(request, handleOptions) : Promise.resolve();
    sdk.withCorsHeaders = (response) => response;
    const acceptPost = sdk.handlePostRequest.bind(this);
    sdk.handlePostRequest = (request, handleOptions) => {
      sdk._enableJsonResponse = this.#answersWithJson(handleOptions?.parsedBody);
      try {
        return acceptPost(request, handleOptions);
      } finally {
        sdk._enableJsonResponse = false;
      }
    };
  }

  override async send(message: JSONRPCMessage, options?: Parameters<WorkerTransport['send']>[1]): Promise<void> {
    const sdk = this as unknown as Internals;
    const requestId = 'id' in message && !('method' in message) ? message.id : options?.relatedRequestId;
    const streamId = requestId === undefined ? undefined : sdk._requestToStreamMapping.get(requestId);
    const json = streamId !== undefined && sdk._streamMapping.get(streamId)?.resolveJson !== undefined;
    if (!json) return super.send(message, options);
    sdk._enableJsonResponse = true;
    try {
      // Runs synchronously up to the JSON answer: no other request can observe the flag.
      return super.send(message, options);
    } finally {
      sdk._enableJsonResponse = false;
    }
  }

  #answersWithJson(body: unknown): boolean {
    const messages = Array.isArray(body) ? body : [body];
    return messages.every((message: unknown) => {
      if (typeof message !== 'object' || message === null) return false;
      const { method, params } = message as { method?: unknown; params?: { name?: unknown; _meta?: object } };
      return (
        method === 'tools/call' &&
        typeof params?.name === 'string' &&
        this.#quietTools.has(params.name) &&
        !(params._meta && 'progressToken' in params._meta)
      );
    });
  }
}

function hasInitialize(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some(
    (message: unknown) =>
      typeof message === 'object' && message !== null && (message as { method?: unknown }).method === 'initialize',
  );
}

/**
 * A streamable HTTP answer for a browser page the edge let through: the OAuth library adds
 * `Access-Control-Allow-Origin` for the page's origin and exposes its own headers; the session id
 * must be readable too, or a browser client cannot continue its session.
 */
export function withSessionCors(request: Request, response: Response): Response {
  if (!request.headers.has('Origin')) return response;
  const exposed = new Response(response.body, response);
  exposed.headers.append('Access-Control-Expose-Headers', 'mcp-session-id');
  return exposed;
}

/** The SDK transport's and `WorkerTransport`'s private members used above (see the class comment). */
interface Internals {
  captureInitializeParams(request: Request, options?: { parsedBody?: unknown }): Promise<void>;
  withCorsHeaders(response: Response): Response;
  _enableJsonResponse: boolean;
  _requestToStreamMapping: Map<string | number, string>;
  _streamMapping: Map<string, { resolveJson?: (response: Response) => void }>;
  handlePostRequest(request: Request, options?: { parsedBody?: unknown }): Promise<Response>;
}
