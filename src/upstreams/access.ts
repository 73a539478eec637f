import { OAuthError } from '@cloudflare/workers-oauth-provider';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import pkceChallenge, { generateChallenge } from 'pkce-challenge';
import { z } from 'zod';
import { httpUrl, list, nonEmpty, optional, type Parsed, type Settings } from '../settings';
import { accessTools } from '../tools/access';
import { AccessProps, type AccessToolContext } from '../tools/access/context';
import {
  exchangeCode,
  isListed,
  opaqueUserId,
  SignInRefused,
  type Upstream,
  type UpstreamClientConfig,
} from './upstream';

/** The settings this upstream needs, checked at start-up when it is the one chosen (see /health). */
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
  ALLOWED_EMAILS: [list, 'ALLOWED_EMAILS must be a comma-separated list of email addresses.'],
  ALLOWED_EMAIL_DOMAINS: [list, 'ALLOWED_EMAIL_DOMAINS must be a comma-separated list of domains.'],
  ALLOWED_GROUPS: [list, 'ALLOWED_GROUPS must be a comma-separated list of group names.'],
} as const satisfies Settings;

export interface AccessConfig extends UpstreamClientConfig {
  issuer: string;
  /** Explicit endpoints; any left unset come from the issuer's discovery document. */
  authorizationUrl?: string;
  tokenUrl?: string;
  jwksUrl?: string;
  allowedEmails: string[];
  allowedEmailDomains: string[];
  allowedGroups: string[];
}

/** Access's configuration from its checked settings. */
export function accessConfig(v: Parsed<typeof accessSettings>, timeoutMs: number): AccessConfig {
  return {
    timeoutMs,
    clientId: v.ACCESS_CLIENT_ID,
    clientSecret: v.ACCESS_CLIENT_SECRET,
    issuer: v.ACCESS_ISSUER.replace(/\/+$/, ''),
    authorizationUrl: v.ACCESS_AUTHORIZATION_URL,
    tokenUrl: v.ACCESS_TOKEN_URL,
    jwksUrl: v.ACCESS_JWKS_URL,
    allowedEmails: v.ALLOWED_EMAILS ?? [],
    allowedEmailDomains: v.ALLOWED_EMAIL_DOMAINS ?? [],
    allowedGroups: v.ALLOWED_GROUPS ?? [],
  };
}

/** The parts of an OpenID Provider's discovery document we use. */
const Discovery = z.looseObject({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});
type Endpoints = { issuer: string; authorization: string; token: string; jwks: string; algorithms: string[] };

const TokenResponse = z.looseObject({ id_token: z.string().min(1) });
const IdTokenClaims = z.looseObject({
  sub: z.string().min(1),
  nonce: z.string().optional(),
  email: z.string().optional(),
  email_verified: z.boolean().optional(),
  name: z.string().optional(),
  // Access sends group names; other providers may send objects with a name.
  groups: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])).optional(),
});

/** Asymmetric algorithms only: never `none`, never a shared-secret HMAC. */
const SAFE_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const DISCOVERY_TTL_MS = 60 * 60_000;

/** Per isolate: discovery documents and key sets, so a sign-in costs no extra round trips once warm. */
const discoveries = new Map<string, { expires: number; endpoints: Promise<Endpoints> }>();
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/**
 * Cloudflare Access for SaaS (or any OpenID Provider) as the upstream: authorization code with
 * PKCE S256 and a nonce, the ID token verified with `jose` against the provider's JWKS (issuer,
 * audience, expiry, nonce, algorithm), and optional allowlists of emails, email domains and groups.
 */
