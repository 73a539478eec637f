import { getOAuthApi, OAuthError, type OAuthProviderOptions } from '@cloudflare/workers-oauth-provider';
import { audit } from '../audit';
import type { Config } from '../config';
import { CHALLENGE_SCOPES, SCOPES_SUPPORTED } from '../scopes';
import { activeUpstream } from '../upstreams';
import { refuseClientMetadata } from './client-metadata';

/** Access tokens live an hour; a refresh is where a revoked upstream grant is noticed. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** The protected routes: both MCP transports, under the one canonical resource (the origin). */
export const MCP_ROUTES = ['/mcp', '/sse'] as const;

/** The provider's settings without its route handlers: what the helpers need, and no routes. */
export type OAuthOptions = Omit<
  OAuthProviderOptions<Env>,
  'apiHandlers' | 'apiHandler' | 'apiRoute' | 'defaultHandler'
>;

/**
 * The OAuth 2.1 authorization server and protected resource, as data: endpoints, scopes, token
 * lifetimes, the resource metadata and the callbacks. The canonical resource is the public
 * origin, so one token serves `/mcp` and `/sse` (the library refuses protected routes outside
 * the resource path). `provider.ts` adds the route handlers.
 */
export function oauthOptions(config: Config): OAuthOptions {
  const upstream = activeUpstream(config.upstream);
  return {
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

/** Never called: the helpers below validate that routes exist, but route nothing. */
const NOT_ROUTED = { fetch: () => new Response(null, { status: 404 }) };

/**
 * The library's helpers where no request passes through the provider (a session's Durable
 * Object revoking a grant): built from the options alone, not from the routes and pages.
 */
export function oauthApi(config: Config, env: Env) {
  const apiHandlers = Object.fromEntries(MCP_ROUTES.map((route) => [route, NOT_ROUTED]));
  return getOAuthApi({ ...oauthOptions(config), apiHandlers, defaultHandler: NOT_ROUTED }, env);
}

/**
 * The upstream no longer accepts a grant's token: revoke the grant, so the client's next request
 * gets 401 and it signs the person in again, instead of failing forever. `env` must be the
 * token-caching env (`withCachedTokens`), so this isolate forgets the grant's tokens at once.
 */
export async function revokeRefusedGrant(
  config: Config,
  env: Env,
  call: { grantId: string; userId: string },
): Promise<void> {
  await oauthApi(config, env).revokeGrant(call.grantId, call.userId);
  audit({ event: 'grant_revoked', upstream: config.upstream.id, user: call.userId, reason: 'upstream_unauthorized' });
}
