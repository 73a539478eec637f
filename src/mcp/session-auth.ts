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

/**
 * Carries what the library verified about this request's token from the Worker to the session's
 * Durable Object, which sees request headers (as `requestInfo`) on every message but receives
 * `props` only once, when the session starts. The Worker always overwrites it, and the Durable
 * Object is reachable only through the Worker, so a client cannot set it.
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
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = RequestAuth.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs before every MCP request, after the library verified the token:
 * - rate limits per user and per client (429 with `Retry-After`);
 * - step-up (when `toolScopes` is given, for streamable HTTP): a `tools/call` for a tool whose
 *   scope the token lacks gets the library's 403 `insufficient_scope` challenge naming the
 *   scopes needed, so the client can ask the user for more (MCP's scope challenge);
 * - hands the session this token's scopes, user and grant (never the token itself), so tools
 *   check the token that made the call, refuse a token of another user, and can revoke the
 *   grant when the upstream says access is gone.
 */
export function withSessionAuth(
  handler: McpHandler,
  options: { toolScopes?: ReadonlyMap<string, string>; rateLimits: boolean },
): McpHandler {
  const { toolScopes } = options;
  const scopesInUse = new Set(toolScopes?.values());
  return {
    async fetch(request, env, ctx) {
      const { auth, props } = ctx as OAuthResourceContext<Record<string, unknown>>; // the library sets both
      if (options.rateLimits) {
        // Per person, and per client across all its users (a runaway integration).
        if (!(await withinLimit(env.MCP_USER_LIMITER, `user:${auth.userId ?? 'unknown'}`))) {
          audit({ event: 'rate_limited', limiter: 'mcp_user', path: new URL(request.url).pathname });
          return tooManyRequests('requests from your account');
        }
        if (!(await withinLimit(env.MCP_CLIENT_LIMITER, `client:${auth.clientId ?? 'unknown'}`))) {
          audit({ event: 'rate_limited', limiter: 'mcp_client', path: new URL(request.url).pathname });
          return tooManyRequests('requests from this app');
        }
      }
      if (toolScopes && request.method === 'POST' && [...scopesInUse].some((scope) => !auth.scope.includes(scope))) {
        const challenge = await stepUpChallenge(request, auth, toolScopes);
        if (challenge) return challenge;
      }
      // The library's token format is `userId:grantId:secret`; only the ids are passed on.
      const verified: RequestAuth = {
        scopes: auth.scope,
        userId: auth.userId,
        grantId: auth.token.split(':')[1],
        clientId: auth.clientId,
      };
      // Props reach the Durable Object only when the session starts: they record its owner.
      Object.assign(ctx, { props: { ...props, owner: verified.userId } });
      const headers = new Headers(request.headers);
      headers.set(SESSION_AUTH_HEADER, JSON.stringify(verified));
      return handler.fetch(new Request(request, { headers }), env, ctx);
    },
  };
}

const ToolCall = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string() }) });

async function stepUpChallenge(
  request: Request,
  auth: OAuthResourceAuth,
  toolScopes: ReadonlyMap<string, string>,
): Promise<Response | undefined> {
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => undefined);
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
