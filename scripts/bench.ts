/**
 * `npm run bench`: how fast the server answers, measured in one run and printed as a table.
 *
 * Measures the Worker as Cloudflare receives it (bundle size from `wrangler deploy --dry-run`,
 * start-up from `wrangler check startup`), then starts the product as a user runs it (the Attio
 * stand-in and the real `wrangler dev`, free ports, throwaway state), signs in through the real
 * OAuth flow without a browser, and puts loopback load on it:
 *
 * 1. the floor: `GET /health` (no auth, no Durable Object);
 * 2. `tools/call` over streamable HTTP on one session: `whoami` (no upstream call) and
 *    `search_records` (one stand-in call) — bearer check, session Durable Object, the tool;
 * 3. the same call over legacy SSE (POST, answer on the stream, matched by id) against
 *    streamable HTTP, both with the same closed-loop client;
 * 4. 64 sessions at once, one connection each.
 *
 * Every answer is checked (HTTP 200, a JSON-RPC result for this request's id, no `isError`);
 * failures count as errors. Rate limits are off (`RATE_LIMITS=off`): they would answer a load
 * test with 429 by design. Two development aids of wrangler dev are off, as a deployed Worker has
 * neither: the local trace collector (`X_LOCAL_OBSERVABILITY=false`), which copies every span and
 * log line into a local database through a tail worker (about 1 ms of CPU per request, on the
 * floor too), and the DevTools inspector, which copies every `console.log` into wrangler's process
 * (about 0.8 ms per tool call, for its audit line; see scripts/lib/wrangler-dev.ts).
 *
 * Besides requests per second and latency, each scenario reports CPU time per request, from
 * /proc: the server's (the whole `wrangler dev` process group, and the Worker's workerd alone),
 * the load generator's and the Attio stand-in's, which runs in a process of its own as in
 * `npm run dev`. On a shared machine these move far less than throughput does. The floor is
 * measured first and last; the targets use their mean.
 * Start-up is `wrangler check startup` on the bundle just built: the CPU-profiled evaluation of
 * the script in workerd, which is what Cloudflare counts as a Worker's start-up (median of 3).
 *
 * The table goes to stdout and test-results/bench.md; progress to stderr. Exit code 0 when the
 * run completes, even when targets are missed (they are printed loudly); 1 when the run itself
 * fails; 130 on Ctrl-C (a second Ctrl-C kills wrangler dev at once). Everything started is
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
  Http,
  mcpHeaders,
  openStreamableSession,
  SseSession,
  type ToolCall,
  toolCallBody,
  toolCallFailure,
} from './lib/bench-mcp.ts';
import { startStackWithStandinProcess } from './lib/stack.ts';
import { Stopper } from './lib/stopper.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SESSIONS = 64;
const STARTUP_RUNS = 3;
const EMAIL = 'demo@example.com';

const TARGETS = { throughputRatio: 0.6, p99Ratio: 3, gzipKiB: 700 };

const WHOAMI: ToolCall = { name: 'whoami', arguments: {} };
const SEARCH: ToolCall = { name: 'search_records', arguments: { query: 'Acme' } };

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Everything started is stopped on success, failure and Ctrl-C. */
const stopper = new Stopper(log);

// ---------------------------------------------------------------------------------------------
// The scenarios.

let nextId = 1;

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
    check: (status: number, body: string) => toolCallFailure(status, body, sent),
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

interface Results {
  bundle: BundleSize;
  startup: Startup;
  devReadyMs: number;
  /** The floor, measured first and again last (a busy machine shows as drift between them). */
  floor: LoadResult;
  floorAgain: LoadResult;
  /** 1-minute load average before and after the load phases. */
  load: [number, number];
  /** Share of one core this process (the load generator) used during the load phases. */
  generatorCores: number;
  whoami: LoadResult;
  search: LoadResult;
  sse: LoadResult;
  streamable: LoadResult;
  sessions: LoadResult;
}

