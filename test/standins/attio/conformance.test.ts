// The stand-in held to Attio's published API: the product's real Attio client drives it,
// and every request and answer is checked against attio-ts-sdk's operations (generated
// from Attio's OpenAPI document): the request names an Attio operation the stand-in
// serves, 2xx bodies pass the operation's response schema, and error bodies carry Attio's
// envelope with the type and code the document lists for that operation and status.
import type * as Sdk from 'attio-ts-sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZodError, z } from 'zod';
import { AttioClient } from '../../../src/attio/client.ts';
import { type AttioStandin, createAttioStandin } from './app.ts';
import { DEFAULT_CLIENT } from './auth.ts';
import { matchOperation, operationFor } from './openapi.ts';
import { DEMO_MEMBER_EMAIL } from './seed.ts';

const API_URL = 'https://api.attio.test';

/** The error type and codes Attio's document lists per status, checked against the SDK's types by tsc. */
type Documented<E> = {
  [S in keyof E]: E[S] extends { type: infer T extends string; code: infer C extends string }
    ? { type: T; codes: Record<C, true> }
    : never;
};
type ErrorTable = Record<number, { type: string; codes: Record<string, true> } | undefined>;
const documented = <E>(errors: Documented<E>): ErrorTable => errors as ErrorTable;

const NOT_FOUND = { type: 'invalid_request_error', codes: { not_found: true } } as const;

const DOCUMENTED_ERRORS: Record<string, ErrorTable> = {
  'GET /v2/workspace_members/{workspace_member_id}': documented<Sdk.GetV2WorkspaceMembersByWorkspaceMemberIdErrors>({
    404: NOT_FOUND,
  }),
  'POST /v2/objects/records/search': documented<Sdk.PostV2ObjectsRecordsSearchErrors>({
    400: { type: 'invalid_request_error', codes: { value_not_found: true } },
  }),
  'POST /v2/objects/{object}/records/query': documented<Sdk.PostV2ObjectsByObjectRecordsQueryErrors>({
    400: { type: 'invalid_request_error', codes: { filter_error: true } },
    404: NOT_FOUND,
  }),
  'GET /v2/{target}/{identifier}/attributes/{attribute}/options':
    documented<Sdk.GetV2ByTargetByIdentifierAttributesByAttributeOptionsErrors>({ 404: NOT_FOUND }),
  'GET /v2/{target}/{identifier}/attributes/{attribute}/statuses':
    documented<Sdk.GetV2ByTargetByIdentifierAttributesByAttributeStatusesErrors>({ 404: NOT_FOUND }),
  'GET /v2/objects/{object}/records/{record_id}': documented<Sdk.GetV2ObjectsByObjectRecordsByRecordIdErrors>({
    404: NOT_FOUND,
  }),
  'POST /v2/objects/{object}/records': documented<Sdk.PostV2ObjectsByObjectRecordsErrors>({
    400: { type: 'invalid_request_error', codes: { value_not_found: true } },
    404: NOT_FOUND,
  }),
  'PUT /v2/objects/{object}/records': documented<Sdk.PutV2ObjectsByObjectRecordsErrors>({
    400: { type: 'invalid_request_error', codes: { value_not_found: true } },
    404: NOT_FOUND,
  }),
  'PATCH /v2/objects/{object}/records/{record_id}': documented<Sdk.PatchV2ObjectsByObjectRecordsByRecordIdErrors>({
    400: { type: 'invalid_request_error', codes: { missing_value: true } },
    404: NOT_FOUND,
  }),
  'DELETE /v2/objects/{object}/records/{record_id}': documented<Sdk.DeleteV2ObjectsByObjectRecordsByRecordIdErrors>({
    404: NOT_FOUND,
  }),
  'GET /v2/notes': documented<Sdk.GetV2NotesErrors>({ 404: NOT_FOUND }),
  'POST /v2/notes': documented<Sdk.PostV2NotesErrors>({
    404: NOT_FOUND,
    413: { type: 'invalid_request_error', codes: { validation_type: true } },
  }),
  'POST /v2/tasks': documented<Sdk.PostV2TasksErrors>({
    400: { type: 'invalid_request_error', codes: { validation_type: true } },
    404: NOT_FOUND,
  }),
  'PATCH /v2/tasks/{task_id}': documented<Sdk.PatchV2TasksByTaskIdErrors>({
    400: { type: 'invalid_request_error', codes: { validation_type: true } },
    404: NOT_FOUND,
  }),
  'POST /v2/lists/{list}/entries/query': documented<Sdk.PostV2ListsByListEntriesQueryErrors>({ 404: NOT_FOUND }),
  'POST /v2/lists/{list}/entries': documented<Sdk.PostV2ListsByListEntriesErrors>({
    400: { type: 'invalid_request_error', codes: { value_not_found: true } },
    404: NOT_FOUND,
  }),
  'PATCH /v2/lists/{list}/entries/{entry_id}': documented<Sdk.PatchV2ListsByListEntriesByEntryIdErrors>({
    400: { type: 'invalid_request_error', codes: { immutable_value: true } },
    404: NOT_FOUND,
  }),
  'GET /v2/lists/{list}/views': documented<Sdk.GetV2ListsByListViewsErrors>({ 404: NOT_FOUND }),
  'GET /v2/objects/{object}/records/{record_id}/attributes/{attribute}/values':
    documented<Sdk.GetV2ObjectsByObjectRecordsByRecordIdAttributesByAttributeValuesErrors>({
      400: { type: 'invalid_request_error', codes: { validation_type: true } },
      404: NOT_FOUND,
    }),
  'GET /v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values':
    documented<Sdk.GetV2ListsByListEntriesByEntryIdAttributesByAttributeValuesErrors>({ 404: NOT_FOUND }),
  'GET /v2/threads/{thread_id}': documented<Sdk.GetV2ThreadsByThreadIdErrors>({ 404: NOT_FOUND }),
  // The document spells this one error's status field `statusCode`; the envelope check holds the rest.
  'POST /v2/comments': { 400: { type: 'invalid_request_error', codes: { value_not_found: true } } },
  'GET /v2/meetings/{meeting_id}': documented<Sdk.GetV2MeetingsByMeetingIdErrors>({ 404: NOT_FOUND }),
};

