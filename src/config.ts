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

/** An origin the OAuth library accepts as a resource: https, or http on a loopback host. */
const canonicalOrigin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) && url.origin === value;
});
const httpUrl = z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol));
const nonEmpty = z.string().min(1);
const binding = (method: string) =>
  z.custom<object>((value) => typeof value === 'object' && value !== null && method in value);

/** Every setting and binding, with what to tell an operator when it is missing or wrong. */
const SETTINGS = {
  PUBLIC_URL: [
    canonicalOrigin,
    'PUBLIC_URL must be the origin clients connect to, without a path or trailing slash (https://…, or http://localhost:PORT in development).',
  ],
  UPSTREAM: [z.enum(UPSTREAM_IDS), `UPSTREAM must be one of: ${UPSTREAM_IDS.join(', ')}.`],
  CONSENT_SECRET: [
    z.string().min(32),
    'CONSENT_SECRET must be a secret of at least 32 characters (openssl rand -base64 32).',
  ],
  ATTIO_CLIENT_ID: [nonEmpty, 'ATTIO_CLIENT_ID is missing (your Attio app → OAuth).'],
  ATTIO_CLIENT_SECRET: [nonEmpty, 'ATTIO_CLIENT_SECRET is missing (your Attio app → OAuth).'],
  ATTIO_AUTHORIZE_URL: [httpUrl, 'ATTIO_AUTHORIZE_URL must be an http(s) URL.'],
  ATTIO_TOKEN_URL: [httpUrl, 'ATTIO_TOKEN_URL must be an http(s) URL.'],
  ATTIO_API_URL: [httpUrl, 'ATTIO_API_URL must be an http(s) URL.'],
  OAUTH_KV: [binding('get'), 'The KV namespace binding OAUTH_KV is missing (wrangler.jsonc "kv_namespaces").'],
  MCP_OBJECT: [
    binding('idFromName'),
    'The Durable Object binding MCP_OBJECT is missing (wrangler.jsonc "durable_objects").',
  ],
} as const;

type Setting = keyof typeof SETTINGS;
const SettingsSchema = z.object(
  Object.fromEntries(Object.entries(SETTINGS).map(([name, [schema]]) => [name, schema])) as {
    [K in Setting]: (typeof SETTINGS)[K][0];
  },
);

export interface Config {
  /** Canonical origin, e.g. `https://mcp.example.com`; the OAuth resource and issuer. */
  publicUrl: string;
  upstream: UpstreamId;
  consentSecret: string;
  attio: { clientId: string; clientSecret: string; authorizeUrl: string; tokenUrl: string; apiUrl: string };
}

export type ConfigReport =
  | { ok: true; config: Config; checks: Record<Setting, boolean> }
  | { ok: false; checks: Record<Setting, boolean>; problems: string[] };

/** Reads and checks every setting; reports each as valid or not, never its value. */
export function readConfig(env: unknown): ConfigReport {
  const parsed = SettingsSchema.safeParse(typeof env === 'object' && env !== null ? env : {});
  const failed = new Set(parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0])));
  const names = Object.keys(SETTINGS) as Setting[];
  const checks = Object.fromEntries(names.map((name) => [name, !failed.has(name)])) as Record<Setting, boolean>;
  if (!parsed.success)
    return { ok: false, checks, problems: names.filter((n) => failed.has(n)).map((n) => SETTINGS[n][1]) };
  const s = parsed.data;
  return {
    ok: true,
    checks,
    config: {
      publicUrl: s.PUBLIC_URL,
      upstream: s.UPSTREAM,
      consentSecret: s.CONSENT_SECRET,
      attio: {
        clientId: s.ATTIO_CLIENT_ID,
        clientSecret: s.ATTIO_CLIENT_SECRET,
        authorizeUrl: s.ATTIO_AUTHORIZE_URL,
        tokenUrl: s.ATTIO_TOKEN_URL,
        apiUrl: s.ATTIO_API_URL,
      },
    },
  };
}