async function measure(): Promise<Results> {
  const signal = stopper.signal;

  const dir = tempDir();
  stopper.add(() => removeDir(dir));
  log('Bundle: wrangler deploy --dry-run --outdir <tmp> …');
  const bundle = await bundleSize(dir, signal);
  log(`  ${kib(bundle.raw)} KiB, gzip ${kib(bundle.gzip)} KiB (wrangler says: ${bundle.wranglerSays ?? '?'})`);
  log(`Start-up: wrangler check startup --worker <that bundle>, ${STARTUP_RUNS} runs …`);
  const startup = await startupProfile(bundle.workerBundle, STARTUP_RUNS, signal);
  log(`  median ${startup.activeMs.toFixed(0)} ms (runs: ${startup.runsMs.map((v) => v.toFixed(0)).join(', ')} ms)`);

  log('Starting the Attio stand-in and wrangler dev (RATE_LIMITS=off, no inspector, no trace collector) …');
  const started = performance.now();
  const stack = await stopper.track(
    startStackWithStandinProcess({
      vars: { RATE_LIMITS: 'off' },
      wranglerEnv: { X_LOCAL_OBSERVABILITY: 'false' },
      inspector: false,
      onProgress: (message) => log(`  ${message}`),
      signal,
    }),
  );
  const devReadyMs = performance.now() - started;
  const { standinPid } = stack;
  const port = Number(new URL(stack.origin).port);
  const group = serverProcessGroup(port);
  stopper.killOnForce(group);
  stopper.killOnForce(standinPid); // started detached: its own process group
  if (group === undefined) log('  (no /proc: server CPU per request will not be measured)');
  const phase: Phase = {
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
    signal,
    serverCpu: () => (group === undefined ? undefined : serverCpu(group, port)),
    standinCpu: () => (standinPid === undefined ? undefined : processCpu(standinPid)),
  };

  log(`Signing in as ${EMAIL} (register, consent, stand-in sign-in, token) …`);
  const { tokens } = await signIn(new Browser(stack.origin, (request) => fetch(request)), {
    email: EMAIL,
  });
  const token = tokens.access_token;
  const http = new Http(stack.origin, SESSIONS + CONNECTIONS);
  stopper.add(() => http.close());

  log('Opening an MCP session (streamable HTTP) and checking both tools once …');
  const sessionId = await openStreamableSession(http, token);
  for (const call of [WHOAMI, SEARCH]) {
    const id = nextId++;
    const answer = await http.send('POST', '/mcp', mcpHeaders(token, sessionId), toolCallBody(id, call));
    const failure = toolCallFailure(answer.status, answer.body, id);
    if (failure) throw new Error(`${call.name} does not work before any load: ${failure}`);
  }

  const url = `${stack.origin}/health`;
  const measureFloor = () =>
    cannon(
      {
        url,
        connections: CONNECTIONS,
        perConnection: () => ({
          method: 'GET',
          path: '/health',
          headers: {},
          check: (status, body) => (status === 200 && body.includes('"ok"') ? undefined : `HTTP ${status}`),
        }),
      },
      phase,
    );
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const generatorStart = { cpu: process.cpuUsage(), wall: performance.now() };
  log(`1/6 Floor: GET /health, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s …`);
  const floor = await measureFloor();
  log(`  ${summary(floor)}`);

  log(`2/6 tools/call whoami on one session, ${CONNECTIONS} connections …`);
  const whoami = await cannon(
    { url, connections: CONNECTIONS, perConnection: () => toolCallRequest(token, sessionId, WHOAMI) },
    phase,
  );
  log(`  ${summary(whoami)}`);

  log(`3/6 tools/call search_records {query:"Acme"} on one session, ${CONNECTIONS} connections …`);
  const search = await cannon(
    { url, connections: CONNECTIONS, perConnection: () => toolCallRequest(token, sessionId, SEARCH) },
    phase,
  );
  log(`  ${summary(search)}`);

  log(`4/6 Legacy SSE against streamable HTTP: whoami, ${CONNECTIONS} calls in flight, same client …`);
  const sse = new SseSession(http, token);
  stopper.add(() => sse.close());
  await sse.open();
  const sseResult = await closedLoop({
    ...phase,
    workers: CONNECTIONS,
    call: async () => {
      const id = nextId++;
      return answerFailure(await sse.request(id, toolCallBody(id, WHOAMI)), id);
    },
  });
  sse.close();
  log(`  SSE:        ${summary(sseResult)}`);
  const streamableSession = await openStreamableSession(http, token);
  const streamable = await closedLoop({
    ...phase,
    workers: CONNECTIONS,
    call: async () => {
      const id = nextId++;
      const answer = await http.send('POST', '/mcp', mcpHeaders(token, streamableSession), toolCallBody(id, WHOAMI));
      return toolCallFailure(answer.status, answer.body, id);
    },
  });
  log(`  Streamable: ${summary(streamable)}`);

  log(`5/6 ${SESSIONS} sessions, each initialized, each calling whoami in a loop …`);
  const sessionIds = await inBatches(SESSIONS, 8, () => openStreamableSession(http, token));
  const sessions = await cannon(
    {
      url,
      connections: SESSIONS,
      perConnection: (index) => toolCallRequest(token, sessionIds[index % SESSIONS] as string, WHOAMI),
    },
    phase,
  );
  log(`  ${summary(sessions)}`);

  log('6/6 Floor again, to see whether the machine got busier or quieter during the run …');
  const floorAgain = await measureFloor();
  log(`  ${summary(floorAgain)}`);
  const load: [number, number] = [loadBefore, loadavg()[0] ?? Number.NaN];
  const generatorCpu = process.cpuUsage(generatorStart.cpu);
  const generatorCores = (generatorCpu.user + generatorCpu.system) / 1000 / (performance.now() - generatorStart.wall);

  return {
    bundle,
    startup,
    devReadyMs,
    floor,
    floorAgain,
    load,
    generatorCores,
    whoami,
    search,
    sse: sseResult,
    streamable,
    sessions,
  };
}

