import {
  getOAuthApi,
  insufficientScope,
  OAuthError,
  OAuthProvider,
  type OAuthProviderOptions,
  type OAuthResourceAuth,
  type OAuthResourceContext,
} from '@cloudflare/workers-oauth-provider';
import { z } from 'zod';
import { createAuthApp } from './auth/app';
import { type Config, readConfig } from './config';
import { McpSession } from './mcp/agent';
import { BASELINE_SCOPES, SCOPES_SUPPORTED } from './scopes';
import { activeUpstream } from './upstreams';

/** Access tokens live an hour; a refresh is where a revoked upstream grant is noticed. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

type McpHandler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };

/**
 * Runs before every MCP request, after the library verified the token:
 * - step-up (streamable HTTP): a `tools/call` for a tool whose scope the token lacks gets the library's 403
 *   `insufficient_scope` challenge naming the scopes needed, so the client can ask the user
 *   for more (MCP authorization, "scope challenge");
 * - hands the session the token's scopes and grant (never the token), so tools check the
 *   current token rather than the one that opened the session, and a tool can revoke the
 *   grant when the upstream says access is gone.
 */
function withSessionAuth(handler: McpHandler, toolScopes?: ReadonlyMap<string, string>): McpHandler {
  const scopesInUse = new Set(toolScopes?.values());
  return {
    async fetch(request, env, ctx) {
      const { auth, props } = ctx as OAuthResourceContext<Record<string, unknown>>; // the library sets both
      if (toolScopes && request.method === 'POST' && [...scopesInUse].some((scope) => !auth.scope.includes(scope))) {
        const challenge = await stepUpChallenge(request, auth, toolScopes);
        if (challenge) return challenge;
      }
      // The library's token format is `userId:grantId:secret`; only the grant id is kept.
      const grant = { userId: auth.userId, grantId: auth.token.split(':')[1] };
      Object.assign(ctx, { props: { ...props, scopes: auth.scope, grant } });
      return handler.fetch(request, env, ctx);
    },
  };
}

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

const ToolCall = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string() }) });

/**
 * The OAuth 2.1 authorization server and protected resource. The canonical resource is the
 * public origin, so one token serves `/mcp` and `/sse` (the library refuses protected routes
 * outside the resource path).
 */
export function createProvider(config: Config): OAuthProvider<Env> {
  return new OAuthProvider<Env>(providerOptions(config));
}

/** OAuth helpers where the provider's `env.OAUTH_PROVIDER` is not injected (the MCP session's Durable Object). */
export function oauthHelpers(config: Config, env: Env) {
  return getOAuthApi(providerOptions(config), env);
}

function providerOptions(config: Config): OAuthProviderOptions<Env> {
  const upstream = activeUpstream(config);
  const toolScopes = new Map(upstream.tools.map((tool) => [tool.name, tool.scope as string]));
  return {
    apiHandlers: {
      '/mcp': withSessionAuth(McpSession.serve('/mcp', { binding: 'MCP_OBJECT' }), toolScopes),
      // Legacy SSE (2024-11-05) has no scope challenge: its tools refuse with a readable tool error instead.
      '/sse': withSessionAuth(McpSession.serveSSE('/sse', { binding: 'MCP_OBJECT' })),
    },
    defaultHandler: createAuthApp(config),
    authorizeEndpoint: '/authorize',
    tokenEndpoint: '/token',
    clientRegistrationEndpoint: '/register',
    scopesSupported: [...SCOPES_SUPPORTED],
    requiredScopes: BASELINE_SCOPES,
    resourceMetadata: {
      resource: config.publicUrl,
      authorization_servers: [config.publicUrl],
      bearer_methods_supported: ['header'],
      resource_name: `${upstream.displayName} MCP server`,
    },
    clientIdMetadataDocumentEnabled: true,
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    async tokenExchangeCallback({ grantType, props, env }) {
      if (grantType !== 'refresh_token') return undefined;
      const report = readConfig(env);
      if (!report.ok)
        throw new OAuthError('temporarily_unavailable', {
          description: 'The server is not configured.',
          statusCode: 503,
        });
      const current = activeUpstream(report.config);
      const parsed = current.propsSchema.safeParse(props);
      // Props from another upstream (the deployment switched providers): this grant can't work.
      if (!parsed.success) throw new OAuthError('invalid_grant', { description: 'Sign in again.' });
      const newProps = await current.refreshProps(parsed.data);
      return newProps ? { newProps } : undefined;
    },
    onError({ code, status, internal }) {
      // Stable slugs, never the request: no token or secret reaches the log.
      console.warn(
        JSON.stringify({ event: 'oauth_error', code, status, category: internal?.category, reason: internal?.reason }),
      );
    },
  };
}
