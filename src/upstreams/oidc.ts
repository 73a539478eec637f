import { OAuthError } from '@cloudflare/workers-oauth-provider';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import pkceChallenge, { generateChallenge } from 'pkce-challenge';
import { z } from 'zod';
import { list, type Parsed, type Settings } from '../settings';
import { identityTools } from '../tools/oidc';
import { OidcProps, type OidcToolContext } from '../tools/oidc/context';
import { postgresTools } from '../tools/postgres';
import { userDatabase } from '../tools/postgres/database';
import { type DatabaseConfig, databaseSettings } from '../tools/postgres/settings';
import { workerSqlParser } from '../tools/postgres/sql-parser.worker';
import {
  exchangeCode,
  isListed,
  opaqueUserId,
  SignInRefused,
  type Upstream,
  type UpstreamClientConfig,
} from './upstream';

/** The identity providers this one OpenID Connect implementation signs in with (see oidc-presets.ts). */
export type OidcPresetId = 'access' | 'supabase' | 'oidc';

/** Settings every OpenID Connect upstream shares: who is admitted, and the database the Postgres pack queries. */
export const oidcCommonSettings = {
  ALLOWED_EMAILS: [list, 'ALLOWED_EMAILS must be a comma-separated list of email addresses.'],
  ALLOWED_EMAIL_DOMAINS: [list, 'ALLOWED_EMAIL_DOMAINS must be a comma-separated list of domains.'],
  ALLOWED_GROUPS: [list, 'ALLOWED_GROUPS must be a comma-separated list of group names.'],
  ...databaseSettings,
} as const satisfies Settings;
export type OidcCommonValues = Parsed<typeof oidcCommonSettings>;

export interface OidcConfig extends UpstreamClientConfig {
  preset: OidcPresetId;
  /** Shown to people: "Cloudflare Access", "Supabase", "Okta". */
  providerName: string;
  issuer: string;
  /** Scopes asked for; always includes `openid`. */
  scopes: string;
  /** Explicit endpoints; any left unset come from the issuer's discovery document. */
  authorizationUrl?: string;
  tokenUrl?: string;
  jwksUrl?: string;
  allowedEmails: string[];
  allowedEmailDomains: string[];
  allowedGroups: string[];
  /** The database of the Postgres pack; without one, people get the identity tools only. */
  database: DatabaseConfig | undefined;
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

/** Who signed the person in, as the MCP instructions say it. */
const SIGNED_IN_THROUGH: Record<OidcPresetId, string> = {
  access: 'the organisation’s Cloudflare Access',
  supabase: 'Supabase',
  oidc: 'the organisation’s identity provider',
};

/**
 * Any OpenID Provider as the upstream (Cloudflare Access, Supabase Auth, Okta, Entra ID, …):
 * authorization code with PKCE S256 and a nonce, the ID token verified with `jose` against the
 * provider's JWKS (issuer, audience, expiry, nonce, algorithm), and optional allowlists of emails,
 * email domains and groups. No provider token is kept: the grant holds the verified identity.
 * With a database configured, people also get the Postgres pack, run as them under row-level
 * security (see tools/postgres).
 */
export function oidcUpstream(config: OidcConfig): Upstream<OidcProps, OidcToolContext> {
  const restricted = config.allowedEmails.length + config.allowedEmailDomains.length + config.allowedGroups.length > 0;
  const provider = config.providerName;
  const propsSchema = OidcProps.extend({ upstream: z.literal(config.preset) });

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

  const unreachable = (): never => {
    throw new SignInRefused(`${provider} could not be reached to sign you in. Try again in a moment.`);
  };

  const database = config.database;
  // With a database, the context carries it too; the Postgres tools need nothing else.
  const tools = database ? [...identityTools, ...postgresTools] : identityTools;

  return {
    id: config.preset,
    displayName: provider,
    propsSchema,
    instructions: `Tools for a user signed in through ${SIGNED_IN_THROUGH[config.preset]}.${
      database
        ? ' get_schema and query read and change the database as this user: its row-level security decides the rows.'
        : ''
    }`,
    scopeDescriptions: {
      'mcp:read': database
        ? 'See who you are and read the database rows you may see'
        : 'See who you are (your email, name and groups) and read data',
      'mcp:write': database
        ? 'Change database rows on your behalf, where the database allows you'
        : 'Change data on your behalf',
    },
    tools,
    toolsFor: () => tools,
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
      url.searchParams.set('scope', config.scopes);
      url.searchParams.set('state', state);
      url.searchParams.set('nonce', data.nonce ?? '');
      url.searchParams.set('code_challenge', await generateChallenge(data.verifier ?? ''));
      url.searchParams.set('code_challenge_method', 'S256');
      return url.toString();
    },

    async completeSignIn({ code, callbackUrl, data }) {
      const found = await endpoints().catch(unreachable);
      const exchanged = await exchangeCode({
        provider,
        url: found.token,
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
        throw new SignInRefused(`${provider} did not accept the sign-in. Start again from your app.`);
      }
      const claims = await verifyIdToken(tokens.data.id_token, found, config, data.nonce ?? '');
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
        userId: await opaqueUserId(config.preset, `${found.issuer}|${claims.sub}`),
        label: email ?? identity.name ?? `${provider} user`,
        props: { upstream: config.preset, ...identity },
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

    toolContext({ upstream: _upstream, ...identity }, scopes, session) {
      return {
        identity,
        scopes,
        database:
          database &&
          userDatabase({
            config: database,
            claims: databaseClaims(identity, config, database),
            write: scopes.includes('mcp:write'),
            cache: session.cache,
            parser: workerSqlParser,
            signal: session.signal,
          }),
      };
    },
  };
}

/**
 * The identity the database sees as `request.jwt.claims` (auth.uid() reads `sub`, auth.jwt() the
 * rest): only what the provider verified in the ID token, the issuer that vouched for it, and the
 * role the statement runs as, as in a Supabase access token. Never a provider token, and nothing
 * a person could set about themselves.
 */
export function databaseClaims(
  identity: { sub: string; email: string | null; name: string | null; groups: readonly string[] },
  config: Pick<OidcConfig, 'issuer'>,
  database: Pick<DatabaseConfig, 'role'>,
): Record<string, unknown> {
  return {
    iss: config.issuer,
    sub: identity.sub,
    role: database.role,
    ...(identity.email !== null && { email: identity.email }),
    ...(identity.name !== null && { name: identity.name }),
    ...(identity.groups.length > 0 && { groups: identity.groups }),
  };
}

async function discover(config: OidcConfig): Promise<Endpoints> {
  const explicit = config.authorizationUrl && config.tokenUrl && config.jwksUrl;
  const document = explicit
    ? undefined
    : Discovery.parse(
        await fetch(`${config.issuer}/.well-known/openid-configuration`, {
          signal: AbortSignal.timeout(config.timeoutMs),
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
async function verifyIdToken(idToken: string, found: Endpoints, config: OidcConfig, nonce: string) {
  let keys = keySets.get(found.jwks);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(found.jwks));
    keySets.set(found.jwks, keys);
  }
  try {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: found.issuer,
      audience: config.clientId,
      algorithms: found.algorithms,
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
      `${config.providerName} answered with an identity this server could not verify, so the sign-in was stopped. Tell the server’s administrator.`,
    );
  }
}
