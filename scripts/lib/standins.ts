import { join } from 'node:path';
import { SUPABASE_CLIENT_ID, SUPABASE_CLIENT_SECRET } from '../../test/standins/access/supabase.ts';
import { type Started, startProcess, waitForUrl } from './processes.ts';

const root = join(import.meta.dirname, '..', '..');

/** Each upstream's stand-in: where it runs, and the Worker settings that point at it. */
export const STANDINS = {
  attio: {
    script: 'test/standins/attio/server.ts',
    portVariable: 'ATTIO_STANDIN_PORT',
    port: 8789,
    ready: '/_standin/health',
    vars: (base: string) => ({
      ATTIO_AUTHORIZE_URL: `${base}/authorize`,
      ATTIO_TOKEN_URL: `${base}/oauth/token`,
      ATTIO_API_URL: base,
    }),
    signIn: 'sign in with any email, e.g. demo@example.com',
  },
  github: {
    script: 'test/standins/github/server.ts',
    portVariable: 'GITHUB_STANDIN_PORT',
    port: 8790,
    ready: '/_standin/health',
    vars: (base: string) => ({
      GITHUB_CLIENT_ID: 'dev-github-client',
      GITHUB_CLIENT_SECRET: 'dev-github-secret',
      GITHUB_AUTHORIZE_URL: `${base}/login/oauth/authorize`,
      GITHUB_TOKEN_URL: `${base}/login/oauth/access_token`,
      GITHUB_API_URL: base,
    }),
    signIn: 'sign in with a login, e.g. octocat',
  },
  access: {
    script: 'test/standins/access/server.ts',
    portVariable: 'ACCESS_STANDIN_PORT',
    port: 8791,
    ready: '/_standin/health',
    vars: (base: string) => ({
      ACCESS_CLIENT_ID: 'dev-access-client',
      ACCESS_CLIENT_SECRET: 'dev-access-secret',
      ACCESS_ISSUER: `${base}/cdn-cgi/access/sso/oidc/dev-access-client`,
    }),
    signIn: 'sign in with an email, e.g. alice@example.com',
  },
  supabase: {
    script: 'test/standins/access/supabase.ts',
    portVariable: 'SUPABASE_STANDIN_PORT',
    port: 8794,
    ready: '/_standin/health',
    vars: (base: string) => ({
      SUPABASE_URL: base,
      SUPABASE_CLIENT_ID: SUPABASE_CLIENT_ID,
      SUPABASE_CLIENT_SECRET: SUPABASE_CLIENT_SECRET,
    }),
    signIn: 'sign in as alice@example.com or bob@example.com (each sees their own deals)',
    /** Its tools query a database: the Postgres stand-in runs beside it (startPostgresProcess). */
    database: true,
  },
} as const;

export type StandinName = keyof typeof STANDINS;

/** A stand-in's `server.ts` running as a Node process of its own, as `npm run dev` runs it. */
export interface StandinProcess extends Started {
  url: string;
  /** Resolves once its health check answers. */
  ready(timeoutMs?: number): Promise<void>;
}

export function startStandinProcess(
  name: StandinName,
  port: number,
  options: { env?: Record<string, string>; quiet?: boolean } = {},
): StandinProcess {
  const standin = STANDINS[name];
  const url = `http://127.0.0.1:${port}`;
  const started = startProcess(process.execPath, [join(root, standin.script)], {
    label: `${name}-standin`,
    env: { [standin.portVariable]: String(port), ...options.env },
    quiet: options.quiet,
  });
  return { ...started, url, ready: (timeoutMs = 30_000) => waitForUrl(`${url}${standin.ready}`, { timeoutMs }) };
}

/** The Postgres stand-in (test/standins/postgres) as a process of its own: a real Postgres 18 with the CRM loaded. */
export interface PostgresProcess extends Started {
  /** Resolves, once the schema and seed are loaded, with the connection string the Worker uses. */
  ready(timeoutMs?: number): Promise<{ appUrl: string }>;
  /** The Postgres server's own process id (the postmaster), once ready: its CPU is the database's. */
  postmasterPid(): number | undefined;
}

export const POSTGRES_STANDIN = { script: 'test/standins/postgres/server.ts', port: 54329, healthPort: 8793 } as const;

export function startPostgresProcess(
  ports: { port?: number; healthPort?: number } = {},
  options: { quiet?: boolean } = {},
): PostgresProcess {
  const port = ports.port ?? Number(process.env.POSTGRES_STANDIN_PORT ?? POSTGRES_STANDIN.port);
  const healthPort =
    ports.healthPort ?? Number(process.env.POSTGRES_STANDIN_HEALTH_PORT ?? POSTGRES_STANDIN.healthPort);
  const started = startProcess(process.execPath, [join(root, POSTGRES_STANDIN.script)], {
    label: 'postgres',
    env: { POSTGRES_STANDIN_PORT: String(port), POSTGRES_STANDIN_HEALTH_PORT: String(healthPort) },
    quiet: options.quiet,
  });
  const health = `http://127.0.0.1:${healthPort}/_standin/health`;
  let postmaster: number | undefined;
  return {
    ...started,
    async ready(timeoutMs = 60_000) {
      await waitForUrl(health, { timeoutMs, requireOk: true });
      const body = (await (await fetch(health)).json()) as { appUrl?: unknown; pid?: unknown };
      if (typeof body.appUrl !== 'string') throw new Error('The Postgres stand-in did not say its connection string.');
      if (typeof body.pid === 'number') postmaster = body.pid;
      return { appUrl: body.appUrl };
    },
    postmasterPid: () => postmaster,
  };
}
