import type { OAuthResourceContext } from '@cloudflare/workers-oauth-provider';
import type { Config } from '../config';
import { limitMcpRequest, limitMcpUser } from '../http/rate-limits';
import { activeUpstream } from '../upstreams';
import {
  isRequestFor,
  jsonRpcError,
  messagesOf,
  noSessionNamed,
  parseJson,
  refuseLegacyMessage,
  sessionNotFound,
} from './json-rpc';
import { readBounded } from './request-body';
import { McpSession, type SessionOpening } from './session';
import { isStatelessRequest, type LaneExtras, StatelessLane } from './stateless';
import { stepUpChallenge, toolCallsIn } from './step-up';
import { ToolScopes } from './tool-scopes';
import { VERIFIED_CALL_HEADER, type VerifiedCall, verifiedCall } from './verified-call';

export type { LaneExtras };

type Context = OAuthResourceContext<Record<string, unknown>>;
/**
 * A fetch handler: a protected route (the library passes an `OAuthResourceContext`), and
 * McpAgent's own handler for one transport (`serve` or `serveSSE`).
 */
type Handler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };

/** One MCP request after the checks every transport shares, for the transport that serves it. */
interface CheckedRequest {
  request: Request;
  env: Env;
  ctx: Context;
  call: VerifiedCall;
  /** The POST body as text (the request's own body is used up), and that text parsed. */
  body: string | undefined;
  message: unknown;
}

/**
 * The MCP routes behind the OAuth library, which has verified the bearer token. `/mcp` has two
 * lanes on the one URL: requests in MCP 2026-07-28's shape go to the stateless lane in the Worker
 * (`StatelessLane`, SDK v2); 2025-era requests to the sessions of McpAgent (`McpSession`),
 * streamable HTTP through `serve`. Legacy SSE is at `/sse` through `serveSSE`, on the same
 * Durable Object class and binding.
 */
export function mcpRoutes(config: Config, extras: LaneExtras = {}): Record<'/mcp' | '/sse', Handler> {
  // A backend MCP server's tools are not the upstream's: each lane checks their scopes (backend/).
  const scopes = new ToolScopes(config.backend ? [] : activeUpstream(config.upstream).tools);
  const stateless = new StatelessLane(config, scopes, extras);
  const sessions = streamableHttp(McpSession.serve('/mcp', { binding: 'MCP_OBJECT' }));
  return {
    '/mcp': checked(config, scopes, async (request) =>
      (await isStatelessRequest(request.request, request.message)) ? stateless.serve(request) : sessions(request),
    ),
    // Legacy SSE (2024-11-05) answers on the stream, after the POST: its tools refuse a missing
    // scope with a readable tool error instead of a challenge.
    '/sse': checked(config, undefined, legacySse(McpSession.serveSSE('/sse', { binding: 'MCP_OBJECT' }))),
  };
}

/**
 * What every MCP request goes through before its transport, in order:
 * - who is calling, built once from what the library verified (`VerifiedCall`);
 * - rate limits per user and per confidential client (429 with `Retry-After`), and per user once
 *   more for each further tool call in a batch;
 * - a bounded body, read and parsed once: more than 4 MiB is 413 even without a `Content-Length`;
 * - step-up (streamable HTTP): a `tools/call` for a tool whose scope the token lacks gets the
 *   library's 403 `insufficient_scope` challenge, from the same `ToolScopes` as the tool policy.
 */
function checked(config: Config, stepUp: ToolScopes | undefined, transport: (r: CheckedRequest) => Promise<Response>) {
  return {
    async fetch(request, env, executionContext) {
      const ctx = executionContext as Context; // the library sets `auth` and `props`
      const call = verifiedCall(ctx);
      if (!call) return jsonRpcError(401, -32001, 'The access token names no user or grant.');
      const path = config.rateLimits ? new URL(request.url).pathname : '';
      if (config.rateLimits) {
        const limited = await limitMcpRequest(env, call, path);
        if (limited) return limited;
      }
      let body: string | undefined;
      let message: unknown;
      if (request.method === 'POST') {
        const read = await readBounded(request);
        if (read === null) return jsonRpcError(413, -32000, 'The request body is larger than 4 MiB.');
        body = read;
        message = parseJson(body);
        if (Array.isArray(message) && message.length === 0) {
          return jsonRpcError(400, -32600, 'An empty batch is not a valid JSON-RPC request.');
        }
        const tools = toolCallsIn(message);
        if (config.rateLimits && tools.length > 1) {
          const limited = await limitMcpUser(env, call.userId, path, tools.length - 1);
          if (limited) return limited;
        }
        if (stepUp && tools.length > 0 && !stepUp.coversAll(call.scopes)) {
          const challenge = stepUpChallenge(tools, ctx.auth, stepUp);
          if (challenge) return challenge;
        }
      }
      return transport({ request, env, ctx, call, body, message });
    },
  } satisfies Handler;
}