interface Exchange {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

let standin: AttioStandin;
let token: string;
const exchanges: Exchange[] = [];
const called = new Set<string>();

/** Sends requests to the stand-in in process and records each exchange. */
const recordingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await standin.app.fetch(request);
  const text = await response.clone().text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  const url = new URL(request.url);
  exchanges.push({ method: request.method, path: url.pathname, status: response.status, body });
  return response;
};

/** The product's client, counting which of its methods a test calls. */
function productClient(): AttioClient {
  const client = new AttioClient({ apiUrl: API_URL, token, fetch: recordingFetch, maxRetries: 0 });
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      called.add(String(property));
      return (...args: unknown[]) => value.apply(target, args);
    },
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should fail'),
    (error: unknown) => error,
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Where Attio's document contradicts itself and the SDK's schema takes the strict reading:
 * an attribute's `config.currency.default_currency_code` and `display_type` are typed
 * `["string", "null"]` with an enum lacking null (so the schema rejects null), while the
 * document's own attribute example has both null on a non-currency attribute. Only a null
 * there is let through.
 */
function contradictsDocument(issue: ZodError['issues'][number], body: unknown): boolean {
  const path = issue.path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
  return (
    /(^|\.)config\.currency\.(default_currency_code|display_type)$/.test(path) && valueAt(body, issue.path) === null
  );
}

const ACTOR_KEYS = new Set(['created_by_actor', 'author', 'resolved_by']);

