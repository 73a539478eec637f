import { z } from 'zod';
import { httpUrl, nonEmpty, optional, type Parsed, type Settings, withDefault } from '../settings';
import { databaseConfig } from '../tools/postgres/settings';
import { type OidcCommonValues, type OidcConfig, oidcCommonSettings } from './oidc';

/**
 * The OpenID Connect upstreams a deployment can choose, each a preset of the one implementation
 * in oidc.ts: its own setting names (so `UPSTREAM=access` keeps the ACCESS_* settings it always
 * had), the issuer they give, and the scopes asked for.
 */

const common = (v: OidcCommonValues, timeoutMs: number) => ({
  timeoutMs,
  allowedEmails: v.ALLOWED_EMAILS ?? [],
  allowedEmailDomains: v.ALLOWED_EMAIL_DOMAINS ?? [],
  allowedGroups: v.ALLOWED_GROUPS ?? [],
  database: databaseConfig(v, timeoutMs),
});
const withoutSlash = (url: string) => url.replace(/\/+$/, '');

/** Cloudflare Access for SaaS (OIDC). */
export const accessSettings = {
  ACCESS_CLIENT_ID: [nonEmpty, 'ACCESS_CLIENT_ID is missing (Access → your SaaS application → Client ID).'],
  ACCESS_CLIENT_SECRET: [nonEmpty, 'ACCESS_CLIENT_SECRET is missing (Access → your SaaS application → Client secret).'],
  ACCESS_ISSUER: [
    httpUrl,
    'ACCESS_ISSUER must be the issuer URL, https://<team>.cloudflareaccess.com/cdn-cgi/access/sso/oidc/<client id>.',
  ],
  ACCESS_AUTHORIZATION_URL: [optional(httpUrl), 'ACCESS_AUTHORIZATION_URL must be an http(s) URL.'],
  ACCESS_TOKEN_URL: [optional(httpUrl), 'ACCESS_TOKEN_URL must be an http(s) URL.'],
  ACCESS_JWKS_URL: [optional(httpUrl), 'ACCESS_JWKS_URL must be an http(s) URL.'],
  ...oidcCommonSettings,
} as const satisfies Settings;

export function accessConfig(v: Parsed<typeof accessSettings>, timeoutMs: number): OidcConfig {
  return {
    ...common(v, timeoutMs),
    preset: 'access',
    providerName: 'Cloudflare Access',
    clientId: v.ACCESS_CLIENT_ID,
    clientSecret: v.ACCESS_CLIENT_SECRET,
    issuer: withoutSlash(v.ACCESS_ISSUER),
    scopes: 'openid email profile groups',
    authorizationUrl: v.ACCESS_AUTHORIZATION_URL,
    tokenUrl: v.ACCESS_TOKEN_URL,
    jwksUrl: v.ACCESS_JWKS_URL,
  };
}

/**
 * Supabase Auth's OAuth 2.1 server: the issuer is the project's `/auth/v1`, the ID token's `sub`
 * is the person's auth.users id, so row-level security written for Supabase (auth.uid()) applies
 * as is. The database is required: querying it is the point of this upstream.
 */
export const supabaseSettings = {
  SUPABASE_URL: [
    httpUrl.refine((value) => !new URL(value).pathname.replace(/\/+$/, '')),
    'SUPABASE_URL must be the project URL, https://<project-ref>.supabase.co (or its custom domain), without a path.',
  ],
  SUPABASE_CLIENT_ID: [
    nonEmpty,
    'SUPABASE_CLIENT_ID is missing (Supabase dashboard → Authentication → OAuth Apps → your client).',
  ],
  SUPABASE_CLIENT_SECRET: [
    nonEmpty,
    'SUPABASE_CLIENT_SECRET is missing (the secret shown once when the OAuth client was registered).',
  ],
  ...oidcCommonSettings,
} as const satisfies Settings;

export function supabaseConfig(v: Parsed<typeof supabaseSettings>, timeoutMs: number): OidcConfig {
  return {
    ...common(v, timeoutMs),
    preset: 'supabase',
    providerName: 'Supabase',
    clientId: v.SUPABASE_CLIENT_ID,
    clientSecret: v.SUPABASE_CLIENT_SECRET,
    issuer: `${withoutSlash(v.SUPABASE_URL)}/auth/v1`,
    // Supabase's scopes are openid, email, profile and phone; they decide the ID token's claims.
    scopes: 'openid email profile',
  };
}

/** Any other OpenID Provider (Okta, Entra ID, Auth0, Keycloak, Google, …). */
export const genericOidcSettings = {
  OIDC_ISSUER: [httpUrl, 'OIDC_ISSUER must be the issuer URL (its /.well-known/openid-configuration is read).'],
  OIDC_CLIENT_ID: [nonEmpty, 'OIDC_CLIENT_ID is missing (the client registered at your identity provider).'],
  OIDC_CLIENT_SECRET: [nonEmpty, 'OIDC_CLIENT_SECRET is missing (the client secret from your identity provider).'],
  OIDC_SCOPES: [
    withDefault(
      z.string().refine((value) => value.split(/\s+/).includes('openid')),
      'openid email profile',
    ),
    'OIDC_SCOPES must be a space-separated list of scopes that includes openid (default "openid email profile").',
  ],
  OIDC_PROVIDER_NAME: [
    withDefault(z.string().min(1).max(60), 'your identity provider'),
    'OIDC_PROVIDER_NAME must be a short name people know the provider by, e.g. Okta (60 characters at most).',
  ],
  OIDC_AUTHORIZATION_URL: [optional(httpUrl), 'OIDC_AUTHORIZATION_URL must be an http(s) URL.'],
  OIDC_TOKEN_URL: [optional(httpUrl), 'OIDC_TOKEN_URL must be an http(s) URL.'],
  OIDC_JWKS_URL: [optional(httpUrl), 'OIDC_JWKS_URL must be an http(s) URL.'],
  ...oidcCommonSettings,
} as const satisfies Settings;

export function genericOidcConfig(v: Parsed<typeof genericOidcSettings>, timeoutMs: number): OidcConfig {
  return {
    ...common(v, timeoutMs),
    preset: 'oidc',
    providerName: v.OIDC_PROVIDER_NAME,
    clientId: v.OIDC_CLIENT_ID,
    clientSecret: v.OIDC_CLIENT_SECRET,
    issuer: withoutSlash(v.OIDC_ISSUER),
    scopes: v.OIDC_SCOPES.split(/\s+/).filter(Boolean).join(' '),
    authorizationUrl: v.OIDC_AUTHORIZATION_URL,
    tokenUrl: v.OIDC_TOKEN_URL,
    jwksUrl: v.OIDC_JWKS_URL,
  };
}
