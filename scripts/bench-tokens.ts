/**
 * `npm run bench:tokens`: how many tokens a model reads to answer everyday CRM questions
 * through this MCP server, and whether the answers are right.
 *
 * Starts the product as a user runs it (the Attio stand-in and the real `wrangler dev`), signs in
 * as demo@example.com through the real OAuth flow (no browser: the test Browser follows the
 * consent and sign-in forms), opens an MCP session with the official SDK client over streamable
 * HTTP, and runs a fixed list of questions, each as the tool calls a model would make on the
 * first try. Every answer is checked against an oracle computed independently from the
 * stand-in's raw Attio REST API. Tokens are counted with o200k_base for the text the model reads
 * and for `structuredContent` (compact JSON), and compared with the raw Attio JSON for the same
 * records (what a pass-through server would return).
 *
 * Exit code: 1 when any answer is wrong (or the run fails); 0 otherwise, even when the token goal
 * is missed (it says so loudly).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { connectMcp } from '../test/support/mcp-client.ts';
import { Browser, signIn } from '../test/support/oauth-client.ts';
import { startStack } from './lib/stack.ts';
import { Stopper } from './lib/stopper.ts';

const EMAIL = 'demo@example.com';
const TOKEN_GOAL = 7_500;
/** tools/list for the whole Attio pack, sent once per session. */
const TOOL_LIST_GOAL = 7_000;

// ---------------------------------------------------------------------------------------------
// Raw Attio REST, for the oracles.

interface RawValue {
  value?: unknown;
  status?: { title: string };
  option?: { title: string };
  currency_value?: number;
  target_record_id?: string;
  full_name?: string;
  domain?: string;
  email_address?: string;
}
interface RawRecord {
  id: { record_id: string };
  values: Record<string, RawValue[]>;
}
interface RawSearchHit {
  id: { record_id: string };
}
interface RawNote {
  id: { note_id: string };
  title: string;
  content_plaintext: string;
  parent_object: string;
  parent_record_id: string;
}
interface RawMeeting {
  id: { meeting_id: string };
  title: string;
  start: { datetime: string };
}
interface RawRecording {
  id: { call_recording_id: string };
  status: string;
}
interface RawSegment {
  speech: string;
  speaker: { name: string };
}
interface RawTask {
  id: { task_id: string };
  content_plaintext: string;
  deadline_at: string | null;
  linked_records: { target_object_id: string; target_record_id: string }[];
  assignees: { referenced_actor_type: string; referenced_actor_id: string }[];
}

class Attio {
  readonly #baseUrl: string;
  readonly #token: string;
  constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl;
    this.#token = token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.#token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`oracle: ${method} ${path} → HTTP ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** Every record of an object, paged as Attio pages (limit/offset, no total). */
  async all(object: string): Promise<RawRecord[]> {
    const records: RawRecord[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.request<{ data: RawRecord[] }>('POST', `/v2/objects/${object}/records/query`, {
        limit: 500,
        offset,
      });
      records.push(...page.data);
      if (page.data.length < 500) return records;
    }
  }

  async search(query: string, objects: string[], limit: number): Promise<RawSearchHit[]> {
    const body = { query, objects, limit, request_as: { type: 'workspace' } };
    return (await this.request<{ data: RawSearchHit[] }>('POST', '/v2/objects/records/search', body)).data;
  }
}

const first = (record: RawRecord, slug: string): RawValue | undefined => record.values[slug]?.[0];
const textOf = (record: RawRecord, slug: string): string | undefined => {
  const value = first(record, slug);
  return value?.full_name ?? (typeof value?.value === 'string' ? value.value : undefined);
};
const numberOf = (record: RawRecord, slug: string): number | undefined => {
  const value = first(record, slug);
  return value?.currency_value ?? (typeof value?.value === 'number' ? value.value : undefined);
};
const titleOf = (record: RawRecord, slug: string): string | undefined =>
  first(record, slug)?.status?.title ?? first(record, slug)?.option?.title;
const refsOf = (record: RawRecord, slug: string): string[] =>
  (record.values[slug] ?? []).flatMap((v) => (v.target_record_id ? [v.target_record_id] : []));
const idOf = (record: RawRecord): string => record.id.record_id;
const isClosed = (deal: RawRecord): boolean => /^(Won|Lost)\b/.test(titleOf(deal, 'stage') ?? '');

