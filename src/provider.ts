import { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { createAuthApp } from './auth/app';
import { oauthOptions } from './auth/oauth-options';
import type { Config } from './config';
import { type LaneExtras, mcpRoutes } from './mcp/routes';

export type { LaneExtras };

/**
 * The OAuth provider with its routes: the MCP transports as protected API routes (each request
 * verified, then handed to its session), and the sign-in pages as the default handler.
 */
export function createProvider(config: Config, extras: LaneExtras = {}): OAuthProvider<Env> {
  return new OAuthProvider<Env>({
    ...oauthOptions(config),
    apiHandlers: mcpRoutes(config, extras),
    defaultHandler: createAuthApp(config),
  });
}
