import autocannon from 'autocannon';
import type { CpuReading } from './bench-cpu.ts';

/**
 * Load generation for `npm run bench`: autocannon for plain request/response endpoints, and a
 * small closed loop for calls whose answer does not come back on the request (legacy SSE). Both
 * record every latency themselves, so percentiles and error counts are computed the same way.
 */

export interface LoadResult {
  /** Completed requests per second over the measured window. */
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  /** Failed checks, HTTP errors, timeouts and connection errors. */
  errors: number;
  /** A few distinct failure messages, for the report. */
  samples: string[];
  seconds: number;
  /** CPU milliseconds per completed request, when `Phase.serverCpu` can read the server's. */
  cpu?: CpuPerRequest;
}

/**
 * Where each request's CPU time went. On a machine whose cores are all busy, the sum of them
 * decides the throughput, so this says which part a slower scenario pays for.
 */
export interface CpuPerRequest extends CpuReading {
  /** This process: the load generator. */
  harness: number;
  /** The upstream stand-in's own process, when `Phase.standinCpu` can read it. */
  standin: number | undefined;
}

export class Recorder {
  readonly latencies: number[] = [];
  errors = 0;
  readonly #samples = new Map<string, number>();

  ok(ms: number): void {
    this.latencies.push(ms);
  }

  fail(reason: string, ms?: number): void {
    this.errors++;
    if (ms !== undefined) this.latencies.push(ms);
    const key = reason.slice(0, 200);
    if (this.#samples.size < 5 || this.#samples.has(key)) this.#samples.set(key, (this.#samples.get(key) ?? 0) + 1);
  }

  result(seconds: number): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      rps: sorted.length / seconds,
      requests: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      errors: this.errors,
      samples: [...this.#samples].map(([reason, count]) => `${count}× ${reason}`),
      seconds,
    };
  }
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** One kind of request, replayed by each connection; `check` returns why a response failed. */
export interface CannonSpec {
  url: string;
  connections: number;
  /** Per connection (index from 0): the request to send next and how to check its answer. */
  perConnection(index: number): {
    method: string;
    path: string;
    headers: Record<string, string>;
    /** A fresh body per request (for unique JSON-RPC ids), or none. */
    body?: () => string;
    /** `headers` as autocannon gives them (names as the server sent them). */
    check(status: number, body: string, headers: Record<string, string | string[]>): string | undefined;
  };
}

export interface Phase {
  warmupSeconds: number;
  seconds: number;
  signal: AbortSignal;
  /** The server's CPU time so far, in milliseconds (see bench-cpu.ts), if it can be read. */
  serverCpu?: () => CpuReading | undefined;
  /** The upstream stand-in's CPU time so far, in milliseconds, if it runs in a process of its own. */
  standinCpu?: () => number | undefined;
}

/** Runs `run` and charges the CPU it took, the server's and this process's, to the requests it completed. */
async function withCpu(phase: Phase, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = phase.serverCpu?.();
  const standinBefore = phase.standinCpu?.();
  const harnessBefore = process.cpuUsage();
  const result = await run();
  const harness = process.cpuUsage(harnessBefore);
  const standinAfter = phase.standinCpu?.();
  const after = phase.serverCpu?.();
  if (before === undefined || after === undefined || result.requests === 0) return result;
  const perRequest = (ms: number) => ms / result.requests;
  return {
    ...result,
    cpu: {
      server: perRequest(after.server - before.server),
      worker:
        after.worker === undefined || before.worker === undefined
          ? undefined
          : perRequest(after.worker - before.worker),
      harness: perRequest((harness.user + harness.system) / 1000),
      standin:
        standinBefore === undefined || standinAfter === undefined
          ? undefined
          : perRequest(standinAfter - standinBefore),
    },
  };
}

/** Warm-up then a measured autocannon run; only the measured run is recorded. */
export async function cannon(spec: CannonSpec, phase: Phase): Promise<LoadResult> {
  if (phase.warmupSeconds > 0) await cannonOnce(spec, phase.warmupSeconds, phase.signal, new Recorder());
  const recorder = new Recorder();
  return withCpu(phase, async () => recorder.result(await cannonOnce(spec, phase.seconds, phase.signal, recorder)));
}

async function cannonOnce(spec: CannonSpec, seconds: number, signal: AbortSignal, recorder: Recorder) {
  signal.throwIfAborted();
  let next = 0;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: 10,
    setupClient(client) {
      const request = spec.perConnection(next++);
      // What this connection sent last: autocannon checks a response before building the next request.
      let verdict: string | undefined;
      client.setRequests([
        {
          method: request.method,
          path: request.path,
          headers: request.headers,
          setupRequest(built) {
            if (request.body) built.body = request.body();
            return built;
          },
          onResponse(status, body, _context, headers) {
            verdict = request.check(status, body, headers);
          },
        },
      ]);
      client.on('response', (_status: number, _bytes: number, ms: number) => {
        if (verdict === undefined) recorder.ok(ms);
        else recorder.fail(verdict, ms);
      });
    },
  });
  instance.on('reqError', (error: Error) => recorder.fail(`request error: ${error.message}`));
  const stop = () => instance.stop();
  signal.addEventListener('abort', stop, { once: true });
  const started = performance.now();
  try {
    const result = await instance;
    signal.throwIfAborted();
    // Timeouts are reported as `reqError` too; autocannon's own count is the floor.
    recorder.errors = Math.max(recorder.errors, result.errors);
  } finally {
    signal.removeEventListener('abort', stop);
  }
  return (performance.now() - started) / 1000;
}

/**
 * A closed loop: `workers` loops, each calling `call` again as soon as the previous call ends,
 * for the duration. `call` resolves with a failure reason or `undefined`; a call that takes
 * longer than `timeoutMs` counts as an error.
 */
export async function closedLoop(
  options: Phase & { workers: number; timeoutMs?: number; call: (worker: number) => Promise<string | undefined> },
): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await loopOnce(options, options.warmupSeconds, new Recorder());
  const recorder = new Recorder();
  return withCpu(options, async () => recorder.result(await loopOnce(options, options.seconds, recorder)));
}

async function loopOnce(
  options: Phase & { workers: number; timeoutMs?: number; call: (worker: number) => Promise<string | undefined> },
  seconds: number,
  recorder: Recorder,
): Promise<number> {
  options.signal.throwIfAborted();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Ctrl-C must not wait for answers that may never come.
  const aborted = new Promise<string>((resolve) =>
    options.signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
  );
  const worker = async (index: number) => {
    while (performance.now() < deadline && !options.signal.aborted) {
      const begin = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
      });
      const reason = await Promise.race([
        options.call(index).catch((error: unknown) => (error instanceof Error ? error.message : String(error))),
        timeout,
        aborted,
      ]);
      clearTimeout(timer);
      const end = performance.now();
      if (end > deadline) break; // finished after the window: not part of it
      if (reason === undefined) recorder.ok(end - begin);
      else recorder.fail(reason, end - begin);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, index) => worker(index)));
  options.signal.throwIfAborted();
  return seconds;
}
