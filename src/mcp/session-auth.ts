import {
  insufficientScope,
  type OAuthResourceAuth,
  type OAuthResourceContext,
} from '@cloudflare/workers-oauth-provider';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { audit } from '../audit';
import { type LookupClient, mcpClientRateKey, tooManyRequests, withinLimit } from '../http/rate-limits';
import { BASELINE_SCOPES } from '../scopes';

type McpHandler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };

/** What `withSessionAuth` verified about one MCP request, for the transport that serves it. */
export interface VerifiedRequest {
  auth: RequestAuth;
  /** The grant's props, decrypted by the library for this request's token. */
  props: Record<string, unknown>;
  /** The body of a POST as text, already read from the request (whose own body is used up). */
  body: string | undefined;
  /** That body parsed as JSON (`undefined` if it is not JSON, or not a POST). */
  message: unknown;
}

/**
 * Serves one MCP transport, after `withSessionAuth`. The request's body has been read: a handler
 * passes `body` on in the one request it builds (with its own headers).
 */
export type SessionHandler = (
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  verified: VerifiedRequest,
) => Promise<Response>;

export const RequestAuth = z.object({
  scopes: z.array(z.string()),
  userId: z.string().optional(),
  grantId: z.string().optional(),
  clientId: z.string().optional(),
});
export type RequestAuth = z.infer<typeof RequestAuth>;

/**
 * What the Worker verified about one request (the token's scopes, user and grant, never the token)
 * and the grant's props, for the session's Durable Object, on both transports. Every tool call
 * runs with the props of the grant whose token made it, never those of the grant that opened the
 * session, and the upstream token is never written to a session's storage. The Worker always
 * overwrites the header, and the Durable Objects are reachable only through the Worker, so a
 * client cannot set it.
 */
export const SESSION_GRANT_HEADER = 'x-mcp-session-grant';
export const Grant = z.object({ auth: RequestAuth, props: z.record(z.string(), z.unknown()) });
export type Grant = z.infer<typeof Grant>;

/** A header the Worker set as JSON, checked against `schema`; `undefined` if it is missing or not that. */
export function parseHeader<T>(raw: string | null, schema: z.ZodType<T>): T | undefined {
  if (raw === null) return undefined;
  const parsed = schema.safeParse(parseJson(raw));
  return parsed.success ? parsed.data : undefined;
}

/** The largest JSON-RPC body accepted on /mcp and /sse/message, chunked or not (as McpAgent's own limit). */
export const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Runs before every MCP request, after the library verified the token:
 * - rate limits per user and per client (429 with `Retry-After`), and per user once more for
 *   each further tool call in a batch: a request counts what it makes the server do;
 * - a bounded body: more than 4 MiB is refused with 413 even without a `Content-Length`;
 * - step-up (when `toolScopes` is given, for streamable HTTP): a `tools/call` for a tool whose
 *   scope the token lacks gets the library's 403 `insufficient_scope` challenge naming the
 *   scopes needed, so the client can ask the user for more (MCP's scope challenge);
 * - hands the transport this token's scopes, user and grant (never the token itself) and the
 *   grant's props, so each tool call runs with the grant that made it and can revoke exactly
 *   that grant when the upstream says access is gone. Each transport then checks that the
 *   session belongs to this user.
 */
export function withSessionAuth(
  handler: SessionHandler,
  options: { toolScopes?: ReadonlyMap<string, string>; rateLimits: boolean },
): McpHandler {
  const { toolScopes } = options;
  const scopesInUse = new Set(toolScopes?.values());
  return {
    async fetch(request, env, ctx) {
      const { auth, props } = ctx as OAuthResourceContext<Record<string, unknown>>; // the library sets both
      const path = options.rateLimits ? new URL(request.url).pathname : '';
      if (options.rateLimits) {
        // Per person, and per confidential client across all its users (a runaway integration).
        const limited = await chargeUser(env, auth.userId, path, 1);
        if (limited) return limited;
        // Per client only for confidential clients: see mcpClientRateKey for why public ones are not.
        const oauth = (env as { OAUTH_PROVIDER?: { lookupClient: LookupClient } }).OAUTH_PROVIDER;
        const clientKey = await mcpClientRateKey(auth.clientId, oauth && ((id) => oauth.lookupClient(id)));
        if (clientKey && !(await withinLimit(env.MCP_CLIENT_LIMITER, clientKey))) {
          audit({ event: 'rate_limited', limiter: 'mcp_client', path });
          return tooManyRequests('requests from this app');
        }
      }

      let body: string | undefined;
      let message: unknown;
      if (request.method === 'POST') {
        const read = await readBounded(request, MAX_MCP_BODY_BYTES);
        if (read === null) return jsonRpcError(413, -32000, 'The request body is larger than 4 MiB.');
        body = read;
        message = parseJson(body);
        if (Array.isArray(message) && message.length === 0) {
          return jsonRpcError(400, -32600, 'An empty batch is not a valid JSON-RPC request.');
        }
        // Each tool call in a batch is an upstream call: each counts (the request counted once above).
        const moreCalls = toolCallCount(message) - 1;
        if (options.rateLimits && moreCalls > 0) {
          const limited = await chargeUser(env, auth.userId, path, moreCalls);
          if (limited) return limited;
        }
        if (toolScopes && [...scopesInUse].some((scope) => !auth.scope.includes(scope))) {
          const challenge = stepUpChallenge(message, auth, toolScopes);
          if (challenge) return challenge;
        }
      }

      // The library's token format is `userId:grantId:secret`; only the ids are passed on.
      const verified: RequestAuth = {
        scopes: auth.scope,
        userId: auth.userId,
        grantId: auth.token.split(':')[1],
        clientId: auth.clientId,
      };
      return handler(request, env, ctx, { auth: verified, props, body, message });
    },
  };
}

/**
 * Legacy SSE through McpAgent. Every request that names a session (`GET /sse?sessionId=`, `POST
 * /sse/message?sessionId=`) is admitted by the session's Durable Object itself, from its storage:
 * only a session this server issued, to this user. Anything else is answered as if it did not
 * exist, so a session id cannot be taken over, nor an ownerless session started by naming one.
 * A new session (`GET /sse`) records its opener as owner once (see `McpSession.onStart`).
 */
export function sseSessions(serveSSE: McpHandler): SessionHandler {
  return async (request, env, ctx, { auth, props, body, message }) => {
    const url = new URL(request.url);
    const sessionId = url.searchParams.get('sessionId');
    const opening = request.method === 'GET' && sessionId === null;
    if (!opening && !(sessionId && auth.userId && (await sseSessionAdmits(env, sessionId, auth.userId)))) {
      return sessionNotFound();
    }
    const headers = new Headers(request.headers);
    headers.delete(SESSION_GRANT_HEADER);
    if (request.method === 'POST') {
      const refusal = refuseLegacyMessage(message);
      if (refusal) return refusal;
      headers.set(SESSION_GRANT_HEADER, JSON.stringify({ auth, props } satisfies Grant));
    }
    // McpAgent hands `ctx.props` to the session when it starts: only a new session takes them.
    Object.assign(ctx, { props: opening ? ({ owner: auth.userId, props } satisfies SseOpening) : undefined });
    // Built from the URL, not the request: the session needs no `cf`, which the runtime deep-copies.
    return serveSSE.fetch(new Request(request.url, { method: request.method, headers, body }), env, ctx);
  };
}

/** What opens a legacy SSE session: its owner, and the opening grant's props (to choose its tools). */
export interface SseOpening {
  owner: string | undefined;
  props: Record<string, unknown>;
}

/**
 * Whether the SSE session with this id exists and belongs to `userId`, as its Durable Object's
 * storage says (never a per-isolate cache: any isolate may be the first to see a request). An id
 * not shaped like the ones McpAgent issues (a Durable Object id, 64 hex digits) is not looked up.
 */
async function sseSessionAdmits(env: Env, sessionId: string, userId: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(sessionId)) return false;
  const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(`sse:${sessionId}`)) as unknown as {
    admits(userId: string): Promise<boolean>;
  };
  return stub.admits(userId);
}

