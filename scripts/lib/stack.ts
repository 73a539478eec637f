import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccessStandin, startAccessStandin } from '../../test/standins/access/server.ts';
import { startSupabaseAuthStandin } from '../../test/standins/access/supabase.ts';
import { type RunningStandin, startAttioStandin } from '../../test/standins/attio/server.ts';
import { type RunningStandin as RunningGitHubStandin, startGitHubStandin } from '../../test/standins/github/server.ts';
import { type RunningPostgres, startPostgres } from '../../test/standins/postgres/server.ts';
import { startProcess, waitForUrl } from './processes.ts';
import { STANDINS, startStandinProcess } from './standins.ts';

export interface Stack {
  /** The Worker's public origin, `http://localhost:PORT`. */
  origin: string;
  standinUrl: string;
  /** The in-process Attio stand-in: its state (store, `auth.issueToken`, `reset()`) and faults. */
  standin: RunningStandin;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts the product as `npm run dev` does, on free ports and with throwaway state: the Attio
 * stand-in and the real `wrangler dev`, configured through `--var` like a deployment's vars.
 */
export interface StackOptions {
  /** Progress messages while starting (wrangler takes a while). */
  onProgress?: (message: string) => void;
  /** Aborting while starting stops what was started and rejects (Ctrl-C during the startup). */
  signal?: AbortSignal;
  /** Environment for the wrangler process itself (not the Worker's vars). */
  wranglerEnv?: Record<string, string>;
  /** `false`: start the dev server through wrangler's API without its DevTools inspector (see wrangler-dev.ts). */
  inspector?: false;
}

export async function startStack(options: WranglerDevOptions & { vars?: Record<string, string> } = {}): Promise<Stack> {
  const progress = options.onProgress ?? (() => {});
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const standin = await startAttioStandin({ port: 0, redirectUris: [`${origin}/callback`] });
  progress(`Attio stand-in on ${standin.url}`);
  const worker = await startWorker(port, attioVars(standin.url, options.vars), options, () => standin.close());
  return { origin, standinUrl: standin.url, standin, stop: worker.stop };
}

/**
 * The product as `npm run dev` runs it, for the benchmark: the Attio stand-in in a Node process
 * of its own (`pid`, so its CPU time can be read apart from the load generator's), without its
 * line per request, and the real `wrangler dev` pointed at it.
 */
export async function startStackWithStandinProcess(
  options: StackOptions & { vars?: Record<string, string> } = {},
): Promise<{ origin: string; standinUrl: string; standinPid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const standin = startStandinProcess('attio', await freePort(), {
    env: { ATTIO_STANDIN_REDIRECT_URIS: `${origin}/callback`, ATTIO_STANDIN_LOG: 'off' },
    quiet: true,
  });
  try {
    await standin.ready();
  } catch (error) {
    await standin.stop();
    const said = standin.recentOutput();
    throw new Error(`${error instanceof Error ? error.message : error}\nthe stand-in said:\n${said}`);
  }
  options.onProgress?.(`Attio stand-in (own process) on ${standin.url}`);
  const worker = await startWorker(port, attioVars(standin.url, options.vars), options, () => standin.stop());
  return { origin, standinUrl: standin.url, standinPid: standin.child.pid, stop: worker.stop };
}

/** The Worker's settings for the Attio stand-in at `url` (`npm run dev` has the client's in .dev.vars). */
function attioVars(url: string, vars: Record<string, string> = {}): Record<string, string> {
  return {
    UPSTREAM: 'attio',
    ATTIO_CLIENT_ID: 'dev-attio-client',
    ATTIO_CLIENT_SECRET: 'dev-attio-secret',
    ...STANDINS.attio.vars(url),
    ...vars,
  };
}

/** The product with Cloudflare Access (the oidc-provider stand-in) as its upstream. */
export async function startAccessStack(
  options: StackOptions & { vars?: Record<string, string> } = {},
): Promise<{ origin: string; access: AccessStandin; stop(): Promise<void> }> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const access = await startAccessStandin({ port: 0, redirectUris: [`${origin}/callback`] });
  options.onProgress?.(`Access stand-in, issuer ${access.issuer}`);
  const worker = await startWorker(
    port,
    {
      UPSTREAM: 'access',
      ACCESS_CLIENT_ID: access.clientId,
      ACCESS_CLIENT_SECRET: access.clientSecret,
      ACCESS_ISSUER: access.issuer,
      ...options.vars,
    },
    options,
    () => access.close(),
  );
  return { origin, access, stop: worker.stop };
}

/**
 * The product with Supabase as its upstream, as `UPSTREAM=supabase npm run dev` runs it: a real
 * Postgres 18 with the CRM under row-level security (its own server process, `postgres.pid`), the
 * OpenID Provider in Supabase Auth's shape, and `wrangler dev` connecting to the database with
 * DATABASE_URL as the `authenticator` login role.
 */