async function acmeCompany(attio: Attio): Promise<RawRecord> {
  const companies = await attio.all('companies');
  const acme = companies.filter((c) => (c.values.domains ?? []).some((d) => d.domain === 'acme.com'));
  if (acme.length !== 1) throw new Error(`oracle: expected one company with domain acme.com, found ${acme.length}`);
  return acme[0] as RawRecord;
}

async function acmeEnterpriseDeal(attio: Attio): Promise<RawRecord> {
  const acme = idOf(await acmeCompany(attio));
  const deals = (await attio.all('deals')).filter(
    (d) => refsOf(d, 'associated_company').includes(acme) && /enterprise license/i.test(textOf(d, 'name') ?? ''),
  );
  if (deals.length !== 1) throw new Error(`oracle: expected one Acme "Enterprise license" deal, found ${deals.length}`);
  return deals[0] as RawRecord;
}

// ---------------------------------------------------------------------------------------------
// The MCP side: every call is logged with its token counts.

interface CallLog {
  name: string;
  args: Record<string, unknown>;
  isError: boolean;
  text: string;
  textTokens: number;
  structuredTokens: number;
}

class ToolError extends Error {}

interface Verdict {
  ok: boolean;
  /** What was compared, for the report. */
  detail: string;
  /** The raw Attio objects a pass-through server would have returned for the same answer. */
  raw: unknown[];
  /** Oracle facts a model reading only the text content must find there (names of the answer). */
  mustRead?: string[];
}

interface Context {
  call<T = Record<string, unknown>>(name: string, args: Record<string, unknown>): Promise<T>;
  attio: Attio;
}

interface Question {
  ask: string;
  run(ctx: Context): Promise<Verdict>;
}

/** A list answer: fields named once (`columns`), one row of values per record, its id last. */
type Table = { columns: string[]; rows: unknown[][]; nextOffset?: number };
type Row = Record<string, unknown> & { id: string };
const rowsOf = (table: Table): Row[] =>
  table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i]])) as Row);
type SearchResults = { results: { id: string; object: string; name: string }[] };

const sameSet = (a: Iterable<string>, b: Iterable<string>): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
};

function compareSets(label: string, got: string[], want: string[], truncated = false): Pick<Verdict, 'ok' | 'detail'> {
  const ok = !truncated && got.length === want.length && sameSet(got, want);
  if (ok) return { ok, detail: `${got.length} ${label} = oracle` };
  const missing = want.filter((x) => !got.includes(x));
  const extra = got.filter((x) => !want.includes(x));
  return {
    ok,
    detail: `${label}: got ${got.length}, oracle ${want.length}${truncated ? ' (answer truncated: nextOffset)' : ''}; missing ${JSON.stringify(missing)}; extra ${JSON.stringify(extra)}`,
  };
}

const NOTE = {
  title: 'Call with Alice Johnson',
  content: 'Alice confirmed the budget for **Q1**. Next step: send the SSO and audit-log docs by Friday.',
};
const TASK = { content: 'Follow up on the Acme Corp Enterprise license proposal', deadline: '2026-12-11' };

