/**
 * `npm run conformance`: the official MCP conformance suite (`@modelcontextprotocol/conformance`)
 * against this server as it runs.
 *
 * Starts the product as `npm run dev` does (the Attio stand-in and the real `wrangler dev`), from
 * the test-only entry test/conformance/wrangler.jsonc: the product's Worker whose sessions also
 * offer the fixture tools, resources and prompts the scenarios call by name, beside the Attio
 * tools (the deployed bundle holds none of them), signs in as demo@example.com through the real
 * OAuth flow (no browser: the test Browser follows the consent and sign-in forms), then runs every
 * server scenario of the runner, its default (active) set and the pending ones, one runner process
 * per scenario, against `/mcp`.
 *
 * The runner cannot send a bearer token, so it talks to a loopback proxy that adds one (see
 * scripts/lib/bearer-proxy.ts). The token is real: issued by this server's OAuth server to the
 * signed-in user, and checked by the Worker like any client's. The proxy adds only the header the
 * runner cannot; everything else (sessions, streams, Origin and Host checks) is the server's own.
 *
 * Prints a table (scenario, result, checks, notes) and a tally, writes them to
 * test-results/conformance.md (each scenario's checks.json under test-results/conformance/), and
 * exits 1 when any scenario fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, signIn } from '../test/support/oauth-client.ts';
import { startBearerProxy } from './lib/bearer-proxy.ts';
import { startStack } from './lib/stack.ts';
import { Stopper } from './lib/stopper.ts';

const EMAIL = 'demo@example.com';
const RUNNER_DIR = join(process.cwd(), 'node_modules/@modelcontextprotocol/conformance');
const RUNNER = join(RUNNER_DIR, 'dist/index.js');
const RESULTS_DIR = join(process.cwd(), 'test-results');
const CHECKS_DIR = join(RESULTS_DIR, 'conformance');
const REPORT = join(RESULTS_DIR, 'conformance.md');
/** A scenario that takes longer has hung (the slowest take a few seconds). */
const SCENARIO_TIMEOUT_MS = 120_000;

interface Check {
  id: string;
  name: string;
  description: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
  details?: { message?: unknown };
}

interface Outcome {
  scenario: string;
  passed: boolean;
  succeeded: number;
  failed: number;
  warnings: number;
  notes: string[];
}

const log = (message: string) => console.log(message);

// ---------------------------------------------------------------------------------------------
// The runner.

