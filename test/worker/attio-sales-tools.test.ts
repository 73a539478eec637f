import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openSession } from '../support/session';
import { controlStandin } from '../support/worker';
import { rows, type Table } from './attio-table';

/**
 * What a sales team asks Attio, each answered in one call through a real MCP session: what was
 * said on a call, what the team commented, what is in a pipeline view, when a deal moved and who
 * moved it, totals by stage, and who is in the workspace. Against the stand-in's demo workspace.
 */

let client: Client;
beforeAll(async () => {
  client = await openSession('streamable-http', { email: 'sales-tools@example.com' });
});
afterAll(() => client.close());

describe('meetings and call transcripts', () => {
  it('"what was said on the last call with Acme?" reads the newest recorded meeting, as speaker turns', async () => {
    const { structured, text, isError } = await call<{
      meeting: { id: string; title: string; start: string };
      turns: [string, string][];
      totalTurns: number;
      nextTurn?: number;
    }>(client, 'get_call_transcript', { object: 'companies', record: 'Acme Corp' });
    expect(isError).toBe(false);
    // The internal prep meeting two days later has no recording: the pricing call is the last call.
    expect(structured.meeting.title).toBe('Acme — pricing and security follow-up');
    // 24 speech segments (two transcript pages), consecutive ones of a speaker merged into turns.
    expect(structured.totalTurns).toBe(21);
    expect(structured.turns).toHaveLength(21);
    expect(structured.turns[1]).toEqual([
      'Alice Johnson',
      'Thanks. Good news first: the budget for Q1 is approved. We still need the SSO and audit-log documentation before legal signs off.',
    ]);
    expect(structured.nextTurn).toBeUndefined();
    expect(text).toContain('Chloe Nguyen: On security, I need your SOC 2 Type II report');
    expect(text.split(structured.meeting.id)).toHaveLength(2);
  });

  it('pages through a transcript cut to max_chars', async () => {
    const first = await call<{ meeting: { id: string }; turns: unknown[]; nextTurn?: number }>(
      client,
      'get_call_transcript',
      { participants: ['chloe.nguyen@acme.com'], max_chars: 500 },
    );
    expect(first.structured.turns.length).toBeLessThan(21);
    expect(first.structured.nextTurn).toBe(first.structured.turns.length + 1);
    expect(first.text).toContain(`from_turn ${first.structured.nextTurn}`);
    const next = await call<{ turns: [string, string][] }>(client, 'get_call_transcript', {
      meeting_id: first.structured.meeting.id,
      from_turn: first.structured.nextTurn,
      max_chars: 500,
    });
    expect(next.isError).toBe(false);
    expect(next.structured.turns.length).toBeGreaterThan(0);
  });

  it('a meeting recorded in two parts reads the newest, names the other, and reads it by recording_id', async () => {
    type Transcript = {
      meeting: { id: string };
      recording?: string;
      otherRecordings?: string[];
      turns: [string, string][];
    };
    const newest = await call<Transcript>(client, 'get_call_transcript', { object: 'companies', record: 'Initech' });
    expect(newest.isError).toBe(false);
    expect(newest.structured.turns[0]).toEqual([
      'Bill Lumbergh',
      'Sorry, we got cut off. One more thing: can the add-on start in April?',
    ]);
    const [other] = newest.structured.otherRecordings ?? [];
    if (!other) throw new Error('the other recording is not named');
    expect(newest.text).toContain(`Other recordings of this meeting (recording_id): ${other}.`);

    const first = await call<Transcript>(client, 'get_call_transcript', {
      meeting_id: newest.structured.meeting.id,
      recording_id: other,
    });
    expect(first.isError).toBe(false);
    expect(first.structured.recording).toBe(other);
    expect(first.structured.turns[0]?.[1]).toBe('Thanks for joining, Bill. The renewal is due at the end of March.');
    expect(first.structured.otherRecordings).toEqual([newest.structured.recording]);

    const unknown = await call(client, 'get_call_transcript', {
      meeting_id: newest.structured.meeting.id,
      recording_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain(other);
  });

  it('a meeting whose recording is still processing says so', async () => {
    const { isError, text } = await call(client, 'get_call_transcript', {
      participants: ['hank.scorpio@globex.com'],
    });
    expect(isError).toBe(true);
    expect(text).toContain('Globex plant analytics demo: processing');
  });

  it('list_meetings: meetings with a record, newest first, and a cut list says how many match', async () => {
    const { structured, text } = await call<Table & { nextCursor?: string }>(client, 'list_meetings', {
      object: 'companies',
      record: 'Acme Corp',
      limit: 2,
    });
    expect(rows(structured).map((m) => m.title)).toEqual([
      'Acme QBR prep (internal)',
      'Acme — pricing and security follow-up',
    ]);
    expect(structured.total).toBe(3);
    expect(text).toMatch(/^2 of 3 meetings with Acme Corp, newest first \(UTC\):/);
    expect(rows(structured)[1]?.guests).toEqual(['alice.johnson@acme.com', 'chloe.nguyen@acme.com']);
    const rest = await call<Table>(client, 'list_meetings', {
      object: 'companies',
      record: 'Acme Corp',
      cursor: structured.nextCursor,
    });
    expect(rows(rest.structured).map((m) => m.title)).toEqual(['Acme — Enterprise license discovery']);
  });
});

describe('comments', () => {
  it('"what did the team comment on this deal?" reads the threads, with authors and times', async () => {
    const { structured, text } = await call<{ threads: { id: string; resolved?: true; comments: string[][] }[] }>(
      client,
      'list_comments',
      { object: 'deals', record: 'Acme Enterprise license' },
    );
    expect(structured.threads.map((t) => t.comments.length)).toEqual([3, 2]);
    expect(structured.threads[0]?.comments[0]).toEqual([
      'Sam Rivera',
      '2025-11-05 09:12',
      'Legal flagged the liability cap in section 9. Can we accept 2x annual fees?',
    ]);
    expect(structured.threads[1]?.resolved).toBe(true);
    expect(text).toContain('Thread 2 (resolved)');
    const onEntry = await call<{ threads: { comments: string[][] }[] }>(client, 'list_comments', {
      list: 'sales_pipeline',
      record: 'Acme Enterprise license',
    });
    expect(onEntry.structured.threads[0]?.comments[0]?.[0]).toBe('Priya Shah');
  });

  it('add_comment writes as the signed-in member, and a reply lands in the thread', async () => {
    const added = await call<{ thread: string }>(client, 'add_comment', {
      object: 'deals',
      record: 'Acme Enterprise license',
      content: 'Sent the SOC 2 report.',
    });
    expect(added.isError).toBe(false);
    const reply = await call<{ thread: string }>(client, 'add_comment', {
      thread_id: added.structured.thread,
      content: 'And the pen test summary.',
    });
    expect(reply.structured.thread).toBe(added.structured.thread);
    const { structured } = await call<{ threads: { id: string; comments: string[][] }[] }>(client, 'list_comments', {
      object: 'deals',
      record: 'Acme Enterprise license',
    });
    const thread = structured.threads.find((t) => t.id === added.structured.thread);
    expect(thread?.comments.map((c) => c[2])).toEqual(['Sent the SOC 2 report.', 'And the pen test summary.']);
    // A new member signed in with this email: the comments carry their name.
    expect(thread?.comments[0]?.[0]).not.toBe('an integration');
  });

  it('a name matching several records asks which one, listing their ids', async () => {
    const { isError, text } = await call(client, 'list_comments', { object: 'deals', record: 'Acme' });
    expect(isError).toBe(true);
    expect(text).toMatch(/"Acme" matches several deals records; give one's id: Acme Corp — /);
  });
});

describe('lists as people use them', () => {
  it('"what is in the Negotiation view?" lists its entries with stage, owner, amount and the record name', async () => {
    const { structured, text } = await call<Table>(client, 'list_entries', {
      list: 'sales_pipeline',
      view: 'negotiation',
      sorts: [{ attribute: 'amount', direction: 'desc' }],
    });
    const entries = rows(structured);
    expect(entries.length).toBeGreaterThan(1);
    // Stage, owner and amount by default (not the free-text next step); the stage every entry of
    // the view shares is said once.
    expect(structured.columns).toEqual(['record', 'owner', 'amount', 'id']);
    expect(structured.where).toEqual({ stage: 'Negotiation' });
    expect(entries.map((e) => e.record)).toContain('Acme Corp — Enterprise license');
    const amounts = entries.map((e) => e.amount as number);
    expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);
    expect(structured.currencies).toEqual({ amount: 'USD' });
    expect(text).toContain('(view "Negotiation", stage = Negotiation)');
  });

  it('filters entries like query_records (owner by email), and describe_object names the views', async () => {
    const { structured } = await call<Table>(client, 'list_entries', {
      list: 'sales_pipeline',
      filter: { owner: 'priya.shah@example.com' },
      fields: ['stage', 'owner'],
    });
    expect(rows(structured).length).toBeGreaterThanOrEqual(3);
    expect(structured.where).toEqual({ owner: 'Priya Shah' }); // every row's owner, said once
    const described = await call<{ views?: string[] }>(client, 'describe_object', { list: 'sales_pipeline' });
    expect(described.structured.views?.sort()).toEqual(['All deals', "Dana's open deals", 'Negotiation']);
    const unknown = await call(client, 'list_entries', { list: 'sales_pipeline', view: 'Hot deals' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/Unknown view "Hot deals" of sales_pipeline\. Views: .*"Negotiation"/);
  });
});

describe('value history', () => {
  it('"when did this deal move to Negotiation, and who moved it?" one line per change', async () => {
    const { structured, text } = await call<Table>(client, 'get_value_history', {
      list: 'sales_pipeline',
      record: 'Acme Enterprise license',
      attribute: 'stage',
    });
    // Each value held until the next began: no `until` column.
    expect(structured.columns).toEqual(['from', 'value', 'by']);
    expect(structured.rows.slice(0, 4)).toEqual([
      ['2025-09-27 01:36', 'Prospecting', 'Dana Demo'],
      ['2025-10-02 14:20', 'Qualified', 'Sam Rivera'],
      ['2025-10-15 10:05', 'Proposal', 'Dana Demo'],
      ['2025-11-05 15:10', 'Negotiation', 'Priya Shah'],
    ]);
    expect(text).toContain('stage of "Acme Corp — Enterprise license" in sales_pipeline');
  });

  it("a record's own attribute, and a change made through the tools is recorded as the integration's", async () => {
    const created = await call<{ record: { id: string } }>(client, 'create_record', {
      object: 'deals',
      values: { name: 'History test deal', stage: 'Lead', owner: 'demo@example.com' },
    });
    await call(client, 'update_record', {
      object: 'deals',
      record_id: created.structured.record.id,
      values: { stage: 'Won' },
    });
    const { structured } = await call<Table>(client, 'get_value_history', {
      object: 'deals',
      record: created.structured.record.id,
      attribute: 'stage',
    });
    expect(structured.rows.map((r) => [r[1], r[2]])).toEqual([
      ['Lead', 'an integration'],
      ['Won 🎉', 'an integration'],
    ]);
  });
});

describe('totals computed server-side', () => {
  it('"open pipeline value by stage" counts, sums and averages every open deal', async () => {
    const { structured, text } = await call<Table & { currency?: string; counted: number }>(
      client,
      'summarize_records',
      { object: 'deals', filter: { $not: { stage: { $in: ['Won', 'Lost'] } } }, group_by: 'stage', measure: 'value' },
    );
    expect(structured.columns).toEqual(['stage', 'count', 'sum_value', 'avg_value']);
    expect(structured.currency).toBe('USD');
    const stages = structured.rows.map((r) => r[0]);
    expect(stages).toEqual(['Lead', 'In Progress', 'Nurture', 'TOTAL']);
    const total = structured.rows.at(-1) as [string, number, number, number];
    expect(total[1]).toBe(structured.counted);
    const counts = structured.rows.slice(0, -1).reduce((sum, r) => sum + (r[1] as number), 0);
    expect(counts).toBe(structured.counted);
    expect(text).toContain('(amounts in USD)');
  });

  it('groups by owner (members by name) and by list stage, and says what cannot be measured', async () => {
    const byOwner = await call<Table>(client, 'summarize_records', {
      object: 'deals',
      filter: { stage: 'Won' },
      group_by: 'owner',
      measure: 'value',
    });
    expect(byOwner.structured.rows.map((r) => r[0])).toContain('Dana Demo');
    const byListStage = await call<Table>(client, 'summarize_records', {
      list: 'sales_pipeline',
      group_by: 'stage',
      measure: 'amount',
    });
    expect(byListStage.structured.rows.map((r) => r[0])).toEqual([
      'Prospecting',
      'Qualified',
      'Proposal',
      'Negotiation',
      'Closed won',
      'TOTAL',
    ]);
    const wrong = await call(client, 'summarize_records', { object: 'deals', measure: 'stage' });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toContain('stage is a status: measure a number or currency attribute');
  });
});

describe('workspace members', () => {
  it('lists who is in the workspace by name, email and access', async () => {
    const { structured } = await call<Table>(client, 'list_members');
    const members = rows(structured);
    expect(members).toContainEqual({ name: 'Dana Demo', email: 'demo@example.com', access: 'admin' });
    expect(members).toContainEqual({ name: 'Jordan Blake', email: 'jordan.blake@example.com', access: 'suspended' });
  });
});

describe('scopes the Attio app lacks', () => {
  it('a missing Attio scope names it, for the operator to add', async () => {
    await controlStandin('scopes', {
      scopes: ['record_permission:read', 'object_configuration:read', 'user_management:read'],
    });
    try {
      const narrow = await openSession('streamable-http', { email: 'sales-narrow@example.com' });
      const { isError, text } = await call(narrow, 'list_meetings', { participants: ['alice.johnson@acme.com'] });
      expect(isError).toBe(true);
      expect(text).toContain('meeting:read');
      expect(text).toContain('build.attio.com');
      await narrow.close();
    } finally {
      await controlStandin('scopes', { all: true });
    }
  });
});