const questions: Question[] = [
  {
    ask: 'Which deals are in Nurture?',
    async run({ call, attio }) {
      const answer = await call<Table>('query_records', { object: 'deals', filter: { stage: 'Nurture' } });
      const oracle = (await attio.all('deals')).filter((d) => titleOf(d, 'stage') === 'Nurture');
      const names = rowsOf(answer).map((r) => String(r.name));
      return {
        ...compareSets(
          'deals',
          names,
          oracle.map((d) => textOf(d, 'name') ?? '?'),
          answer.nextOffset !== undefined,
        ),
        raw: oracle,
        mustRead: oracle.map((d) => textOf(d, 'name') ?? '?'),
      };
    },
  },
  {
    ask: 'Open deals over $50k closing before March 2027',
    async run({ call, attio }) {
      const answer = await call<Table>('query_records', {
        object: 'deals',
        filter: {
          $and: [
            { value: { $gt: 50000 } },
            { close_date: { $lt: '2027-03-01' } },
            { $not: { stage: { $in: ['Won', 'Lost'] } } },
          ],
        },
      });
      const oracle = (await attio.all('deals')).filter(
        (d) =>
          (numberOf(d, 'value') ?? 0) > 50000 && (textOf(d, 'close_date') ?? '9999') < '2027-03-01' && !isClosed(d),
      );
      return {
        ...compareSets(
          'deals',
          rowsOf(answer).map((r) => r.id),
          oracle.map(idOf),
          answer.nextOffset !== undefined,
        ),
        raw: oracle,
        mustRead: oracle.map((r) => textOf(r, 'name') ?? '?'),
      };
    },
  },
  {
    ask: 'Technology companies with more than 1,000 employees',
    async run({ call, attio }) {
      const answer = await call<Table>('query_records', {
        object: 'companies',
        filter: { $and: [{ industry: 'Technology' }, { employee_count: { $gt: 1000 } }] },
      });
      const oracle = (await attio.all('companies')).filter(
        (c) => titleOf(c, 'industry') === 'Technology' && (numberOf(c, 'employee_count') ?? 0) > 1000,
      );
      return {
        ...compareSets(
          'companies',
          rowsOf(answer).map((r) => r.id),
          oracle.map(idOf),
          answer.nextOffset !== undefined,
        ),
        raw: oracle,
        mustRead: oracle.map((r) => textOf(r, 'name') ?? '?'),
      };
    },
  },
  {
    ask: 'The biggest open deal and its company',
    async run({ call, attio }) {
      const answer = await call<Table>('query_records', {
        object: 'deals',
        filter: { $not: { stage: { $in: ['Won', 'Lost'] } } },
        sorts: [{ attribute: 'value', direction: 'desc' }],
        limit: 1,
      });
      const open = (await attio.all('deals')).filter((d) => !isClosed(d));
      const top = Math.max(...open.map((d) => numberOf(d, 'value') ?? Number.NEGATIVE_INFINITY));
      const biggest = open.filter((d) => numberOf(d, 'value') === top);
      const companies = await attio.all('companies');
      const [deal, ...more] = rowsOf(answer);
      const oracleDeal = biggest.find((d) => idOf(d) === deal?.id);
      const companyId = oracleDeal ? refsOf(oracleDeal, 'associated_company')[0] : undefined;
      const company = companies.find((c) => idOf(c) === companyId);
      const companyName = company ? textOf(company, 'name') : undefined;
      const ok = more.length === 0 && oracleDeal !== undefined && deal?.associated_company === companyName;
      return {
        ok,
        detail: ok
          ? `deal and company = oracle (${companyName}, ${top})`
          : `got ${JSON.stringify(answer.rows)}; oracle biggest ${biggest.map((d) => textOf(d, 'name')).join(', ')} (${top}), company ${companyName}`,
        raw: [...(oracleDeal ? [oracleDeal] : biggest), ...(company ? [company] : [])],
        mustRead: oracleDeal ? [textOf(oracleDeal, 'name') ?? '?', companyName ?? '?'] : undefined,
      };
    },
  },
  {
    ask: 'Who are our contacts at Acme Corp?',
    async run({ call, attio }) {
      const answer = await call<Table>('query_records', {
        object: 'people',
        filter: {
          path: [
            ['people', 'company'],
            ['companies', 'name'],
          ],
          constraints: { $eq: 'Acme Corp' },
        },
      });
      const acmeIds = (await attio.all('companies')).filter((c) => textOf(c, 'name') === 'Acme Corp').map(idOf);
      const oracle = (await attio.all('people')).filter((p) => refsOf(p, 'company').some((id) => acmeIds.includes(id)));
      return {
        ...compareSets(
          'people',
          rowsOf(answer).map((r) => r.id),
          oracle.map(idOf),
          answer.nextOffset !== undefined,
        ),
        raw: oracle,
        mustRead: oracle.map((r) => textOf(r, 'name') ?? '?'),
      };
    },
  },
  {
    ask: 'Find the company with domain acme.com',
    async run({ call, attio }) {
      const args = { query: 'acme.com', objects: ['companies'] };
      const answer = await call<SearchResults>('search_records', args);
      const acme = await acmeCompany(attio);
      const top = answer.results[0];
      const ok = top?.id === idOf(acme) && top.object === 'companies';
      const hits = (await attio.search(args.query, args.objects, 10)).filter((h) => h.id.record_id === idOf(acme));
      return {
        ok,
        detail: ok
          ? `first result is ${top?.name} = oracle`
          : `first result ${JSON.stringify(top)}, oracle ${idOf(acme)} (${textOf(acme, 'name')})`,
        raw: hits,
        mustRead: [textOf(acme, 'name') ?? '?', 'acme.com'],
      };
    },
  },
  {
    ask: `Add a note to Acme: "${NOTE.content}"`,
    async run({ call, attio }) {
      const search = { query: 'Acme', objects: ['companies'], limit: 5 };
      const found = await call<SearchResults>('search_records', search);
      const company = found.results[0];
      if (!company) return { ok: false, detail: 'search_records found no company', raw: [] };
      const created = await call<{ note: { id: string } }>('create_note', {
        object: 'companies',
        record_id: company.id,
        title: NOTE.title,
        content: NOTE.content,
      });
      const acme = await acmeCompany(attio);
      const notes = await attio.request<{ data: RawNote[] }>(
        'GET',
        `/v2/notes?parent_object=companies&parent_record_id=${idOf(acme)}&limit=50`,
      );
      const note = notes.data.find((n) => n.id.note_id === created.note.id);
      const ok =
        note !== undefined &&
        note.title === NOTE.title &&
        note.content_plaintext.includes('send the SSO and audit-log docs by Friday');
      const hits = (await attio.search(search.query, search.objects, search.limit)).filter(
        (h) => h.id.record_id === idOf(acme),
      );
      return {
        ok,
        detail: ok
          ? `note ${created.note.id} is on ${textOf(acme, 'name')} with the text`
          : `note ${created.note.id} on ${company.name} [${company.id}]; on Acme: ${JSON.stringify(note ?? notes.data.map((n) => n.title))}`,
        raw: [...hits, ...(note ? [note] : [])],
      };
    },
  },
  {
    ask: 'Create a follow-up task for the Acme Enterprise license deal, due 2026-12-11, assigned to me',
    async run({ call, attio }) {
      const search = { query: 'Acme Enterprise license', objects: ['deals'], limit: 5 };
      const found = await call<SearchResults>('search_records', search);
      const deal = found.results[0];
      if (!deal) return { ok: false, detail: 'search_records found no deal', raw: [] };
      const created = await call<{ task: { id: string } }>('create_task', {
        content: TASK.content,
        deadline: TASK.deadline,
        assignees: [EMAIL],
        linked_records: [{ object: 'deals', id: deal.id }],
      });
      const oracleDeal = await acmeEnterpriseDeal(attio);
      const self = await attio.request<{ authorized_by_workspace_member_id: string }>('GET', '/v2/self');
      const tasks = await attio.request<{ data: RawTask[] }>('GET', '/v2/tasks?limit=500');
      const task = tasks.data.find((t) => t.id.task_id === created.task.id);
      const ok =
        task !== undefined &&
        task.content_plaintext === TASK.content &&
        (task.deadline_at ?? '').startsWith(TASK.deadline) &&
        task.linked_records.some((l) => l.target_record_id === idOf(oracleDeal)) &&
        task.assignees.length === 1 &&
        task.assignees[0]?.referenced_actor_id === self.authorized_by_workspace_member_id;
      const hits = (await attio.search(search.query, search.objects, search.limit)).filter(
        (h) => h.id.record_id === idOf(oracleDeal),
      );
      return {
        ok,
        detail: ok
          ? `task ${created.task.id}: due ${task?.deadline_at}, linked to ${textOf(oracleDeal, 'name')}, assigned to me`
          : `task ${JSON.stringify(task ?? created)}; oracle deal ${idOf(oracleDeal)}, me ${self.authorized_by_workspace_member_id}`,
        raw: [...hits, ...(task ? [task] : [])],
      };
    },
  },
  {
    ask: 'Move the Acme Enterprise license deal to Won',
    async run({ call, attio }) {
      const search = { query: 'Acme Enterprise license', objects: ['deals'], limit: 5 };
      const found = await call<SearchResults>('search_records', search);
      const deal = found.results[0];
      if (!deal) return { ok: false, detail: 'search_records found no deal', raw: [] };
      await call('update_record', { object: 'deals', record_id: deal.id, values: { stage: 'Won' } });
      const oracleDeal = await acmeEnterpriseDeal(attio);
      const stage = titleOf(oracleDeal, 'stage') ?? '';
      const ok = deal.id === idOf(oracleDeal) && /^Won\b/.test(stage);
      const hits = (await attio.search(search.query, search.objects, search.limit)).filter(
        (h) => h.id.record_id === idOf(oracleDeal),
      );
      return {
        ok,
        detail: ok ? `stage is now "${stage}"` : `moved ${deal.name} [${deal.id}]; oracle deal's stage "${stage}"`,
        raw: [...hits, oracleDeal],
      };
    },
  },

  // ---- Questions only the sales tools answer (meetings, comments, list views, history, totals, members). ----
  {
    ask: 'What was said on the last call with Acme Corp?',
    async run({ call, attio }) {
      const answer = await call<{ meeting: { id: string }; turns: [string, string][]; totalTurns: number }>(
        'get_call_transcript',
        { object: 'companies', record: 'Acme Corp' },
      );
      const acme = idOf(await acmeCompany(attio));
      const meetings = await attio.request<{ data: RawMeeting[] }>(
        'GET',
        `/v2/meetings?linked_object=companies&linked_record_id=${acme}&sort=start_desc&limit=50`,
      );
      const raw: unknown[] = [];
      let oracle: { meeting: RawMeeting; segments: RawSegment[] } | undefined;
      for (const meeting of meetings.data) {
        if (Date.parse(meeting.start.datetime) > Date.now()) continue;
        const recordings = await attio.request<{ data: RawRecording[] }>(
          'GET',
          `/v2/meetings/${meeting.id.meeting_id}/call_recordings`,
        );
        const done = recordings.data.find((r) => r.status === 'completed');
        if (!done) continue;
        const segments: RawSegment[] = [];
        for (let cursor: string | null = ''; cursor !== null; ) {
          const page: { data: { transcript: RawSegment[] }; pagination: { next_cursor: string | null } } =
            await attio.request(
              'GET',
              `/v2/meetings/${meeting.id.meeting_id}/call_recordings/${done.id.call_recording_id}/transcript${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
            );
          segments.push(...page.data.transcript);
          raw.push(page);
          cursor = page.pagination.next_cursor;
        }
        raw.unshift(meeting, done);
        oracle = { meeting, segments };
        break;
      }
      if (!oracle) return { ok: false, detail: 'oracle: no recorded Acme meeting', raw };
      const turns = oracle.segments.filter((s, i) => s.speaker.name !== oracle?.segments[i - 1]?.speaker.name);
      const ok = answer.meeting.id === oracle.meeting.id.meeting_id && answer.totalTurns === turns.length;
      return {
        ok,
        detail: ok
          ? `"${oracle.meeting.title}": ${turns.length} turns of ${oracle.segments.length} segments = oracle`
          : `got meeting ${answer.meeting.id} with ${answer.totalTurns} turns; oracle ${oracle.meeting.id.meeting_id} with ${turns.length}`,
        raw,
        mustRead: oracle.segments.map((s) => s.speech),
      };
    },
  },
  {
    ask: 'Which meetings did we have with Acme Corp?',
    async run({ call, attio }) {
      const answer = await call<Table>('list_meetings', { object: 'companies', record: 'Acme Corp' });
      const acme = idOf(await acmeCompany(attio));
      const oracle = await attio.request<{ data: RawMeeting[] }>(
        'GET',
        `/v2/meetings?linked_object=companies&linked_record_id=${acme}&limit=200`,
      );
      return {
        ...compareSets(
          'meetings',
          rowsOf(answer).map((r) => r.id),
          oracle.data.map((m) => m.id.meeting_id),
          answer.nextOffset !== undefined,
        ),
        raw: oracle.data,
        mustRead: oracle.data.map((m) => m.title),
      };
    },
  },
  {
    ask: 'What did the team comment on the Acme Enterprise license deal?',
    async run({ call, attio }) {
      const answer = await call<{ threads: { comments: string[][] }[] }>('list_comments', {
        object: 'deals',
        record: 'Acme Enterprise license',
      });
      const deal = await acmeEnterpriseDeal(attio);
      const oracle = await attio.request<{ data: { comments: { content_plaintext: string }[] }[] }>(
        'GET',
        `/v2/threads?object=deals&record_id=${idOf(deal)}&limit=50`,
      );
      const want = oracle.data.flatMap((t) => t.comments.map((c) => c.content_plaintext));
      const got = answer.threads.flatMap((t) => t.comments.map((c) => c[2] ?? ''));
      return { ...compareSets('comments', got, want), raw: oracle.data, mustRead: want };
    },
  },
  {
    ask: 'Comment on the Acme Enterprise license deal: "Sent the SOC 2 report."',
    async run({ call, attio }) {
      const created = await call<{ thread: string }>('add_comment', {
        object: 'deals',
        record: 'Acme Enterprise license',
        content: 'Sent the SOC 2 report.',
      });
      const deal = await acmeEnterpriseDeal(attio);
      const self = await attio.request<{ authorized_by_workspace_member_id: string }>('GET', '/v2/self');
      const thread = await attio.request<{
        data: { comments: { content_plaintext: string; author: { id?: string } }[] };
      }>('GET', `/v2/threads/${created.thread}`);
      const comment = thread.data.comments[0];
      const onDeal = await attio.request<{ data: { id: { thread_id: string } }[] }>(
        'GET',
        `/v2/threads?object=deals&record_id=${idOf(deal)}&limit=50`,
      );
      const ok =
        comment?.content_plaintext === 'Sent the SOC 2 report.' &&
        comment.author.id === self.authorized_by_workspace_member_id &&
        onDeal.data.some((t) => t.id.thread_id === created.thread);
      return {
        ok,
        detail: ok ? `thread ${created.thread} on the deal, by me` : `thread ${JSON.stringify(thread.data)}`,
        raw: [thread.data],
      };
    },
  },
  {
    ask: "What's in the Negotiation view of the sales pipeline?",
    async run({ call, attio }) {
      const answer = await call<Table>('list_entries', { list: 'sales_pipeline', view: 'Negotiation' });
      const views = await attio.request<{ data: { id: { view_id: string }; title: string }[] }>(
        'GET',
        '/v2/lists/sales_pipeline/views',
      );
      const view = views.data.find((v) => v.title === 'Negotiation');
      const entries = await attio.request<{ data: { parent_record_id: string }[] }>(
        'POST',
        '/v2/lists/sales_pipeline/entries/query',
        { filter_view_id: view?.id.view_id, limit: 500 },
      );
      const deals = await attio.all('deals');
      const ids = entries.data.map((e) => e.parent_record_id);
      const parents = deals.filter((d) => ids.includes(idOf(d)));
      return {
        ...compareSets(
          'entries',
          rowsOf(answer).map((r) => r.id),
          ids,
          answer.nextOffset !== undefined,
        ),
        raw: [...entries.data, ...parents],
        mustRead: parents.map((d) => textOf(d, 'name') ?? '?'),
      };
    },
  },
  {
    ask: 'When did the Acme Enterprise license deal move to Negotiation, and who moved it?',
    async run({ call, attio }) {
      const answer = await call<Table>('get_value_history', {
        list: 'sales_pipeline',
        record: 'Acme Enterprise license',
        attribute: 'stage',
      });
      const deal = await acmeEnterpriseDeal(attio);
      const entries = await attio.request<{ data: { entry_id: string; list_api_slug: string }[] }>(
        'GET',
        `/v2/objects/deals/records/${idOf(deal)}/entries`,
      );
      const entry = entries.data.find((e) => e.list_api_slug === 'sales_pipeline');
      const history = await attio.request<{
        data: { active_from: string; status?: { title: string }; created_by_actor: { id?: string } }[];
      }>('GET', `/v2/lists/sales_pipeline/entries/${entry?.entry_id}/attributes/stage/values?show_historic=true`);
      const moved = history.data.find((v) => v.status?.title === 'Negotiation');
      const member = await attio.request<{ data: { first_name: string; last_name: string } }>(
        'GET',
        `/v2/workspace_members/${moved?.created_by_actor.id}`,
      );
      const who = `${member.data.first_name} ${member.data.last_name}`;
      // The tools give times to the minute, in UTC.
      const when = new Date(moved?.active_from ?? 0).toISOString().slice(0, 16).replace('T', ' ');
      const row = rowsOf(answer).find((r) => r.value === 'Negotiation');
      const ok = row !== undefined && String(row.from).startsWith(when) && row.by === who;
      return {
        ok,
        detail: ok
          ? `Negotiation from ${row?.from} by ${who} = oracle`
          : `got ${JSON.stringify(row)}; oracle ${when} by ${who}`,
        raw: [...entries.data, ...history.data],
        mustRead: [who, when.slice(0, 10)],
      };
    },
  },
  {
    ask: "What's our open pipeline value by stage?",
    async run({ call, attio }) {
      const answer = await call<Table>('summarize_records', {
        object: 'deals',
        filter: { $not: { stage: { $in: ['Won', 'Lost'] } } },
        group_by: 'stage',
        measure: 'value',
      });
      const open = (await attio.all('deals')).filter((d) => !isClosed(d));
      const byStage = new Map<string, { count: number; sum: number }>();
      for (const deal of open) {
        const stage = titleOf(deal, 'stage') ?? '';
        const g = byStage.get(stage) ?? { count: 0, sum: 0 };
        g.count++;
        g.sum += numberOf(deal, 'value') ?? 0;
        byStage.set(stage, g);
      }
      const got = rowsOf(answer)
        .filter((r) => r.stage !== 'TOTAL')
        .map((r) => `${r.stage}: ${r.count}, ${r.sum_value}`);
      const want = [...byStage].map(([stage, g]) => `${stage}: ${g.count}, ${g.sum}`);
      return {
        ...compareSets('stage totals', got, want),
        // A pass-through server would return every open deal for the model to add up.
        raw: open,
        mustRead: [...byStage.values()].map((g) => String(g.sum)),
      };
    },
  },
  {
    ask: 'Who is in the workspace?',
    async run({ call, attio }) {
      const answer = await call<Table>('list_members', {});
      const oracle = await attio.request<{ data: { email_address: string }[] }>('GET', '/v2/workspace_members');
      const want = oracle.data.map((m) => m.email_address);
      return {
        ...compareSets(
          'members',
          rowsOf(answer).map((r) => String(r.email)),
          want,
        ),
        raw: oracle.data,
        mustRead: want,
      };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Running it.

const log = (message: string) => process.stderr.write(`${message}\n`);
const tokens = (text: string) => (text ? countTokens(text) : 0);

const stopper = new Stopper(log);
stopper.stopOnSignals('wrangler dev and the stand-in');

interface Result {
  question: Question;
  calls: CallLog[];
  ok: boolean;
  detail: string;
  rawTokens: number;
}

async function run(): Promise<number> {
  log('Starting the Attio stand-in and wrangler dev…');
  const stack = await stopper.track(
    startStack({ onProgress: (message) => log(`  ${message}`), signal: stopper.signal }),
  );

  // Reproducible data: the seed as it ships, whatever ran before.
  stack.standin.state.reset();
  const memberId = stack.standin.state.store.memberByEmail(EMAIL)?.id;
  if (!memberId) throw new Error(`no member ${EMAIL} in the stand-in`);
  const attio = new Attio(stack.standinUrl, stack.standin.state.auth.issueToken('dev-attio-client', memberId).token);

  log(`Signing in as ${EMAIL} (register, consent, Attio sign-in, token)…`);
  const send = (request: Request) => fetch(request);
  const { tokens: issued } = await signIn(new Browser(stack.origin, send), { email: EMAIL });
  log('Opening the MCP session (streamable HTTP)…');
  const mcp = await connectMcp({
    origin: stack.origin,
    token: issued.access_token,
    transport: 'streamable-http',
    send,
  });
  stopper.add(() => mcp.close().catch(() => {}));
  const { tools } = await mcp.listTools();
  const toolListTokens = tokens(JSON.stringify(tools));

  const results: Result[] = [];
  for (const [index, question] of questions.entries()) {
    log(`Q${index + 1}. ${question.ask}`);
    const calls: CallLog[] = [];
    const ctx: Context = {
      attio,
      async call<T>(name: string, args: Record<string, unknown>): Promise<T> {
        const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
        const structured = result.structuredContent === undefined ? '' : JSON.stringify(result.structuredContent);
        calls.push({
          name,
          args,
          isError: result.isError === true,
          text,
          textTokens: tokens(text),
          structuredTokens: tokens(structured),
        });
        if (result.isError) throw new ToolError(`${name} ${JSON.stringify(args)} → isError: ${text}`);
        return (result.structuredContent ?? {}) as T;
      },
    };
    try {
      const verdict = await question.run(ctx);
      const read = calls.map((c) => c.text).join('\n');
      const unread = (verdict.mustRead ?? []).filter((fact) => !read.includes(fact));
      results.push({
        question,
        calls,
        ok: verdict.ok && unread.length === 0 && calls.every((c) => !c.isError),
        detail: unread.length
          ? `${verdict.detail}; but the text content lacks ${JSON.stringify(unread)}`
          : `${verdict.detail}${verdict.mustRead ? ' (also in the text)' : ''}`,
        rawTokens: tokens(JSON.stringify({ data: verdict.raw })),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ question, calls, ok: false, detail: message, rawTokens: 0 });
    }
  }

  report(results, toolListTokens, tools.length);
  return results.every((r) => r.ok) ? 0 : 1;
}

function report(results: Result[], toolListTokens: number, toolCount: number): void {
  const rows = results.map((r, index) => {
    const text = r.calls.reduce((sum, c) => sum + c.textTokens, 0);
    const structured = r.calls.reduce((sum, c) => sum + c.structuredTokens, 0);
    return {
      q: `${index + 1}. ${r.question.ask.length > 58 ? `${r.question.ask.slice(0, 57)}…` : r.question.ask}`,
      calls: r.calls.map((c) => c.name).join(' → ') || '—',
      ok: r.ok ? '✓' : '✗',
      text,
      structured,
      total: text + structured,
      raw: r.rawTokens,
    };
  });
  const sum = (key: 'text' | 'structured' | 'total' | 'raw') => rows.reduce((s, r) => s + r[key], 0);
  const header = {
    q: 'Question',
    calls: 'Tool calls',
    ok: 'OK',
    text: 'Text',
    structured: 'Structured',
    total: 'Total',
    raw: 'Raw Attio JSON',
  };
  const totals = {
    q: 'TOTAL',
    calls: `${results.reduce((s, r) => s + r.calls.length, 0)} calls`,
    ok: `${results.filter((r) => r.ok).length}/${results.length}`,
    text: sum('text'),
    structured: sum('structured'),
    total: sum('total'),
    raw: sum('raw'),
  };
  const keys = Object.keys(header) as (keyof typeof header)[];
  const numeric = new Set<string>(['text', 'structured', 'total', 'raw']);
  const all = [header, ...rows, totals].map((row) => keys.map((k) => String(row[k])));
  const widths = keys.map((_, i) => Math.max(...all.map((cells) => [...(cells[i] ?? '')].length)));
  const line = (cells: string[]) =>
    `| ${cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return numeric.has(keys[i] ?? '') ? pad + cell : cell + pad;
      })
      .join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const [head, ...body] = all;
  const out: string[] = [];
  out.push('', 'Tokens (o200k_base) a model reads per question: text content and structuredContent (compact JSON)', '');
  out.push(line(head ?? []), rule);
  for (const cells of body.slice(0, -1)) out.push(line(cells));
  out.push(rule, line(body.at(-1) ?? []), '');
  out.push(
    `"Raw Attio JSON" = raw Attio JSON for the same records: the stand-in's REST responses (records, search hits, note, task)`,
    '  restricted to the records in the answer, compact JSON: what a pass-through server would return. The tool',
    '  list (tools/list, sent once per session) is not in the table: ' +
      `${toolListTokens} tokens for ${toolCount} tools.`,
    '',
  );
  for (const [index, r] of results.entries()) {
    out.push(`${r.ok ? '✓' : '✗'} Q${index + 1}: ${r.detail}`);
    for (const c of r.calls) {
      out.push(
        `    ${c.isError ? '✗' : '·'} ${c.name} ${JSON.stringify(c.args)} → text ${c.textTokens}, structured ${c.structuredTokens}`,
      );
      if (c.isError) out.push(`      ${c.text.replace(/\n/g, '\n      ')}`);
    }
  }
  const total = sum('total');
  const raw = sum('raw');
  out.push('');
  out.push(
    `Text + structured: ${total} tokens for ${results.length} questions (text only: ${sum('text')}, structured only: ${sum('structured')}).`,
  );
  out.push(
    `Raw Attio JSON for the same records: ${raw} tokens${raw > 0 && total > 0 ? ` (${(raw / total).toFixed(1)}× text + structured, ${(raw / sum('text')).toFixed(1)}× text alone)` : ''}.`,
  );
  out.push(`Goal: every answer correct, and text + structured under ${TOKEN_GOAL.toLocaleString('en-US')} tokens.`);
  out.push(
    `  tools/list: ${toolListTokens} tokens for ${toolCount} tools (budget ${TOOL_LIST_GOAL.toLocaleString('en-US')}): ${toolListTokens <= TOOL_LIST_GOAL ? 'within' : 'OVER'}.`,
  );
  const allOk = results.every((r) => r.ok);
  out.push(
    allOk
      ? `  Answers: all ${results.length} correct.`
      : `  Answers: ${results.filter((r) => !r.ok).length} of ${results.length} WRONG (exit code 1).`,
  );
  const under = total < TOKEN_GOAL;
  if (under && allOk) out.push(`  Tokens: ${total} < ${TOKEN_GOAL}: goal met.`);
  else if (under) out.push(`  Tokens: ${total} < ${TOKEN_GOAL}, but that counts for nothing while answers are wrong.`);
  else {
    const banner = '!'.repeat(84);
    out.push(
      '',
      `  ${banner}`,
      `  !!! TOKEN GOAL MISSED: ${total} tokens, goal under ${TOKEN_GOAL} (over by ${total - TOKEN_GOAL}) !!!`,
      `  ${banner}`,
    );
  }
  console.log(out.join('\n'));
}

let code = 1;
try {
  code = await run();
} catch (error) {
  if (!stopper.interrupted)
    log(`bench:tokens failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
} finally {
  await stopper.stopAll();
}
process.exit(stopper.interrupted ? 130 : code);