/**
 * Streamable HTTP through `McpAgent.serve`. An `initialize` without a session id opens a session
 * (its caller becomes the owner); a request naming a session is admitted by that session itself,
 * from its storage, or answered 404 as if it did not exist; GET and DELETE naming none get 405.
 * Any other POST is `serve`'s to refuse.
 */
function streamableHttp(serve: Handler) {
  return async (checked: CheckedRequest): Promise<Response> => {
    const { request, env, call, message } = checked;
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId !== null) {
      if (!(await sessionAdmits(env, `streamable-http:${sessionId}`, sessionId, call.userId))) return sessionNotFound();
      return toSession(serve, checked, false);
    }
    if (request.method !== 'POST') return noSessionNamed();
    const opening = request.method === 'POST' && messagesOf(message).some((m) => isRequestFor(m, 'initialize'));
    return toSession(serve, checked, opening);
  };
}

/**
 * Legacy SSE through `McpAgent.serveSSE`. `GET /sse` opens a session; every request that names
 * one (`GET /sse?sessionId=`, `POST /sse/message?sessionId=`) is admitted by the session itself.
 */
function legacySse(serve: Handler) {
  return async (checked: CheckedRequest): Promise<Response> => {
    const { request, env, call, message } = checked;
    const sessionId = new URL(request.url).searchParams.get('sessionId');
    const opening = request.method === 'GET' && sessionId === null;
    if (!opening && !(sessionId && (await sessionAdmits(env, `sse:${sessionId}`, sessionId, call.userId)))) {
      return sessionNotFound();
    }
    if (request.method === 'POST') {
      const refusal = refuseLegacyMessage(message);
      if (refusal) return refusal;
    }
    return toSession(serve, checked, opening);
  };
}

/**
 * Hands the request to McpAgent with the verified call in its one header (over any value the
 * client sent). McpAgent starts a session with `ctx.props`: only the request that opens one sets
 * them, to its opener, so a later request, whoever's, can never make a session its own.
 */
async function toSession(serve: Handler, checked: CheckedRequest, opening: boolean): Promise<Response> {
  const { request, env, ctx, call, body } = checked;
  const headers = new Headers(request.headers);
  headers.set(VERIFIED_CALL_HEADER, JSON.stringify(call));
  const props: SessionOpening | undefined = opening ? { owner: call.userId, props: call.props } : undefined;
  Object.assign(ctx, { props });
  // Built from the URL, not the request: the session needs no `cf`, which the runtime deep-copies.
  const response = await serve.fetch(new Request(request.url, { method: request.method, headers, body }), env, ctx);
  return withoutAnyOrigin(response);
}

/**
 * Whether the session named `name` exists and belongs to `userId`, as its Durable Object's
 * storage says (never a per-isolate cache: any isolate may be the first to see a request). An id
 * this namespace did not issue (McpAgent's session ids are its unique Durable Object ids) is not
 * looked up, so naming made-up sessions wakes nothing.
 */
async function sessionAdmits(env: Env, name: string, sessionId: string, userId: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(sessionId)) return false;
  try {
    env.MCP_OBJECT.idFromString(sessionId);
  } catch {
    return false;
  }
  const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(name)) as unknown as Pick<McpSession, 'admits'>;
  return stub.admits(userId);
}

const AGENT_CORS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Max-Age',
];

/**
 * McpAgent allows every origin (`*`) on its answers. Which pages may call is the edge's decision
 * (`BrowserOrigins`), and the OAuth library answers an allowed page with its own origin; McpAgent's
 * `Access-Control-Expose-Headers: mcp-session-id` stays, so a browser client can continue.
 */
function withoutAnyOrigin(response: Response): Response {
  // McpAgent builds its answers in this Worker, so their headers can be changed in place.
  for (const name of AGENT_CORS) response.headers.delete(name);
  return response;
}
