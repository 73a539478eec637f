import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Child processes for `npm run dev`, the end-to-end tests and benchmarks. Each child gets its
 * own process group so that stopping it also stops what it started (wrangler starts workerd):
 * Ctrl-C must leave no orphan behind.
 */

export interface Started {
  child: ChildProcess;
  /** The last lines the process printed, for an error message when it fails to start. */
  recentOutput(): string;
  stop(): Promise<void>;
}

export function startProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; label: string; cwd?: string; quiet?: boolean; hide?: RegExp },
): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (line: string) => `[${options.label}] ${line}`;
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    let pending = '';
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      recent.push(...lines);
      recent.splice(0, Math.max(0, recent.length - 40));
      if (options.quiet) return;
      for (const line of lines) if (line.trim() && !options.hide?.test(line)) process.stdout.write(`${prefix(line)}\n`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    recentOutput: () => recent.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, 'SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        signalGroup(child, 'SIGKILL');
        await exited;
      }
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls `url` until it answers (any status below 500, or `ok` when asked) or the time runs out. */
export async function waitForUrl(url: string, { timeoutMs = 60_000, requireOk = false } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (requireOk ? response.ok : response.status < 500) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms (${last})`);
}
