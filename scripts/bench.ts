/**
 * `npm run bench`: how fast the server answers, measured in one run and printed as a table, side
 * by side with a stock template measured in the same run.
 *
 * Two Workers are measured alike. The product; and the stock template (bench/template/:
 * OAuthProvider wrapping a plain Hono approve page, and a stock McpAgent with one `whoami` tool
 * on `/mcp` and `/sse`, nothing tuned), the yardstick issue 16's targets are set against.
 *
 * Each is measured as Cloudflare receives it (bundle size from `wrangler deploy --dry-run`,
 * start-up from `wrangler check startup`), then started as a user runs it (the real
 * `wrangler dev`, free ports, throwaway state; the product with the Attio stand-in), signed in
 * through its real OAuth flow without a browser (registration, PKCE, its consent or approve page,
 * token), and given loopback load:
 *
 * 1. the floor: the product's `GET /health` (no auth, no Durable Object);
 * 2. `tools/call` over streamable HTTP on one session: `whoami` (no upstream call; product and
 *    template) and `search_records` (one stand-in call; product only) — bearer check, session
 *    Durable Object, the tool; then the same two calls on the product's 2026-07-28 lane: no
 *    session, each request on its own (the `_meta` envelope, `Mcp-Method`/`Mcp-Name`), served in
 *    the Worker by a fresh SDK v2 server;
 * 3. the same call over legacy SSE (POST, answer on the stream, matched by id) against
 *    streamable HTTP, both with the same closed-loop client (product and template);
 * 4. 64 sessions at once, one connection each (product and template).
 *
 * Product and template run back to back in each scenario, and which goes first alternates from
 * one scenario to the next, so that what else the machine does hits both alike. Both dev servers
 * run throughout; the idle one costs next to nothing.
 *
 * Every answer is checked (HTTP 200, a JSON-RPC result for this request's id, no `isError`),
 * whether the POST is answered with JSON or with an SSE stream (McpAgent.serve answers every POST
 * with one); failures count as errors. The product's rate limits are off (`RATE_LIMITS=off`):
 * they would answer a load test with 429 by design. Two development aids of wrangler dev are off
 * for both Workers, as a deployed Worker has neither: the local trace collector
 * (`X_LOCAL_OBSERVABILITY=false`), which copies every span and log line into a local database
 * through a tail worker (about 1 ms of CPU per request, on the floor too), and the DevTools
 * inspector, which copies every `console.log` into wrangler's process (about 0.8 ms per tool
 * call, for its audit line; see scripts/lib/wrangler-dev.ts).
 *
 * Besides requests per second and latency, each scenario reports CPU time per request, from
 * /proc: the server's (the whole `wrangler dev` process group, and the Worker's workerd alone),
 * the load generator's and the Attio stand-in's, which runs in a process of its own as in
 * `npm run dev`. On a shared machine these move far less than throughput does. The floor is
 * measured first and last; the floor targets use their mean.
 * Start-up is `wrangler check startup` on the bundle just built: the CPU-profiled evaluation of
 * the script in workerd, which is what Cloudflare counts as a Worker's start-up (median of 3).
 *
 * Targets: the floor ones (throughput and p99 of tool calls against `/health`), zero errors, the
 * bundle's size, issue 20's for the 2026-07-28 lane (`whoami` at least 0.75 × the floor's
 * throughput with a p99 at most 2 × the floor's; `search_records` at least the session's
 * throughput), and issue 16's against the template: `whoami` over streamable HTTP at least
 * 1.3 × the template's throughput with a p99 at most the template's; SSE at least the template's
 * throughput; 64 sessions with zero errors.
 *
 * The table goes to stdout and test-results/bench.md; progress to stderr. Exit code 0 when the
 * run completes, even when targets are missed (they are printed loudly). A scenario that cannot
 * run (a server that does not start or sign in, a session that cannot be opened) is shown as
 * failed in the table and the rest still runs; the exit code is then 1, as when the run itself
 * fails. 130 on Ctrl-C (a second Ctrl-C kills both wrangler devs at once). Everything started is
 * stopped in every case.
 *
 * Knobs (environment): BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (16).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Browser, signIn } from '../test/support/oauth-client.ts';
import { type BundleSize, bundleSize, removeDir, type Startup, startupProfile, tempDir } from './lib/bench-build.ts';
import { processCpu, serverCpu, serverProcessGroup } from './lib/bench-cpu.ts';
import { cannon, closedLoop, type LoadResult, type Phase } from './lib/bench-load.ts';
import {
  answerFailure,
  contentTypeOf,
  currentHeaders,
  currentToolCallBody,
  Http,
  mcpHeaders,
  openStreamableSession,
  SseSession,
  type ToolCall,
  toolCallBody,
  toolCallFailure,
} from './lib/bench-mcp.ts';
import { queryLoad, startPostgresServer } from './lib/bench-postgres.ts';
import { startTemplate, TEMPLATE_CONFIG } from './lib/bench-template.ts';
import { startStackWithStandinProcess } from './lib/stack.ts';
import { Stopper } from './lib/stopper.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SESSIONS = 64;
const STARTUP_RUNS = 3;
const EMAIL = 'demo@example.com';

const TARGETS = { throughputRatio: 0.6, p99Ratio: 3, gzipKiB: 700 };
/** Issue 20: the 2026-07-28 lane against the floor, and against the session lane for search_records. */
const CURRENT_TARGETS = { whoamiThroughputRatio: 0.75, whoamiP99Ratio: 2, searchVsSession: 1 };
/** Issue 16: the product against the stock template, measured side by side in one run. */
const TEMPLATE_TARGETS = { whoamiThroughputRatio: 1.3, whoamiP99Ratio: 1, sseThroughputRatio: 1 };

