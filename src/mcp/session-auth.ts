import {
  insufficientScope,
  type OAuthResourceAuth,
  type OAuthResourceContext,
} from '@cloudflare/workers-oauth-provider';
import { z } from 'zod';
import { audit } from '../audit';
import { tooManyRequests, withinLimit } from '../http/rate-limits';
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

/**
 * Legacy SSE: carries what the library verified about this request's token from the Worker to
 * the McpAgent session, which sees request headers (as `requestInfo`) on every message but
 * receives `props` only once, when the session starts. The Worker always overwrites it, and the
 * Durable Object is reachable only through the Worker, so a client cannot set it. (Streamable
 * HTTP sessions get the same, with the props, as `x-mcp-session-grant`: see http-session.ts.)
 */
export const SESSION_AUTH_HEADER = 'x-mcp-session-auth';

export const RequestAuth = z.object({
  scopes: z.array(z.string()),
  userId: z.string().optional(),
  grantId: z.string().optional(),
  clientId: z.string().optional(),
});
export type RequestAuth = z.infer<typeof RequestAuth>;

/** The verified auth of the request a tool call arrived with; `undefined` if the Worker did not set it. */
export function requestAuth(
  headers: Record<string, string | string[] | undefined> | undefined,
): RequestAuth | undefined {
  const raw = headers?.[SESSION_AUTH_HEADER];
  return typeof raw === 'string' ? parseHeader(raw, RequestAuth) : undefined;
}

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
 * - rate limits per user and per client (429 with `Retry-After`);
 * - a bounded body: more than 4 MiB is refused with 413 even without a `Content-Length`;
 * - step-up (when `toolScopes` is given, for streamable HTTP): a `tools/call` for a tool whose
 *   scope the token lacks gets the library's 403 `insufficient_scope` challenge naming the
 *   scopes needed, so the client can ask the user for more (MCP's scope challenge);
 * - hands the transport this token's scopes, user and grant (never the token itself), so tools
 *   check the token that made the call and can revoke the grant when the upstream says access
 *   is gone. Each transport then checks that the session belongs to this user.
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
      if (options.rateLimits) {
        // Per person, and per client across all its users (a runaway integration).
        const path = new URL(request.url).pathname;
        if (!(await withinLimit(env.MCP_USER_LIMITER, `user:${auth.userId ?? 'unknown'}`))) {
          audit({ event: 'rate_limited', limiter: 'mcp_user', path });
          return tooManyRequests('requests from your account');
        }
        if (!(await withinLimit(env.MCP_CLIENT_LIMITER, `client:${auth.clientId ?? 'unknown'}`))) {
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
 * Legacy SSE through McpAgent: a session belongs to the user who opened it (a request naming
 * another user's session id is answered as if it did not exist), and the verified auth travels
 * as a header, since McpAgent hands the Durable Object props only once, when the session starts.
 */
export function sseSessions(serveSSE: McpHandler): SessionHandler {
  return async (request, env, ctx, { auth, props, body }) => {
    const url = new URL(request.url);
    const sessionId = url.pathname.endsWith('/message') ? url.searchParams.get('sessionId') : null;
    if (sessionId) {
      const owner = await sessionOwner(env, `sse:${sessionId}`);
      // The same answer as for an unknown session: nothing tells the caller it exists.
      if (owner !== undefined && owner !== auth.userId) return sessionNotFound();
    }
    // Props reach the Durable Object only when the session starts: they record its owner.
    Object.assign(ctx, { props: { ...props, owner: auth.userId } });
    const headers = new Headers(request.headers);
    headers.set(SESSION_AUTH_HEADER, JSON.stringify(auth));
    // Built from the URL, not the request: the session needs no `cf`, which the runtime deep-copies.
    return serveSSE.fetch(new Request(request.url, { method: request.method, headers, body }), env, ctx);
  };
}

/** Session owners already looked up in this isolate: owners never change, so this never goes stale. */
const knownOwners = new Map<string, string>();

async function sessionOwner(env: Env, name: string): Promise<string | undefined> {
  const known = knownOwners.get(name);
  if (known) return known;
  const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(name)) as unknown as {
    sessionOwner(): Promise<string | undefined>;
  };
  const owner = await stub.sessionOwner().catch(() => undefined);
  if (owner) {
    if (knownOwners.size >= 10_000) knownOwners.clear();
    knownOwners.set(name, owner);
  }
  return owner;
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
