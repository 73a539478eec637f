// The Attio stand-in follows Attio's DOCUMENTED semantics, not convenient ones. Each test names the
// published source it pins (docs.attio.com page, or a path of Attio's OpenAPI document). Driven
// over HTTP, with a token obtained through the stand-in's own OAuth pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStandin, startAttioStandin } from './server.ts';

const REDIRECT_URI = 'http://localhost:8788/callback';

let attio: RunningStandin;
let token: string;

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: Json;
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1];
    if (name !== undefined && value !== undefined && /type="hidden"/.test(tag)) fields[name] = value;
  }
  return fields;
}

/** Signs in as Dana Demo through /authorize, /authorize/sign-in, /authorize/decision and /oauth/token. */
async function signIn(url: string): Promise<string> {
  const authorize = new URL('/authorize', url);
  authorize.search = new URLSearchParams({
    client_id: 'dev-attio-client',
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    state: 'semantics',
  }).toString();
  const page = await (await fetch(authorize)).text();
  const consent = await fetch(new URL('/authorize/sign-in', url), {
    method: 'POST',
    body: new URLSearchParams({ ...hiddenFields(page), email: 'demo@example.com' }),
  });
  const decision = await fetch(new URL('/authorize/decision', url), {
    method: 'POST',
    body: new URLSearchParams({ ...hiddenFields(await consent.text()), decision: 'allow' }),
    redirect: 'manual',
  });
  const code = new URL(decision.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error('no authorization code');
  const tokenResponse = await fetch(new URL('/oauth/token', url), {
    method: 'POST',
    body: new URLSearchParams({
      client_id: 'dev-attio-client',
      client_secret: 'dev-attio-secret',
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    }),
  });
  const { access_token } = (await tokenResponse.json()) as { access_token: string };
  return access_token;
}

async function api(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(new URL(path, attio.url), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function query(object: string, filter: unknown): Promise<Answer> {
  return api('POST', `/v2/objects/${object}/records/query`, { filter });
}

function records(answer: Answer): Json[] {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.data as Json[];
}

function ids(answer: Answer): string[] {
  return records(answer).map((r) => (r.id as { record_id: string }).record_id);
}

async function count(object: string, filter: unknown): Promise<number> {
  return records(await query(object, filter)).length;
}

function expectFilterError(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body).toMatchObject({ status_code: 400, type: 'invalid_request_error', code: 'filter_error' });
  expect(typeof answer.body.message).toBe('string');
}

function values(record: Json, slug: string): Json[] {
  return ((record.values as Record<string, Json[]>)[slug] ?? []) as Json[];
}

function targets(record: Json, slug: string): string[] {
  return values(record, slug).map((v) => v.target_record_id as string);
}

async function getRecord(object: string, id: string): Promise<Json> {
  const answer = await api('GET', `/v2/objects/${object}/records/${id}`);
  expect(answer.status).toBe(200);
  return answer.body.data as Json;
}

async function create(object: string, recordValues: Json): Promise<Json> {
  const answer = await api('POST', `/v2/objects/${object}/records`, { data: { values: recordValues } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.data as Json;
}

function recordId(record: Json): string {
  return (record.id as { record_id: string }).record_id;
}

async function titlesOf(object: string, attribute: string, kind: 'options' | 'statuses'): Promise<Json[]> {
  const answer = await api('GET', `/v2/objects/${object}/attributes/${attribute}/${kind}`);
  expect(answer.status).toBe(200);
  return answer.body.data as Json[];
}

beforeAll(async () => {
  attio = await startAttioStandin({ port: 0 });
  token = await signIn(attio.url);
});

afterAll(async () => {
  await attio?.close();
});

// ---------------------------------------------------------------------------------------------
// Filters, by attribute type
// ---------------------------------------------------------------------------------------------

describe('status filters (docs.attio.com/docs/attribute-types/attribute-types-status#filtering)', () => {
  it('match by equality: shorthand title, $eq title, $eq status id', async () => {
    const statuses = await titlesOf('deals', 'stage', 'statuses');
    const nurture = statuses.find((s) => s.title === 'Nurture');
    const statusId = ((nurture as Json).id as { status_id: string }).status_id;
    expect(await count('deals', { stage: 'Nurture' })).toBe(9);
    expect(await count('deals', { stage: { $eq: 'Nurture' } })).toBe(9);
    expect(await count('deals', { stage: statusId })).toBe(9);
    expect(await count('deals', { stage: { status: { $eq: statusId } } })).toBe(9);
  });

  it('take several values only through $or; $in is a filter_error', async () => {
    const lead = await count('deals', { stage: 'Lead' });
    expect(await count('deals', { $or: [{ stage: 'Nurture' }, { stage: 'Lead' }] })).toBe(9 + lead);
    expectFilterError(await query('deals', { stage: { $in: ['Nurture', 'Lead'] } }));
    expectFilterError(await query('deals', { stage: { status: { $in: ['Nurture', 'Lead'] } } }));
  });

  it('have no other operators ($not_empty, $contains, $gt are filter_errors)', async () => {
    expectFilterError(await query('deals', { stage: { $not_empty: true } }));
    expectFilterError(await query('deals', { stage: { $contains: 'Nur' } }));
    expectFilterError(await query('deals', { stage: { $gt: 'Lead' } }));
  });

  it('filter active_from (and active_until) with $lt $lte $gt $gte, dates accepted', async () => {
    const all = await count('deals', {});
    expect(await count('deals', { stage: { active_from: { $gte: '2000-01-01' } } })).toBe(all);
    expect(await count('deals', { stage: { active_from: { $lt: '2000-01-01T00:00:00Z' } } })).toBe(0);
    // Every value the stand-in returns is active (active_until null), so none ended before a date.
    expect(await count('deals', { stage: { active_until: { $lt: '2100-01-01' } } })).toBe(0);
    expectFilterError(await query('deals', { stage: { active_from: { $eq: '2023-11-20' } } }));
    expectFilterError(await query('deals', { stage: { active_from: '2023-11-20' } }));
  });

  it('apply to list statuses too (entries/query)', async () => {
    const answer = await api('POST', '/v2/lists/sales_pipeline/entries/query', {
      filter: { stage: { $in: ['Lead'] } },
    });
    expectFilterError(answer);
  });
});

describe('select filters (docs.attio.com/docs/attribute-types/attribute-types-select#filtering)', () => {
  it('match by equality (title or option id); several values through $or; $in is a filter_error', async () => {
    const options = await titlesOf('deals', 'region', 'options');
    const [first, second] = options;
    const a = first?.title as string;
    const b = second?.title as string;
    const optionId = ((first as Json).id as { option_id: string }).option_id;
    const countA = await count('deals', { region: a });
    expect(countA).toBeGreaterThan(0);
    expect(await count('deals', { region: { $eq: a } })).toBe(countA);
    expect(await count('deals', { region: optionId })).toBe(countA);
    const countB = await count('deals', { region: b });
    expect(await count('deals', { $or: [{ region: a }, { region: b }] })).toBe(countA + countB);
    expectFilterError(await query('deals', { region: { $in: [a, b] } }));
    expectFilterError(await query('deals', { region: { $not_empty: true } }));
  });

  it('filter active_from with comparison operators', async () => {
    expect(await count('deals', { region: { active_from: { $lte: '2000-01-01' } } })).toBe(0);
    expectFilterError(await query('deals', { region: { active_from: { $in: ['2000-01-01'] } } }));
  });

  it('active_from is documented on status and select only', async () => {
    expectFilterError(await query('companies', { name: { active_from: { $gte: '2000-01-01' } } }));
  });
});

describe('number filters (docs.attio.com/docs/attribute-types/attribute-types-number#filtering)', () => {
  it('take $eq $gte $gt $lte $lt and the shorthand', async () => {
    const over = await count('companies', { employee_count: { $gt: 1000 } });
    expect(over).toBeGreaterThan(0);
    const exactly = await count('companies', { employee_count: 2500 });
    expect(exactly).toBeGreaterThan(0);
    expect(await count('companies', { employee_count: { $eq: 2500 } })).toBe(exactly);
    expect(await count('companies', { employee_count: { $gte: 1000, $lt: 1_000_000 } })).toBeGreaterThanOrEqual(over);
  });

  it('reject $in and $not_empty (not among the documented operators)', async () => {
    expectFilterError(await query('companies', { employee_count: { $in: [2500] } }));
    expectFilterError(await query('companies', { employee_count: { $not_empty: true } }));
    expectFilterError(await query('companies', { employee_count: { $contains: '25' } }));
  });
});

describe('currency filters (docs.attio.com/docs/attribute-types/attribute-types-currency#filtering)', () => {
  it('filter the value with numbers or JSON strings, shorthand or $eq $gt $gte $lt $lte', async () => {
    const big = await count('deals', { value: { $gt: 50_000 } });
    expect(big).toBeGreaterThan(0);
    expect(await count('deals', { value: { $gt: '50000' } })).toBe(big);
    expect(await count('deals', { value: { currency_value: { $gt: 50_000 } } })).toBe(big);
  });

  it('reject $in, $not_empty and filters on currency_code', async () => {
    expectFilterError(await query('deals', { value: { $in: [50_000] } }));
    expectFilterError(await query('deals', { value: { $not_empty: true } }));
    expectFilterError(await query('deals', { value: { currency_code: 'USD' } }));
  });
});

describe('timestamp filters (docs.attio.com/docs/attribute-types/attribute-types-timestamp#filtering)', () => {
  it('need both a date and a time: a date alone is a filter_error', async () => {
    const answer = await query('companies', { created_at: { $gte: '2026-03-01' } });
    expectFilterError(answer);
    expect(answer.body.message).toMatch(/date and a time/);
    expectFilterError(await query('companies', { created_at: '2026-03-01' }));
  });

  it('take $eq $gt $gte $lt $lte with a full timestamp', async () => {
    const all = await count('companies', {});
    expect(await count('companies', { created_at: { $gte: '2000-01-01T00:00:00Z' } })).toBe(all);
    expect(
      await count('companies', { created_at: { $gte: '2000-01-01T08:00:00Z', $lt: '2000-01-01T09:00:00Z' } }),
    ).toBe(0);
    expectFilterError(await query('companies', { created_at: { $not_empty: true } }));
  });
});

describe('date filters (docs.attio.com/docs/attribute-types/attribute-types-date#filtering)', () => {
  it('take YYYY-MM-DD dates with $eq $gt $gte $lt $lte', async () => {
    const before = await count('deals', { close_date: { $lt: '2027-03-01' } });
    expect(before).toBeGreaterThan(0);
    expect(await count('deals', { close_date: { $gte: '2019-01-01', $lte: '2100-12-31' } })).toBeGreaterThanOrEqual(
      before,
    );
  });

  it('reject timestamps and other operators', async () => {
    expectFilterError(await query('deals', { close_date: { $lt: '2027-03-01T00:00:00Z' } }));
    expectFilterError(await query('deals', { close_date: { $in: ['2027-03-01'] } }));
  });
});

describe('actor-reference filters (docs.attio.com/docs/attribute-types/attribute-types-actor-reference#filtering)', () => {
  it('need both referenced_actor_type and referenced_actor_id; only $eq', async () => {
    const deal = records(await api('POST', '/v2/objects/deals/records/query', { limit: 1 }))[0] as Json;
    const owner = values(deal, 'owner')[0] as Json;
    const memberId = owner.referenced_actor_id as string;
    const mine = await count('deals', {
      owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: memberId },
    });
    expect(mine).toBeGreaterThan(0);
    expect(
      await count('deals', {
        owner: { referenced_actor_type: { $eq: 'workspace-member' }, referenced_actor_id: { $eq: memberId } },
      }),
    ).toBe(mine);
    expectFilterError(await query('deals', { owner: memberId }));
    expectFilterError(await query('deals', { owner: { referenced_actor_id: memberId } }));
    expectFilterError(
      await query('deals', {
        owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: { $in: [memberId] } },
      }),
    );
    expectFilterError(await query('deals', { owner: { $not_empty: true } }));
  });
});

describe('record-reference filters (docs.attio.com/docs/attribute-types/attribute-types-record-reference#filtering)', () => {
  it('match target_object and target_record_id exactly, and target_record_id $in', async () => {
    const acme = records(await query('companies', { domains: 'acme.com' }))[0] as Json;
    const other = records(await query('companies', { name: { $not_empty: true } })).find(
      (c) => recordId(c) !== recordId(acme) && targets(c, 'team').length > 0,
    ) as Json;
    const acmeId = recordId(acme);
    expect(await count('people', { company: { target_object: 'companies', target_record_id: acmeId } })).toBe(6);
    expect(await count('people', { company: { target_record_id: { $eq: acmeId } } })).toBe(6);
    expect(
      await count('people', {
        company: { target_object: 'companies', target_record_id: { $in: [acmeId, recordId(other)] } },
      }),
    ).toBe(6 + targets(other, 'team').length);
  });

  it('take no undocumented shorthand or operators', async () => {
    const acmeId = ids(await query('companies', { domains: 'acme.com' }))[0];
    expectFilterError(await query('people', { company: acmeId }));
    expectFilterError(await query('people', { company: { $in: [acmeId] } }));
    expectFilterError(await query('people', { company: { $not_empty: true } }));
    expectFilterError(await query('people', { company: { target_object: { $in: ['companies'] } } }));
  });

  it('drill down with path + constraints', async () => {
    const filter = {
      path: [
        ['people', 'company'],
        ['companies', 'domains'],
      ],
      constraints: { domain: 'acme.com' },
    };
    expect(await count('people', filter)).toBe(6);
  });
});

describe('filter errors (OpenAPI POST /v2/objects/{object}/records/query, 400 filter_error)', () => {
  it('answers unknown operators, attributes and properties with 400 filter_error', async () => {
    expectFilterError(await query('companies', { name: { $like: 'Acme' } }));
    expectFilterError(await query('companies', { $nor: [] }));
    const unknown = await query('companies', { no_such_attribute: 'x' });
    expectFilterError(unknown);
    expect(unknown.body.message).toContain('no_such_attribute');
    expectFilterError(await query('companies', { domains: { no_such_property: 'x' } }));
  });
});

// ---------------------------------------------------------------------------------------------
// Writes: assert replaces, PATCH appends (prepends), PUT replaces
// ---------------------------------------------------------------------------------------------

describe('assert a record (OpenAPI PUT /v2/objects/{object}/records?matching_attribute=)', () => {
  it('replaces every other multiselect attribute given, unlinking relationship pairs', async () => {
    const [p1, p2, p3] = await Promise.all(
      ['One', 'Two', 'Three'].map((last) =>
        create('people', { name: [{ first_name: 'Assert', last_name: last, full_name: `Assert ${last}` }] }),
      ),
    );
    const person = (p: Json | undefined) => ({ target_object: 'people', target_record_id: recordId(p as Json) });
    const company = await create('companies', {
      name: ['Assert Replace Ltd'],
      domains: ['assert-replace.example', 'assert-replace-2.example'],
      team: [person(p1), person(p2)],
    });
    expect(targets(await getRecord('people', recordId(p1 as Json)), 'company')).toEqual([recordId(company)]);

    const asserted = await api('PUT', '/v2/objects/companies/records?matching_attribute=domains', {
      data: { values: { domains: ['assert-replace.example'], team: [person(p3)] } },
    });
    expect(asserted.status, JSON.stringify(asserted.body)).toBe(200);
    const after = asserted.body.data as Json;
    expect(recordId(after)).toBe(recordId(company));
    // The matching attribute keeps its values ("existing values will not be deleted").
    expect(values(after, 'domains').map((v) => v.domain)).toEqual(
      expect.arrayContaining(['assert-replace.example', 'assert-replace-2.example']),
    );
    // Every other multiselect attribute: "created or deleted as necessary".
    expect(targets(after, 'team')).toEqual([recordId(p3 as Json)]);
    // Relationship pairs stay in sync: the people no longer named lose their company.
    expect(values(await getRecord('people', recordId(p1 as Json)), 'company')).toEqual([]);
    expect(values(await getRecord('people', recordId(p2 as Json)), 'company')).toEqual([]);
    expect(targets(await getRecord('people', recordId(p3 as Json)), 'company')).toEqual([recordId(company)]);
  });

  it('adds new values of the matching attribute', async () => {
    const company = await create('companies', { name: ['Assert Match Ltd'], domains: ['assert-match.example'] });
    const asserted = await api('PUT', '/v2/objects/companies/records?matching_attribute=domains', {
      data: { values: { domains: ['assert-match.example', 'assert-match-2.example'] } },
    });
    expect(asserted.status).toBe(200);
    expect(recordId(asserted.body.data as Json)).toBe(recordId(company));
    expect(values(asserted.body.data as Json, 'domains').map((v) => v.domain)).toEqual(
      expect.arrayContaining(['assert-match.example', 'assert-match-2.example']),
    );
  });

  it('replaces a multiselect select attribute', async () => {
    const [a, b] = (await titlesOf('companies', 'categories', 'options')).map((o) => o.title as string);
    await create('companies', { name: ['Assert Select Ltd'], domains: ['assert-select.example'], categories: [a, b] });
    const asserted = await api('PUT', '/v2/objects/companies/records?matching_attribute=domains', {
      data: { values: { domains: ['assert-select.example'], categories: [b] } },
    });
    expect(asserted.status).toBe(200);
    expect(values(asserted.body.data as Json, 'categories').map((v) => (v.option as Json).title)).toEqual([b]);
  });
});

describe('update a record: PATCH appends (OpenAPI PATCH /v2/objects/{object}/records/{record_id}), PUT overwrites (PUT …/{record_id})', () => {
  it('PATCH adds to multiselect values, PUT replaces them', async () => {
    const [a, b, c] = (await titlesOf('companies', 'categories', 'options')).map((o) => o.title as string);
    const company = await create('companies', { name: ['Patch Put Ltd'], categories: [a] });
    const id = recordId(company);
    const patched = await api('PATCH', `/v2/objects/companies/records/${id}`, {
      data: { values: { categories: [b] } },
    });
    expect(patched.status).toBe(200);
    const afterPatch = values(patched.body.data as Json, 'categories').map((v) => (v.option as Json).title);
    // "the values supplied will be created and prepended to the list of values that already exist"
    expect(afterPatch).toEqual([b, a]);
    const put = await api('PUT', `/v2/objects/companies/records/${id}`, { data: { values: { categories: [c] } } });
    expect(put.status).toBe(200);
    expect(values(put.body.data as Json, 'categories').map((v) => (v.option as Json).title)).toEqual([c]);
  });

  it('PATCH adds to a relationship; PUT replaces it and unlinks the other side', async () => {
    const [p1, p2] = await Promise.all(
      ['Four', 'Five'].map((last) =>
        create('people', { name: [{ first_name: 'Patch', last_name: last, full_name: `Patch ${last}` }] }),
      ),
    );
    const ref = (p: Json | undefined) => ({ target_object: 'people', target_record_id: recordId(p as Json) });
    const company = await create('companies', { name: ['Patch Team Ltd'], team: [ref(p1)] });
    const id = recordId(company);
    const patched = await api('PATCH', `/v2/objects/companies/records/${id}`, {
      data: { values: { team: [ref(p2)] } },
    });
    expect(targets(patched.body.data as Json, 'team').sort()).toEqual(
      [recordId(p1 as Json), recordId(p2 as Json)].sort(),
    );
    const put = await api('PUT', `/v2/objects/companies/records/${id}`, { data: { values: { team: [ref(p2)] } } });
    expect(targets(put.body.data as Json, 'team')).toEqual([recordId(p2 as Json)]);
    expect(values(await getRecord('people', recordId(p1 as Json)), 'company')).toEqual([]);
  });
});

describe('assert a list entry (OpenAPI PUT /v2/lists/{list}/entries)', () => {
  // The seeded list has no multiselect attribute, so this pins the update path; the replace mode
  // itself is the one PUT on an entry id uses ("created or deleted as necessary").
  it('updates the existing entry of the parent record with the values given', async () => {
    const entry = records(await api('POST', '/v2/lists/sales_pipeline/entries/query', { limit: 1 }))[0] as Json;
    const parent = entry.parent_record_id as string;
    const asserted = await api('PUT', '/v2/lists/sales_pipeline/entries', {
      data: { parent_record_id: parent, parent_object: 'deals', entry_values: { next_step: ['Call back'] } },
    });
    expect(asserted.status, JSON.stringify(asserted.body)).toBe(200);
    const entryValues = (asserted.body.data as Json).entry_values as Record<string, Json[]>;
    expect(entryValues.next_step?.map((v) => v.value)).toEqual(['Call back']);
    expect((asserted.body.data as Json).id).toEqual(entry.id);
  });
});

// ---------------------------------------------------------------------------------------------
// Search: eventually consistent, and its documented request rules
// ---------------------------------------------------------------------------------------------

describe('search records (OpenAPI POST /v2/objects/records/search: "results … are eventually consistent")', () => {
  const search = (body: unknown) => api('POST', '/v2/objects/records/search', body);
  const workspace = { type: 'workspace' };
  const found = async (text: string) =>
    ((await search({ query: text, objects: ['companies'], request_as: workspace })).body.data as Json[]).length;

  it('defaults to a lag of 1000 ms, configurable per stand-in and over /_standin/search-delay', async () => {
    expect(await (await fetch(new URL('/_standin/search-delay', attio.url))).json()).toEqual({ ms: 1000 });
    const other = await startAttioStandin({ port: 0, searchDelayMs: 0 });
    try {
      expect(await (await fetch(new URL('/_standin/search-delay', other.url))).json()).toEqual({ ms: 0 });
      expect(other.state.searchDelay.ms).toBe(0);
    } finally {
      await other.close();
    }
    const bad = await fetch(new URL('/_standin/search-delay', attio.url), {
      method: 'POST',
      body: JSON.stringify({ ms: -1 }),
    });
    expect(bad.status).toBe(400);
  });

  it('does not find a record created or renamed less than the lag ago; records/query does', async () => {
    const set = await fetch(new URL('/_standin/search-delay', attio.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 400 }),
    });
    expect(await set.json()).toEqual({ ms: 400 });
    try {
      const company = await create('companies', { name: ['Zephyr Quokka Holdings'] });
      expect(await found('Zephyr Quokka')).toBe(0);
      expect(await count('companies', { name: 'Zephyr Quokka Holdings' })).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await found('Zephyr Quokka')).toBe(1);

      await api('PATCH', `/v2/objects/companies/records/${recordId(company)}`, {
        data: { values: { name: ['Xanthic Pangolin Holdings'] } },
      });
      expect(await found('Xanthic Pangolin')).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await found('Xanthic Pangolin')).toBe(1);
      // Seeded records were indexed long ago.
      expect(await found('Acme')).toBeGreaterThan(0);
    } finally {
      attio.state.searchDelay.ms = 1000;
    }
  });

  it('requires query, objects (at least one) and request_as; limit is at most 25; query at most 256 characters', async () => {
    const expect400 = async (body: unknown) => {
      const answer = await search(body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body).toMatchObject({ status_code: 400, type: 'invalid_request_error' });
    };
    await expect400({ query: 'acme', request_as: workspace });
    await expect400({ query: 'acme', objects: [], request_as: workspace });
    await expect400({ query: 'acme', objects: ['companies'] });
    await expect400({ objects: ['companies'], request_as: workspace });
    await expect400({ query: 'acme', objects: ['companies'], request_as: workspace, limit: 26 });
    await expect400({ query: 'x'.repeat(257), objects: ['companies'], request_as: workspace });
    const ok = await search({ query: 'acme', objects: ['companies'], request_as: workspace, limit: 25 });
    expect(ok.status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Sales activity: meetings, call recordings, transcripts, comments, value history
// ---------------------------------------------------------------------------------------------

describe('meetings, call recordings and transcripts (OpenAPI /v2/meetings…, beta)', () => {
  const meetingByTitle = (title: string) => {
    const meeting = [...attio.state.store.meetings.values()].find((m) => m.title === title);
    if (!meeting) throw new Error(`seed meeting ${title} not found`);
    return meeting;
  };
  const recordingOf = (meetingId: string) => {
    const recording = [...attio.state.store.callRecordings.values()].find((r) => r.meeting_id === meetingId);
    if (!recording) throw new Error('seed recording not found');
    return recording;
  };

  it('offsets a datetime by the meeting timezone (components.schemas.meeting: "the datetime will offset using the specified timezone")', async () => {
    const meeting = meetingByTitle('Acme — Enterprise license discovery');
    const answer = await api('GET', `/v2/meetings/${meeting.id}`);
    expect(answer.status).toBe(200);
    // 16:00 UTC on 2025-09-09 is 09:00 in Los Angeles (daylight time, UTC−7).
    expect((answer.body.data as Json).start).toEqual({
      datetime: '2025-09-09T09:00:00.000-07:00',
      timezone: 'America/Los_Angeles',
    });
    expect(Date.parse(((answer.body.data as Json).end as { datetime: string }).datetime)).toBe(
      Date.parse('2025-09-09T16:45:00Z'),
    );
  });

  it('answers an unknown meeting or recording with the documented 404 and message', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await api('GET', `/v2/meetings/${unknown}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: `Meeting with ID "${unknown}" was not found.` },
    });
    const meeting = meetingByTitle('Acme — Enterprise license discovery');
    expect(await api('GET', `/v2/meetings/${meeting.id}/call_recordings/${unknown}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: `Call recording with ID "${unknown}" was not found.` },
    });
  });

  it('takes linked_object and linked_record_id only together ("If provided, … must also be provided")', async () => {
    const acme = attio.state.store.recordsOf(attio.state.store.requireObject('companies').id)[0];
    const answer = await api('GET', `/v2/meetings?linked_object=companies`);
    expect(answer).toMatchObject({ status: 400, body: { type: 'invalid_request_error', code: 'validation_type' } });
    expect((await api('GET', `/v2/meetings?linked_record_id=${acme?.id}`)).status).toBe(400);
  });

  it('ends_from is inclusive (on the end), starts_before exclusive (on the start)', async () => {
    const meeting = meetingByTitle('Acme — Enterprise license discovery');
    const titles = async (q: string) =>
      ((await api('GET', `/v2/meetings?${q}`)).body.data as Json[]).map((m) => m.title);
    expect(await titles(`ends_from=${encodeURIComponent(meeting.end)}`)).toContain(meeting.title);
    expect(await titles(`starts_before=${encodeURIComponent(meeting.start)}`)).not.toContain(meeting.title);
  });

  it('writes raw_transcript as the document example does ("[00:05] Tom Watson: I\'m here.")', async () => {
    const meeting = meetingByTitle('Acme — Enterprise license discovery');
    const recording = recordingOf(meeting.id);
    const answer = await api('GET', `/v2/meetings/${meeting.id}/call_recordings/${recording.id}/transcript`);
    expect(answer.status).toBe(200);
    const lines = ((answer.body.data as Json).raw_transcript as string).split('\n');
    expect(lines[0]).toMatch(/^\[00:02\] Dana Demo: Thanks for making the time\./);
    // Alice's two consecutive segments are one turn, stamped with the first one's start.
    expect(lines[1]).toMatch(/^\[\d{2}:\d{2}\] Alice Johnson: We have about forty engineers.* It does not scale/);
    for (const line of lines) expect(line).toMatch(/^\[\d{2}:\d{2}\] [^:]+: /);
  });

  it('answers 200 with no segments for a recording still processing (only a 200 is documented)', async () => {
    const meeting = meetingByTitle('Globex plant analytics demo');
    const recording = recordingOf(meeting.id);
    expect(recording.status).toBe('processing');
    const answer = await api('GET', `/v2/meetings/${meeting.id}/call_recordings/${recording.id}/transcript`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      data: { transcript: [], raw_transcript: '' },
      pagination: { next_cursor: null },
    });
  });
});

