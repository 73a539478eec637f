import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openSession } from '../support/session';
import { standinUrl } from '../support/worker';
import { rows, type Table } from './attio-table';

/**
 * Where Attio's published API is stricter or more dangerous than a convenient reading of it, the
 * tools still do the right thing: checked through a signed-in session against the stand-in, which
 * follows Attio's OpenAPI description and docs (test/standins/attio/README.md cites each).
 */

type Row = Record<string, unknown> & { id: string };
const EMAIL = 'fidelity@example.com';

let client: Client;
beforeAll(async () => {
  client = await openSession('streamable-http', { email: EMAIL });
});
afterAll(() => client.close());

async function recordId(object: string, filter: Record<string, unknown>): Promise<string> {
  const { structured } = await call<Table>(client, 'query_records', { object, filter, fields: ['name'], limit: 1 });
  const id = rows(structured)[0]?.id;
  if (!id) throw new Error(`no ${object} matches ${JSON.stringify(filter)}`);
  return id;
}

async function standin(path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${standinUrl()}/_standin/${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json' },
  });
  if (!response.ok) throw new Error(`stand-in ${path}: ${response.status}`);
  return response.json();
}

describe('upsert_record never deletes what the user did not name', () => {
  it("adding a person to a company's team keeps the team and every person's company", async () => {
    const name = await call<{ record: Row }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Teamkeep Ltd', domains: ['teamkeep-test.com'] },
    });
    const company = name.structured.record.id;
    const alice = await call<{ record: Row }>(client, 'create_record', {
      object: 'people',
      values: { name: 'Alice Keep', email_addresses: ['alice@teamkeep-test.com'], company },
    });
    const bob = await call<{ record: Row }>(client, 'create_record', {
      object: 'people',
      values: { name: 'Bob Keep', email_addresses: ['bob@teamkeep-test.com'] },
    });
    const upserted = await call<{ record: Row }>(client, 'upsert_record', {
      object: 'companies',
      matching_attribute: 'domains',
      values: { domains: ['teamkeep-test.com'], name: 'Teamkeep Group', team: [bob.structured.record.id] },
    });
    expect(upserted.text).not.toMatch(/rejected|failed/);
    expect(upserted.isError).toBe(false);
    expect(upserted.structured.record.id).toBe(company);
    expect(upserted.structured.record.name).toBe('Teamkeep Group');
    const team = (upserted.structured.record.team as { id: string }[]).map((p) => p.id).sort();
    expect(team).toEqual([alice.structured.record.id, bob.structured.record.id].sort());
    const people = await call<Table>(client, 'query_records', {
      object: 'people',
      filter: { company },
      fields: ['name'],
    });
    expect(
      rows(people.structured)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['Alice Keep', 'Bob Keep']);
  });

  it('says in its description that multi-value values are added, never removed', async () => {
    const { tools } = await client.listTools();
    const upsert = tools.find((t) => t.name === 'upsert_record');
    expect(upsert?.description).toMatch(/added to the existing ones, never removed/);
  });
});

describe("filters in Attio's documented forms", () => {
  it('a date alone on a timestamp becomes that day in UTC', async () => {
    const { isError, structured, text } = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { created_at: { $gte: '2000-01-01' } },
      fields: ['name'],
      limit: 1,
    });
    expect(text).not.toMatch(/rejected/);
    expect(isError).toBe(false);
    expect(rows(structured)).toHaveLength(1);
  });

  it('$in on a status becomes an $or of equalities', async () => {
    const both = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { stage: { $in: ['nurture', 'Lost'] } },
      fields: ['stage'],
      limit: 50,
    });
    expect(both.isError).toBe(false);
    const stages = new Set(rows(both.structured).map((d) => d.stage));
    expect(stages).toEqual(new Set(['Nurture', 'Lost']));
  });

  it('active_from on a status passes', async () => {
    const { isError, structured } = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { stage: { active_from: { $gte: '2000-01-01T00:00:00Z' } } },
      fields: ['name'],
      limit: 3,
    });
    expect(isError).toBe(false);
    expect(rows(structured).length).toBeGreaterThan(0);
  });

  it('record references pass in every documented form', async () => {
    const acme = await recordId('companies', { name: 'Acme Corp' });
    const forms = [
      { associated_company: { target_object: 'companies', target_record_id: acme } },
      { associated_company: { target_record_id: { $in: [acme] } } },
      { associated_company: acme },
    ];
    const answers = await Promise.all(
      forms.map((filter) => call<Table>(client, 'query_records', { object: 'deals', filter, fields: ['name'] })),
    );
    for (const answer of answers) expect(answer.isError).toBe(false);
    const ids = answers.map((a) =>
      rows(a.structured)
        .map((r) => r.id)
        .sort(),
    );
    expect(ids[0]?.length).toBeGreaterThan(0);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
  });

  it('an owner given as "me" or an email becomes the member reference', async () => {
    const created = await call(client, 'create_record', {
      object: 'deals',
      values: { name: 'Mine for sure', stage: 'Lead', owner: EMAIL },
    });
    expect(created.isError).toBe(false);
    const mine = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { owner: 'me' },
      fields: ['name'],
    });
    expect(mine.isError).toBe(false);
    expect(rows(mine.structured).map((d) => d.name)).toContain('Mine for sure');
    const dana = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { owner: 'demo@example.com' },
      fields: ['name'],
      limit: 50,
    });
    expect(dana.isError).toBe(false);
    expect(rows(dana.structured).map((d) => d.name)).not.toContain('Mine for sure');
  });
});

describe('writes are never made twice by a retry', () => {
  it('a create that got a 5xx is not retried and says it may or may not have happened; a read is retried', async () => {
    const prefix = '/v2/objects/deals/records';
    await standin('faults', {
      method: 'POST',
      body: JSON.stringify({ status: 500, count: 2, pathPrefix: prefix, memberEmail: EMAIL }),
    });
    const created = await call(client, 'create_record', { object: 'deals', values: { name: 'Maybe made' } });
    expect(created.isError).toBe(true);
    expect(created.text).toMatch(/may or may not have been made/);
    const { data: pending } = (await standin('faults')) as { data: { pathPrefix: string; remaining: number }[] };
    expect(pending.find((f) => f.pathPrefix === prefix)?.remaining).toBe(1);
    // A query is a read: it meets the second fault, retries and succeeds.
    const read = await call<Table>(client, 'query_records', { object: 'deals', fields: ['name'], limit: 1 });
    expect(read.isError).toBe(false);
    const { data: after } = (await standin('faults')) as { data: { pathPrefix: string }[] };
    expect(after.find((f) => f.pathPrefix === prefix)).toBeUndefined();
  });
});

describe('search is eventually consistent', () => {
  it('a record created a moment ago is not found by search_records yet, which says so; query_records finds it', async () => {
    const created = await call<{ record: Row }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Freshly Indexed Oy' },
    });
    expect(created.structured.record.id).toEqual(expect.any(String));
    const searched = await call<{ results: unknown[] }>(client, 'search_records', { query: 'Freshly Indexed' });
    expect(searched.structured.results).toEqual([]);
    expect(searched.text).toMatch(/created or renamed seconds ago may not be found yet/);
    const queried = await call<Table>(client, 'query_records', {
      object: 'companies',
      filter: { name: 'Freshly Indexed Oy' },
      fields: ['name'],
    });
    expect(rows(queried.structured).map((r) => r.id)).toEqual([created.structured.record.id]);
  });
});
