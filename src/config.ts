import { z } from 'zod';
import { type BackendConfig, checkBackend } from './backend/settings';
import {
  binding,
  canonicalOrigin,
  checkSettings,
  optional,
  type Settings,
  wholeNumber,
  wholeNumberIn,
  withDefault,
} from './settings';
import { UPSTREAM_IDS, UPSTREAMS, type UpstreamConfig, type UpstreamId } from './upstreams';

/**
 * The deployment's configuration, read from the Worker's env.
 *
 * Nothing here may throw: a missing secret or binding must leave the Worker running so
 * `/health` can say what is missing and the OAuth pages can say the server is not configured
 * (a Worker that throws at start-up only shows Cloudflare's opaque "error 1042").
 */

/** Settings every deployment needs, with what to tell an operator when one is missing or wrong. */
const COMMON = {
  PUBLIC_URL: [
    canonicalOrigin,
    'PUBLIC_URL must be the origin clients connect to, without a path or trailing slash (https://…, or http://localhost:PORT in development).',
  ],
  UPSTREAM: [
    z.enum(UPSTREAM_IDS as [UpstreamId, ...UpstreamId[]]),
    `UPSTREAM must be one of: ${UPSTREAM_IDS.join(', ')}.`,
  ],
  CONSENT_SECRET: [
    z.string().min(32),
    'CONSENT_SECRET must be a secret of at least 32 characters (openssl rand -base64 32).',
  ],
  OAUTH_KV: [binding('get'), 'The KV namespace binding OAUTH_KV is missing (wrangler.jsonc "kv_namespaces").'],
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
    withDefault(wholeNumberIn(0, 60), '10'),
    'TOKEN_CACHE_SECONDS must be a whole number of seconds from 0 (off) to 60 (default 10).',
  ],
  RATE_LIMITS: [
    optional(z.enum(['on', 'off'])),
    'RATE_LIMITS must be "on" (the default) or "off" (load benchmarks and test deployments only).',
  ],
} as const satisfies Settings;

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
  /** A backend MCP server that supplies the tools instead of the upstream's pack (BACKEND; see backend/settings.ts). */
  backend: BackendConfig | undefined;
}

export type ConfigReport =
  | { ok: true; config: Config; checks: Record<string, boolean> }
  | { ok: false; checks: Record<string, boolean>; problems: string[] };

/**
 * Reads and checks every setting the chosen upstream needs; reports each as valid or not,
 * never its value.
 */
export function readConfig(env: unknown): ConfigReport {
  const vars = (typeof env === 'object' && env !== null ? env : {}) as Record<string, unknown>;
  const common = checkSettings(COMMON, vars);
  const id = common.checks.UPSTREAM ? common.values.UPSTREAM : undefined;
  const module = id
    ? (UPSTREAMS[id] as {
        settings: Settings;
        verify?(values: unknown): { checks: Record<string, boolean>; problems: string[] };
        config(values: unknown, timeoutMs: number): unknown;
      })
    : undefined;
  const own = module ? checkSettings(module.settings, vars) : { checks: {}, problems: [], values: {} };
  // Checks across settings see only the values that passed their own check.
  const across = module?.verify ? module.verify(own.values) : { checks: {}, problems: [] };
  const backend = checkBackend(vars);
  const checks = { ...common.checks, ...own.checks, ...across.checks, ...backend.checks };
  const problems = [...common.problems, ...own.problems, ...across.problems, ...backend.problems];
  if (!id || !module || problems.length > 0) return { ok: false, checks, problems };
  return {
    ok: true,
    checks,
    config: {
      publicUrl: common.values.PUBLIC_URL,
      consentSecret: common.values.CONSENT_SECRET,
      upstream: {
        id,
        ...(module.config(own.values, Number(common.values.UPSTREAM_TIMEOUT_MS)) as object),
      } as UpstreamConfig,
      allowedOrigins: common.values.ALLOWED_ORIGINS ?? [],
      tokenCacheMs: Number(common.values.TOKEN_CACHE_SECONDS) * 1000,
      rateLimits: common.values.RATE_LIMITS !== 'off',
      backend: backend.config,
    },
  };
}
