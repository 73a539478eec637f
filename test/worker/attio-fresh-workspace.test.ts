import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openSession } from '../support/session';
import { controlStandin } from '../support/worker';
import { rows, type Table } from './attio-table';

/**
 * The Attio pack against a workspace unlike the demo one, as a new Attio workspace is: no Deals
 * object, no lists, notes or tasks, a custom object, members without names, records with empty
 * values (the stand-in's second workspace, "Fresh Start"). And against an Attio app with fewer
 * scopes than the tools need.
 */

type Row = Record<string, unknown> & { id: string };

let client: Client;
beforeAll(async () => {
  client = await openSession('streamable-http', { email: 'fresh-tools@fresh.example' });
});
afterAll(() => client.close());

describe('a new workspace without Deals', () => {
  it('search_records and ChatGPT’s search search the objects the workspace has', async () => {
    const hits = await call<{ results: { name: string; object: string }[] }>(client, 'search_records', {
      query: 'Northwind',
    });
    expect(hits.isError).toBe(false);
    expect(hits.structured.results.map((r) => r.name)).toContain('Northwind Studio');
    const chatgpt = await call(client, 'search', { query: 'Bluebird' });
    expect(chatgpt.isError).toBe(false);
    expect(JSON.parse(chatgpt.text).results.map((r: { title: string }) => r.title)).toContain(
      'Bluebird Labs (companies)',
    );
  });

  it('naming Deals is a tool error that lists the objects the workspace has', async () => {
    const deals = await call(client, 'search_records', { query: 'Northwind', objects: ['deals'] });
    expect(deals.isError).toBe(true);
    expect(deals.text).toBe('Unknown object "deals". Objects in this workspace: companies, people, projects.');
  });

  it('describe_object lists a custom object and its attributes', async () => {
    const all = await call<{ objects: { slug: string }[]; lists: unknown[] }>(client, 'describe_object');
    expect(all.structured.objects.map((o) => o.slug)).toEqual(['companies', 'people', 'projects']);
    expect(all.structured.lists).toEqual([]);
    const projects = await call<{ attributes: { slug: string; type: string; choices?: string[] }[] }>(
      client,
      'describe_object',
      { object: 'projects' },
    );
    expect(projects.structured.attributes.find((a) => a.slug === 'phase')?.choices).toEqual([
      'Discovery',
      'Build',
      'Launched',
      'Paused',
    ]);
  });

  it('query_records on a custom object: a select, a reference, a timestamp given as a date, empty values', async () => {
    const built = await call<Table>(client, 'query_records', {
      object: 'projects',
      filter: { phase: { $in: ['build', 'discovery'] }, kickoff_at: { $gte: '2025-10-01' } },
      fields: ['name', 'phase', 'budget', 'client'],
      sorts: [{ attribute: 'name', direction: 'asc' }],
    });
    expect(built.isError).toBe(false);
    expect(rows(built.structured).map((r) => [r.name, r.phase, r.budget, r.client])).toEqual([
      ['Data migration', 'Discovery', 12500.5, 'Bluebird Labs'],
      ['Website relaunch', 'Build', 48000, 'Northwind Studio'],
    ]);
    const bare = await call<Table>(client, 'query_records', {
      object: 'projects',
      filter: { name: 'Untitled project' },
      fields: ['name', 'phase', 'budget', 'client', 'kickoff_at'],
    });
    expect(rows(bare.structured)).toHaveLength(1);
    expect(Object.keys(rows(bare.structured)[0] ?? {}).sort()).toEqual(['id', 'name']);
  });

  it('get_record of a company without domains, and the members without names', async () => {
    const companies = await call<Table>(client, 'query_records', {
      object: 'companies',
      filter: { name: 'Quarry & Co' },
    });
    const quarry = rows(companies.structured)[0];
    expect(quarry?.domains).toBeUndefined();
    const record = await call<{ record: Row; url?: string }>(client, 'get_record', {
      object: 'companies',
      record_id: quarry?.id,
    });
    expect(record.isError).toBe(false);
    expect(record.structured.record.name).toBe('Quarry & Co');
    expect(record.structured.url).toMatch(/\/fresh-start\/company\//);
  });

  it('notes and tasks answer empty, not with an error', async () => {
    const tasks = await call<{ tasks: unknown[] }>(client, 'list_tasks', {});
    expect(tasks.isError).toBe(false);
    expect(tasks.structured.tasks).toEqual([]);
    const company = await call<Table>(client, 'query_records', {
      object: 'companies',
      filter: { name: 'Kestrel' },
    });
    const notes = await call<{ notes: unknown[] }>(client, 'list_notes', {
      object: 'companies',
      record_id: rows(company.structured)[0]?.id,
    });
    expect(notes.isError).toBe(false);
    expect(notes.structured.notes).toEqual([]);
  });

  it('a write to a custom object, owned by a member', async () => {
    const created = await call<{ record: Row }>(client, 'create_record', {
      object: 'projects',
      values: { name: 'Fresh pilot', phase: 'paused', budget: '5k' },
    });
    expect(created.isError).toBe(false);
    expect(created.structured.record).toMatchObject({ name: 'Fresh pilot', phase: 'Paused', budget: 5000 });
    expect(created.structured.record.id).toEqual(expect.any(String));
  });
});

describe('an Attio app with fewer scopes', () => {
  it('a tool whose endpoint lacks a scope names the scopes to add, and the rest still work', async () => {
    await controlStandin('scopes', {
      scopes: ['record_permission:read', 'object_configuration:read', 'note:read', 'list_configuration:read'],
    });
    let narrow: Client;
    try {
      narrow = await openSession('streamable-http', { email: 'narrow-scopes@fresh.example' });
    } finally {
      await controlStandin('scopes', { all: true });
    }
    try {
      const tasks = await call(narrow, 'list_tasks', {});
      expect(tasks.isError).toBe(true);
      expect(tasks.text).toMatch(/This needs the Attio scopes task:read, .*user_management:read/);
      expect(tasks.text).toMatch(/build\.attio\.com/);
      const created = await call(narrow, 'create_record', { object: 'companies', values: { name: 'No write' } });
      expect(created.isError).toBe(true);
      expect(created.text).toMatch(/record_permission:read-write/);
      const read = await call<Table>(narrow, 'query_records', { object: 'companies', limit: 2 });
      expect(read.isError).toBe(false);
      expect(rows(read.structured)).toHaveLength(2);
    } finally {
      await narrow.close();
    }
  });
});
