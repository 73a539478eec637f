import { getOAuthApi, OAuthError, OAuthProvider, type OAuthProviderOptions } from '@cloudflare/workers-oauth-provider';
import { audit } from './audit';
import { createAuthApp } from './auth/app';
import { refuseClientMetadata } from './auth/client-metadata';
import type { Config } from './config';
import { streamableHttpSessions } from './mcp/http-session';
import { sseSessions, withSessionAuth } from './mcp/session-auth';
import { McpSession } from './mcp/sse-session';
import { CHALLENGE_SCOPES, SCOPES_SUPPORTED } from './scopes';
import { activeUpstream } from './upstreams';

/** Access tokens live an hour; a refresh is where a revoked upstream grant is noticed. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

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
      '/mcp': withSessionAuth(streamableHttpSessions, {
        toolScopes,
        rateLimits: config.rateLimits,
      }),
      // Legacy SSE (2024-11-05) has no scope challenge: its tools refuse with a readable tool error instead.
      '/sse': withSessionAuth(sseSessions(McpSession.serveSSE('/sse', { binding: 'MCP_OBJECT' })), {
        rateLimits: config.rateLimits,
      }),
    },
    defaultHandler: createAuthApp(config),
    authorizeEndpoint: '/authorize',
    tokenEndpoint: '/token',
    clientRegistrationEndpoint: '/register',
    scopesSupported: [...SCOPES_SUPPORTED],
    requiredScopes: CHALLENGE_SCOPES,
    resourceMetadata: {
      resource: config.publicUrl,
      authorization_servers: [config.publicUrl],
      bearer_methods_supported: ['header'],
      resource_name: `${upstream.displayName} MCP server`,
    },
    clientIdMetadataDocumentEnabled: true,
    // Anonymous registrations are stored for 90 days and shown on the consent page: bounded.
    clientRegistrationCallback: ({ clientMetadata }) => refuseClientMetadata(clientMetadata),
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    async tokenExchangeCallback({ grantType, props, userId }) {
      if (grantType !== 'refresh_token') return undefined;
      const parsed = upstream.propsSchema.safeParse(props);
      // Props from another upstream (the deployment switched providers): this grant can't work.
      if (!parsed.success) throw new OAuthError('invalid_grant', { description: 'Sign in again.' });
      try {
        const newProps = await upstream.refreshProps(parsed.data);
        return newProps ? { newProps } : undefined;
      } catch (error) {
        // invalid_grant makes the library revoke the grant: record why.
        if (error instanceof OAuthError && error.code === 'invalid_grant') {
          audit({ event: 'grant_revoked', upstream: upstream.id, user: userId, reason: 'refresh_refused' });
        }
        throw error;
      }
    },
    onError({ code, status, internal }) {
      // Stable slugs, never the request: no token or secret reaches the log.
      console.warn(
        JSON.stringify({ event: 'oauth_error', code, status, category: internal?.category, reason: internal?.reason }),
      );
    },
  };
}
