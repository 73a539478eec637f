/**
 * `npm run dev`: the Worker on http://localhost:8788 and the local Attio stand-in on
 * http://127.0.0.1:8789, together. Ctrl-C stops both. No account and no secret to type: the
 * first run copies .dev.vars.example (development defaults) to .dev.vars.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitForUrl } from './lib/processes.ts';

const root = join(import.meta.dirname, '..');
const WORKER_PORT = 8788;
const STANDIN_PORT = Number(process.env.ATTIO_STANDIN_PORT ?? 8789);

if (!existsSync(join(root, '.dev.vars'))) {
  copyFileSync(join(root, '.dev.vars.example'), join(root, '.dev.vars'));
  console.log('Created .dev.vars from .dev.vars.example (development defaults for the local stand-in).');
}

const node = process.execPath;
const standin = startProcess(node, [join(root, 'test/standins/attio/server.ts')], {
  label: 'attio-standin',
  env: { ATTIO_STANDIN_PORT: String(STANDIN_PORT) },
});
const worker = startProcess(join(root, 'node_modules/.bin/wrangler'), ['dev', '--port', String(WORKER_PORT)], {
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
  ['attio-standin', standin],
] as const) {
  started.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`${name} exited (code ${code}); stopping.`);
    void stop(code ?? 1);
  });
}

try {
  await Promise.all([
    waitForUrl(`http://127.0.0.1:${STANDIN_PORT}/v2/self`, { timeoutMs: 30_000 }),
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
  Attio stand-in http://127.0.0.1:${STANDIN_PORT}   (sign in with any email, e.g. demo@example.com)

  Try it:  npx @modelcontextprotocol/inspector   → URL http://localhost:${WORKER_PORT}/mcp
  Ctrl-C stops both.
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