/**
 * An actor's `id` and `type` are `nullable: true` in Attio's document, and the docs page "Actors"
 * says a system actor "Always comes with a null ID"; attio-ts-sdk's schemas (the 3.1 reading, where
 * `nullable` is not a keyword) accept them only absent. Before the SDK checks an answer, exactly
 * those nulls are read as absent; everything else is checked as sent.
 */
function actorNullsAsAbsent(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => actorNullsAsAbsent(item));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(
    ([name, field]) =>
      !(key !== undefined && ACTOR_KEYS.has(key) && (name === 'id' || name === 'type') && field === null),
  );
  return Object.fromEntries(entries.map(([name, field]) => [name, actorNullsAsAbsent(field, name)]));
}

/** Zod issues, one line per distinct path (array indices as `*`), values elided. */
function describeIssues(error: unknown, body: unknown): string | undefined {
  if (!(error instanceof ZodError)) return String(error);
  const issues = error.issues.filter((issue) => !contradictsDocument(issue, body));
  if (issues.length === 0) return undefined;
  const lines = new Set(
    issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
      return `${path}: ${issue.message.slice(0, 80)}`;
    }),
  );
  return [...lines].join('; ');
}

/** Every exchange so far is an Attio operation the stand-in serves, answered in Attio's shapes. */
async function expectConforming(): Promise<void> {
  const problems: string[] = [];
  for (const exchange of exchanges.splice(0)) {
    const label = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const match = matchOperation(exchange.method, exchange.path);
    if (!match) {
      problems.push(`${label}: no such operation in Attio's API`);
      continue;
    }
    const operation = `${match.operation.method} ${match.operation.template}`;
    const body = exchange.body as Record<string, unknown> | undefined;
    if (exchange.status === 404 && String(body?.message).startsWith('Could not find endpoint')) {
      problems.push(`${label}: the stand-in does not serve ${operation}`);
      continue;
    }
    if (exchange.status < 300) {
      try {
        await match.operation.validateResponse(actorNullsAsAbsent(exchange.body));
      } catch (error) {
        const issues = describeIssues(error, exchange.body);
        if (issues) problems.push(`${label}: the answer fails ${operation}'s response schema: ${issues}`);
      }
      continue;
    }
    const envelope = body ?? {};
    if (
      envelope.status_code !== exchange.status ||
      typeof envelope.type !== 'string' ||
      typeof envelope.code !== 'string' ||
      typeof envelope.message !== 'string'
    ) {
      problems.push(`${label}: not Attio's error envelope: ${JSON.stringify(exchange.body)}`);
      continue;
    }
    const listed = DOCUMENTED_ERRORS[operation]?.[exchange.status];
    if (listed && (listed.type !== envelope.type || !listed.codes[envelope.code])) {
      problems.push(
        `${label}: ${envelope.type}/${envelope.code}, but Attio documents ${listed.type}/${Object.keys(listed.codes).join('|')}`,
      );
    }
  }
  expect(problems).toEqual([]);
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function seeded() {
  const store = standin.state.store;
  const companies = store.requireObject('companies');
  const people = store.requireObject('people');
  const deals = store.requireObject('deals');
  const pipeline = store.requireList('sales_pipeline');
  const acme = store.recordsOf(companies.id).find((r) => store.recordText(r) === 'Acme Corp');
  const person = store.recordsOf(people.id)[0];
  const deal = store.recordsOf(deals.id)[0];
  const entry = store.entriesOf(pipeline.id)[0];
  const member = store.memberByEmail(DEMO_MEMBER_EMAIL);
  const note = [...store.notes.values()][0];
  const task = [...store.tasks.values()][0];
  if (!acme || !person || !deal || !entry || !member || !note || !task) throw new Error('seed changed');
  return { store, acme, person, deal, entry, member, note, task };
}

beforeAll(() => {
  standin = createAttioStandin();
  token = standin.state.auth.issueToken(DEFAULT_CLIENT.clientId, seeded().member.id).token;
});

afterEach(async () => {
  await expectConforming();
});

describe("the product's Attio client against the stand-in, held to Attio's OpenAPI", () => {
  it('reads the token, the members and the workspace schema', async () => {
    const attio = productClient();
    const { member } = seeded();
    await attio.self();
    await attio.workspaceMembers();
    await attio.workspaceMember(member.id);
    await attio.objects();
    await attio.lists();
    for (const slug of ['companies', 'people', 'deals']) await attio.attributes({ kind: 'objects', slug });
    await attio.attributes({ kind: 'lists', slug: 'sales_pipeline' });
    await attio.attributeChoices({ kind: 'objects', slug: 'companies' }, 'industry', 'options');
    await attio.attributeChoices({ kind: 'objects', slug: 'deals' }, 'stage', 'statuses');
    await attio.attributeChoices({ kind: 'objects', slug: 'deals' }, 'stage', 'options');
    await attio.attributeChoices({ kind: 'lists', slug: 'sales_pipeline' }, 'stage', 'statuses');
    await attio.attributeChoices({ kind: 'lists', slug: 'sales_pipeline' }, 'priority', 'options');
    // Errors: an unknown member, an unknown attribute.
    await failure(attio.workspaceMember(UNKNOWN_ID));
    await failure(attio.attributeChoices({ kind: 'objects', slug: 'companies' }, 'no_such_attribute', 'options'));
    await failure(attio.attributeChoices({ kind: 'objects', slug: 'deals' }, 'no_such_attribute', 'statuses'));
  });

  it('searches and queries records of every object, and reads them one by one', async () => {
    const attio = productClient();
    const { acme, person, deal } = seeded();
    await attio.searchRecords({ query: 'acme', objects: ['companies', 'people'], limit: 25 });
    await attio.queryRecords('companies', {
      filter: { $and: [{ industry: 'Technology' }, { employee_count: { $gt: 1000 } }] },
      sorts: [{ attribute: 'name', direction: 'asc' }],
      limit: 10,
      offset: 0,
    });
    for (const object of ['companies', 'people', 'deals']) await attio.queryRecords(object, { limit: 500 });
    await attio.queryRecords('people', { filter: { email_addresses: { $contains: '@' } }, limit: 5 });
    await attio.getRecord('companies', acme.id);
    await attio.getRecord('people', person.id);
    await attio.getRecord('deals', deal.id);
    await attio.recordEntries('deals', deal.id);
    // Errors: an unknown object in search, a bad filter, an unknown object, an unknown record.
    await failure(attio.searchRecords({ query: 'acme', objects: ['no_such_object'], limit: 5 }));
    await failure(attio.queryRecords('companies', { filter: { no_such_attribute: 'x' } }));
    await failure(attio.queryRecords('no_such_object', {}));
    await failure(attio.getRecord('companies', UNKNOWN_ID));
  });

  it('creates, asserts, updates and deletes records', async () => {
    const attio = productClient();
    const { acme } = seeded();
    const company = await attio.createRecord('companies', {
      name: 'Conformance Test Ltd',
      domains: ['conformance-test.io'],
      industry: 'Technology',
      employee_count: 12,
    });
    const companyId = company.data.id.record_id;
    await attio.updateRecord('companies', companyId, { description: 'Checked against the OpenAPI document.' });
    await attio.assertRecord('companies', 'domains', {
      domains: ['conformance-test.io'],
      name: 'Conformance Test Limited',
    });
    await attio.createRecord('people', {
      name: [{ first_name: 'Ada', last_name: 'Conform', full_name: 'Ada Conform' }],
      email_addresses: ['ada@conformance-test.io'],
      company: [{ target_object: 'companies', target_record_id: companyId }],
    });
    await attio.createRecord('deals', {
      name: 'Conformance deal',
      stage: 'Lead',
      owner: DEMO_MEMBER_EMAIL,
      value: 12_500,
      associated_company: [{ target_object: 'companies', target_record_id: acme.id }],
    });
    await attio.deleteRecord('companies', companyId);
    // Errors: an unknown option, an unknown matching attribute, a required value removed,
    // an unknown record, an unknown object.
    await failure(attio.createRecord('companies', { name: 'Bad', industry: 'No such industry' }));
    await failure(attio.assertRecord('companies', 'no_such_attribute', { name: 'Bad' }));
    await failure(attio.updateRecord('deals', seeded().deal.id, { name: null }));
    await failure(attio.updateRecord('companies', UNKNOWN_ID, { name: 'Gone' }));
    await failure(attio.deleteRecord('companies', UNKNOWN_ID));
    await failure(attio.createRecord('no_such_object', { name: 'Bad' }));
  });

  it('reads and writes notes and tasks', async () => {
    const attio = productClient();
    const { acme, member, task } = seeded();
    await attio.notes({ parentObject: 'companies', parentRecordId: acme.id, limit: 10, offset: 0 });
    await attio.createNote({
      parentObject: 'companies',
      parentRecordId: acme.id,
      title: 'Conformance',
      content: '# Checked\n\nAgainst **Attio**.',
    });
    await attio.tasks({ limit: '10', offset: '0', sort: 'created_at:desc', is_completed: 'false' });
    await attio.tasks({ linked_object: 'companies', linked_record_id: acme.id });
    const created = await attio.createTask({
      content: 'Call Acme about the renewal',
      format: 'plaintext',
      deadline_at: '2027-01-15T09:00:00.000Z',
      is_completed: false,
      linked_records: [{ target_object: 'companies', target_record_id: acme.id }],
      assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: member.id }],
    });
    await attio.updateTask(created.data.id.task_id, { is_completed: true });
    await attio.updateTask(task.id, { deadline_at: null });
    // Errors: an unknown parent object, an unknown linked object, an unknown task.
    await failure(attio.notes({ parentObject: 'no_such_object', parentRecordId: acme.id, limit: 10, offset: 0 }));
    await failure(
      attio.createNote({ parentObject: 'no_such_object', parentRecordId: acme.id, title: 'x', content: 'x' }),
    );
    await failure(
      attio.createTask({
        content: 'x',
        format: 'plaintext',
        deadline_at: null,
        is_completed: false,
        linked_records: [{ target_object: 'no_such_object', target_record_id: acme.id }],
        assignees: [],
      }),
    );
    await failure(attio.updateTask(UNKNOWN_ID, { is_completed: true }));
  });

  it('reads and writes list entries', async () => {
    const attio = productClient();
    const { deal, entry } = seeded();
    await attio.queryEntries('sales_pipeline', { filter: { stage: 'Qualified' }, limit: 50, offset: 0 });
    await attio.queryEntries('sales_pipeline', {});
    await attio.addEntry('sales_pipeline', {
      parentObject: 'deals',
      parentRecordId: deal.id,
      values: { stage: 'Prospecting', priority: 'High', next_step: 'Send the proposal' },
    });
    await attio.updateEntry('sales_pipeline', entry.id, { stage: 'Proposal', next_step: 'Book a call' });
    // Errors: an unknown list, an unknown parent record, an unknown entry.
    await failure(attio.queryEntries('no_such_list', {}));
    const unknownParent = attio.addEntry('sales_pipeline', {
      parentObject: 'deals',
      parentRecordId: UNKNOWN_ID,
      values: {},
    });
    expect(await failure(unknownParent)).toMatchObject({ status: 400, code: 'value_not_found' });
    await failure(attio.updateEntry('sales_pipeline', UNKNOWN_ID, { next_step: 'x' }));
  });

  it('reads meetings, call recordings and whole transcripts page by page', async () => {
    const attio = productClient();
    const { acme } = seeded();
    const meetings = await attio.meetings({
      linkedObject: 'companies',
      linkedRecordId: acme.id,
      sort: 'start_desc',
      limit: 2,
    });
    expect(meetings.data.map((m) => m.title)).toEqual([
      'Acme QBR prep (internal)',
      'Acme — pricing and security follow-up',
    ]);
    expect(meetings.pagination.next_cursor).toEqual(expect.any(String));
    const rest = await attio.meetings({
      linkedObject: 'companies',
      linkedRecordId: acme.id,
      sort: 'start_desc',
      limit: 2,
      cursor: meetings.pagination.next_cursor ?? undefined,
    });
    expect(rest.data.map((m) => m.title)).toEqual(['Acme — Enterprise license discovery']);
    await attio.meetings({
      participants: ['alice.johnson@acme.com'],
      endsFrom: '2025-10-01T00:00:00Z',
      startsBefore: '2026-01-01T00:00:00Z',
      sort: 'start_asc',
      limit: 50,
    });
    const pricing = meetings.data[1];
    if (!pricing) throw new Error('seed changed');
    expect((await attio.meeting(pricing.id.meeting_id)).data.title).toBe(pricing.title);
    const { data: recordings } = await attio.callRecordings(pricing.id.meeting_id);
    const recording = recordings[0];
    if (!recording) throw new Error('seed changed');
    const first = await attio.transcript(pricing.id.meeting_id, recording.id.call_recording_id);
    expect(first.pagination.next_cursor).toEqual(expect.any(String));
    const second = await attio.transcript(
      pricing.id.meeting_id,
      recording.id.call_recording_id,
      first.pagination.next_cursor ?? undefined,
    );
    expect(first.data.transcript.length + second.data.transcript.length).toBe(24);
    expect(second.pagination.next_cursor).toBeNull();
    // Errors: an unknown meeting's recordings, an unknown meeting.
    await failure(attio.callRecordings(UNKNOWN_ID));
    await failure(attio.meeting(UNKNOWN_ID));
  });

  it('reads comment threads on records and list entries, and writes comments', async () => {
    const attio = productClient();
    const { store, member } = seeded();
    const deal = store
      .recordsOf(store.requireObject('deals').id)
      .find((r) => store.recordText(r).includes('Enterprise license'));
    const entry = store.entriesOf(store.requireList('sales_pipeline').id).find((e) => e.parent_record_id === deal?.id);
    if (!deal || !entry) throw new Error('seed changed');
    const threads = await attio.threads({ object: 'deals', recordId: deal.id }, { limit: 10, offset: 0 });
    expect(threads.data.map((t) => t.comments.length)).toEqual([3, 2]);
    await attio.threads({ list: 'sales_pipeline', entryId: entry.id }, { limit: 10, offset: 0 });
    const reply = await attio.createComment({
      authorId: member.id,
      content: 'Conformance reply',
      on: { threadId: threads.data[0]?.id.thread_id ?? '' },
    });
    expect(reply.data.thread_id).toBe(threads.data[0]?.id.thread_id);
    await attio.createComment({
      authorId: member.id,
      content: 'On the deal',
      on: { object: 'deals', recordId: deal.id },
    });
    await attio.createComment({
      authorId: member.id,
      content: 'On the entry',
      on: { list: 'sales_pipeline', entryId: entry.id },
    });
    // Errors: an unknown record, an unknown author, an unknown thread.
    await failure(
      attio.createComment({ authorId: member.id, content: 'x', on: { object: 'deals', recordId: UNKNOWN_ID } }),
    );
    await failure(
      attio.createComment({ authorId: UNKNOWN_ID, content: 'x', on: { object: 'deals', recordId: deal.id } }),
    );
    await failure(attio.request('GET', `/v2/threads/${UNKNOWN_ID}`, z.unknown(), { scopes: [] }));
  });

  it('reads list views, entries of a view, and value history', async () => {
    const attio = productClient();
    const { store } = seeded();
    const { data: views } = await attio.listViews('sales_pipeline');
    expect(views.map((v) => v.title).sort()).toEqual(['All deals', "Dana's open deals", 'Negotiation']);
    const negotiation = views.find((v) => v.title === 'Negotiation');
    const { data: entries } = await attio.queryEntries('sales_pipeline', {
      filter_view_id: negotiation?.id.view_id,
      sorts: [{ attribute: 'amount', direction: 'desc' }],
      limit: 50,
    });
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry.entry_values.stage?.[0]).toMatchObject({ status: { title: 'Negotiation' } });
    }
    const deal = store
      .recordsOf(store.requireObject('deals').id)
      .find((r) => store.recordText(r).includes('Enterprise license'));
    const entry = store.entriesOf(store.requireList('sales_pipeline').id).find((e) => e.parent_record_id === deal?.id);
    if (!deal || !entry) throw new Error('seed changed');
    const dealStages = await attio.valueHistory({ kind: 'objects', slug: 'deals' }, deal.id, 'stage');
    expect(dealStages.data.map((v) => v.active_until === null)).toEqual([false, true]);
    const entryStages = await attio.valueHistory({ kind: 'lists', slug: 'sales_pipeline' }, entry.id, 'stage');
    // The seeded moves, then the one the list-entry test above made.
    expect(entryStages.data.map((v) => (v as { status?: { title: string } }).status?.title)).toEqual([
      'Prospecting',
      'Qualified',
      'Proposal',
      'Negotiation',
      'Proposal',
    ]);
    // Errors: a view of no list, an unknown attribute, history of an interaction (COMINT) attribute.
    await failure(attio.listViews('no_such_list'));
    await failure(attio.queryEntries('sales_pipeline', { filter_view_id: UNKNOWN_ID }));
    await failure(attio.valueHistory({ kind: 'objects', slug: 'deals' }, deal.id, 'no_such_attribute'));
    await failure(attio.valueHistory({ kind: 'objects', slug: 'companies' }, seeded().acme.id, 'last_interaction'));
  });

  it('exercised every public method of the client', () => {
    const methods = Object.getOwnPropertyNames(AttioClient.prototype).filter((name) => name !== 'constructor');
    // `request` is the transport every other method goes through.
    expect(methods.filter((name) => name !== 'request' && !called.has(name))).toEqual([]);
  });
});

