import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { type Finished, INSPECTOR, ProcessGroups, runNodeScript } from '../support/client-processes.ts';
import { Browser, signIn } from '../support/oauth-client.ts';

/**
 * The MCP Inspector's CLI mode, as a developer or a CI job smoke-tests a deployment with it:
 * `inspector --cli <url>/mcp --transport http --header "Authorization: Bearer …" --method …`.
 * This runs the real Inspector (v2, through its `inspector` launcher bin, on the Node 22 it
 * requires) against the real `wrangler dev`, with a bearer token obtained through this server's
 * real OAuth flow (registration, PKCE, consent, the Attio stand-in's sign-in; no browser), and
 * proves that it lists the Attio tools (with no error-severity schema portability problem
 * under `--strict`), calls `search_records` with a `--tool-arg`, and that without the header it
 * stops with its "auth required" exit code instead of hanging on an interactive sign-in.
 */

let stack: Stack;
let workDir = '';
let token = '';
const groups = new ProcessGroups();

beforeAll(async () => {
  stack = await startStack();
  workDir = mkdtempSync(join(tmpdir(), 'inspector-e2e-'));
  mkdirSync(join(workDir, 'home'));
  ({
    tokens: { access_token: token },
  } = await signIn(new Browser(stack.origin, (request) => fetch(request))));
});

afterAll(async () => {
  await groups.stopAll();
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/**
 * `inspector --cli <origin>/mcp --transport http …args --format json`, with a throwaway HOME (the
 * Inspector keeps its catalog and OAuth store under ~/.mcp-inspector) and no TTY, DISPLAY or
 * BROWSER: what a CI job has.
 */
async function inspector(args: string[]): Promise<Finished> {
  const finished = await runNodeScript(
    INSPECTOR,
    ['--cli', `${stack.origin}/mcp`, '--transport', 'http', ...args, '--format', 'json'],
    {
      cwd: workDir,
      env: { HOME: join(workDir, 'home'), PATH: process.env.PATH ?? '/usr/bin:/bin' },
      groups,
      timeoutMs: 60_000,
    },
  );
  const shown = args.map((arg) => (arg.startsWith('Authorization: Bearer ') ? '"Authorization: Bearer …"' : arg));
  console.log(`inspector --cli …/mcp ${shown.join(' ')}: exit ${finished.code} in ${finished.ms} ms`);
  return finished;
}

function resultOf<T>(run: Finished): T {
  if (run.code !== 0) throw new Error(`the Inspector exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return (JSON.parse(run.stdout) as { result: T }).result;
}

function errorOf(run: Finished): { code: string; message: string } {
  const line = run.stderr.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(line) as { error: { code: string; message: string } }).error;
}

const AUTH_REQUIRED = 3; // the Inspector CLI's EXIT_CODES.AUTH_REQUIRED

describe('MCP Inspector CLI with a bearer token', () => {
  it('lists the Attio tools', async () => {
    const run = await inspector(['--header', `Authorization: Bearer ${token}`, '--method', 'tools/list', '--strict']);
    const { tools } = resultOf<{ tools: Tool[] }>(run);
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['search_records', 'query_records', 'get_record', 'whoami']));
    const search = tools.find((tool) => tool.name === 'search_records');
    expect(search?.inputSchema.required).toEqual(['query']);
    expect(search?.annotations?.readOnlyHint).toBe(true);
  });

  it('calls search_records with --tool-arg query=Acme and gets Acme Corp', async () => {
    const run = await inspector([
      '--header',
      `Authorization: Bearer ${token}`,
      '--method',
      'tools/call',
      '--tool-name',
      'search_records',
      '--tool-arg',
      'query=Acme',
    ]);
    const result = resultOf<CallToolResult>(run);
    expect(result.isError).toBeFalsy();
    const [first] = result.content;
    expect(first?.type === 'text' && first.text).toContain('Acme Corp (companies)');
    const { results } = result.structuredContent as { results: { name: string; object: string }[] };
    expect(results).toContainEqual(expect.objectContaining({ name: 'Acme Corp', object: 'companies' }));
  });

  it('without the header, stops at the 401 with "auth required" instead of waiting for a sign-in', async () => {
    // As run by hand with no TTY: the Inspector sees the 401 challenge, would sign in
    // interactively, and refuses because nobody is there to do it.
    const plain = await inspector(['--method', 'tools/list']);
    expect(plain.code, plain.stderr).toBe(AUTH_REQUIRED);
    expect(errorOf(plain)).toMatchObject({ code: 'auth_required', message: expect.stringContaining('OAuth') });
    expect(plain.stdout).toBe('');

    // As its docs advise for CI: never start a sign-in; the 401 itself is the error.
    const ci = await inspector(['--method', 'tools/list', '--stored-auth-only']);
    expect(ci.code, ci.stderr).toBe(AUTH_REQUIRED);
    expect(errorOf(ci)).toMatchObject({ code: 'auth_required', message: expect.stringContaining('POSTing') });

    // A token this server did not issue: the 401's `invalid_token` reaches the person.
    const forged = await inspector([
      '--header',
      'Authorization: Bearer not-a-token',
      '--method',
      'tools/list',
      '--stored-auth-only',
    ]);
    expect(forged.code, forged.stderr).toBe(AUTH_REQUIRED);
    expect(errorOf(forged)).toMatchObject({ code: 'auth_required', message: expect.stringContaining('invalid_token') });
  });
});