const WHOAMI: ToolCall = { name: 'whoami', arguments: {} };
const SEARCH: ToolCall = { name: 'search_records', arguments: { query: 'Acme' } };

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Everything started is stopped on success, failure and Ctrl-C. */
const stopper = new Stopper(log);

// ---------------------------------------------------------------------------------------------
// What was measured, or why it could not be.

/** A measurement that could not be made, and why (shown in its row; the exit code is then 1). */
interface Failed {
  failed: string;
}

type Outcome<T> = T | Failed;

const isFailed = <T>(outcome: Outcome<T>): outcome is Failed =>
  typeof outcome === 'object' && outcome !== null && 'failed' in outcome;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs a measurement; a failure (other than Ctrl-C) becomes its row's failure, and the run goes on. */
async function attempt<T>(what: string, run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return await run();
  } catch (error) {
    if (stopper.interrupted) throw error;
    log(`  ✗ ${what} failed: ${reason(error).split('\n').slice(0, 6).join('\n    ')}`);
    return { failed: reason(error) };
  }
}

type Side = 'product' | 'template';
const SIDES: Side[] = ['product', 'template'];
const NAMES: Record<Side, string> = { product: 'product', template: 'stock template' };

type Pair<T> = Record<Side, Outcome<T>>;

/** JSON-RPC ids, unique over the whole run (answers are matched by id). */
let nextId = 1;

// ---------------------------------------------------------------------------------------------
// The two servers, started, signed in and checked alike.

/** A started, signed-in server and what the scenarios need of it. */
interface Server {
  side: Side;
  origin: string;
  token: string;
  http: Http;
  phase: Phase;
  /** A session opened (and checked) before the load: scenario 2. */
  sessionId: string;
  /** `wrangler dev` start until it answered. */
  devReadyMs: number;
}

async function startServer(side: Side): Promise<Server> {
  const signal = stopper.signal;
  const options = {
    wranglerEnv: { X_LOCAL_OBSERVABILITY: 'false' },
    inspector: false as const,
    onProgress: (message: string) => log(`  ${message}`),
    signal,
  };
  const started = performance.now();
  let origin: string;
  let standinPid: number | undefined;
  if (side === 'product') {
    log(
      'Starting the product: the Attio stand-in and wrangler dev (RATE_LIMITS=off, no inspector, no trace collector) …',
    );
    const stack = await stopper.track(startStackWithStandinProcess({ ...options, vars: { RATE_LIMITS: 'off' } }));
    origin = stack.origin;
    standinPid = stack.standinPid;
    stopper.killOnForce(standinPid); // started detached: its own process group
  } else {
    log(`Starting the stock template (${TEMPLATE_CONFIG}): wrangler dev (no inspector, no trace collector) …`);
    origin = (await stopper.track(startTemplate(options))).origin;
  }
  const devReadyMs = performance.now() - started;
  const standin = standinPid;
  const port = Number(new URL(origin).port);
  const group = serverProcessGroup(port);
  stopper.killOnForce(group);
  if (group === undefined) log('  (no /proc: server CPU per request will not be measured)');
  const phase: Phase = {
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
    signal,
    serverCpu: () => (group === undefined ? undefined : serverCpu(group, port)),
    standinCpu: () => (standin === undefined ? undefined : processCpu(standin)),
  };

  log(
    side === 'product'
      ? `Signing in to the product as ${EMAIL} (register, consent, stand-in sign-in, token) …`
      : `Signing in to the stock template as ${EMAIL} (register, approve page, token) …`,
  );
  const { tokens } = await signIn(new Browser(origin, (request) => fetch(request)), { email: EMAIL });
  const token = tokens.access_token;
  const http = new Http(origin, SESSIONS + CONNECTIONS);
  stopper.add(() => http.close());

  const calls = side === 'product' ? [WHOAMI, SEARCH] : [WHOAMI];
  log(`Opening an MCP session (streamable HTTP) and checking ${calls.map((call) => call.name).join(' and ')} once …`);
  const sessionId = await openStreamableSession(http, token);
  for (const call of calls) {
    const id = nextId++;
    const answer = await http.send('POST', '/mcp', mcpHeaders(token, sessionId), toolCallBody(id, call));
    const contentType = contentTypeOf(answer.headers);
    const failure = toolCallFailure(answer.status, answer.body, id, contentType);
    if (failure) throw new Error(`${call.name} does not work before any load: ${failure}`);
    log(`  ${call.name}: HTTP ${answer.status}, ${contentType ?? 'no Content-Type'}`);
  }
  if (side === 'product') {
    log(`Checking ${calls.map((call) => call.name).join(' and ')} once on the 2026-07-28 lane (no session) …`);
    for (const call of calls) {
      const id = nextId++;
      const answer = await http.send('POST', '/mcp', currentHeaders(token, call), currentToolCallBody(id, call));
      const contentType = contentTypeOf(answer.headers);
      const failure = toolCallFailure(answer.status, answer.body, id, contentType);
      if (failure) throw new Error(`${call.name} on the 2026-07-28 lane does not work before any load: ${failure}`);
      log(`  ${call.name}: HTTP ${answer.status}, ${contentType ?? 'no Content-Type'}`);
    }
  }
  return { side, origin, token, http, phase, sessionId, devReadyMs };
}

