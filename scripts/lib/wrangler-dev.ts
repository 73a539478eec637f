/**
 * `wrangler dev` through wrangler's own API, with the DevTools inspector off, for the benchmark
 * (scripts/lib/stack.ts starts it as a child process, in place of the CLI).
 *
 * The CLI always attaches a DevTools inspector to the Worker and copies every `console.log`
 * through it into its own process (DevTools protocol → inspector proxy worker → wrangler). That
 * path is a development aid that a deployed Worker does not have, and it made each audit line
 * cost more than a whole `/health` request. Everything else is the same dev server: the same
 * workerd, proxy, configuration file and local storage.
 *
 * The Worker's log lines (the audit log) are passed straight through to this process's output.
 * wrangler's own handler looks for stack traces to source-map in every line, another development
 * aid, which cost about 0.4 ms of its CPU per audit line, on the two cores the benchmark shares.
 *
 * Usage: node scripts/lib/wrangler-dev.ts <port> <persist dir> <vars as JSON> [<config file>]
 * (the config file defaults to the product's wrangler.jsonc; the benchmark passes the stock
 * template's, bench/template/wrangler.jsonc).
 */
import { unstable_startWorker } from 'wrangler';

const [port, persist, varsJson, config = 'wrangler.jsonc'] = process.argv.slice(2);
if (!port || !persist || !varsJson) {
  console.error('usage: node scripts/lib/wrangler-dev.ts <port> <persist dir> <vars as JSON> [<config file>]');
  process.exit(2);
}
const vars = JSON.parse(varsJson) as Record<string, string>;

const worker = await unstable_startWorker({
  config,
  dev: {
    server: { hostname: '127.0.0.1', port: Number(port) },
    inspector: false,
    persist,
    watch: false,
    structuredLogsHandler: ({ level, message }: { level: string; message: string }) => {
      (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${message}\n`);
    },
  },
  bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: 'plain_text', value }])),
});
await worker.ready;
console.log(`wrangler dev (API, no inspector) ready on http://127.0.0.1:${port}`);

const stop = async () => {
  await worker.dispose().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
