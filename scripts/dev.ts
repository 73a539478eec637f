/**
 * `npm run dev`: the Worker on http://localhost:8788 and the local stand-in of the chosen
 * upstream, together: `npm run dev` (Attio, on :8789), `UPSTREAM=github npm run dev` (GitHub, on
 * :8790), `UPSTREAM=access npm run dev` (Cloudflare Access, an OpenID Provider on :8791). Ctrl-C
 * stops both. No account and no secret to type: the first run copies .dev.vars.example
 * (development defaults) to .dev.vars, and the stand-in's settings are passed with --var.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitForUrl } from './lib/processes.ts';
import { STANDINS, type StandinName, startStandinProcess } from './lib/standins.ts';

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

const standinLabel = `${upstream}-standin`;
const standin = startStandinProcess(name, STANDIN_PORT);
const vars = { UPSTREAM: upstream, ...chosen.vars(standin.url) };
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
    await Promise.all([worker.stop(), standin.stop()]);
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
for (const [name, started] of [
  ['worker', worker],
  [standinLabel, standin],
] as const) {
  started.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`${name} exited (code ${code}); stopping.`);
    void stop(code ?? 1);
  });
}

try {
  await Promise.all([standin.ready(), waitForUrl(`http://localhost:${WORKER_PORT}/health`, { timeoutMs: 90_000 })]);
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
  Upstream       ${upstream}, local stand-in ${standin.url}   (${chosen.signIn})

  Try it:  npx @modelcontextprotocol/inspector   → URL http://localhost:${WORKER_PORT}/mcp
  Ctrl-C stops both.
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
