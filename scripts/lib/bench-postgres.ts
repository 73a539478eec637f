/**
 * The `query` row of `npm run bench` (issue 19): `tools/call query` with a simple indexed select,
 * through the whole stack — bearer check, the session Durable Object, the SQL guard on the real
 * Postgres parser, a `pg` connection opened from workerd, the transaction as the person under
 * row-level security — against a real Postgres 18 in its own server process. Its CPU per request
 * is reported in the stand-in column, as the Attio stand-in's is for the Attio rows.
 *
 * A deployment with a database signs in through Supabase (or another OpenID provider), not Attio,
 * so this row runs its own `wrangler dev`: the product with `UPSTREAM=supabase` (startSupabaseStack).
 *
 * `node scripts/lib/bench-postgres.ts` runs it alone and prints the floor (`GET /health` of the
 * same Worker) and the query row as a table. Knobs: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2),
 * BENCH_CONNECTIONS (16).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { SEED_USERS } from '../../test/standins/postgres/users.ts';
import { Browser, signIn } from '../../test/support/oauth-client.ts';
import { serverCpu, serverProcessGroup } from './bench-cpu.ts';
import { cannon, type LoadResult, type Phase } from './bench-load.ts';
import {
  contentTypeOf,
  Http,
  mcpHeaders,
  openStreamableSession,
  type ToolCall,
  toolCallBody,
  toolCallFailure,
} from './bench-mcp.ts';
import { startSupabaseStack } from './stack.ts';
import { Stopper } from './stopper.ts';

/** A primary-key lookup of one of the person's rows: the database's cheapest useful answer. */
export const QUERY: ToolCall = {
  name: 'query',
  arguments: { sql: 'select id, name, stage, amount, expected_closing_date from deals where id = 3' },
};
const PERSON = SEED_USERS.alice;

const TICKS_PER_SECOND = 100; // USER_HZ, as in bench-cpu.ts