// ---------------------------------------------------------------------------------------------
// The report.

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const cpuMs = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));
const summary = (r: LoadResult) =>
  `${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, ` +
  `CPU ms/req: server ${cpuMs(r.cpu?.server)} (Worker ${cpuMs(r.cpu?.worker)}), load ${cpuMs(r.cpu?.harness)}, ` +
  `stand-in ${cpuMs(r.cpu?.standin)}, ` +
  `${r.errors} errors` +
  (r.samples.length ? ` (${r.samples.join('; ')})` : '');

/** The floor the targets compare with: the mean of the two floor runs. */
function reference(r: Results): { rps: number; p99: number } {
  return { rps: (r.floor.rps + r.floorAgain.rps) / 2, p99: (r.floor.p99 + r.floorAgain.p99) / 2 };
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
    ['whoami', r.whoami],
    ['search_records', r.search],
  ] as const) {
    const ratio = result.rps / floor.rps;
    list.push({
      what: `tools/call ${name} throughput ≥ ${TARGETS.throughputRatio} × floor`,
      ok: ratio >= TARGETS.throughputRatio,
      measured: `${ratio.toFixed(2)} × (${result.rps.toFixed(0)} / ${floor.rps.toFixed(0)} req/s)`,
    });
    const p99 = result.p99 / floor.p99;
    list.push({
      what: `tools/call ${name} p99 ≤ ${TARGETS.p99Ratio} × floor p99`,
      ok: p99 <= TARGETS.p99Ratio,
      measured: `${p99.toFixed(1)} × (${ms(result.p99)} / ${ms(floor.p99)} ms)`,
    });
  }
  const loads = [r.floor, r.whoami, r.search, r.sse, r.streamable, r.sessions, r.floorAgain];
  const errors = loads.reduce((sum, load) => sum + load.errors, 0);
  list.push({ what: 'zero errors (all scenarios)', ok: errors === 0, measured: `${errors} errors` });
  const gzipKiB = r.bundle.gzip / 1024;
  list.push({
    what: `bundle ≤ ${TARGETS.gzipKiB} KiB gzip`,
    ok: gzipKiB <= TARGETS.gzipKiB,
    measured: `${gzipKiB.toFixed(1)} KiB`,
  });
  return list;
}