// ---------------------------------------------------------------------------------------------
// The scenarios.

/** A checked tools/call on streamable HTTP, as autocannon replays it on one connection. */
function toolCallRequest(token: string, sessionId: string, call: ToolCall) {
  let sent = 0;
  return {
    method: 'POST',
    path: '/mcp',
    headers: mcpHeaders(token, sessionId),
    body: () => {
      sent = nextId++;
      return toolCallBody(sent, call);
    },
    check: (status: number, body: string, headers: Record<string, string | string[]>) =>
      toolCallFailure(status, body, sent, contentTypeOf(headers)),
  };
}

async function inBatches<T>(count: number, batch: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += batch) {
    made.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, count - start) }, (_, offset) => make(start + offset)),
      )),
    );
  }
  return made;
}

/** A checked 2026-07-28 tools/call, as autocannon replays it on one connection: no session. */
function currentToolCallRequest(token: string, call: ToolCall) {
  let sent = 0;
  return {
    method: 'POST',
    path: '/mcp',
    headers: currentHeaders(token, call),
    body: () => {
      sent = nextId++;
      return currentToolCallBody(sent, call);
    },
    check: (status: number, body: string, headers: Record<string, string | string[]>) =>
      toolCallFailure(status, body, sent, contentTypeOf(headers)),
  };
}

/** Scenario 2c/2d: one tool on the 2026-07-28 lane, `CONNECTIONS` connections, no session. */
function currentToolCallLoad(server: Server, call: ToolCall): Promise<LoadResult> {
  return cannon(
    {
      url: `${server.origin}/mcp`,
      connections: CONNECTIONS,
      perConnection: () => currentToolCallRequest(server.token, call),
    },
    server.phase,
  );
}

/** Scenario 2: one tool, `CONNECTIONS` connections on one session. */
function toolCallLoad(server: Server, call: ToolCall): Promise<LoadResult> {
  return cannon(
    {
      url: `${server.origin}/mcp`,
      connections: CONNECTIONS,
      perConnection: () => toolCallRequest(server.token, server.sessionId, call),
    },
    server.phase,
  );
}

/** Scenario 3a: whoami over legacy SSE, answers matched on the stream, closed loop. */
async function sseLoad(server: Server): Promise<LoadResult> {
  const sse = new SseSession(server.http, server.token);
  stopper.add(() => sse.close());
  try {
    await sse.open();
    return await closedLoop({
      ...server.phase,
      workers: CONNECTIONS,
      call: async () => {
        const id = nextId++;
        return answerFailure(await sse.request(id, toolCallBody(id, WHOAMI)), id);
      },
    });
  } finally {
    sse.close();
  }
}

/** Scenario 3b: whoami over streamable HTTP with 3a's closed-loop client, on a new session. */
async function streamableLoad(server: Server): Promise<LoadResult> {
  const sessionId = await openStreamableSession(server.http, server.token);
  return closedLoop({
    ...server.phase,
    workers: CONNECTIONS,
    call: async () => {
      const id = nextId++;
      const answer = await server.http.send(
        'POST',
        '/mcp',
        mcpHeaders(server.token, sessionId),
        toolCallBody(id, WHOAMI),
      );
      return toolCallFailure(answer.status, answer.body, id, contentTypeOf(answer.headers));
    },
  });
}

/** Scenario 4: `SESSIONS` sessions, each initialized, each calling whoami on its own connection. */
async function sessionsLoad(server: Server): Promise<LoadResult> {
  const sessionIds = await inBatches(SESSIONS, 8, () => openStreamableSession(server.http, server.token));
  return cannon(
    {
      url: `${server.origin}/mcp`,
      connections: SESSIONS,
      perConnection: (index) => toolCallRequest(server.token, sessionIds[index % SESSIONS] as string, WHOAMI),
    },
    server.phase,
  );
}

/**
 * One scenario on both servers, back to back, in the order given (alternated from scenario to
 * scenario by the caller); a server that did not start has its row failed with the same reason.
 */
async function onBoth(
  servers: Pair<Server>,
  order: Side[],
  what: string,
  run: (server: Server) => Promise<LoadResult>,
): Promise<Pair<LoadResult>> {
  const results: Partial<Pair<LoadResult>> = {};
  for (const side of order) {
    const server = servers[side];
    if (isFailed(server)) {
      results[side] = { failed: `${NAMES[side]} not running: ${server.failed.split('\n')[0]}` };
      continue;
    }
    results[side] = await attempt(`${what} (${NAMES[side]})`, () => run(server));
    log(`  ${NAMES[side].padEnd(15)} ${summary(results[side])}`);
  }
  return results as Pair<LoadResult>;
}