describe('the stand-in holds requests to Attio’s request schemas', () => {
  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    return standin.app.fetch(
      new Request(`${API_URL}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  }

  const validationError = {
    status_code: 400,
    type: 'invalid_request_error',
    code: 'validation_type',
    message: 'Body payload validation error.',
  };

  it('answers a records query with `limit: "ten"` with Attio’s 400', async () => {
    const response = await send('POST', '/v2/objects/companies/records/query', { limit: 'ten' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      ...validationError,
      validation_errors: [expect.objectContaining({ path: ['limit'], expected: 'number', received: 'string' })],
    });
  });

  it('answers a record create without `data` with Attio’s 400', async () => {
    const response = await send('POST', '/v2/objects/companies/records', { values: { name: 'No data' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      ...validationError,
      validation_errors: [expect.objectContaining({ path: ['data'] })],
    });
  });

  it('coerces query strings before checking them, and rejects what is still wrong', async () => {
    expect((await send('GET', '/v2/notes?limit=5&offset=0')).status).toBe(200);
    expect((await send('GET', '/v2/tasks?is_completed=true&limit=2')).status).toBe(200);
    const response = await send('GET', '/v2/tasks?limit=many');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status_code: 400,
      type: 'invalid_request_error',
      code: 'validation_type',
      validation_errors: [expect.objectContaining({ path: ['limit'] })],
    });
  });

  it('still answers 404 "Could not find endpoint" for a path Attio does not have', async () => {
    const response = await send('GET', '/v2/no_such_endpoint');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/^Could not find endpoint/),
    });
    expect(operationFor('GET', '/v2/objects/{object}')).toBeDefined();
  });
});
