import { z } from 'zod';
import { binding, optional, type Parsed, type Settings, wholeNumberIn, withDefault } from '../../settings';

/**
 * The database the Postgres pack queries, for the OpenID Connect upstreams (`access`, `oidc`,
 * `supabase`; required for `supabase`). Production connects through a Hyperdrive binding, which
 * pools connections near the database; development and tests give a connection string, which the
 * Worker opens directly over TCP (workerd's sockets, `nodejs_compat`).
 */
export const databaseSettings = {
  HYPERDRIVE: [
    optional(binding('connectionString')),
    'HYPERDRIVE must be a Hyperdrive binding (wrangler.jsonc "hyperdrive", with caching disabled; see docs/postgres.md).',
  ],
  DATABASE_URL: [
    optional(z.string().regex(/^postgres(ql)?:\/\/\S+$/)),
    'DATABASE_URL must be a postgres:// or postgresql:// connection string (development and tests; production uses the HYPERDRIVE binding).',
  ],
  DATABASE_ROLE: [
    withDefault(z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/), 'authenticated'),
    'DATABASE_ROLE must be the name of the role queries run as (default authenticated, as on Supabase).',
  ],
  DATABASE_STATEMENT_TIMEOUT_MS: [
    withDefault(wholeNumberIn(100, 120_000), '5000'),
    'DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000 (default 5000).',
  ],
  DATABASE_ROW_CAP: [
    withDefault(wholeNumberIn(1, 10_000), '100'),
    'DATABASE_ROW_CAP must be a whole number of rows from 1 to 10000 (default 100).',
  ],
} as const satisfies Settings;

export interface DatabaseConfig {
  /** Hyperdrive's connection string (production) or DATABASE_URL. */
  connectionString: string;
  via: 'hyperdrive' | 'url';
  /** The role every statement runs as (`SET LOCAL ROLE`). */
  role: string;
  statementTimeoutMs: number;
  rowCap: number;
  /** Longest wait for a connection (UPSTREAM_TIMEOUT_MS). */
  connectTimeoutMs: number;
}

/** The database from its checked settings, or undefined when none is configured. */
export function databaseConfig(
  v: Parsed<typeof databaseSettings>,
  connectTimeoutMs: number,
): DatabaseConfig | undefined {
  // A Hyperdrive binding wins: a DATABASE_URL left in .dev.vars must not bypass the pool in production.
  const hyperdrive = v.HYPERDRIVE as { connectionString?: unknown } | undefined;
  const connectionString =
    typeof hyperdrive?.connectionString === 'string' ? hyperdrive.connectionString : v.DATABASE_URL;
  if (connectionString === undefined) return undefined;
  return {
    connectionString,
    via: hyperdrive ? 'hyperdrive' : 'url',
    role: v.DATABASE_ROLE,
    statementTimeoutMs: Number(v.DATABASE_STATEMENT_TIMEOUT_MS),
    rowCap: Number(v.DATABASE_ROW_CAP),
    connectTimeoutMs,
  };
}

/** For an upstream that cannot work without its database (Supabase): the check /health shows as DATABASE. */
export function databaseRequired(v: Parsed<typeof databaseSettings>): {
  checks: Record<string, boolean>;
  problems: string[];
} {
  const present = v.HYPERDRIVE !== undefined || v.DATABASE_URL !== undefined;
  return {
    checks: { DATABASE: present },
    problems: present
      ? []
      : [
          'The database is missing: add the Hyperdrive binding HYPERDRIVE (production; see docs/postgres.md) or set DATABASE_URL (development).',
        ],
  };
}