function report(r: Results, when: Date): { markdown: string; missed: Target[] } {
  const floor = reference(r);
  const row = (scenario: string, conns: number | string, result: LoadResult) =>
    `| ${scenario} | ${conns} | ${result.rps.toFixed(0)} | ${(result.rps / floor.rps).toFixed(2)} × | ${ms(result.p50)} | ${ms(result.p99)} | ` +
    `${cpuMs(result.cpu?.server)} | ${cpuMs(result.cpu?.worker)} | ${cpuMs(result.cpu?.harness)} | ${cpuMs(result.cpu?.standin)} | ${result.errors} |`;
  const list = targets(r);
  const cores = cpus().length;
  const drift = Math.abs(r.floorAgain.rps - r.floor.rps) / floor.rps;
  const lines = [
    `# npm run bench — ${when.toISOString()}`,
    '',
    `wrangler dev (through its API: DevTools inspector and local trace collector off) on loopback, ${cores} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}; ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s per scenario; the Attio stand-in runs in a Node process of its own, as in \`npm run dev\`. ` +
      `Load average ${r.load[0].toFixed(1)} before the load, ${r.load[1].toFixed(1)} after; ` +
      `the load generator used ${(r.generatorCores * 100).toFixed(0)} % of one core meanwhile.`,
    '',
    '| Scenario | Conns | Req/s | vs floor | p50 ms | p99 ms | Server CPU ms/req | of it, Worker | Load CPU ms/req | Stand-in CPU ms/req | Errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('1. Floor: GET /health', CONNECTIONS, r.floor),
    row('2a. tools/call whoami, streamable HTTP, 1 session', CONNECTIONS, r.whoami),
    row('2b. tools/call search_records "Acme", streamable HTTP, 1 session', CONNECTIONS, r.search),
    row('3a. whoami over legacy SSE (end-to-end, closed loop)', CONNECTIONS, r.sse),
    row('3b. whoami over streamable HTTP (same closed loop)', CONNECTIONS, r.streamable),
    row(`4. whoami, ${SESSIONS} sessions × 1 connection`, SESSIONS, r.sessions),
    row('1′. Floor again, at the end', CONNECTIONS, r.floorAgain),
    '',
    `"vs floor" and the targets use the mean of both floor runs (${floor.rps.toFixed(0)} req/s, p99 ${ms(floor.p99)} ms). ` +
      'CPU is per completed request. Server CPU is the whole `wrangler dev` process group (wrangler, its dev proxy and the Worker runtime); ' +
      '"of it, Worker" is the workerd that runs the Worker and its Durable Objects alone, the part a deployment runs; ' +
      '"load" is this process (the load generator), "stand-in" the Attio stand-in\'s process (the upstream a deployment calls over the internet). ' +
      'With every core busy, the sum of the four decides the throughput. ' +
      `SSE ÷ streamable HTTP (3a ÷ 3b): ${(r.sse.rps / r.streamable.rps).toFixed(2)} × the throughput, ` +
      `${(r.sse.p50 / r.streamable.p50).toFixed(2)} × the p50 latency.`,
    // The load average counts this run's own load, so the floor's drift is the better sign of other work.
    ...(drift > 0.2
      ? [
          '',
          `**Busy machine**: the floor moved ${(drift * 100).toFixed(0)} % between its first and last run; ` +
            'requests per second and latencies are unreliable, server CPU per request much less so.',
        ]
      : []),
    '',
    '| Worker | Measured |',
    '| --- | --- |',
    `| 5. Bundle (wrangler deploy --dry-run) | ${kib(r.bundle.raw)} KiB raw, **${kib(r.bundle.gzip)} KiB gzip** (wrangler: ${r.bundle.wranglerSays ?? '?'}) |`,
    `| Biggest packages (raw KiB) | ${r.bundle.biggest.map((p) => `${p.name} ${kib(p.bytes)}`).join(', ')} |`,
    `| 6. Start-up (wrangler check startup: script evaluation in workerd, CPU-profiled) | **${r.startup.activeMs.toFixed(0)} ms** median incl. ${r.startup.gcMs.toFixed(0)} ms GC (runs: ${r.startup.runsMs.map((v) => v.toFixed(0)).join(', ')} ms) |`,
    `| wrangler dev start → first /health 200 (developer start-up, not the Worker's) | ${(r.devReadyMs / 1000).toFixed(1)} s |`,
    '',
    '| Target | Measured | |',
    '| --- | --- | :---: |',
    ...list.map((t) => `| ${t.what} | ${t.measured} | ${t.ok ? '✓' : '✗'} |`),
  ];
  const failures = [r.floor, r.whoami, r.search, r.sse, r.streamable, r.sessions, r.floorAgain].flatMap(
    (result) => result.samples,
  );
  if (failures.length) lines.push('', 'Errors seen:', ...failures.map((failure) => `- ${failure}`));
  return { markdown: `${lines.join('\n')}\n`, missed: list.filter((t) => !t.ok) };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  stopper.stopOnSignals('the load, wrangler dev and the stand-in');
  const when = new Date();
  try {
    const results = await measure();
    await stopper.stopAll();
    const { markdown, missed } = report(results, when);
    const dir = join(process.cwd(), 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bench.md'), markdown);
    process.stdout.write(`\n${markdown}`);
    log('\nWritten to test-results/bench.md.');
    if (missed.length) {
      log(`\n✗✗✗ ${missed.length} TARGET${missed.length > 1 ? 'S' : ''} MISSED ✗✗✗`);
      for (const target of missed) log(`  ✗ ${target.what}: ${target.measured}`);
    } else log('\n✓ All targets met.');
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
