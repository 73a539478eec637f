/**
 * `npm run dev`: the Worker on http://localhost:8788 and the local stand-in of the chosen
 * upstream, together: `npm run dev` (Attio, on :8789), `UPSTREAM=github npm run dev` (GitHub, on
 * :8790), `UPSTREAM=access npm run dev` (Cloudflare Access, an OpenID Provider on :8791),
 * `UPSTREAM=supabase npm run dev` (Supabase Auth's shape of that provider on :8794, and a real
 * Postgres with the CRM under row-level security on :54329, which the Worker queries). Ctrl-C
 * stops them all. No account and no secret to type: the first run copies .dev.vars.example
 * (development defaults) to .dev.vars, and the stand-in's settings are passed with --var.
 *
 * `BACKEND=stdio` adds a backend MCP server as the tool source: a stdio server (the SDK's
 * `server-everything`, or the command in `BACKEND_COMMAND`) behind the bridge the container runs
 * (container/bridge.ts), on :8792. `BACKEND=url BACKEND_URL=…` points at a server of your own.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EVERYTHING_SERVER, startBridge } from './lib/bridge.ts';
import { type Started, startProcess, waitForUrl } from './lib/processes.ts';
import { STANDINS, type StandinName, startPostgresProcess, startStandinProcess } from './lib/standins.ts';

const root = join(import.meta.dirname, '..');
const WORKER_PORT = 8788;

const upstream = process.env.UPSTREAM ?? 'attio';
if (!(upstream in STANDINS)) {
  console.error(`UPSTREAM must be one of ${Object.keys(STANDINS).join(', ')} (got "${upstream}").`);
  process.exit(2);
}
const name = upstream as StandinName;
const chosen = STANDINS[name];
const STANDIN_PORT = Number(process.env[chosen.portVariable] ?? chosen.port);

if (!existsSync(join(root, '.dev.vars'))) {
  copyFileSync(join(root, '.dev.vars.example'), join(root, '.dev.vars'));
  console.log('Created .dev.vars from .dev.vars.example (development defaults for the local stand-in).');
}

const BRIDGE_PORT = 8792;
const backendKind = process.env.BACKEND;
if (backendKind && !['stdio', 'url'].includes(backendKind)) {
  console.error(
    `BACKEND must be "stdio" (a stdio server behind the local bridge) or "url" (with BACKEND_URL) for npm run dev (got "${backendKind}").`,
  );
  process.exit(2);
}
// A fresh credential per run: the bridge accepts only the Worker.
const bridgeToken = randomBytes(24).toString('base64url');
const bridge =
  backendKind === 'stdio'
    ? startBridge({
        port: BRIDGE_PORT,
        command: process.env.BACKEND_COMMAND?.split(' ').filter(Boolean) ?? EVERYTHING_SERVER,
        token: bridgeToken,
      })
    : undefined;
/** The Worker's backend settings: the local bridge, or what the environment names. */
const backendVars: Record<string, string> = bridge
  ? { BACKEND: 'url', BACKEND_URL: bridge.url, BACKEND_TOKEN: bridgeToken }
  : Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => /^BACKEND(_|$)/.test(entry[0]) && entry[1] !== undefined,
      ),
    );

const standinLabel = `${upstream}-standin`;
const standin = startStandinProcess(name, STANDIN_PORT);
// The database goes first: the Worker is given its connection string when it starts.
const postgres = 'database' in chosen ? startPostgresProcess() : undefined;
const stopEarly = (code: number) =>
  void Promise.all([postgres?.stop(), standin.stop(), bridge?.stop()]).then(() => process.exit(code));
const interruptedEarly = () => stopEarly(0); // Ctrl-C while Postgres starts: no orphans
process.once('SIGINT', interruptedEarly);
process.once('SIGTERM', interruptedEarly);
const database = await postgres?.ready().catch((error: unknown) => {
  console.error(`The Postgres stand-in did not start: ${error instanceof Error ? error.message : error}`);
  stopEarly(1);
  return new Promise<never>(() => {});
});
process.off('SIGINT', interruptedEarly);
process.off('SIGTERM', interruptedEarly);
const vars = {
  UPSTREAM: upstream,
  ...chosen.vars(standin.url),
  ...(database && { DATABASE_URL: database.appUrl }),
  ...backendVars,
};
const args = [
  'dev',
  '--port',
  String(WORKER_PORT),
  ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
];
const worker = startProcess(join(root, 'node_modules/.bin/wrangler'), args, {
  label: 'worker',
  cwd: root,
  env: { WRANGLER_SEND_METRICS: 'false' },
  // Harmless offline noise: wrangler can't reach Cloudflare for the `cf` object, and compares
  // the generated types with .dev.vars rather than .dev.vars.example.
  hide: /Request\.cf|ENOTFOUND workers\.cloudflare\.com|GetAddrInfoReqWrap|types might be out of date/,
});

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await Promise.all([worker.stop(), standin.stop(), bridge?.stop(), postgres?.stop()]);
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
const children: [string, Started][] = [
  ['worker', worker],
  [standinLabel, standin],
];
if (bridge) children.push(['bridge', bridge]);
if (postgres) children.push(['postgres', postgres]);
for (const [name, started] of children) {
  started.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`${name} exited (code ${code}); stopping.`);
    void stop(code ?? 1);
  });
}

try {
  await Promise.all([
    standin.ready(),
    bridge?.ready(),
    waitForUrl(`http://localhost:${WORKER_PORT}/health`, { timeoutMs: 90_000 }),
  ]);
  const health = (await (await fetch(`http://localhost:${WORKER_PORT}/health`)).json()) as {
    status: string;
    checks: Record<string, boolean>;
  };
  const missing = Object.entries(health.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  console.log(`
  MCP server     http://localhost:${WORKER_PORT}/mcp   (legacy SSE: http://localhost:${WORKER_PORT}/sse)
  Health         http://localhost:${WORKER_PORT}/health  ${missing.length ? `NOT CONFIGURED: ${missing.join(', ')} (see .dev.vars)` : 'ok'}
  Upstream       ${upstream}, local stand-in ${standin.url}   (${chosen.signIn})${database ? `\n  Database       ${database.appUrl.replace(/:[^:@/]+@/, ':…@')} (Postgres 18, the CRM under row-level security)` : ''}${bridge ? `\n  Backend        a stdio MCP server behind the bridge, ${bridge.url}` : backendVars.BACKEND_URL ? `\n  Backend        ${backendVars.BACKEND_URL}` : ''}

  Try it:  npx @modelcontextprotocol/inspector   → URL http://localhost:${WORKER_PORT}/mcp
  Ctrl-C stops everything.
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