export async function startSupabaseStack(
  options: StackOptions & { vars?: Record<string, string> } = {},
): Promise<{ origin: string; supabase: AccessStandin; postgres: RunningPostgres; stop(): Promise<void> }> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const [postgres, supabase] = await Promise.all([
    startPostgres(),
    startSupabaseAuthStandin({ port: 0, redirectUris: [`${origin}/callback`] }),
  ]);
  options.onProgress?.(`Postgres on port ${postgres.port}; Supabase Auth stand-in, issuer ${supabase.issuer}`);
  const worker = await startWorker(
    port,
    {
      UPSTREAM: 'supabase',
      ...STANDINS.supabase.vars(supabase.origin),
      SUPABASE_CLIENT_ID: supabase.clientId,
      SUPABASE_CLIENT_SECRET: supabase.clientSecret,
      DATABASE_URL: postgres.appUrl,
      ...options.vars,
    },
    options,
    async () => {
      await Promise.all([supabase.close(), postgres.stop()]);
    },
  );
  return { origin, supabase, postgres, stop: worker.stop };
}

/** The product with GitHub (the GitHub stand-in) as its upstream. */
export async function startGitHubStack(
  options: StackOptions & { vars?: Record<string, string> } = {},
): Promise<{ origin: string; github: RunningGitHubStandin; stop(): Promise<void> }> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const github = await startGitHubStandin({ port: 0, redirectUris: [`${origin}/callback`] });
  options.onProgress?.(`GitHub stand-in on ${github.url}`);
  const worker = await startWorker(
    port,
    { UPSTREAM: 'github', ...STANDINS.github.vars(github.url), ...options.vars },
    options,
    () => github.close(),
  );
  return { origin, github, stop: worker.stop };
}

/**
 * The real `wrangler dev` on `port` with throwaway state, configured through `--var` like a
 * deployment's vars; `cleanup` stops what the caller started beside it.
 */
async function startWorker(
  port: number,
  upstreamVars: Record<string, string>,
  options: WranglerDevOptions,
  cleanup: () => Promise<void>,
): Promise<{ stop(): Promise<void> }> {
  const vars = {
    PUBLIC_URL: `http://localhost:${port}`,
    CONSENT_SECRET: 'e2e-consent-secret-0123456789-abcdefghijklmnop',
    ...upstreamVars,
  };
  return startWranglerDev(port, vars, options, cleanup);
}

/** Which Worker `startWranglerDev` starts, and how it knows the Worker is up. */
export interface WranglerDevOptions extends StackOptions {
  /** The Worker's configuration file (default: the product's `wrangler.jsonc`). */
  config?: string;
  /** A path that answers 200 once the Worker is up (default: the product's `/health`). */
  readyPath?: string;
}

/**
 * `wrangler dev` for any Worker configuration, on `port` with throwaway state and `vars` given
 * as `--var` (the product through `startStack…`; the benchmark's stock template directly).
 */
export async function startWranglerDev(
  port: number,
  vars: Record<string, string>,
  options: WranglerDevOptions,
  cleanup: () => Promise<void> = async () => {},
): Promise<{ stop(): Promise<void> }> {
  const progress = options.onProgress ?? (() => {});
  const origin = `http://localhost:${port}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'mcp-e2e-'));
  const args = [
    'dev',
    ...(options.config ? ['--config', options.config] : []),
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    stateDir,
    '--show-interactive-dev-session=false',
  ];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const [command, commandArgs] =
    options.inspector === false
      ? [
          process.execPath,
          [
            join(process.cwd(), 'scripts/lib/wrangler-dev.ts'),
            String(port),
            stateDir,
            JSON.stringify(vars),
            ...(options.config ? [options.config] : []),
          ],
        ]
      : [join(process.cwd(), 'node_modules/.bin/wrangler'), args];
  const worker = startProcess(command, commandArgs, {
    label: 'wrangler',
    env: { WRANGLER_SEND_METRICS: 'false', ...options.wranglerEnv },
    quiet: true,
  });
  const stop = async () => {
    await worker.stop();
    await cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  };
  progress(`wrangler dev starting on ${origin} (usually 10–20 s)`);
  try {
    options.signal?.throwIfAborted();
    await Promise.race([
      waitForUrl(`${origin}${options.readyPath ?? '/health'}`, { timeoutMs: 120_000, requireOk: true }),
      aborted(options.signal),
      new Promise<never>((_, reject) =>
        worker.child.once('exit', (code) => reject(new Error(`wrangler dev exited early (code ${code})`))),
      ),
    ]);
  } catch (error) {
    await stop();
    if (options.signal?.aborted) throw error;
    throw new Error(`${error instanceof Error ? error.message : error}\nwrangler said:\n${worker.recentOutput()}`);
  }
  progress(`wrangler dev ready on ${origin}`);
  return { stop };
}

/** Rejects when `signal` aborts; never settles without one. */
function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