export function accessUpstream(config: AccessConfig): Upstream<AccessProps, AccessToolContext> {
  const restricted = config.allowedEmails.length + config.allowedEmailDomains.length + config.allowedGroups.length > 0;

  function allowed(identity: { email: string | null; groups: readonly string[] }): boolean {
    if (!restricted) return true;
    const domain = identity.email?.split('@')[1];
    return (
      isListed(config.allowedEmails, identity.email) ||
      isListed(config.allowedEmailDomains, domain) ||
      identity.groups.some((group) => isListed(config.allowedGroups, group))
    );
  }

  function endpoints(): Promise<Endpoints> {
    const cached = discoveries.get(config.issuer);
    if (cached && cached.expires > Date.now()) return cached.endpoints;
    const loading = discover(config);
    discoveries.set(config.issuer, { expires: Date.now() + DISCOVERY_TTL_MS, endpoints: loading });
    loading.catch((error: unknown) => {
      discoveries.delete(config.issuer);
      console.warn(
        JSON.stringify({ event: 'oidc_discovery_failed', reason: error instanceof Error ? error.message : 'unknown' }),
      );
    });
    return loading;
  }

  return {
    id: 'access',
    displayName: 'Cloudflare Access',
    propsSchema: AccessProps,
    instructions: 'Tools for a user signed in through the organisation’s Cloudflare Access.',
    scopeDescriptions: {
      'mcp:read': 'See who you are (your email, name and groups) and read data',
      'mcp:write': 'Change data on your behalf',
    },
    tools: accessTools,
    toolsFor: () => accessTools,
    identity: (props) => ({
      email: props.email?.toLowerCase() ?? null,
      name: props.name,
      groups: props.groups.map((group) => group.toLowerCase()),
      login: null,
      orgs: [],
    }),

    async prepareSignIn() {
      const [{ code_verifier }, nonce] = await Promise.all([pkceChallenge(64), pkceChallenge(43)]);
      return { verifier: code_verifier, nonce: nonce.code_verifier };
    },

    async authorizeUrl({ state, callbackUrl, data }) {
      const url = new URL((await endpoints().catch(unreachable)).authorization);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', callbackUrl);
      url.searchParams.set('scope', 'openid email profile groups');
      url.searchParams.set('state', state);
      url.searchParams.set('nonce', data.nonce ?? '');
      url.searchParams.set('code_challenge', await generateChallenge(data.verifier ?? ''));
      url.searchParams.set('code_challenge_method', 'S256');
      return url.toString();
    },

    async completeSignIn({ code, callbackUrl, data }) {
      const provider = await endpoints().catch(unreachable);
      const exchanged = await exchangeCode({
        provider: 'Cloudflare Access',
        url: provider.token,
        timeoutMs: config.timeoutMs,
        fields: {
          grant_type: 'authorization_code',
          code,
          redirect_uri: callbackUrl,
          client_id: config.clientId,
          client_secret: config.clientSecret,
          code_verifier: data.verifier ?? '',
        },
      });
      const tokens = TokenResponse.safeParse(exchanged.body);
      if (!exchanged.ok || !tokens.success) {
        throw new SignInRefused('Cloudflare Access did not accept the sign-in. Start again from your app.');
      }
      const claims = await verifyIdToken(tokens.data.id_token, provider, config.clientId, data.nonce ?? '');
      const email = claims.email && claims.email_verified !== false ? claims.email : null;
      const groups = (claims.groups ?? []).map((group) => (typeof group === 'string' ? group : group.name));
      const identity = { sub: claims.sub, email, name: claims.name ?? null, groups };
      if (!allowed(identity)) {
        throw new SignInRefused(
          `${email ?? 'This account'} is not allowed to use this server. Ask its administrator to add you.`,
          403,
        );
      }
      return {
        userId: await opaqueUserId('access', `${provider.issuer}|${claims.sub}`),
        label: email ?? identity.name ?? 'Access user',
        props: { upstream: 'access', ...identity },
      };
    },

    // No upstream token is kept, so there is nothing to renew; a refresh still applies the
    // current allowlists, so removing someone from them ends their access within the hour.
    async refreshProps(props) {
      if (!allowed(props)) {
        throw new OAuthError('invalid_grant', { description: 'This account is no longer allowed; sign in again.' });
      }
      return undefined;
    },

    toolContext({ upstream: _upstream, ...identity }, scopes) {
      return { identity, scopes };
    },
  };
}

async function discover(config: AccessConfig): Promise<Endpoints> {
  const explicit = config.authorizationUrl && config.tokenUrl && config.jwksUrl;
  const document = explicit
    ? undefined
    : Discovery.parse(
        await fetch(`${config.issuer}/.well-known/openid-configuration`, {
          headers: { Accept: 'application/json' },
        }).then((response) => {
          if (!response.ok) throw new Error(`discovery answered ${response.status}`);
          return response.json();
        }),
      );
  if (document && document.issuer.replace(/\/+$/, '') !== config.issuer) {
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
    throw new Error('discovery issuer mismatch');
  }
  const offered = document?.id_token_signing_alg_values_supported ?? ['RS256'];
  return {
    issuer: document?.issuer ?? config.issuer,
    authorization: config.authorizationUrl ?? document?.authorization_endpoint ?? '',
    token: config.tokenUrl ?? document?.token_endpoint ?? '',
    jwks: config.jwksUrl ?? document?.jwks_uri ?? '',
    algorithms: offered.filter((alg) => SAFE_ALGORITHMS.includes(alg)),
  };
}

/** Verifies signature, issuer, audience, expiry, algorithm and nonce; refuses the sign-in otherwise. */
async function verifyIdToken(idToken: string, provider: Endpoints, clientId: string, nonce: string) {
  let keys = keySets.get(provider.jwks);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(provider.jwks));
    keySets.set(provider.jwks, keys);
  }
  try {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: provider.issuer,
      audience: clientId,
      algorithms: provider.algorithms,
      clockTolerance: 30,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    const claims = IdTokenClaims.parse(payload);
    if (!nonce || claims.nonce !== nonce)
      throw new joseErrors.JWTClaimValidationFailed('nonce mismatch', payload, 'nonce', 'check_failed');
    return claims;
  } catch (error) {
    const reason =
      error instanceof joseErrors.JWTClaimValidationFailed
        ? `${error.claim} ${error.reason}`
        : error instanceof joseErrors.JOSEError
          ? error.code
          : 'malformed';
    // Why, never the token: an operator can tell a wrong audience from a bad signature.
    console.warn(JSON.stringify({ event: 'id_token_rejected', reason }));
    throw new SignInRefused(
      'Cloudflare Access answered with an identity this server could not verify, so the sign-in was stopped. Tell the server’s administrator.',
    );
  }
}

function unreachable(): never {
  throw new SignInRefused('Cloudflare Access could not be reached to sign you in. Try again in a moment.');
}
