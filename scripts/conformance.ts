/**
 * `npm run conformance`: the official MCP conformance suite (`@modelcontextprotocol/conformance`)
 * against this server as it runs, for both protocol eras it serves on `/mcp`.
 *
 * Starts the product as `npm run dev` does (the Attio stand-in and the real `wrangler dev`), from
 * the test-only entry test/conformance/wrangler.jsonc: the product's Worker whose sessions (2025
 * revisions) and whose stateless 2026-07-28 lane also offer the fixture tools, resources and
 * prompts the scenarios call by name, beside the Attio tools (the deployed bundle holds none of
 * them), signs in as demo@example.com through the real OAuth flow (no browser: the test Browser
 * follows the consent and sign-in forms), then runs, one runner process per scenario, against
 * `/mcp`:
 *
 * - the 2025 revisions: every server scenario of the release (0.1.16), its default (active) set
 *   and the pending ones;
 * - 2026-07-28: the prerelease that carries that revision (`conformance-2026`, 0.2.0-alpha), every
 *   server scenario its frozen requirements for 2026-07-28 list (`requirements/2026-07-28.yaml`),
 *   with `--spec-version 2026-07-28`, then the server scenarios those requirements run but never
 *   score (extensions, pending ones), reported only.
 *
 * The runner cannot send a bearer token, so it talks to a loopback proxy that adds one (see
 * scripts/lib/bearer-proxy.ts). The token is real: issued by this server's OAuth server to the
 * signed-in user, and checked by the Worker like any client's. The proxy adds only the header the
 * runner cannot; everything else (sessions, streams, Origin and Host checks) is the server's own.
 *
 * Prints a table per revision (scenario, result, checks, notes) and a tally, writes them to
 * test-results/conformance.md (each scenario's checks.json under test-results/conformance/), and
 * exits 1 when any scenario fails that counts (all of the 2025 set, the required 2026-07-28 ones).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, signIn } from '../test/support/oauth-client.ts';
import { startBearerProxy } from './lib/bearer-proxy.ts';
import { startStack } from './lib/stack.ts';
import { Stopper } from './lib/stopper.ts';

const EMAIL = 'demo@example.com';
/** The protocol revision the prerelease runner's frozen requirements are read for. */
const REVISION_2026 = '2026-07-28';
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
  /** Why the runner reports this scenario without scoring it (e.g. `extension`), if it does. */
  notScored?: string;
  passed: boolean;
  succeeded: number;
  failed: number;
  warnings: number;
  skipped: number;
  notes: string[];
}

const log = (message: string) => console.log(message);

// ---------------------------------------------------------------------------------------------
// The runners.

/** One version of the conformance CLI, installed as a (dev)dependency. */
interface Runner {
  path: string;
  version: string;
}

function runnerAt(packageName: string): Runner {
  const dir = join(process.cwd(), 'node_modules', packageName);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { path: join(dir, 'dist/index.js'), version };
}

/** A scenario to run, with the arguments it is run with. */
interface Planned {
  scenario: string;
  args: string[];
  notScored?: string;
}

/** One revision's set: which runner, which scenarios, where their checks go, how the report says it. */
interface Suite {
  title: string;
  runner: Runner;
  about: string;
  checksDir: string;
  planned: Planned[];
}

