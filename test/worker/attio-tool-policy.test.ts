import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp } from '../support/mcp-client';
import { signIn } from '../support/oauth-client';
import { call, openSession } from '../support/session';
import { controlStandin, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

/**
 * The same promises for every tool in the pack: bad input and upstream failures are tool
 * results the model can read (never protocol errors), and a tool outside the grant's scopes
 * refuses — with the MCP step-up challenge on streamable HTTP. The table must list every tool
 * the server offers, so a new tool cannot skip these checks.
 */

const ACME = { object: 'companies', name: 'Acme Corp' };
let acmeId = '';
const TASK_ID = '00000000-0000-4000-8000-000000000001';

interface Row {
  scope: 'mcp:read' | 'mcp:write';
  valid: () => Record<string, unknown>;
  /** Input the schema refuses; undefined for tools that take no input. */
  invalid?: Record<string, unknown>;
  /** The answer is served from the session's schema cache after a first call: test it cold. */
  cached?: true;
}

const TOOLS: Record<string, Row> = {
  search_records: { scope: 'mcp:read', valid: () => ({ query: 'Acme' }), invalid: { query: '' } },
  query_records: {
    scope: 'mcp:read',
    valid: () => ({ object: 'deals', limit: 1 }),
    invalid: { object: 'deals', limit: 0 },
  },
  get_record: {
    scope: 'mcp:read',
    valid: () => ({ object: 'companies', record_id: acmeId }),
    invalid: { object: 'companies' },
  },
  describe_object: {
    scope: 'mcp:read',
    valid: () => ({ list: 'sales_pipeline' }),
    invalid: { object: 7 },
    cached: true,
  },
  list_notes: {
    scope: 'mcp:read',
    valid: () => ({ object: 'companies', record_id: acmeId }),
    invalid: { record_id: 'x' },
  },
  list_tasks: { scope: 'mcp:read', valid: () => ({}), invalid: { limit: 500 } },
  list_entries: {
    scope: 'mcp:read',
    valid: () => ({ list: 'sales_pipeline', view: 'Negotiation', limit: 1 }),
    invalid: { list: 'sales_pipeline', limit: 0 },
  },
  summarize_records: {
    scope: 'mcp:read',
    valid: () => ({ object: 'deals', group_by: 'stage', measure: 'value' }),
    invalid: { object: 'deals', filter: 'open' },
  },
  get_value_history: {
    scope: 'mcp:read',
    valid: () => ({ list: 'sales_pipeline', record: 'Acme Enterprise license', attribute: 'stage' }),
    invalid: { object: 'deals', record: 'Acme' },
  },
  list_comments: {
    scope: 'mcp:read',
    valid: () => ({ object: 'companies', record: acmeId }),
    invalid: { object: 'companies', record: 7 },
  },
  list_meetings: {
    scope: 'mcp:read',
    valid: () => ({ object: 'companies', record: acmeId }),
    invalid: { limit: 0 },
  },
  get_call_transcript: {
    scope: 'mcp:read',
    valid: () => ({ object: 'companies', record: acmeId }),
    invalid: { participants: ['alice.johnson@acme.com'], from_turn: 0 },
  },
  list_members: { scope: 'mcp:read', valid: () => ({}) },
  add_comment: {
    scope: 'mcp:write',
    valid: () => ({ object: 'companies', record: acmeId, content: 'Policy test comment' }),
    invalid: { object: 'companies', record: acmeId, content: '' },
  },
  search: { scope: 'mcp:read', valid: () => ({ query: 'Acme' }), invalid: {} },
  fetch: { scope: 'mcp:read', valid: () => ({ id: `companies/${acmeId}` }), invalid: { id: 1 } },
  whoami: { scope: 'mcp:read', valid: () => ({}) },
  health: { scope: 'mcp:read', valid: () => ({}) },
  create_record: {
    scope: 'mcp:write',
    valid: () => ({ object: 'companies', values: { name: 'Policy Test Co' } }),
    invalid: { object: 'companies', values: {} },
  },
  update_record: {
    scope: 'mcp:write',
    valid: () => ({ object: 'companies', record_id: acmeId, values: { employee_count: 2500 } }),
    invalid: { object: 'companies', record_id: acmeId },
  },
  upsert_record: {
    scope: 'mcp:write',
    valid: () => ({ object: 'companies', matching_attribute: 'domains', values: { domains: ['policy-test.io'] } }),
    invalid: { object: 'companies', values: { name: 'x' } },
  },
  delete_record: {
    scope: 'mcp:write',
    valid: () => ({ object: 'companies', record_id: acmeId }), // without confirm: asks, deletes nothing
    invalid: { object: 'companies', record_id: acmeId, confirm: 'yes' },
  },
  create_note: {
    scope: 'mcp:write',
    valid: () => ({ object: 'companies', record_id: acmeId, title: 'Policy', content: 'Test' }),
    invalid: { object: 'companies', record_id: acmeId, title: '', content: 'x' },
  },
  create_task: {
    scope: 'mcp:write',
    valid: () => ({ content: 'Policy test task' }),
    invalid: { content: 'x', deadline: 'Friday' },
  },
  complete_task: { scope: 'mcp:write', valid: () => ({ task_id: TASK_ID }), invalid: { completed: true } },
  add_to_list: {
    scope: 'mcp:write',
    valid: () => ({ list: 'sales_pipeline', record_id: acmeId }),
    invalid: { list: 'sales_pipeline' },
  },
  update_list_entry: {
    scope: 'mcp:write',
    valid: () => ({ list: 'sales_pipeline', entry_id: TASK_ID, values: { priority: 'High' } }),
    invalid: { list: 'sales_pipeline', values: {} },
  },
};

const EMAIL = 'tools-policy@example.com';
let client: Client;

beforeAll(async () => {
  client = await openSession('streamable-http', { email: EMAIL });
  const { structured } = await call<{ results: { id: string; name: string }[] }>(client, 'search_records', {
    query: ACME.name,
    objects: [ACME.object],
  });
  acmeId = structured.results.find((r) => r.name === ACME.name)?.id ?? '';
});
afterAll(() => client.close());

it('the table covers every tool the server lists', async () => {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOLS).sort());
  for (const tool of tools) {
    const row = TOOLS[tool.name];
    expect(tool.annotations?.readOnlyHint, tool.name).toBe(row?.scope === 'mcp:read');
    expect(tool.outputSchema, tool.name).toBeDefined();
    if (row?.scope === 'mcp:write') expect(tool.annotations?.destructiveHint, tool.name).toBeDefined();
  }
});

