import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time the server spends, read from /proc (Linux): `wrangler dev` is a process group (the
 * wrangler Node process and its workerd runtimes), and the CPU it uses per request is a figure
 * that other work on the machine barely moves, unlike requests per second. Elsewhere than Linux
 * the figures are simply missing.
 */

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux that Node supports

function stat(pid: string): { pgid: number; cpuMs: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: fields are counted after its closing paren.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(fields[2]);
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return { pgid, cpuMs: (ticks / TICKS_PER_SECOND) * 1000 };
  } catch {
    return undefined;
  }
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

const pids = (): string[] => {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
};

/** The process group of the `wrangler dev` serving `port`, found by the workerd that listens on it. */
export function serverProcessGroup(port: number): number | undefined {
  const marker = `--socket-addr=entry=127.0.0.1:${port} `;
  for (const pid of pids()) {
    if (cmdline(pid).includes(marker)) return stat(pid)?.pgid;
  }
  return undefined;
}

/** CPU milliseconds (user + system) one process has used so far; undefined once it is gone. */
export function processCpu(pid: number): number | undefined {
  return stat(String(pid))?.cpuMs;
}

/** CPU milliseconds so far, by who spent them. */
export interface CpuReading {
  /** The whole `wrangler dev` process group: wrangler, its dev proxy and the Worker runtime. */
  server: number;
  /**
   * The workerd that runs the Worker itself (the group's workerd not listening on the public
   * port: that one is wrangler's dev proxy); undefined if wrangler's layout is not recognised.
   */
  worker: number | undefined;
}

/** CPU milliseconds (user + system) of every live process in the group; `port` is the public one. */
export function serverCpu(pgid: number, port: number): CpuReading {
  const proxyMarker = `--socket-addr=entry=127.0.0.1:${port} `;
  let server = 0;
  let worker: number | undefined;
  for (const pid of pids()) {
    const info = stat(pid);
    if (info?.pgid !== pgid) continue;
    server += info.cpuMs;
    const command = cmdline(pid);
    if (command.includes('workerd') && !command.includes(proxyMarker)) worker = (worker ?? 0) + info.cpuMs;
  }
  return { server, worker };
}
