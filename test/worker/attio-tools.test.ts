import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openSession } from '../support/session';
import { rows, type Table } from './attio-table';

/**
 * The Attio tool pack through a real MCP session (the official SDK client, the real Worker in
 * workerd, the Attio stand-in over HTTP), against the stand-in's seeded demo workspace.
 */

type Row = Record<string, unknown> & { id: string };

let client: Client;
beforeAll(async () => {
  client = await openSession('streamable-http', { email: 'tools-reader@example.com' });
});
afterAll(() => client.close());

async function companyId(name: string): Promise<string> {
  const { structured } = await call<{ results: { id: string; name: string }[] }>(client, 'search_records', {
    query: name,
    objects: ['companies'],
  });
  const hit = structured.results.find((r) => r.name === name);
  if (!hit) throw new Error(`no company ${name}`);
  return hit.id;
}

describe('query_records answers CRM questions on the first call', () => {
  it('matches a status by title in any case and flattens values: "which deals are in Nurture"', async () => {
    const { structured, text, isError, result } = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { stage: 'nurture' },
    });
    expect(isError).toBe(false);
    expect(rows(structured)).toHaveLength(9); // the demo workspace has nine deals in Nurture
    // The value the filter fixes is stated once, not repeated on every row.
    expect(structured.where).toEqual({ stage: 'Nurture' });
    expect(text).toMatch(/^9 deals where stage = Nurture:\nname \| value \(USD\) \| associated_company \| id\n/);
    // All in one currency: stated once, amounts bare.
    expect(structured.currencies).toEqual({ value: 'USD' });
    // Fields named once, one row per record, its id last and only there.
    expect(structured.columns).toEqual(['name', 'value', 'associated_company', 'id']);
    expect(structured.total).toBe(9);
    for (const deal of rows(structured)) {
      expect(deal.stage).toBeUndefined();
      expect(deal.value).toEqual(expect.any(Number));
      expect(deal.associated_company).toEqual(expect.any(String)); // the company's name
      expect(JSON.stringify(structured).split(deal.id)).toHaveLength(2);
      expect(text.split(deal.id)).toHaveLength(2);
    }
    // No history metadata: only current values reach the model.
    expect(JSON.stringify(result)).not.toMatch(/active_from|created_by_actor|attribute_type/);
  });

  it('combines a currency threshold, a date bound and an excluded status, sorted by value', async () => {
    const { structured, isError } = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: {
        $and: [
          { value: { $gt: '$50k' } },
          { close_date: { $lt: '2027-03-01' } },
          { $not: { stage: { $in: ['Won', 'lost'] } } },
        ],
      },
      sorts: [{ attribute: 'value', direction: 'desc' }],
    });
    expect(isError).toBe(false);
    expect(rows(structured).length).toBeGreaterThan(1);
    const amounts = rows(structured).map((d) => d.value as number);
    expect(amounts.every((a) => a > 50_000)).toBe(true);
    expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);
    for (const deal of rows(structured)) {
      expect(['Won 🎉', 'Lost']).not.toContain(deal.stage);
      expect(String(deal.close_date) < '2027-03-01').toBe(true); // the filter's attributes are shown
    }
  });

  it('"technology companies with more than 1,000 employees" with a select and a number', async () => {
    const { structured } = await call<Table>(client, 'query_records', {
      object: 'companies',
      filter: { $and: [{ industry: 'Technology' }, { employee_count: { $gt: 1000 } }] },
    });
    expect(rows(structured)).toHaveLength(5);
    expect(rows(structured).map((c) => c.name)).toContain('Acme Corp');
    expect(structured.where).toEqual({ industry: 'Technology' });
    for (const company of rows(structured)) {
      expect(company.employee_count as number).toBeGreaterThan(1000);
    }
  });

  it('returns only the fields asked for, and pages with nextOffset', async () => {
    const first = await call<Table>(client, 'query_records', { object: 'people', fields: ['name'], limit: 5 });
    expect(rows(first.structured)).toHaveLength(5);
    for (const person of rows(first.structured)) expect(Object.keys(person).sort()).toEqual(['id', 'name']);
    expect(first.structured.nextOffset).toBe(5);
    // A cut answer says how many match in all (the seed's 120 people, and any other tests made).
    expect(first.structured.total).toBeGreaterThanOrEqual(120);
    expect(first.text).toMatch(new RegExp(`^5 of ${first.structured.total} people:`));
    expect(first.text).toContain('offset 5');
    const second = await call<Table>(client, 'query_records', {
      object: 'people',
      fields: ['name'],
      limit: 5,
      offset: 5,
    });
    const firstIds = new Set(rows(first.structured).map((p) => p.id));
    expect(rows(second.structured).some((p) => firstIds.has(p.id))).toBe(false);
  });

  it('follows a path filter: the people at one company', async () => {
    const { structured, isError } = await call<Table>(client, 'query_records', {
      object: 'people',
      filter: {
        path: [
          ['people', 'company'],
          ['companies', 'name'],
        ],
        constraints: { $eq: 'Acme Corp' },
      },
      fields: ['name', 'company'],
    });
    expect(isError).toBe(false);
    expect(rows(structured).length).toBeGreaterThanOrEqual(3);
    for (const person of rows(structured)) expect(person.company).toBe('Acme Corp');
  });

  it('filters a reference by a bare record id', async () => {
    const acme = await companyId('Acme Corp');
    const { structured } = await call<Table>(client, 'query_records', {
      object: 'deals',
      filter: { associated_company: acme },
    });
    expect(rows(structured).length).toBeGreaterThan(0);
    for (const deal of rows(structured)) expect(deal.associated_company).toBe('Acme Corp');
  });
});

