import { OAuthError, OAuthProvider, type OAuthResourceContext } from '@cloudflare/workers-oauth-provider';
import { createAuthApp } from './auth/app';
import { type Config, readConfig } from './config';
import { McpSession } from './mcp/agent';
import { BASELINE_SCOPES, SCOPES_SUPPORTED } from './scopes';
import { activeUpstream } from './upstreams';

/** Access tokens live an hour; a refresh is where a revoked upstream grant is noticed. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

type McpHandler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };

/**
 * Hands the MCP session the scopes of the token that made this request (the library verified
 * it and put them in `ctx.auth`), so tools check the current token, not the one that opened
 * the session.
 */
function withTokenScopes(handler: McpHandler): McpHandler {
  return {
    fetch(request, env, ctx) {
      const { auth, props } = ctx as OAuthResourceContext<Record<string, unknown>>; // the library sets both
      Object.assign(ctx, { props: { ...props, scopes: auth.scope } });
      return handler.fetch(request, env, ctx);
    },
  };
}

/**
 * The OAuth 2.1 authorization server and protected resource. The canonical resource is the
 * public origin, so one token serves `/mcp` and `/sse` (the library refuses protected routes
 * outside the resource path).
 */
export function createProvider(config: Config): OAuthProvider<Env> {
  const upstream = activeUpstream(config);
  return new OAuthProvider<Env>({
    apiHandlers: {
      '/mcp': withTokenScopes(McpSession.serve('/mcp', { binding: 'MCP_OBJECT' })),
      '/sse': withTokenScopes(McpSession.serveSSE('/sse', { binding: 'MCP_OBJECT' })),
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
  });
}