interface Results {
  bundle: Pair<BundleSize>;
  startup: Pair<Startup>;
  devReadyMs: Record<Side, number | undefined>;
  /** The floor, measured first and again last (a busy machine shows as drift between them). */
  floor: Outcome<LoadResult>;
  floorAgain: Outcome<LoadResult>;
  /** 1-minute load average before and after the load phases. */
  load: [number, number];
  /** Share of one core this process (the load generator) used during the load phases. */
  generatorCores: number;
  whoami: Pair<LoadResult>;
  search: Outcome<LoadResult>;
  /** The product's 2026-07-28 lane (no session): whoami and search_records. */
  currentWhoami: Outcome<LoadResult>;
  currentSearch: Outcome<LoadResult>;
  /** Issue 19: `query` through the whole stack (UPSTREAM=supabase, a real Postgres in its own process). */
  query: Outcome<LoadResult>;
  sse: Pair<LoadResult>;
  streamable: Pair<LoadResult>;
  sessions: Pair<LoadResult>;
}

async function build(side: Side): Promise<{ bundle: Outcome<BundleSize>; startup: Outcome<Startup> }> {
  const signal = stopper.signal;
  const config = side === 'template' ? TEMPLATE_CONFIG : undefined;
  const dir = tempDir();
  stopper.add(() => removeDir(dir));
  log(`Bundle (${NAMES[side]}): wrangler deploy --dry-run${config ? ` --config ${config}` : ''} --outdir <tmp> …`);
  const bundle = await attempt(`the ${NAMES[side]}'s bundle`, () => bundleSize(dir, signal, config));
  if (isFailed(bundle)) return { bundle, startup: { failed: 'no bundle' } };
  log(`  ${kib(bundle.raw)} KiB, gzip ${kib(bundle.gzip)} KiB (wrangler says: ${bundle.wranglerSays ?? '?'})`);
  log(`Start-up (${NAMES[side]}): wrangler check startup --worker <that bundle>, ${STARTUP_RUNS} runs …`);
  const startup = await attempt(`the ${NAMES[side]}'s start-up`, () =>
    startupProfile(bundle.workerBundle, STARTUP_RUNS, signal),
  );
  if (!isFailed(startup)) {
    log(`  median ${startup.activeMs.toFixed(0)} ms (runs: ${startup.runsMs.map((v) => v.toFixed(0)).join(', ')} ms)`);
  }
  return { bundle, startup };
}

async function measure(): Promise<Results> {
  const product = await build('product');
  const template = await build('template');

  // Started one after the other, so that each one's dev start-up time is its own.
  const servers: Pair<Server> = {
    product: await attempt('starting and signing in to the product', () => startServer('product')),
    template: await attempt('starting and signing in to the stock template', () => startServer('template')),
  };
  const running = (side: Side) => {
    const server = servers[side];
    return isFailed(server) ? undefined : server;
  };
  const productServer = running('product');

  const measureFloor = (): Promise<Outcome<LoadResult>> => {
    if (!productServer) return Promise.resolve({ failed: 'product not running' });
    return attempt('the floor', () =>
      cannon(
        {
          url: `${productServer.origin}/health`,
          connections: CONNECTIONS,
          perConnection: () => ({
            method: 'GET',
            path: '/health',
            headers: {},
            check: (status, body) => (status === 200 && body.includes('"ok"') ? undefined : `HTTP ${status}`),
          }),
        },
        productServer.phase,
      ),
    );
  };
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const generatorStart = { cpu: process.cpuUsage(), wall: performance.now() };
  log(`1/6 Floor: GET /health (product), ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s …`);
  const floor = await measureFloor();
  log(`  ${summary(floor)}`);

  log(`2/6 tools/call whoami on one session, ${CONNECTIONS} connections: product, then stock template …`);
  const whoami = await onBoth(servers, ['product', 'template'], 'whoami', (server) => toolCallLoad(server, WHOAMI));

  log(`3/6 tools/call search_records {query:"Acme"} on one session, ${CONNECTIONS} connections (product) …`);
  const search: Outcome<LoadResult> = productServer
    ? await attempt('search_records', () => toolCallLoad(productServer, SEARCH))
    : { failed: 'product not running' };
  log(`  ${summary(search)}`);

  log(`3+/6 The 2026-07-28 lane (no session), ${CONNECTIONS} connections (product): whoami, then search_records …`);
  const currentWhoami: Outcome<LoadResult> = productServer
    ? await attempt('whoami on the 2026-07-28 lane', () => currentToolCallLoad(productServer, WHOAMI))
    : { failed: 'product not running' };
  log(`  whoami         ${summary(currentWhoami)}`);
  const currentSearch: Outcome<LoadResult> = productServer
    ? await attempt('search_records on the 2026-07-28 lane', () => currentToolCallLoad(productServer, SEARCH))
    : { failed: 'product not running' };
  log(`  search_records ${summary(currentSearch)}`);

  log(
    `3++/6 tools/call query (a primary-key select as the person, under RLS), ${CONNECTIONS} connections: the product with UPSTREAM=supabase and a real Postgres …`,
  );
  const query: Outcome<LoadResult> = await attempt('query', async () => {
    const withDatabase = await startPostgresServer({
      stopper,
      log,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
    });
    try {
      return await queryLoad(withDatabase, CONNECTIONS);
    } finally {
      await withDatabase.stop(); // so it loads none of the rows after it
    }
  });
  log(`  ${summary(query)}`);

  log(`4/6 Legacy SSE against streamable HTTP: whoami, ${CONNECTIONS} calls in flight, same client …`);
  log('  SSE: stock template, then product');
  const sse = await onBoth(servers, ['template', 'product'], 'whoami over SSE', sseLoad);
  log('  Streamable HTTP: product, then stock template');
  const streamable = await onBoth(servers, ['product', 'template'], 'whoami over streamable HTTP', streamableLoad);

  log(`5/6 ${SESSIONS} sessions, each initialized, each calling whoami in a loop: stock template, then product …`);
  const sessions = await onBoth(servers, ['template', 'product'], `${SESSIONS} sessions`, sessionsLoad);

  log('6/6 Floor again, to see whether the machine got busier or quieter during the run …');
  const floorAgain = await measureFloor();
  log(`  ${summary(floorAgain)}`);
  const load: [number, number] = [loadBefore, loadavg()[0] ?? Number.NaN];
  const generatorCpu = process.cpuUsage(generatorStart.cpu);
  const generatorCores = (generatorCpu.user + generatorCpu.system) / 1000 / (performance.now() - generatorStart.wall);

  return {
    bundle: { product: product.bundle, template: template.bundle },
    startup: { product: product.startup, template: template.startup },
    devReadyMs: { product: running('product')?.devReadyMs, template: running('template')?.devReadyMs },
    floor,
    floorAgain,
    load,
    generatorCores,
    whoami,
    search,
    currentWhoami,
    currentSearch,
    query,
    sse,
    streamable,
    sessions,
  };
}

