import { z } from 'zod';

/**
 * The deployment's configuration, read from the Worker's env on each request.
 *
 * Nothing here may throw: a missing secret or binding must leave the Worker running so
 * `/health` can say what is missing and the OAuth pages can say the server is not configured
 * (a Worker that throws at start-up only shows Cloudflare's opaque "error 1042").
 */

export const UPSTREAM_IDS = ['attio'] as const;
export type UpstreamId = (typeof UPSTREAM_IDS)[number];

export interface Config {
  /** Canonical origin, e.g. `https://mcp.example.com`; the OAuth resource and issuer. */
  publicUrl: string;
  upstream: UpstreamId;
  consentSecret: string;
  attio: {
    clientId: string;
    clientSecret: string;
    authorizeUrl: string;
    tokenUrl: string;
    apiUrl: string;
  };
}

export type ConfigReport =
  | { ok: true; config: Config; checks: Record<string, boolean> }
  | { ok: false; checks: Record<string, boolean>; problems: string[] };

/** An origin the OAuth library accepts as a resource: https, or http on a loopback host. */
const canonicalOrigin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
    return schemeOk && url.origin === value && !value.endsWith('/');
  } catch {
    return false;
  }
});

const httpUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
});

const nonEmpty = z.string().min(1);

type Check = { setting: string; schema: z.ZodType<string>; problem: string };

/** One entry per setting; `/health` reports each as a boolean, never its value. */
const CHECKS: Check[] = [
  {
    setting: 'PUBLIC_URL',
    schema: canonicalOrigin,
    problem:
      'PUBLIC_URL must be the origin clients connect to, without a path or trailing slash (https://…, or http://localhost:PORT in development).',
  },
  {
    setting: 'UPSTREAM',
    schema: z.enum(UPSTREAM_IDS),
    problem: `UPSTREAM must be one of: ${UPSTREAM_IDS.join(', ')}.`,
  },
  {
    setting: 'CONSENT_SECRET',
    schema: z.string().min(32),
    problem: 'CONSENT_SECRET must be a secret of at least 32 characters (openssl rand -base64 32).',
  },
  { setting: 'ATTIO_CLIENT_ID', schema: nonEmpty, problem: 'ATTIO_CLIENT_ID is missing (your Attio app → OAuth).' },
  {
    setting: 'ATTIO_CLIENT_SECRET',
    schema: nonEmpty,
    problem: 'ATTIO_CLIENT_SECRET is missing (your Attio app → OAuth).',
  },
  { setting: 'ATTIO_AUTHORIZE_URL', schema: httpUrl, problem: 'ATTIO_AUTHORIZE_URL must be an http(s) URL.' },
  { setting: 'ATTIO_TOKEN_URL', schema: httpUrl, problem: 'ATTIO_TOKEN_URL must be an http(s) URL.' },
  { setting: 'ATTIO_API_URL', schema: httpUrl, problem: 'ATTIO_API_URL must be an http(s) URL.' },
];

/** Reads and checks every setting; reports each as present-and-valid or not. */
export function readConfig(env: unknown): ConfigReport {
  const source = (typeof env === 'object' && env !== null ? env : {}) as Record<string, unknown>;
  const checks: Record<string, boolean> = {};
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const { setting, schema, problem } of CHECKS) {
    const parsed = schema.safeParse(source[setting]);
    checks[setting] = parsed.success;
    if (parsed.success) values[setting] = parsed.data;
    else problems.push(problem);
  }
  const kv = source.OAUTH_KV;
  checks.OAUTH_KV = typeof kv === 'object' && kv !== null && 'get' in kv;
  if (!checks.OAUTH_KV) problems.push('The KV namespace binding OAUTH_KV is missing (wrangler.jsonc "kv_namespaces").');
  const sessions = source.MCP_OBJECT;
  checks.MCP_OBJECT = typeof sessions === 'object' && sessions !== null && 'idFromName' in sessions;
  if (!checks.MCP_OBJECT)
    problems.push('The Durable Object binding MCP_OBJECT is missing (wrangler.jsonc "durable_objects").');

  if (problems.length > 0) return { ok: false, checks, problems };
  const get = (setting: string) => values[setting] ?? '';
  return {
    ok: true,
    checks,
    config: {
      publicUrl: get('PUBLIC_URL'),
      upstream: get('UPSTREAM') as UpstreamId,
      consentSecret: get('CONSENT_SECRET'),
      attio: {
        clientId: get('ATTIO_CLIENT_ID'),
        clientSecret: get('ATTIO_CLIENT_SECRET'),
        authorizeUrl: get('ATTIO_AUTHORIZE_URL'),
        tokenUrl: get('ATTIO_TOKEN_URL'),
        apiUrl: get('ATTIO_API_URL').replace(/\/+$/, ''),
      },
    },
  };
}
