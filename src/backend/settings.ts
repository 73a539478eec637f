import { z } from 'zod';
import { binding, checkSettings, httpUrl, optional, type Settings, wholeNumber, withDefault } from '../settings';
import { ToolPolicy, ToolPolicyJson } from './policy';

/**
 * A backend MCP server as the deployment's tool source (`BACKEND`), instead of the upstream's own
 * tool pack: where it runs, the credential the Worker shows it, and who may use which of its tools.
 * - `url`: any streamable-HTTP MCP server the Worker can reach (`BACKEND_URL`);
 * - `service`: another Worker, through the service binding `BACKEND_SERVICE`;
 * - `container`: a stdio MCP server behind the bridge in a Cloudflare Container (`BACKEND_CONTAINER`).
 */
export const BACKEND_KINDS = ['url', 'service', 'container'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

const policyJson = z.string().transform((value, ctx) => {
  try {
    const parsed = ToolPolicyJson.safeParse(JSON.parse(value));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid' });
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
  }
  return z.NEVER;
});

const COMMON = {
  BACKEND_TOKEN: [
    optional(z.string().min(16)),
    'BACKEND_TOKEN must be at least 16 characters (the bearer token the backend checks; openssl rand -base64 32).',
  ],
  BACKEND_POLICY: [
    optional(policyJson),
    'BACKEND_POLICY must be JSON like {"tools": {"delete_*": {"allow": ["group:admins"]}}}: each tool pattern takes "allow" (a list of "*", "email:…", "domain:…", "group:…", "login:…", "org:…") and an optional "scope" ("mcp:read" or "mcp:write"). See docs/backend.md.',
  ],
  BACKEND_TIMEOUT_MS: [
    withDefault(wholeNumber, '60000'),
    'BACKEND_TIMEOUT_MS must be a whole number of milliseconds (default 60000): the longest a backend request may go without an answer or progress.',
  ],
} as const satisfies Settings;

const BACKEND_PATH = [
  withDefault(z.string().startsWith('/'), '/mcp'),
  'BACKEND_PATH must start with "/" (default /mcp): the MCP endpoint on the service or container.',
] as const;

/** The settings each kind needs besides the common ones. */
const BY_KIND = {
  url: {
    BACKEND_URL: [httpUrl, 'BACKEND_URL must be the backend MCP endpoint, e.g. https://mcp.internal.example.com/mcp.'],
  },
  service: {
    BACKEND_SERVICE: [
      binding('fetch'),
      'The service binding BACKEND_SERVICE is missing (wrangler.jsonc "services"; see docs/backend.md).',
    ],
    BACKEND_PATH: BACKEND_PATH,
  },
  container: {
    BACKEND_CONTAINER: [
      binding('idFromName'),
      'The Durable Object binding BACKEND_CONTAINER is missing (wrangler.jsonc "containers" and "durable_objects"; see docs/backend.md).',
    ],
    BACKEND_CONTAINER_PER: [
      withDefault(z.enum(['deployment', 'user']), 'deployment'),
      'BACKEND_CONTAINER_PER must be "deployment" (one container for everyone, the default) or "user" (one per person).',
    ],
    BACKEND_PATH: BACKEND_PATH,
  },
} as const satisfies Record<BackendKind, Settings>;

export interface BackendConfig {
  kind: BackendKind;
  /** The MCP endpoint: `BACKEND_URL`, or a path on the service or container. */
  url: string;
  /** Sent as `Authorization: Bearer` to the backend: the Worker's credential, never a client's. */
  token: string | undefined;
  policy: ToolPolicy;
  timeoutMs: number;
  /** Containers: one for the deployment, or one per user (named by the user's id). */
  containerPer: 'deployment' | 'user';
}

/** Reads `BACKEND` and the settings its kind needs; reports each as valid or not, never its value. */
export function checkBackend(vars: Record<string, unknown>): {
  checks: Record<string, boolean>;
  problems: string[];
  config: BackendConfig | undefined;
} {
  const kind = optional(z.enum(BACKEND_KINDS)).safeParse(vars.BACKEND);
  if (!kind.success) {
    return {
      checks: { BACKEND: false },
      problems: [`BACKEND must be one of: ${BACKEND_KINDS.join(', ')} (or unset for the upstream's own tools).`],
      config: undefined,
    };
  }
  if (kind.data === undefined) return { checks: {}, problems: [], config: undefined };
  const common = checkSettings(COMMON, vars);
  const own = checkSettings(BY_KIND[kind.data] as Settings, vars);
  const problems = [...common.problems, ...own.problems];
  const checks = { BACKEND: true, ...common.checks, ...own.checks };
  if (problems.length > 0) return { checks, problems, config: undefined };
  const values = own.values as Record<string, string | undefined>;
  return {
    checks,
    problems,
    config: {
      kind: kind.data,
      // Service bindings and containers ignore the host; the path is what the backend routes on.
      url: values.BACKEND_URL ?? `https://backend.internal${values.BACKEND_PATH ?? '/mcp'}`,
      token: common.values.BACKEND_TOKEN,
      policy: new ToolPolicy(common.values.BACKEND_POLICY),
      timeoutMs: Number(common.values.BACKEND_TIMEOUT_MS),
      containerPer: values.BACKEND_CONTAINER_PER === 'user' ? 'user' : 'deployment',
    },
  };
}