describe('bad input is a tool error, not a protocol failure', () => {
  for (const [name, row] of Object.entries(TOOLS)) {
    if (!row.invalid) continue;
    it(name, async () => {
      const { isError, text } = await call(client, name, row.invalid);
      expect(isError).toBe(true);
      expect(text).toMatch(/Input validation error|invalid|expected|required|too (small|big)|at least/i);
    });
  }
});

describe('an Attio rate limit beyond the retry bound is a clear tool error', () => {
  for (const [name, row] of Object.entries(TOOLS)) {
    if (name === 'whoami') continue; // answers from the grant alone, without calling Attio
    it(name, async () => {
      // Warm the session's schema cache, so the fault hits the call the tool exists for.
      if (!row.cached) await call(client, name, row.valid());
      await controlStandin('faults', { status: 429, retryAfterSeconds: 30, memberEmail: EMAIL });
      const { isError, text, structured } = await call<{ attio?: string }>(client, name, row.valid());
      if (name === 'health') {
        expect(structured.attio).toBe('unavailable'); // health reports it rather than failing
        return;
      }
      expect(isError).toBe(true);
      expect(text).toMatch(/^Attio is rate limiting requests; try again in (29|30) s\.$/);
    });
  }
});

describe('scopes', () => {
  async function grantOnly(scope: 'mcp:read' | 'mcp:write', email: string) {
    const other = scope === 'mcp:read' ? 'mcp:write' : 'mcp:read';
    const { tokens } = await signIn(newBrowser(), { email, untick: [other] });
    expect(tokens.scope).toBe(scope);
    return tokens.access_token;
  }

  function postToolCall(path: string, token: string, name: string): Promise<Response> {
    return sendToWorker(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } }),
      }),
    );
  }

  it('over streamable HTTP, a tool outside the grant gets the 403 insufficient_scope step-up challenge', async () => {
    const readOnly = await grantOnly('mcp:read', 'scope-read@example.com');
    const writeOnly = await grantOnly('mcp:write', 'scope-write@example.com');
    for (const [name, row] of Object.entries(TOOLS)) {
      const token = row.scope === 'mcp:write' ? readOnly : writeOnly;
      const response = await postToolCall('/mcp', token, name);
      expect(response.status, name).toBe(403);
      const challenge = response.headers.get('WWW-Authenticate') ?? '';
      expect(challenge, name).toContain('error="insufficient_scope"');
      expect(challenge, name).toContain('scope="mcp:read mcp:write"');
      expect(challenge, name).toContain('resource_metadata=');
    }
    // A tool inside the grant is not challenged.
    expect((await postToolCall('/mcp', readOnly, 'search_records')).status).not.toBe(403);
  });

  it('over SSE, which has no step-up, a tool outside the grant refuses with a readable tool error', async () => {
    const readOnly = await grantOnly('mcp:read', 'scope-read-sse@example.com');
    const sse = await connectMcp({ origin: ORIGIN, token: readOnly, transport: 'sse', send: sendToWorker });
    for (const [name, row] of Object.entries(TOOLS)) {
      if (row.scope !== 'mcp:write') continue;
      const { isError, text } = await call(sse, name, row.valid());
      expect(isError, name).toBe(true);
      expect(text, name).toContain('needs the "mcp:write" permission');
    }
    expect((await call(sse, 'search_records', { query: 'Acme' })).isError).toBe(false);
    await sse.close();
  });
});