// ---------------------------------------------------------------------------------------------
// The report.

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const cpuMs = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ×` : '–');
/** A failure's reason, fit for a table cell. */
const cell = (text: string) => text.split('\n')[0]?.slice(0, 160).replaceAll('|', '\\|') ?? '';
const summary = (r: Outcome<LoadResult>) =>
  isFailed(r)
    ? `FAILED: ${r.failed.split('\n')[0]}`
    : `${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, ` +
      `CPU ms/req: server ${cpuMs(r.cpu?.server)} (Worker ${cpuMs(r.cpu?.worker)}), load ${cpuMs(r.cpu?.harness)}, ` +
      `stand-in ${cpuMs(r.cpu?.standin)}, ` +
      `${r.errors} errors` +
      (r.samples.length ? ` (${r.samples.join('; ')})` : '');

/** The floor the floor targets compare with: the mean of the two floor runs that ran. */
function reference(r: Results): { rps: number; p99: number } | undefined {
  const runs = [r.floor, r.floorAgain].filter((run): run is LoadResult => !isFailed(run));
  if (runs.length === 0) return undefined;
  return {
    rps: runs.reduce((sum, run) => sum + run.rps, 0) / runs.length,
    p99: runs.reduce((sum, run) => sum + run.p99, 0) / runs.length,
  };
}

interface Target {
  what: string;
  ok: boolean;
  measured: string;
}

function targets(r: Results): Target[] {
  const list: Target[] = [];
  const floor = reference(r);
  for (const [name, result] of [
    ['whoami', r.whoami.product],
    ['search_records', r.search],
  ] as const) {
    const throughput = `tools/call ${name} throughput ≥ ${TARGETS.throughputRatio} × floor`;
    const p99 = `tools/call ${name} p99 ≤ ${TARGETS.p99Ratio} × floor p99`;
    if (isFailed(result) || !floor) {
      const why = isFailed(result) ? `not measured: ${cell(result.failed)}` : 'no floor measured';
      list.push({ what: throughput, ok: false, measured: why }, { what: p99, ok: false, measured: why });
      continue;
    }
    const rpsRatio = result.rps / floor.rps;
    list.push({
      what: throughput,
      ok: rpsRatio >= TARGETS.throughputRatio,
      measured: `${rpsRatio.toFixed(2)} × (${result.rps.toFixed(0)} / ${floor.rps.toFixed(0)} req/s)`,
    });
    const p99Ratio = result.p99 / floor.p99;
    list.push({
      what: p99,
      ok: p99Ratio <= TARGETS.p99Ratio,
      measured: `${p99Ratio.toFixed(1)} × (${ms(result.p99)} / ${ms(floor.p99)} ms)`,
    });
  }
  list.push(...currentTargets(r, floor));
  const productLoads = [
    r.floor,
    r.whoami.product,
    r.search,
    r.currentWhoami,
    r.currentSearch,
    r.sse.product,
    r.streamable.product,
    r.sessions.product,
  ];
  const productRuns = [...productLoads, r.floorAgain];
  const measured = productRuns.filter((load): load is LoadResult => !isFailed(load));
  const errors = measured.reduce((sum, load) => sum + load.errors, 0);
  const unmeasured = productRuns.length - measured.length;
  list.push({
    what: 'zero errors (all product scenarios)',
    ok: errors === 0 && unmeasured === 0,
    measured: `${errors} errors${unmeasured ? `, ${unmeasured} scenario(s) not measured` : ''}`,
  });
  const bundle = r.bundle.product;
  list.push(
    isFailed(bundle)
      ? { what: `bundle ≤ ${TARGETS.gzipKiB} KiB gzip`, ok: false, measured: `not measured: ${cell(bundle.failed)}` }
      : {
          what: `bundle ≤ ${TARGETS.gzipKiB} KiB gzip`,
          ok: bundle.gzip / 1024 <= TARGETS.gzipKiB,
          measured: `${kib(bundle.gzip)} KiB`,
        },
  );
  list.push(...templateTargets(r));
  return list;
}

/** Issue 20's targets: the 2026-07-28 lane against the floor, and search_records against the session lane. */
function currentTargets(r: Results, floor: { rps: number; p99: number } | undefined): Target[] {
  const whoami = r.currentWhoami;
  const throughput = `2026-07-28 lane: whoami throughput ≥ ${CURRENT_TARGETS.whoamiThroughputRatio} × floor`;
  const p99 = `2026-07-28 lane: whoami p99 ≤ ${CURRENT_TARGETS.whoamiP99Ratio} × floor p99`;
  const list: Target[] = [];
  if (isFailed(whoami) || !floor) {
    const why = isFailed(whoami) ? `not measured: ${cell(whoami.failed)}` : 'no floor measured';
    list.push({ what: throughput, ok: false, measured: why }, { what: p99, ok: false, measured: why });
  } else {
    const rpsRatio = whoami.rps / floor.rps;
    const p99Ratio = whoami.p99 / floor.p99;
    list.push(
      {
        what: throughput,
        ok: rpsRatio >= CURRENT_TARGETS.whoamiThroughputRatio,
        measured: `${rpsRatio.toFixed(2)} × (${whoami.rps.toFixed(0)} / ${floor.rps.toFixed(0)} req/s)`,
      },
      {
        what: p99,
        ok: p99Ratio <= CURRENT_TARGETS.whoamiP99Ratio,
        measured: `${p99Ratio.toFixed(1)} × (${ms(whoami.p99)} / ${ms(floor.p99)} ms)`,
      },
    );
  }
  const search = r.currentSearch;
  const session = r.search;
  const what = "2026-07-28 lane: search_records throughput ≥ the session lane's (2b)";
  if (isFailed(search) || isFailed(session)) {
    const why = isFailed(search) ? cell(search.failed) : cell((session as Failed).failed);
    list.push({ what, ok: false, measured: `not measured: ${why}` });
  } else {
    list.push({
      what,
      ok: search.rps >= CURRENT_TARGETS.searchVsSession * session.rps,
      measured: `${ratio(search.rps / session.rps)} (${search.rps.toFixed(0)} / ${session.rps.toFixed(0)} req/s)`,
    });
  }
  return list;
}

/** Issue 16's targets: the product against the stock template, same run. */
function templateTargets(r: Results): Target[] {
  const list: Target[] = [];
  const against = (
    what: string,
    pair: Pair<LoadResult>,
    test: (product: LoadResult, template: LoadResult) => { ok: boolean; measured: string },
  ) => {
    const { product, template } = pair;
    if (isFailed(product) || isFailed(template)) {
      const failed = isFailed(product) ? `product: ${cell(product.failed)}` : '';
      const also = isFailed(template) ? `template: ${cell((template as Failed).failed)}` : '';
      list.push({ what, ok: false, measured: `not measured (${[failed, also].filter(Boolean).join('; ')})` });
    } else list.push({ what, ...test(product, template) });
  };
  against(
    `vs stock template: whoami streamable HTTP (2a) throughput ≥ ${TEMPLATE_TARGETS.whoamiThroughputRatio} × template's`,
    r.whoami,
    (product, template) => ({
      ok: product.rps >= TEMPLATE_TARGETS.whoamiThroughputRatio * template.rps,
      measured: `${ratio(product.rps / template.rps)} (${product.rps.toFixed(0)} / ${template.rps.toFixed(0)} req/s)`,
    }),
  );
  against(`vs stock template: whoami streamable HTTP (2a) p99 ≤ template's`, r.whoami, (product, template) => ({
    ok: product.p99 <= TEMPLATE_TARGETS.whoamiP99Ratio * template.p99,
    measured: `${ratio(product.p99 / template.p99)} (${ms(product.p99)} / ${ms(template.p99)} ms)`,
  }));
  against(`vs stock template: whoami over legacy SSE (3a) throughput ≥ template's`, r.sse, (product, template) => ({
    ok: product.rps >= TEMPLATE_TARGETS.sseThroughputRatio * template.rps,
    measured: `${ratio(product.rps / template.rps)} (${product.rps.toFixed(0)} / ${template.rps.toFixed(0)} req/s)`,
  }));
  const sessions = r.sessions.product;
  list.push({
    what: `${SESSIONS} sessions at once (4): zero errors`,
    ok: !isFailed(sessions) && sessions.errors === 0,
    measured: isFailed(sessions) ? `not measured: ${cell(sessions.failed)}` : `${sessions.errors} errors`,
  });
  return list;
}

