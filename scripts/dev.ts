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

const root = join(import.meta.dirname, '..');
const WORKER_PORT = 8788;

/** Each upstream's stand-in: where it runs, and the Worker settings that point at it. */
const STANDINS = {
  attio: {
    script: 'test/standins/attio/server.ts',
    portVariable: 'ATTIO_STANDIN_PORT',
    port: 8789,
    ready: '/_standin/health',
    vars: (base: string) => ({
      ATTIO_AUTHORIZE_URL: `${base}/authorize`,
      ATTIO_TOKEN_URL: `${base}/oauth/token`,
      ATTIO_API_URL: base,
    }),
    signIn: 'sign in with any email, e.g. demo@example.com',
  },
  github: {
    script: 'test/standins/github/server.ts',
    portVariable: 'GITHUB_STANDIN_PORT',
    port: 8790,
    ready: '/_standin/health',
    vars: (base: string) => ({
      GITHUB_CLIENT_ID: 'dev-github-client',
      GITHUB_CLIENT_SECRET: 'dev-github-secret',
      GITHUB_AUTHORIZE_URL: `${base}/login/oauth/authorize`,
      GITHUB_TOKEN_URL: `${base}/login/oauth/access_token`,
      GITHUB_API_URL: base,
    }),
    signIn: 'sign in with a login, e.g. octocat',
  },
  access: {
    script: 'test/standins/access/server.ts',
    portVariable: 'ACCESS_STANDIN_PORT',
    port: 8791,
    ready: '/_standin/health',
    vars: (base: string) => ({
      ACCESS_CLIENT_ID: 'dev-access-client',
      ACCESS_CLIENT_SECRET: 'dev-access-secret',
      ACCESS_ISSUER: `${base}/cdn-cgi/access/sso/oidc/dev-access-client`,
    }),
    signIn: 'sign in with an email, e.g. alice@example.com',
  },
} as const;

const upstream = process.env.UPSTREAM ?? 'attio';
if (!(upstream in STANDINS)) {
  console.error(`UPSTREAM must be one of ${Object.keys(STANDINS).join(', ')} (got "${upstream}").`);
  process.exit(2);
}
const chosen = STANDINS[upstream as keyof typeof STANDINS];
const STANDIN_PORT = Number(process.env[chosen.portVariable] ?? chosen.port);
const STANDIN_URL = `http://127.0.0.1:${STANDIN_PORT}`;

if (!existsSync(join(root, '.dev.vars'))) {
  copyFileSync(join(root, '.dev.vars.example'), join(root, '.dev.vars'));
  console.log('Created .dev.vars from .dev.vars.example (development defaults for the local stand-in).');
}

const node = process.execPath;
const standinLabel = `${upstream}-standin`;
const standin = startProcess(node, [join(root, chosen.script)], {
  label: standinLabel,
  env: { [chosen.portVariable]: String(STANDIN_PORT) },
});
const vars = { UPSTREAM: upstream, ...chosen.vars(STANDIN_URL) };
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
  await Promise.all([
    waitForUrl(`${STANDIN_URL}${chosen.ready}`, { timeoutMs: 30_000 }),
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
  Upstream       ${upstream}, local stand-in ${STANDIN_URL}   (${chosen.signIn})

  Try it:  npx @modelcontextprotocol/inspector   → URL http://localhost:${WORKER_PORT}/mcp
  Ctrl-C stops both.
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