describe('comments and threads (OpenAPI POST /v2/comments, GET /v2/threads…)', () => {
  it('takes one of thread_id, record and entry ("additionalProperties: false" on each), not two', async () => {
    const store = attio.state.store;
    const member = store.memberByEmail('demo@example.com');
    const deal = store.recordsOf(store.requireObject('deals').id)[0];
    const thread = [...store.threads.values()][0];
    const answer = await api('POST', '/v2/comments', {
      data: {
        format: 'plaintext',
        content: 'Two targets',
        author: { type: 'workspace-member', id: member?.id },
        thread_id: thread?.id,
        record: { object: 'deals', record_id: deal?.id },
      },
    });
    expect(answer).toMatchObject({ status: 400, body: { type: 'invalid_request_error', code: 'validation_type' } });
  });

  it('answers an unknown thread with the documented 400 value_not_found and 404 not_found', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const member = attio.state.store.memberByEmail('demo@example.com');
    const answer = await api('POST', '/v2/comments', {
      data: {
        format: 'plaintext',
        content: 'x',
        author: { type: 'workspace-member', id: member?.id },
        thread_id: unknown,
      },
    });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        code: 'value_not_found',
        message: 'The referenced Thread could not be found, it might have been deleted.',
      },
    });
    expect(await api('GET', `/v2/threads/${unknown}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: `Thread with ID "${unknown}" was not found.` },
    });
  });
});

describe('value history (OpenAPI GET …/attributes/{attribute}/values, show_historic)', () => {
  it('refuses history of a COMINT attribute with the documented 400', async () => {
    const store = attio.state.store;
    const acme = store.recordsOf(store.requireObject('companies').id)[0];
    const answer = await api(
      'GET',
      `/v2/objects/companies/records/${acme?.id}/attributes/last_interaction/values?show_historic=true`,
    );
    expect(answer).toMatchObject({
      status: 400,
      body: {
        type: 'invalid_request_error',
        code: 'validation_type',
        message: 'Cannot set show_historic param to true when querying a COMINT attribute.',
      },
    });
  });

  it('refuses history of an enriched company attribute with a 400', async () => {
    // show_historic "Cannot be set to true for COMINT attributes or enriched attributes on
    // people/company objects"; estimated_arr_usd is not among the companies' "Writable attributes".
    const store = attio.state.store;
    const acme = store.recordsOf(store.requireObject('companies').id)[0];
    const path = `/v2/objects/companies/records/${acme?.id}/attributes`;
    const enriched = await api('GET', `${path}/estimated_arr_usd/values?show_historic=true`);
    expect(enriched).toMatchObject({ status: 400, body: { type: 'invalid_request_error', code: 'validation_type' } });
    expect((await api('GET', `${path}/estimated_arr_usd/values`)).status).toBe(200);
    expect((await api('GET', `${path}/name/values?show_historic=true`)).status).toBe(200);
  });
});

describe('actors (OpenAPI `nullable: true`; docs page "Actors")', () => {
  it('gives an actor Attio cannot name a null id, as a system actor "Always comes with a null ID"', async () => {
    const store = attio.state.store;
    const recording = [...store.callRecordings.values()][0];
    const answer = await api('GET', `/v2/meetings/${recording?.meeting_id}/call_recordings/${recording?.id}`);
    expect(answer.status).toBe(200);
    expect((answer.body.data as Json).created_by_actor).toEqual({ type: 'system', id: null });
  });
});