describe('mistakes the model can correct from the answer', () => {
  it('an unknown status lists the valid ones', async () => {
    const { isError, text } = await call(client, 'query_records', { object: 'deals', filter: { stage: 'Closed' } });
    expect(isError).toBe(true);
    expect(text).toContain('"Closed" is not a status of stage');
    expect(text).toContain('"Won 🎉"');
  });

  it('an unknown select option lists the valid options', async () => {
    const { isError, text } = await call(client, 'query_records', { object: 'deals', filter: { region: 'Europe' } });
    expect(isError).toBe(true);
    expect(text).toContain('"EMEA"');
  });

  it('an unknown attribute names the closest slugs', async () => {
    const { isError, text } = await call(client, 'query_records', {
      object: 'people',
      filter: { email: 'a@b.c' },
    });
    expect(isError).toBe(true);
    expect(text).toMatch(/Unknown attribute "email" on people\. Closest: email_addresses/);
  });

  it('an attribute given by its title is pointed at its slug', async () => {
    const { text } = await call(client, 'query_records', { object: 'deals', fields: ['Close date'] });
    expect(text).toContain('use its slug "close_date"');
  });

  it('a bad filter says what was wrong', async () => {
    const wrongType = await call(client, 'query_records', { object: 'deals', filter: { value: { $gt: 'lots' } } });
    expect(wrongType.isError).toBe(true);
    expect(wrongType.text).toContain('compare it with a number');
    const wrongOp = await call(client, 'query_records', { object: 'deals', filter: { value: { $greater: 5 } } });
    expect(wrongOp.text).toContain('Unknown operator "$greater"');
    const badDate = await call(client, 'query_records', { object: 'deals', filter: { close_date: { $lt: 'soon' } } });
    expect(badDate.text).toContain('ISO date');
  });

  it('an unknown object lists the objects', async () => {
    const { isError, text } = await call(client, 'query_records', { object: 'opportunities' });
    expect(isError).toBe(true);
    expect(text).toContain('Objects in this workspace: companies, people, deals');
  });

  it('Attio’s own error reaches the model as its message', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'; // well formed: the tool passes it on, Attio answers 404
    const { isError, text } = await call(client, 'get_record', { object: 'companies', record_id: unknown });
    expect(isError).toBe(true);
    expect(text).toMatch(/^Attio rejected the request: /);
  });
});

