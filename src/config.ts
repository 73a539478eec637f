import { z } from 'zod';

/**
 * The deployment's configuration, read from the Worker's env.
 *
 * Nothing here may throw: a missing secret or binding must leave the Worker running so
 * `/health` can say what is missing and the OAuth pages can say the server is not configured
 * (a Worker that throws at start-up only shows Cloudflare's opaque "error 1042").
 */

export const UPSTREAM_IDS = ['attio', 'github', 'access'] as const;
export type UpstreamId = (typeof UPSTREAM_IDS)[number];

/** An origin the OAuth library accepts as a resource: https, or http on a loopback host. */
const canonicalOrigin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) && url.origin === value;
});
const httpUrl = z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol));
const nonEmpty = z.string().min(1);
const wholeNumber = z.string().regex(/^\d+$/);
const binding = (method: string) =>
  z.custom<object>((value) => typeof value === 'object' && value !== null && method in value);
/** An unset or empty variable takes the default (or stays unset). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const withDefault = (schema: z.ZodType<string>, value: string) =>
  z.preprocess((given) => (given === '' || given === undefined ? value : given), schema);
/** "a, b,c" → ["a", "b", "c"], lower-cased: logins, orgs, emails, domains and groups compare case-insensitively. */
const list = optional(
  z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean),
  ),
);

type Settings = Record<string, readonly [z.ZodType, string]>;

/** Settings every deployment needs, with what to tell an operator when one is missing or wrong. */
const COMMON = {
  PUBLIC_URL: [
    canonicalOrigin,
    'PUBLIC_URL must be the origin clients connect to, without a path or trailing slash (https://…, or http://localhost:PORT in development).',
  ],
  UPSTREAM: [z.enum(UPSTREAM_IDS), `UPSTREAM must be one of: ${UPSTREAM_IDS.join(', ')}.`],
  CONSENT_SECRET: [
    z.string().min(32),
    'CONSENT_SECRET must be a secret of at least 32 characters (openssl rand -base64 32).',
  ],
  OAUTH_KV: [binding('get'), 'The KV namespace binding OAUTH_KV is missing (wrangler.jsonc "kv_namespaces").'],
  MCP_HTTP_SESSION: [
    binding('newUniqueId'),
    'The Durable Object binding MCP_HTTP_SESSION is missing (wrangler.jsonc "durable_objects").',
  ],
  MCP_OBJECT: [
    binding('idFromName'),
    'The Durable Object binding MCP_OBJECT is missing (wrangler.jsonc "durable_objects").',
  ],
  ALLOWED_ORIGINS: [
    optional(
      z.string().transform((value, ctx) => {
        const origins = value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean);
        for (const origin of origins) {
          if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
            ctx.addIssue({ code: 'custom', message: 'not an origin' });
          }
        }
        return origins;
      }),
    ),
    'ALLOWED_ORIGINS must be a comma-separated list of origins such as http://localhost:6274 (no path, no trailing slash).',
  ],
  UPSTREAM_TIMEOUT_MS: [
    withDefault(wholeNumber, '10000'),
    'UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds (default 10000).',
  ],
  TOKEN_CACHE_SECONDS: [
    withDefault(
      wholeNumber.refine((value) => Number(value) <= 60),
      '10',
    ),
    'TOKEN_CACHE_SECONDS must be a whole number of seconds from 0 (off) to 60 (default 10).',
  ],
  RATE_LIMITS: [
    optional(z.enum(['on', 'off'])),
    'RATE_LIMITS must be "on" (the default) or "off" (load benchmarks and test deployments only).',
  ],
  /** Test-only: adds the fixture tools, resources and prompts the MCP conformance suite calls. */
  CONFORMANCE_FIXTURES: [
    optional(z.enum(['true', 'false'])),
    'CONFORMANCE_FIXTURES must be "true" or "false" (test deployments only).',
  ],
} as const satisfies Settings;