/** utime, stime, cutime, cstime and the parent of one process, from /proc (Linux); undefined once it is gone. */
function procStat(pid: string): { ppid: number; ownMs: number; reapedMs: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ms = (ticks: number) => (ticks / TICKS_PER_SECOND) * 1000;
    return {
      ppid: Number(fields[1]),
      ownMs: ms(Number(fields[11]) + Number(fields[12])),
      reapedMs: ms(Number(fields[13]) + Number(fields[14])),
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds Postgres has used so far: the postmaster, its live children (a backend per
 * connection, and the background workers), and the children it has reaped (every backend of a
 * connection already closed: the Worker opens one per tool call). Undefined without /proc.
 */
export function postgresCpu(postmaster: number): number | undefined {
  const own = procStat(String(postmaster));
  if (!own) return undefined;
  let total = own.ownMs + own.reapedMs;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const child = procStat(pid);
    if (child?.ppid === postmaster) total += child.ownMs;
  }
  return total;
}

export interface PostgresServer {
  origin: string;
  token: string;
  sessionId: string;
  http: Http;
  /** The load phase: the server's CPU, and Postgres's as the stand-in's. */
  phase: Phase;
  stop(): Promise<void>;
}

/**
 * The product with a database, as `UPSTREAM=supabase npm run dev` runs it: Postgres, the Supabase
 * Auth stand-in and `wrangler dev` (RATE_LIMITS=off, no inspector, no trace collector); signed in as
 * Alice, one MCP session open and `query` checked once.
 */
export async function startPostgresServer(options: {
  stopper: Stopper;
  log: (message: string) => void;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}): Promise<PostgresServer> {
  const { stopper, log } = options;
  // Stopped by the caller once its row is measured (so it loads no other row), and by the stopper
  // on failure or Ctrl-C: once either way.
  const stack = await stopper.track(
    startSupabaseStack({
      wranglerEnv: { X_LOCAL_OBSERVABILITY: 'false' },
      inspector: false,
      onProgress: (message) => log(`  ${message}`),
      signal: stopper.signal,
      vars: { RATE_LIMITS: 'off' },
    }).then((started) => {
      let stopping: Promise<void> | undefined;
      return { ...started, stop: () => (stopping ??= started.stop()) };
    }),
  );
  const port = Number(new URL(stack.origin).port);
  const group = serverProcessGroup(port);
  stopper.killOnForce(group);
  const postmaster = stack.postgres.pid;
  if (postmaster === undefined) log('  (no postmaster pid: Postgres CPU per request will not be measured)');
  const phase: Phase = {
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    signal: stopper.signal,
    serverCpu: () => (group === undefined ? undefined : serverCpu(group, port)),
    standinCpu: () => (postmaster === undefined ? undefined : postgresCpu(postmaster)),
  };
  log(`Signing in as ${PERSON.email} (register, consent, Supabase Auth stand-in sign-in, token) …`);
  let http: Http | undefined;
  const stop = async () => {
    http?.close();
    await stack.stop();
  };
  try {
    const { tokens } = await signIn(new Browser(stack.origin, (request) => fetch(request)), { email: PERSON.email });
    http = new Http(stack.origin, options.connections);
    const sessionId = await openStreamableSession(http, tokens.access_token);
    const answer = await http.send('POST', '/mcp', mcpHeaders(tokens.access_token, sessionId), toolCallBody(0, QUERY));
    const failure = toolCallFailure(answer.status, answer.body, 0, contentTypeOf(answer.headers));
    if (failure) throw new Error(`query does not work before any load: ${failure}`);
    if (!answer.body.includes('Cobalt enterprise plan')) {
      throw new Error(`query answered without ${PERSON.email}'s deal 3: ${answer.body.slice(0, 300)}`);
    }
    log(`  query: HTTP ${answer.status}, deal 3 found`);
    return { origin: stack.origin, token: tokens.access_token, sessionId, http, phase, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

let nextId = 1;

/** The same stack's `whoami` (no database): what the query row costs beyond a tool call. */
export const WHOAMI: ToolCall = { name: 'whoami', arguments: {} };

/** The query row: `tools/call query` (or `call`) on one session, `connections` connections, each call checked. */
export function queryLoad(server: PostgresServer, connections: number, call: ToolCall = QUERY): Promise<LoadResult> {
  return cannon(
    {
      url: `${server.origin}/mcp`,
      connections,
      perConnection: () => {
        let sent = 0;
        return {
          method: 'POST',
          path: '/mcp',
          headers: mcpHeaders(server.token, server.sessionId),
          body: () => {
            sent = nextId++;
            return toolCallBody(sent, call);
          },
          check: (status, body, headers) => toolCallFailure(status, body, sent, contentTypeOf(headers)),
        };
      },
    },
    server.phase,
  );
}

/** The same Worker's `GET /health`, for the floor when this runs alone. */
export function floorLoad(server: PostgresServer, connections: number): Promise<LoadResult> {
  return cannon(
    {
      url: `${server.origin}/health`,
      connections,
      perConnection: () => ({
        method: 'GET',
        path: '/health',
        headers: {},
        check: (status, body) => (status === 200 && body.includes('"ok"') ? undefined : `HTTP ${status}`),
      }),
    },
    server.phase,
  );
}

const fixed = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** A row in `npm run bench`'s table: scenario, connections, req/s, × floor, p50, p99, CPU ms/req (server, Worker, load, stand-in), errors. */
export function benchRow(scenario: string, connections: number, result: LoadResult, floorRps?: number): string {
  return (
    `| ${scenario} | ${connections} | ${result.rps.toFixed(0)} | ${floorRps ? `${(result.rps / floorRps).toFixed(2)} ×` : '–'} | ` +
    `${fixed(result.p50, 1)} | ${fixed(result.p99, 1)} | ${fixed(result.cpu?.server)} | ${fixed(result.cpu?.worker)} | ` +
    `${fixed(result.cpu?.harness)} | ${fixed(result.cpu?.standin)} | ${result.errors} |`
  );
}

/** Alone: start, measure the floor, the query row and the floor again, print the table, stop everything. */
async function main(): Promise<number> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const stopper = new Stopper(log);
  stopper.stopOnSignals('the query benchmark');
  try {
    log('Starting Postgres, the Supabase Auth stand-in and wrangler dev …');
    const server = await startPostgresServer({ stopper, log, connections, warmupSeconds, seconds });
    log(`Floor: GET /health, ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s …`);
    const floor = await floorLoad(server, connections);
    log(`query: ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s …`);
    const query = await queryLoad(server, connections);
    log(`whoami on the same session (no database), for comparison …`);
    const whoami = await queryLoad(server, connections, WHOAMI);
    log('Floor again …');
    const floorAgain = await floorLoad(server, connections);
    const reference = (floor.rps + floorAgain.rps) / 2;
    console.log(
      [
        '| Scenario | Conns | req/s | vs floor | p50 ms | p99 ms | server CPU ms/req | of it, Worker | load | stand-in: Postgres | errors |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        benchRow('1. Floor: GET /health (UPSTREAM=supabase)', connections, floor),
        benchRow(`2e. tools/call query (${String(QUERY.arguments.sql)}), 1 session`, connections, query, reference),
        benchRow('↳ whoami on the same stack (no database)', connections, whoami, reference),
        benchRow('1′. Floor again, at the end', connections, floorAgain),
        '',
        `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, ${seconds} s per row after ${warmupSeconds} s of warm-up.`,
        ...[query, whoami, floor, floorAgain].flatMap((result) => result.samples),
      ].join('\n'),
    );
    return query.errors + whoami.errors === 0 ? 0 : 1;
  } finally {
    await stopper.stopAll();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