interface RunnerExit {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs a conformance CLI under this Node (it needs Node ≥ 22: `fs.globSync`). */
function runRunner(runner: Runner, args: string[], timeoutMs: number): Promise<RunnerExit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner.path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** The 2025 revisions: every server scenario the release knows (`conformance list --server`). */
async function suite2025(): Promise<Suite> {
  const runner = runnerAt('@modelcontextprotocol/conformance');
  const { code, output } = await runRunner(runner, ['list', '--server'], 30_000);
  const names = [...output.matchAll(/^\s+-\s+(\S+)/gm)].map((match) => match[1] ?? '');
  if (code !== 0 || names.length === 0) throw new Error(`conformance list --server failed:\n${output}`);
  return {
    title: '2025 revisions (sessions)',
    runner,
    about: 'every server scenario (the default active set and the pending ones)',
    checksDir: CHECKS_DIR,
    planned: names.map((scenario) => ({ scenario, args: [] })),
  };
}

/**
 * 2026-07-28: what the prerelease's frozen requirements for the revision list
 * (`conformance list --requirements 2026-07-28`, read from its requirements/2026-07-28.yaml): the
 * required server scenarios, then the server ones it runs but never scores, with the reason
 * (extension, pending). Those are run with `--force`, as the runner's own requirements run does:
 * an extension's scenarios are off the revision's timeline and would otherwise be skipped.
 */
async function suite2026(): Promise<Suite> {
  const runner = runnerAt('@modelcontextprotocol/conformance-2026');
  const { code, output } = await runRunner(runner, ['list', '--requirements', REVISION_2026], 30_000);
  const required: string[] = [];
  const notScored: { scenario: string; reason: string }[] = [];
  let section: 'server' | 'not-scored' | undefined;
  let reason = '';
  for (const line of output.split('\n')) {
    if (/^Server scenarios/.test(line)) section = 'server';
    else if (/^Run and reported, but never scored/.test(line)) section = 'not-scored';
    else if (/^\S/.test(line) || (section === 'server' && line.trim() === '')) section = undefined;
    const item = /^\s+-\s+(\S+)(?:\s+\[(\w+)\])?\s*$/.exec(line);
    const group = /^\s+([\w-]+) \(\d+\):$/.exec(line);
    if (section === 'not-scored' && group) reason = group[1] ?? '';
    else if (section === 'server' && item?.[1]) required.push(item[1]);
    else if (section === 'not-scored' && item?.[1] && item[2] === 'server')
      notScored.push({ scenario: item[1], reason });
  }
  if (code !== 0 || required.length === 0) {
    throw new Error(`conformance list --requirements ${REVISION_2026} failed:\n${output}`);
  }
  const args = ['--spec-version', REVISION_2026];
  return {
    title: `${REVISION_2026} (the stateless lane)`,
    runner,
    about: `the server scenarios its frozen requirements for ${REVISION_2026} list (\`requirements/${REVISION_2026}.yaml\`), each run with \`--spec-version ${REVISION_2026}\`; then the server scenarios those requirements run but never score (extensions, pending ones), with \`--force\`, reported only`,
    checksDir: join(CHECKS_DIR, REVISION_2026),
    planned: [
      ...required.map((scenario) => ({ scenario, args })),
      ...notScored.map(({ scenario, reason }) => ({ scenario, args: [...args, '--force'], notScored: reason })),
    ],
  };
}

async function runScenario(runner: Runner, planned: Planned, url: string, checksDir: string): Promise<Outcome> {
  const { scenario } = planned;
  const outDir = join(checksDir, scenario);
  const exit = await runRunner(
    runner,
    ['server', '--url', url, '--scenario', scenario, ...planned.args, '-o', outDir],
    SCENARIO_TIMEOUT_MS,
  );
  const checks = readChecks(outDir);
  const count = (status: Check['status']) => checks.filter((check) => check.status === status).length;
  const outcome: Outcome = {
    scenario,
    notScored: planned.notScored,
    passed: false,
    succeeded: count('SUCCESS'),
    failed: count('FAILURE'),
    warnings: count('WARNING'),
    skipped: count('SKIPPED'),
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
    } else if (check.status === 'SKIPPED' && check.errorMessage) {
      outcome.notes.push(`↷ ${check.id}: ${check.errorMessage}`);
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

interface SuiteResult {
  suite: Suite;
  outcomes: Outcome[];
}

/** The scenarios that count: every one but those the runner reports without scoring. */
const scored = (outcomes: Outcome[]) => outcomes.filter((o) => o.notScored === undefined);

function report(results: SuiteResult[]): string {
  const headline = results
    .map(({ suite, outcomes }) => {
      const counted = scored(outcomes);
      return `${suite.title.replace(/ \(.*\)$/, '')} ${counted.filter((o) => o.passed).length}/${counted.length}`;
    })
    .join(', ');
  const lines = [
    `# MCP conformance: ${headline} scenarios passed`,
    '',
    `Against \`wrangler dev\` with the fixtures (test/conformance/wrangler.jsonc), signed in through the real OAuth flow. Run on ${new Date().toISOString().slice(0, 10)} by \`npm run conformance\`.`,
    '',
  ];
  for (const { suite, outcomes } of results) {
    const counted = scored(outcomes);
    const reported = outcomes.filter((o) => o.notScored !== undefined);
    lines.push(
      `## ${suite.title}`,
      '',
      `\`@modelcontextprotocol/conformance\` ${suite.runner.version}, ${suite.about}.`,
      '',
      ...table(counted),
      '',
      tally(counted),
      '',
    );
    if (reported.length > 0) {
      lines.push(
        `### Run, not scored (${suite.runner.version} runs them for visibility only)`,
        '',
        ...table(reported),
        '',
        `${reported.filter((o) => o.passed).length} of ${reported.length} passed; they do not count.`,
        '',
      );
    }
  }
  return lines.join('\n');
}

function table(outcomes: Outcome[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const withReason = outcomes.some((o) => o.notScored !== undefined);
  return [
    `| Scenario | Result | Checks |${withReason ? ' Not scored |' : ''} Notes |`,
    `| --- | --- | --- |${withReason ? ' --- |' : ''} --- |`,
    ...outcomes.map((o) => {
      const checks = `${o.succeeded} ✓, ${o.failed} ✗${o.warnings ? `, ${o.warnings} ⚠` : ''}${o.skipped ? `, ${o.skipped} skipped` : ''}`;
      const reason = withReason ? ` ${o.notScored ?? ''} |` : '';
      return `| ${o.scenario} | ${o.passed ? 'passed' : '**FAILED**'} | ${checks} |${reason} ${cell(o.notes.join('; '))} |`;
    }),
  ];
}

function tally(outcomes: Outcome[]): string {
  const passed = outcomes.filter((o) => o.passed).length;
  const warned = outcomes.filter((o) => o.passed && o.warnings > 0).length;
  return `**Tally:** ${passed} passed${warned ? ` (${warned} with warnings)` : ''}, ${outcomes.length - passed} failed, of ${outcomes.length} scenarios.`;
}

// ---------------------------------------------------------------------------------------------

const stopper = new Stopper(log);
stopper.stopOnSignals('wrangler dev and the stand-in');

async function run(): Promise<number> {
  const suites = [await suite2025(), await suite2026()];

  log('Starting the Attio stand-in and wrangler dev with the conformance fixtures…');
  const stack = await stopper.track(
    startStack({
      onProgress: (message) => log(`  ${message}`),
      signal: stopper.signal,
      // Rate limits off, as for any test deployment: the suite sends about 130 requests a minute as
      // one user, under the per-user limit today, but a 429 would say nothing about conformance.
      vars: { RATE_LIMITS: 'off' },
      // The product's Worker with the suite's fixtures in each session and on the 2026-07-28 lane
      // (test/conformance/worker.ts).
      config: 'test/conformance/wrangler.jsonc',
    }),
  );

  log(`Signing in as ${EMAIL} (register, consent, Attio sign-in, token)…`);
  const { tokens } = await signIn(new Browser(stack.origin, (request) => fetch(request)), { email: EMAIL });
  const proxy = await startBearerProxy({ target: stack.origin, token: tokens.access_token });
  stopper.add(() => proxy.close());
  const url = `${proxy.origin}/mcp`;

  rmSync(CHECKS_DIR, { recursive: true, force: true });
  const results: SuiteResult[] = [];
  for (const suite of suites) {
    mkdirSync(suite.checksDir, { recursive: true });
    log(
      `Running ${suite.planned.length} scenarios, ${suite.title} (conformance ${suite.runner.version}), against ${url}…`,
    );
    const outcomes: Outcome[] = [];
    for (const planned of suite.planned) {
      stopper.signal.throwIfAborted();
      const outcome = await runScenario(suite.runner, planned, url, suite.checksDir);
      outcomes.push(outcome);
      const warnings = outcome.warnings ? `, ${outcome.warnings} warning(s)` : '';
      const notScored = outcome.notScored ? ` [not scored: ${outcome.notScored}]` : '';
      log(
        `  ${outcome.passed ? '✓' : '✗'} ${planned.scenario} (${outcome.succeeded} checks passed, ${outcome.failed} failed${warnings})${notScored}`,
      );
    }
    results.push({ suite, outcomes });
  }

  const markdown = report(results);
  writeFileSync(REPORT, markdown);
  log(`\n${markdown}`);
  log(`Written to ${REPORT}; each scenario's checks under ${CHECKS_DIR}/.`);
  return results.every(({ outcomes }) => scored(outcomes).every((o) => o.passed)) ? 0 : 1;
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