/** Settings of each upstream, checked only when it is the one chosen. */
const PER_UPSTREAM = {
  attio: {
    ATTIO_CLIENT_ID: [nonEmpty, 'ATTIO_CLIENT_ID is missing (your Attio app → OAuth).'],
    ATTIO_CLIENT_SECRET: [nonEmpty, 'ATTIO_CLIENT_SECRET is missing (your Attio app → OAuth).'],
    ATTIO_AUTHORIZE_URL: [httpUrl, 'ATTIO_AUTHORIZE_URL must be an http(s) URL.'],
    ATTIO_TOKEN_URL: [httpUrl, 'ATTIO_TOKEN_URL must be an http(s) URL.'],
    ATTIO_API_URL: [httpUrl, 'ATTIO_API_URL must be an http(s) URL.'],
  },
  github: {
    GITHUB_CLIENT_ID: [nonEmpty, 'GITHUB_CLIENT_ID is missing (your GitHub OAuth app → Client ID).'],
    GITHUB_CLIENT_SECRET: [
      nonEmpty,
      'GITHUB_CLIENT_SECRET is missing (your GitHub OAuth app → Generate a new client secret).',
    ],
    GITHUB_AUTHORIZE_URL: [
      withDefault(httpUrl, 'https://github.com/login/oauth/authorize'),
      'GITHUB_AUTHORIZE_URL must be an http(s) URL.',
    ],
    GITHUB_TOKEN_URL: [
      withDefault(httpUrl, 'https://github.com/login/oauth/access_token'),
      'GITHUB_TOKEN_URL must be an http(s) URL.',
    ],
    GITHUB_API_URL: [withDefault(httpUrl, 'https://api.github.com'), 'GITHUB_API_URL must be an http(s) URL.'],
    GITHUB_SCOPES: [
      withDefault(z.string().regex(/^[\w:,\s-]+$/), 'read:user user:email read:org repo'),
      'GITHUB_SCOPES must be GitHub scope names separated by spaces.',
    ],
    ALLOWED_GITHUB_LOGINS: [list, 'ALLOWED_GITHUB_LOGINS must be a comma-separated list of GitHub logins.'],
    ALLOWED_GITHUB_ORGS: [list, 'ALLOWED_GITHUB_ORGS must be a comma-separated list of GitHub organisations.'],
    PRIVILEGED_GITHUB_LOGINS: [list, 'PRIVILEGED_GITHUB_LOGINS must be a comma-separated list of GitHub logins.'],
  },
  access: {
    ACCESS_CLIENT_ID: [nonEmpty, 'ACCESS_CLIENT_ID is missing (Access → your SaaS application → Client ID).'],
    ACCESS_CLIENT_SECRET: [
      nonEmpty,
      'ACCESS_CLIENT_SECRET is missing (Access → your SaaS application → Client secret).',
    ],
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
  },
} as const satisfies Record<UpstreamId, Settings>;

type Parsed<S extends Settings> = { [K in keyof S]: z.output<S[K][0]> };

export interface AttioConfig {
  /** Longest wait for one upstream request before it counts as failed (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
}

export interface GitHubConfig {
  /** Longest wait for one upstream request before it counts as failed (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
  scopes: string;
  /** Empty: no restriction. Lower case. */
  allowedLogins: string[];
  allowedOrgs: string[];
  /** Logins that see the tools reserved for them. Lower case. */
  privilegedLogins: string[];
}

export interface AccessConfig {
  /** Longest wait for one upstream request before it counts as failed (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  clientId: string;
  clientSecret: string;
  issuer: string;
  /** Explicit endpoints; any left unset come from the issuer's discovery document. */
  authorizationUrl?: string;
  tokenUrl?: string;
  jwksUrl?: string;
  allowedEmails: string[];
  allowedEmailDomains: string[];
  allowedGroups: string[];
}

export type UpstreamConfig =
  | ({ id: 'attio' } & AttioConfig)
  | ({ id: 'github' } & GitHubConfig)
  | ({ id: 'access' } & AccessConfig);