interface RunnerExit {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs the conformance CLI under this Node (it needs Node ≥ 22: `fs.globSync`). */
function runRunner(args: string[], timeoutMs: number): Promise<RunnerExit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/** Every server scenario the runner knows (`conformance list --server`). */
async function serverScenarios(): Promise<string[]> {
  const { code, output } = await runRunner(['list', '--server'], 30_000);
  const names = [...output.matchAll(/^\s+-\s+(\S+)/gm)].map((match) => match[1] ?? '');
  if (code !== 0 || names.length === 0) throw new Error(`conformance list --server failed:\n${output}`);
  return names;
}

async function runScenario(scenario: string, url: string): Promise<Outcome> {
  const outDir = join(CHECKS_DIR, scenario);
  const exit = await runRunner(['server', '--url', url, '--scenario', scenario, '-o', outDir], SCENARIO_TIMEOUT_MS);
  const checks = readChecks(outDir);
  const count = (status: Check['status']) => checks.filter((check) => check.status === status).length;
  const outcome: Outcome = {
    scenario,
    passed: false,
    succeeded: count('SUCCESS'),
    failed: count('FAILURE'),
    warnings: count('WARNING'),
    notes: [],
  };
  for (const check of checks) {
    if (check.status === 'FAILURE' || check.status === 'WARNING') {
      outcome.notes.push(
        `${check.status === 'FAILURE' ? '✗' : '⚠'} ${check.id}: ${check.errorMessage ?? check.description}`,
      );
    } else if (check.status === 'INFO' && typeof check.details?.message === 'string') {
      // What the runner could not test, and why (e.g. a stream that was never closed mid-call).
      outcome.notes.push(`ℹ ${check.id}: ${check.details.message}`);
    }
  }
  if (exit.timedOut) outcome.notes.push(`✗ the runner did not finish within ${SCENARIO_TIMEOUT_MS / 1000} s`);
  else if (checks.length === 0) outcome.notes.push(`✗ no checks recorded; the runner said: ${lastLines(exit.output)}`);
  else if (exit.code !== 0 && outcome.failed === 0) outcome.notes.push(`✗ the runner exited with code ${exit.code}`);
  outcome.passed = !exit.timedOut && exit.code === 0 && checks.length > 0 && outcome.failed === 0;
  return outcome;
}

/** The runner writes `<outDir>/server-<scenario>-<timestamp>/checks.json`. */
function readChecks(outDir: string): Check[] {
  if (!existsSync(outDir)) return [];
  for (const entry of readdirSync(outDir)) {
    const file = join(outDir, entry, 'checks.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Check[];
  }
  return [];
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-3).join(' ').slice(0, 300);
}

// ---------------------------------------------------------------------------------------------
// The report.

function report(outcomes: Outcome[], runnerVersion: string): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const passed = outcomes.filter((o) => o.passed).length;
  const warned = outcomes.filter((o) => o.passed && o.warnings > 0).length;
  const lines = [
    `# MCP conformance: ${passed}/${outcomes.length} scenarios passed`,
    '',
    `\`@modelcontextprotocol/conformance\` ${runnerVersion}, every server scenario (the default active set and the pending ones), against \`wrangler dev\` with the fixtures (test/conformance/wrangler.jsonc), signed in through the real OAuth flow. Run on ${new Date().toISOString().slice(0, 10)} by \`npm run conformance\`.`,
    '',
    '| Scenario | Result | Checks | Notes |',
    '| --- | --- | --- | --- |',
    ...outcomes.map((o) => {
      const checks = `${o.succeeded} ✓, ${o.failed} ✗${o.warnings ? `, ${o.warnings} ⚠` : ''}`;
      return `| ${o.scenario} | ${o.passed ? 'passed' : '**FAILED**'} | ${checks} | ${cell(o.notes.join('; '))} |`;
    }),
    '',
    `**Tally:** ${passed} passed${warned ? ` (${warned} with warnings)` : ''}, ${outcomes.length - passed} failed, of ${outcomes.length} scenarios.`,
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

const stopper = new Stopper(log);
stopper.stopOnSignals('wrangler dev and the stand-in');

async function run(): Promise<number> {
  const runnerVersion = (JSON.parse(readFileSync(join(RUNNER_DIR, 'package.json'), 'utf8')) as { version: string })
    .version;
  const scenarios = await serverScenarios();

  log('Starting the Attio stand-in and wrangler dev with the conformance fixtures…');
  const stack = await stopper.track(
    startStack({
      onProgress: (message) => log(`  ${message}`),
      signal: stopper.signal,
      // Rate limits off, as for any test deployment: the suite sends about 130 requests a minute as
      // one user, under the per-user limit today, but a 429 would say nothing about conformance.
      vars: { RATE_LIMITS: 'off' },
      // The product's Worker with the suite's fixtures in each session (test/conformance/worker.ts).
      config: 'test/conformance/wrangler.jsonc',
    }),
  );

  log(`Signing in as ${EMAIL} (register, consent, Attio sign-in, token)…`);
  const { tokens } = await signIn(new Browser(stack.origin, (request) => fetch(request)), { email: EMAIL });
  const proxy = await startBearerProxy({ target: stack.origin, token: tokens.access_token });
  stopper.add(() => proxy.close());
  const url = `${proxy.origin}/mcp`;

  rmSync(CHECKS_DIR, { recursive: true, force: true });
  mkdirSync(CHECKS_DIR, { recursive: true });
  log(`Running ${scenarios.length} scenarios (conformance ${runnerVersion}) against ${url}…`);
  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) {
    stopper.signal.throwIfAborted();
    const outcome = await runScenario(scenario, url);
    outcomes.push(outcome);
    const warnings = outcome.warnings ? `, ${outcome.warnings} warning(s)` : '';
    log(
      `  ${outcome.passed ? '✓' : '✗'} ${scenario} (${outcome.succeeded} checks passed, ${outcome.failed} failed${warnings})`,
    );
  }

  const markdown = report(outcomes, runnerVersion);
  writeFileSync(REPORT, markdown);
  log(`\n${markdown}`);
  log(`Written to ${REPORT}; each scenario's checks under ${CHECKS_DIR}/.`);
  return outcomes.every((o) => o.passed) ? 0 : 1;
}

let code = 1;
try {
  code = await run();
} catch (error) {
  if (!stopper.interrupted)
    log(`conformance failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
} finally {
  await stopper.stopAll();
}
process.exit(stopper.interrupted ? 130 : code);
