import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Stream } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/**
 * Real MCP clients (mcp-remote, the MCP Inspector's CLI) as child processes of an end-to-end
 * test: the Node binary and bins from node_modules, each child in a process group of its own,
 * and every group stopped at the end of the file, whether the tests passed or not.
 */

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Node 22 from the `node` devDependency: the Inspector needs Node ≥ 22.19, whatever is on PATH. */
export const NODE = root('node_modules/.bin/node');
export const MCP_REMOTE = root('node_modules/.bin/mcp-remote');
export const INSPECTOR = root('node_modules/.bin/inspector');

const SETSID = '/usr/bin/setsid';

/**
 * `command args` as the leader of a new process group, for spawners that cannot be asked for
 * `detached` (the SDK's `StdioClientTransport`): `setsid` execs the command in place, so the
 * child's pid is also its process group id. Without `setsid`, the command runs as it is (and
 * only the process itself is stopped).
 */
export function asGroupLeader(command: string, args: string[]): { command: string; args: string[] } {
  return existsSync(SETSID) ? { command: SETSID, args: [command, ...args] } : { command, args };
}

/** Process groups started by a test file; `stopAll()` in `afterAll` ends each, even after a failure. */
export class ProcessGroups {
  readonly #pids = new Set<number>();

  track(pid: number | null | undefined): void {
    if (pid) this.#pids.add(pid);
  }

  /** SIGTERM to each group (or process), then SIGKILL to what is still there after `graceMs`. */
  async stopAll(graceMs = 3000): Promise<void> {
    const pids = [...this.#pids];
    this.#pids.clear();
    for (const pid of pids) signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, name);
    } catch {
      // No such group (not a leader) or already gone.
    }
  }
}

function alive(pid: number): boolean {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 0);
      return true;
    } catch {
      // Try the process itself, then give up.
    }
  }
  return false;
}

/**
 * `mcp-remote <url> <callbackPort>` spawned by the SDK's stdio transport, as Claude Desktop and
 * Cursor run it from their config, in a process group `groups` stops; with the SDK client that
 * talks to it over stdio, and its stderr (where it prints the authorize URL).
 */
export function spawnMcpRemote(options: {
  url: string;
  callbackPort: number;
  /** Added to the SDK's default environment (HOME, PATH, …, as the apps pass). */
  env: Record<string, string>;
  groups: ProcessGroups;
}): { client: Client; transport: StdioClientTransport; stderr: OutputLog } {
  const { command, args } = asGroupLeader(NODE, [MCP_REMOTE, options.url, String(options.callbackPort)]);
  const transport = new StdioClientTransport({ command, args, env: options.env, stderr: 'pipe' });
  const stderr = new OutputLog(transport.stderr);
  const start = transport.start.bind(transport);
  transport.start = async () => {
    await start();
    options.groups.track(transport.pid);
  };
  return { client: new Client({ name: 'claude-desktop-e2e', version: '1.0.0' }), transport, stderr };
}

/** Everything a child wrote on one stream, and a way to wait for a line in it. */
export class OutputLog {
  text = '';
  readonly #waiters = new Set<() => void>();

  /** `stream`: a child's stdout or stderr (the SDK's stdio transport types its stderr as a `Stream`). */
  constructor(stream: Readable | Stream | null) {
    const readable = stream as Readable | null;
    readable?.setEncoding('utf8');
    readable?.on('data', (chunk: string) => {
      this.text += chunk;
      for (const wake of this.#waiters) wake();
    });
  }

  /** Resolves with the first match of `pattern` in the output so far or to come. */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.text);
        if (!match) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(match);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; the output was:\n${this.text}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `node script args` to completion in its own process group (tracked in `groups` so that
 * a hung client is stopped by `afterAll`), with exactly `env` as its environment: no DISPLAY,
 * no BROWSER and no TTY leak in from the machine running the tests.
 */
export function runNodeScript(
  script: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; groups: ProcessGroups; timeoutMs?: number },
): Promise<Finished> {
  const started = Date.now();
  const child = spawn(NODE, [script, ...args], {
    cwd: options.cwd,
    // Exactly these variables (the Worker's generated types make ProcessEnv demand its bindings).
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.groups.track(child.pid);
  const stdout = new OutputLog(child.stdout);
  const stderr = new OutputLog(child.stderr);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) signal(child.pid, 'SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr.text}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.text, stderr: stderr.text, ms: Date.now() - started });
    });
  });
}