export interface Config {
  /** Canonical origin, e.g. `https://mcp.example.com`; the OAuth resource and issuer. */
  publicUrl: string;
  upstream: UpstreamConfig;
  consentSecret: string;
  /** Browser origins (besides publicUrl) allowed to call /mcp, /sse and the OAuth APIs from a page. */
  allowedOrigins: string[];
  /** How long a Worker instance keeps an access token's KV record (TOKEN_CACHE_SECONDS; 0: not at all). */
  tokenCacheMs: number;
  /** Whether the rate-limiting bindings are enforced (RATE_LIMITS, default on). */
  rateLimits: boolean;
  /** Test-only fixture pack for the MCP conformance suite (CONFORMANCE_FIXTURES=true). */
  conformanceFixtures: boolean;
}

export type ConfigReport =
  | { ok: true; config: Config; checks: Record<string, boolean> }
  | { ok: false; checks: Record<string, boolean>; problems: string[] };

function check<S extends Settings>(settings: S, env: Record<string, unknown>) {
  const checks: Record<string, boolean> = {};
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, [schema, problem]] of Object.entries(settings)) {
    const parsed = schema.safeParse(env[name]);
    checks[name] = parsed.success;
    if (parsed.success) values[name] = parsed.data;
    else problems.push(problem);
  }
  return { checks, problems, values: values as Parsed<S> };
}

/**
 * Reads and checks every setting the chosen upstream needs; reports each as valid or not,
 * never its value.
 */
export function readConfig(env: unknown): ConfigReport {
  const vars = (typeof env === 'object' && env !== null ? env : {}) as Record<string, unknown>;
  const common = check(COMMON, vars);
  const id = common.checks.UPSTREAM ? common.values.UPSTREAM : undefined;
  const own = id ? check(PER_UPSTREAM[id], vars) : { checks: {}, problems: [], values: {} };
  const checks = { ...common.checks, ...own.checks };
  const problems = [...common.problems, ...own.problems];
  if (!id || problems.length > 0) return { ok: false, checks, problems };
  return {
    ok: true,
    checks,
    config: {
      publicUrl: common.values.PUBLIC_URL,
      consentSecret: common.values.CONSENT_SECRET,
      upstream: upstreamConfig(id, own.values, Number(common.values.UPSTREAM_TIMEOUT_MS)),
      allowedOrigins: common.values.ALLOWED_ORIGINS ?? [],
      tokenCacheMs: Number(common.values.TOKEN_CACHE_SECONDS) * 1000,
      rateLimits: common.values.RATE_LIMITS !== 'off',
      conformanceFixtures: common.values.CONFORMANCE_FIXTURES === 'true',
    },
  };
}

function upstreamConfig(id: UpstreamId, values: Record<string, unknown>, timeoutMs: number): UpstreamConfig {
  switch (id) {
    case 'attio': {
      const v = values as Parsed<typeof PER_UPSTREAM.attio>;
      return {
        id,
        timeoutMs,
        clientId: v.ATTIO_CLIENT_ID,
        clientSecret: v.ATTIO_CLIENT_SECRET,
        authorizeUrl: v.ATTIO_AUTHORIZE_URL,
        tokenUrl: v.ATTIO_TOKEN_URL,
        apiUrl: v.ATTIO_API_URL,
      };
    }
    case 'github': {
      const v = values as Parsed<typeof PER_UPSTREAM.github>;
      return {
        id,
        timeoutMs,
        clientId: v.GITHUB_CLIENT_ID,
        clientSecret: v.GITHUB_CLIENT_SECRET,
        authorizeUrl: v.GITHUB_AUTHORIZE_URL,
        tokenUrl: v.GITHUB_TOKEN_URL,
        apiUrl: v.GITHUB_API_URL,
        scopes: v.GITHUB_SCOPES,
        allowedLogins: v.ALLOWED_GITHUB_LOGINS ?? [],
        allowedOrgs: v.ALLOWED_GITHUB_ORGS ?? [],
        privilegedLogins: v.PRIVILEGED_GITHUB_LOGINS ?? [],
      };
    }
    case 'access': {
      const v = values as Parsed<typeof PER_UPSTREAM.access>;
      return {
        id,
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
  }
}