/** Deeper than this, a message is refused: it could not cross to the Durable Object (structured clone). */
const MAX_MESSAGE_DEPTH = 64;

/**
 * A legacy SSE message is handed to the session as a value, across the Durable Object boundary,
 * and the library throws on anything but one well-formed JSON-RPC message: refused here with the
 * JSON-RPC error a client can act on, never the edge's 503. (2024-11-05, the SSE transport's
 * revision, has no batches.)
 */
function refuseLegacyMessage(message: unknown): Response | undefined {
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

/** The body as text, or `null` when it is larger than `max` bytes. */
async function readBounded(request: Request, max: number): Promise<string | null> {
  const declared = request.headers.get('content-length');
  if (Number(declared ?? 0) > max) return null;
  if (!request.body) return '';
  // A declared length is enforced by the runtime: read at once (as text: in workerd, cheaper than
  // bytes and a decoder). Chunked bodies are counted below.
  if (declared !== null) return request.text();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** `undefined` for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}

/** A session that is closed, unknown or another user's: all answered alike, on both transports. */
export function sessionNotFound(): Response {
  return jsonRpcError(404, -32001, 'Session not found');
}

const ToolCall = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string() }) });

/** Counts `times` requests against the user's limit: the 429 to answer once that passes it. */
async function chargeUser(env: Env, userId: string | undefined, path: string, times: number) {
  const key = `user:${userId ?? 'unknown'}`;
  const counted = await Promise.all(Array.from({ length: times }, () => withinLimit(env.MCP_USER_LIMITER, key)));
  if (counted.every(Boolean)) return undefined;
  audit({ event: 'rate_limited', limiter: 'mcp_user', path });
  return tooManyRequests('requests from your account');
}

/** How many `tools/call` messages a body holds (a batch may hold many). */
function toolCallCount(body: unknown): number {
  const messages = Array.isArray(body) ? body : [body];
  return messages.filter((message) => (message as { method?: unknown } | null)?.method === 'tools/call').length;
}

function stepUpChallenge(
  body: unknown,
  auth: OAuthResourceAuth,
  toolScopes: ReadonlyMap<string, string>,
): Response | undefined {
  const needed = new Set<string>();
  for (const message of Array.isArray(body) ? body : [body]) {
    const call = ToolCall.safeParse(message);
    const scope = call.success ? toolScopes.get(call.data.params.name) : undefined;
    if (scope && !auth.scope.includes(scope)) needed.add(scope);
  }
  if (needed.size === 0) return undefined;
  return insufficientScope(
    auth,
    [...new Set([...BASELINE_SCOPES, ...auth.scope, ...needed])],
    `This action needs ${[...needed].join(', ')}.`,
  );
}