describe('get_record, describe_object, search and ChatGPT’s search/fetch', () => {
  it('get_record names referenced records without expanding them', async () => {
    const acme = await companyId('Acme Corp');
    const { structured, text } = await call<{ record: Row; url: string }>(client, 'get_record', {
      object: 'companies',
      record_id: acme,
    });
    expect(structured.record.name).toBe('Acme Corp');
    expect(structured.record.domains).toEqual(['acme.com']);
    expect(structured.url).toContain(acme); // the id the caller gave, once, in the URL
    const team = structured.record.team as { id: string; name: string }[];
    expect(team.length).toBeGreaterThanOrEqual(3);
    for (const person of team) expect(Object.keys(person).sort()).toEqual(['id', 'name']);
    expect(text).toContain('Acme Corp');
  });

  it('get_record returns only the chosen fields', async () => {
    const acme = await companyId('Acme Corp');
    const { structured } = await call<{ record: Row; url: string }>(client, 'get_record', {
      object: 'companies',
      record_id: acme,
      fields: ['employee_count'],
    });
    expect(structured.record).toEqual({ employee_count: 2500 });
    expect(structured.url).toContain(acme);
  });

  it('describe_object lists slugs, types and the valid statuses; with no arguments, objects and lists', async () => {
    const deals = await call<{ attributes: { slug: string; choices?: string[] }[] }>(client, 'describe_object', {
      object: 'deals',
    });
    expect(deals.structured.attributes.find((a) => a.slug === 'stage')?.choices).toEqual([
      'Lead',
      'In Progress',
      'Won 🎉',
      'Lost',
      'Nurture',
    ]);
    const all = await call<{ objects: { slug: string }[]; lists: { slug: string }[] }>(client, 'describe_object');
    expect(all.structured.objects.map((o) => o.slug)).toEqual(['companies', 'people', 'deals']);
    expect(all.structured.lists.map((l) => l.slug)).toContain('sales_pipeline');
    const both = await call(client, 'describe_object', { object: 'deals', list: 'sales_pipeline' });
    expect(both.isError).toBe(true);
  });

  it('search_records finds a company by domain and a person by email', async () => {
    const byDomain = await call<{ results: { name: string; url?: string }[] }>(client, 'search_records', {
      query: 'acme.com',
    });
    expect(byDomain.structured.results[0]?.name).toBe('Acme Corp');
    const byEmail = await call<{ results: { object: string; emails?: string[] }[] }>(client, 'search_records', {
      query: 'acme.com',
      objects: ['people'],
    });
    expect(byEmail.structured.results.every((r) => r.object === 'people')).toBe(true);
  });

  it('search and fetch answer in the shapes ChatGPT connectors require', async () => {
    const found = await call(client, 'search', { query: 'Acme' });
    expect(found.result.content).toHaveLength(1);
    const { results } = JSON.parse(found.text) as { results: { id: string; title: string; url: string }[] };
    const acme = results.find((r) => r.title.startsWith('Acme Corp'));
    expect(acme).toMatchObject({ id: expect.stringMatching(/^companies\//), url: expect.stringMatching(/^https:/) });
    const fetched = await call(client, 'fetch', { id: acme?.id });
    expect(fetched.result.content).toHaveLength(1);
    const document = JSON.parse(fetched.text) as Record<string, unknown>;
    expect(document).toMatchObject({ id: acme?.id, title: 'Acme Corp', metadata: { object: 'companies' } });
    expect(document.text).toContain('acme.com');
    const bad = await call(client, 'fetch', { id: 'Acme' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('companies/<record id>');
  });
});
