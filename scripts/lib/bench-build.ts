import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The Worker as Cloudflare receives it, for `npm run bench`: its bundle size (what
 * `wrangler deploy` would upload) and its start-up (the script's evaluation in workerd).
 * Both run offline.
 */

const WRANGLER = join(process.cwd(), 'node_modules/.bin/wrangler');

/** Runs wrangler to completion; rejects with its output when it fails. Aborting kills it. */
function wrangler(args: string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, args, {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    signal.addEventListener('abort', kill, { once: true });
    child.on('error', reject);
    child.on('exit', (code) => {
      signal.removeEventListener('abort', kill);
      if (signal.aborted) reject(signal.reason);
      else if (code === 0) resolve(output);
      else reject(new Error(`wrangler ${args.join(' ')} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

export interface BundleSize {
  /** `wrangler deploy --outfile`'s worker bundle (what `wrangler check startup --worker` takes). */
  workerBundle: string;
  /** Bytes of the modules wrangler would upload (source maps and the README excluded). */
  raw: number;
  gzip: number;
  /** What wrangler itself printed ("Total Upload: … / gzip: …"), to cross-check. */
  wranglerSays?: string;
  /** The biggest packages in the bundle, by bytes before compression. */
  biggest: { name: string; bytes: number }[];
}

/**
 * `wrangler deploy --dry-run --outdir <dir>`: sizes measured on the files it wrote. The same
 * build also writes the upload bundle for `startupProfile`; `dir` is the caller's to remove.
 * `config`: the Worker's configuration file (default: the product's `wrangler.jsonc`).
 */
export async function bundleSize(dir: string, signal: AbortSignal, config?: string): Promise<BundleSize> {
  const out = join(dir, 'out');
  const meta = join(dir, 'meta.json');
  const workerBundle = join(dir, 'worker.bundle');
  const output = await wrangler(
    [
      'deploy',
      '--dry-run',
      ...(config ? ['--config', config] : []),
      '--outdir',
      out,
      '--outfile',
      workerBundle,
      '--metafile',
      meta,
    ],
    signal,
  );
  // The modules as wrangler uploads them (source maps and the README are not uploaded), gzipped
  // together as wrangler measures them.
  const modules = readdirSync(out)
    .filter((name) => /\.(m?js|cjs|wasm|bin|txt|html)$/.test(name))
    .map((name) => readFileSync(join(out, name)));
  const raw = modules.reduce((sum, bytes) => sum + bytes.length, 0);
  if (raw === 0) throw new Error(`wrangler wrote no modules to ${out}`);
  return {
    workerBundle,
    raw,
    gzip: gzipSync(Buffer.concat(modules)).length,
    wranglerSays: /Total Upload: ([^\n]+)/.exec(output)?.[1]?.trim(),
    biggest: biggestPackages(meta),
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-bench-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function biggestPackages(metafile: string): { name: string; bytes: number }[] {
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as {
    outputs: Record<string, { inputs?: Record<string, { bytesInOutput: number }> }>;
  };
  const byPackage = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/(v\d+\/locales))?/.exec(file);
      const own = file.startsWith('src/') ? 'src (this project)' : 'own code';
      const name = match ? (match[2] ? `${match[1]}/${match[2]}` : (match[1] as string)) : own;
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
}

export interface Startup {
  /** Median over the runs: CPU-profiled time of the start-up phase (parse, compile, top-level evaluation). */
  activeMs: number;
  /** Of which garbage collection (same run as the median). */
  gcMs: number;
  /** Every run's active time, to show the spread. */
  runsMs: number[];
}

/**
 * `wrangler check startup --worker <bundle>`: wrangler runs the Worker's start-up phase (the
 * script's evaluation, before any request) in a local workerd with the CPU profiler on. Its
 * active (non-idle) time is what Cloudflare counts as the Worker's start-up, the part of a cold
 * start the code controls; Cloudflare refuses to deploy a Worker whose start-up exceeds its
 * limit. Sampled time is wall-clock time, so a busy machine inflates it: the median of `runs`.
 */
export async function startupProfile(workerBundle: string, runs: number, signal: AbortSignal): Promise<Startup> {
  const measured: { activeMs: number; gcMs: number }[] = [];
  for (let run = 0; run < runs; run++) {
    const file = `${workerBundle}.${run}.cpuprofile`;
    await wrangler(['check', 'startup', '--worker', workerBundle, '--outfile', file], signal);
    measured.push(summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile));
  }
  measured.sort((a, b) => a.activeMs - b.activeMs);
  const median = measured[Math.floor(measured.length / 2)] ?? { activeMs: Number.NaN, gcMs: Number.NaN };
  return { ...median, runsMs: measured.map((m) => m.activeMs) };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Non-idle sampled time, as wrangler's own summary computes it (each sample gets the delta before it). */
function summarize(profile: CpuProfile): { activeMs: number; gcMs: number } {
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let active = 0;
  let gc = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const micros = profile.timeDeltas[i] ?? 0;
    const name = names.get(profile.samples[i] as number);
    if (name === '(idle)') continue;
    active += micros;
    if (name === '(garbage collector)') gc += micros;
  }
  return { activeMs: active / 1000, gcMs: gc / 1000 };
}