function report(r: Results, when: Date): { markdown: string; missed: Target[]; unmeasured: string[] } {
  const floor = reference(r);
  const row = (scenario: string, conns: number | string, result: Outcome<LoadResult>, vsFloor = true) =>
    isFailed(result)
      ? `| ${scenario} | ${conns} | **failed**: ${cell(result.failed)} | – | – | – | – | – | – | – | – |`
      : `| ${scenario} | ${conns} | ${result.rps.toFixed(0)} | ${vsFloor && floor ? ratio(result.rps / floor.rps) : '–'} | ${ms(result.p50)} | ${ms(result.p99)} | ` +
        `${cpuMs(result.cpu?.server)} | ${cpuMs(result.cpu?.worker)} | ${cpuMs(result.cpu?.harness)} | ${cpuMs(result.cpu?.standin)} | ${result.errors} |`;
  const pairRows = (scenario: string, conns: number, pair: Pair<LoadResult>) => [
    row(scenario, conns, pair.product),
    row('↳ the same, stock template', conns, pair.template, false),
  ];
  const list = targets(r);
  const cores = cpus().length;
  const drift =
    floor && !isFailed(r.floor) && !isFailed(r.floorAgain) ? Math.abs(r.floorAgain.rps - r.floor.rps) / floor.rps : 0;
  const sseVsStreamable = (side: Side) => {
    const sse = r.sse[side];
    const streamable = r.streamable[side];
    if (isFailed(sse) || isFailed(streamable)) return `${NAMES[side]} not measured`;
    return `${NAMES[side]} ${ratio(sse.rps / streamable.rps)} the throughput, ${ratio(sse.p50 / streamable.p50)} the p50 latency`;
  };
  const versus = (scenario: string, pair: Pair<LoadResult>) => {
    const { product, template } = pair;
    if (isFailed(product) || isFailed(template)) return `| ${scenario} | not measured | – | – | – |`;
    const worker =
      product.cpu?.worker !== undefined && template.cpu?.worker !== undefined
        ? ratio(product.cpu.worker / template.cpu.worker)
        : '–';
    return `| ${scenario} | ${ratio(product.rps / template.rps)} | ${ratio(product.p50 / template.p50)} | ${ratio(product.p99 / template.p99)} | ${worker} |`;
  };
  const bundleCell = (bundle: Outcome<BundleSize>) =>
    isFailed(bundle)
      ? `**failed**: ${cell(bundle.failed)}`
      : `${kib(bundle.raw)} KiB raw, **${kib(bundle.gzip)} KiB gzip** (wrangler: ${bundle.wranglerSays ?? '?'})`;
  const biggestCell = (bundle: Outcome<BundleSize>) =>
    isFailed(bundle) ? '–' : bundle.biggest.map((p) => `${p.name} ${kib(p.bytes)}`).join(', ');
  const startupCell = (startup: Outcome<Startup>) =>
    isFailed(startup)
      ? `**failed**: ${cell(startup.failed)}`
      : `**${startup.activeMs.toFixed(0)} ms** median incl. ${startup.gcMs.toFixed(0)} ms GC (runs: ${startup.runsMs.map((v) => v.toFixed(0)).join(', ')} ms)`;
  const devCell = (value: number | undefined) =>
    value === undefined ? 'did not start' : `${(value / 1000).toFixed(1)} s`;
  const lines = [
    `# npm run bench — ${when.toISOString()}`,
    '',
    `wrangler dev (through its API: DevTools inspector and local trace collector off) on loopback, ${cores} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}; ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s per scenario; the Attio stand-in runs in a Node process of its own, as in \`npm run dev\`. ` +
      `The stock template (bench/template/: OAuthProvider, a plain approve page, a stock McpAgent with one \`whoami\` tool) runs in a second wrangler dev started the same way; ` +
      'in each scenario product and template ran back to back, the order alternating from scenario to scenario. ' +
      `Load average ${r.load[0].toFixed(1)} before the load, ${r.load[1].toFixed(1)} after; ` +
      `the load generator used ${(r.generatorCores * 100).toFixed(0)} % of one core meanwhile.`,
    '',
    '| Scenario | Conns | Req/s | vs floor | p50 ms | p99 ms | Server CPU ms/req | of it, Worker | Load CPU ms/req | Stand-in CPU ms/req | Errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('1. Floor: GET /health', CONNECTIONS, r.floor),
    ...pairRows('2a. tools/call whoami, streamable HTTP, 1 session', CONNECTIONS, r.whoami),
    row('2b. tools/call search_records "Acme", streamable HTTP, 1 session', CONNECTIONS, r.search),
    row('2c. tools/call whoami, 2026-07-28 lane (no session)', CONNECTIONS, r.currentWhoami),
    row('2d. tools/call search_records "Acme", 2026-07-28 lane (no session)', CONNECTIONS, r.currentSearch),
    row(
      '2e. tools/call query (primary-key select as the person; UPSTREAM=supabase, real Postgres), 1 session',
      CONNECTIONS,
      r.query,
    ),
    ...pairRows('3a. whoami over legacy SSE (end-to-end, closed loop)', CONNECTIONS, r.sse),
    ...pairRows('3b. whoami over streamable HTTP (same closed loop)', CONNECTIONS, r.streamable),
    ...pairRows(`4. whoami, ${SESSIONS} sessions × 1 connection`, SESSIONS, r.sessions),
    row('1′. Floor again, at the end', CONNECTIONS, r.floorAgain),
    '',
    (floor
      ? `"vs floor" and the floor targets use the mean of the floor runs (${floor.rps.toFixed(0)} req/s, p99 ${ms(floor.p99)} ms); the floor is the product's, so the template's rows have none. `
      : 'The floor was not measured. ') +
      'CPU is per completed request. Server CPU is the whole `wrangler dev` process group (wrangler, its dev proxy and the Worker runtime) of the server measured; ' +
      '"of it, Worker" is the workerd that runs the Worker and its Durable Objects alone, the part a deployment runs; ' +
      '"load" is this process (the load generator), "stand-in" the Attio stand-in\'s process (the upstream a deployment calls over the internet; the template calls none), ' +
      'and for 2e Postgres (the postmaster, its live backends and those already closed: the Worker opens a connection per call). ' +
      'With every core busy, the sum of the four decides the throughput. ' +
      `SSE ÷ streamable HTTP (3a ÷ 3b): ${sseVsStreamable('product')}; ${sseVsStreamable('template')}.`,
    // The load average counts this run's own load, so the floor's drift is the better sign of other work.
    ...(drift > 0.2
      ? [
          '',
          `**Busy machine**: the floor moved ${(drift * 100).toFixed(0)} % between its first and last run; ` +
            'requests per second and latencies are unreliable, server CPU per request much less so.',
        ]
      : []),
    '',
    '| Product ÷ stock template | Throughput | p50 | p99 | Worker CPU ms/req |',
    '| --- | ---: | ---: | ---: | ---: |',
    versus('2a. whoami, streamable HTTP, 1 session', r.whoami),
    versus('3a. whoami over legacy SSE', r.sse),
    versus('3b. whoami over streamable HTTP (closed loop)', r.streamable),
    versus(`4. whoami, ${SESSIONS} sessions`, r.sessions),
    '',
    '| Worker | Product | Stock template |',
    '| --- | --- | --- |',
    `| 5. Bundle (wrangler deploy --dry-run) | ${bundleCell(r.bundle.product)} | ${bundleCell(r.bundle.template)} (not minified, as the templates ship) |`,
    `| Biggest packages (raw KiB) | ${biggestCell(r.bundle.product)} | ${biggestCell(r.bundle.template)} |`,
    `| 6. Start-up (wrangler check startup: script evaluation in workerd, CPU-profiled) | ${startupCell(r.startup.product)} | ${startupCell(r.startup.template)} |`,
    `| wrangler dev start → first answer (developer start-up, not the Worker's) | ${devCell(r.devReadyMs.product)} | ${devCell(r.devReadyMs.template)} |`,
    '',
    '| Target | Measured | |',
    '| --- | --- | :---: |',
    ...list.map((t) => `| ${t.what} | ${t.measured} | ${t.ok ? '✓' : '✗'} |`),
  ];
  const templateErrors = [r.whoami.template, r.sse.template, r.streamable.template, r.sessions.template]
    .filter((load): load is LoadResult => !isFailed(load))
    .reduce((sum, load) => sum + load.errors, 0);
  if (templateErrors > 0) {
    lines.push('', `**The stock template's rows had ${templateErrors} errors**: the comparison with it is unreliable.`);
  }
  const results: [string, Outcome<LoadResult>][] = [
    ['1. floor', r.floor],
    ['2a. product', r.whoami.product],
    ['2a. template', r.whoami.template],
    ['2b. product', r.search],
    ['2c. product', r.currentWhoami],
    ['2d. product', r.currentSearch],
    ['2e. product (query)', r.query],
    ['3a. product', r.sse.product],
    ['3a. template', r.sse.template],
    ['3b. product', r.streamable.product],
    ['3b. template', r.streamable.template],
    ['4. product', r.sessions.product],
    ['4. template', r.sessions.template],
    ['1′. floor', r.floorAgain],
  ];
  const failures = results.flatMap(([name, result]) =>
    isFailed(result) ? [] : result.samples.map((sample) => `${name}: ${sample}`),
  );
  if (failures.length) lines.push('', 'Errors seen:', ...failures.map((failure) => `- ${failure}`));
  const unmeasured = [
    ...results
      .filter(([, result]) => isFailed(result))
      .map(([name, result]) => `${name}: ${(result as Failed).failed}`),
    ...SIDES.flatMap((side) => {
      const bundle = r.bundle[side];
      const startup = r.startup[side];
      return [
        ...(isFailed(bundle) ? [`bundle (${NAMES[side]}): ${bundle.failed}`] : []),
        ...(isFailed(startup) ? [`start-up (${NAMES[side]}): ${startup.failed}`] : []),
      ];
    }),
  ];
  if (unmeasured.length) {
    lines.push('', 'Not measured (the run is incomplete):', ...unmeasured.map((u) => `- ${cell(u)}`));
  }
  return { markdown: `${lines.join('\n')}\n`, missed: list.filter((t) => !t.ok), unmeasured };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  stopper.stopOnSignals('the load, both wrangler devs and the stand-in');
  const when = new Date();
  try {
    const results = await measure();
    await stopper.stopAll();
    const { markdown, missed, unmeasured } = report(results, when);
    const dir = join(process.cwd(), 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bench.md'), markdown);
    process.stdout.write(`\n${markdown}`);
    log('\nWritten to test-results/bench.md.');
    if (missed.length) {
      log(`\n✗✗✗ ${missed.length} TARGET${missed.length > 1 ? 'S' : ''} MISSED ✗✗✗`);
      for (const target of missed) log(`  ✗ ${target.what}: ${target.measured}`);
    } else log('\n✓ All targets met.');
    if (unmeasured.length) {
      log(
        `\n✗✗✗ ${unmeasured.length} MEASUREMENT${unmeasured.length > 1 ? 'S' : ''} FAILED: the run is incomplete ✗✗✗`,
      );
      for (const what of unmeasured) log(`  ✗ ${what.split('\n')[0]}`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (stopper.interrupted) {
      await stopper.stopAll();
      return 130;
    }
    log(`\nThe benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    await stopper.stopAll();
    return 1;
  }
}

process.exitCode = await main();
// Sockets and timers of the load generator must not keep the process alive.
process.exit();
