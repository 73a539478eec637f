import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openSession } from '../support/session';

/** Changing CRM data through the tools, and asking the user before deleting it. */

type Row = Record<string, unknown> & { id: string };

let client: Client;
beforeAll(async () => {
  client = await openSession('streamable-http', { email: 'tools-writer@example.com' });
});
afterAll(() => client.close());

async function find(object: string, query: string): Promise<string> {
  const { structured } = await call<{ results: { id: string; name: string }[] }>(client, 'search_records', {
    query,
    objects: [object],
  });
  const id = structured.results[0]?.id;
  if (!id) throw new Error(`nothing found for ${query}`);
  return id;
}

describe('records', () => {
  it('create_record takes plain values: a status in any case, an amount, a company id, an owner by email', async () => {
    const acme = await find('companies', 'Acme Corp');
    const created = await call<{ record: Row }>(client, 'create_record', {
      object: 'deals',
      values: {
        name: 'Acme — Test expansion',
        stage: 'in progress',
        value: 42000,
        associated_company: acme,
        owner: 'demo@example.com',
      },
    });
    expect(created.isError).toBe(false);
    expect(created.structured.record).toMatchObject({
      name: 'Acme — Test expansion',
      stage: 'In Progress',
      value: 'USD 42,000',
      associated_company: { id: acme, name: 'Acme Corp' },
      owner: 'Dana Demo',
    });
    const read = await call<{ record: Row }>(client, 'get_record', {
      object: 'deals',
      record_id: created.structured.record.id,
      fields: ['stage', 'value'],
    });
    expect(read.structured.record).toMatchObject({ stage: 'In Progress', value: 'USD 42,000' });
  });

  it('update_record changes a value; a wrong status lists the valid ones and changes nothing', async () => {
    const deal = await call<{ record: Row }>(client, 'create_record', {
      object: 'deals',
      values: { name: 'Update me', stage: 'Lead', owner: 'Dana Demo' },
    });
    const id = deal.structured.record.id;
    const updated = await call<{ record: Row }>(client, 'update_record', {
      object: 'deals',
      record_id: id,
      values: { stage: 'Won' },
    });
    expect(updated.structured.record.stage).toBe('Won 🎉');
    const wrong = await call(client, 'update_record', { object: 'deals', record_id: id, values: { stage: 'Closed' } });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toContain('Valid statuses: "Lead", "In Progress", "Won 🎉", "Lost", "Nurture"');
    const readOnly = await call(client, 'update_record', {
      object: 'deals',
      record_id: id,
      values: { created_at: '2020-01-01' },
    });
    expect(readOnly.text).toContain('created_at is read-only');
    const stranger = await call(client, 'update_record', {
      object: 'deals',
      record_id: id,
      values: { owner: 'Nobody Here' },
    });
    expect(stranger.text).toMatch(/owner takes a workspace member's email or name; .* Members: .*demo@example\.com/);
  });

  it('upsert_record matches on a unique attribute: the second call updates the same record', async () => {
    const first = await call<{ record: Row }>(client, 'upsert_record', {
      object: 'companies',
      matching_attribute: 'domains',
      values: { domains: ['upsert-test.io'], name: 'Upsert Test' },
    });
    const second = await call<{ record: Row }>(client, 'upsert_record', {
      object: 'companies',
      matching_attribute: 'domains',
      values: { domains: ['upsert-test.io'], name: 'Upsert Test Ltd' },
    });
    expect(second.structured.record.id).toBe(first.structured.record.id);
    expect(second.structured.record.name).toBe('Upsert Test Ltd');
    const notUnique = await call(client, 'upsert_record', {
      object: 'companies',
      matching_attribute: 'name',
      values: { name: 'X' },
    });
    expect(notUnique.isError).toBe(true);
    expect(notUnique.text).toContain('unique attribute of companies');
  });

  it('delete_record without elicitation deletes only with confirm: true', async () => {
    const made = await call<{ record: Row }>(client, 'create_record', {
      object: 'companies',
      values: { name: 'Delete Me Inc' },
    });
    const id = made.structured.record.id;
    const asked = await call<{ deleted: boolean }>(client, 'delete_record', { object: 'companies', record_id: id });
    expect(asked.structured.deleted).toBe(false);
    expect(asked.text).toContain('confirm: true');
    expect((await call(client, 'get_record', { object: 'companies', record_id: id })).isError).toBe(false);
    const done = await call<{ deleted: boolean }>(client, 'delete_record', {
      object: 'companies',
      record_id: id,
      confirm: true,
    });
    expect(done.structured.deleted).toBe(true);
    expect(done.text).toContain('"Delete Me Inc"');
    expect((await call(client, 'get_record', { object: 'companies', record_id: id })).isError).toBe(true);
  });

  it('delete_record asks the user through elicitation and obeys the answer', async () => {
    const questions: string[] = [];
    let answer: 'accept' | 'decline' = 'decline';
    const asking = await openSession('streamable-http', { email: 'tools-writer@example.com' }, (request) => {
      questions.push(request.message);
      return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
    const made = await call<{ record: Row }>(asking, 'create_record', {
      object: 'companies',
      values: { name: 'Elicit Me Ltd' },
    });
    const id = made.structured.record.id;
    // confirm: true is not enough when the client can ask the user: the user said no.
    const declined = await call<{ deleted: boolean }>(asking, 'delete_record', {
      object: 'companies',
      record_id: id,
      confirm: true,
    });
    expect(declined.structured.deleted).toBe(false);
    expect(questions[0]).toContain('Delete the company "Elicit Me Ltd" from Attio?');
    answer = 'accept';
    const accepted = await call<{ deleted: boolean }>(asking, 'delete_record', { object: 'companies', record_id: id });
    expect(accepted.structured.deleted).toBe(true);
    expect(questions).toHaveLength(2);
    await asking.close();
  });
});

describe('notes, tasks and lists', () => {
  it('create_note then list_notes shows it on the record', async () => {
    const acme = await find('companies', 'Acme Corp');
    const created = await call<{ note: { id: string } }>(client, 'create_note', {
      object: 'companies',
      record_id: acme,
      title: 'Call recap',
      content: 'Wants **SSO** next quarter.',
    });
    expect(created.isError).toBe(false);
    const listed = await call<{ notes: { id: string; title: string; content: string }[] }>(client, 'list_notes', {
      object: 'companies',
      record_id: acme,
      limit: 50,
    });
    const note = listed.structured.notes.find((n) => n.id === created.structured.note.id);
    expect(note).toMatchObject({ title: 'Call recap', content: 'Wants SSO next quarter.' });
    const missing = await call(client, 'create_note', {
      object: 'companies',
      record_id: '00000000-0000-4000-8000-000000000000',
      title: 'x',
      content: 'y',
    });
    expect(missing.isError).toBe(true);
  });

  it('create_task, list_tasks for the record, complete_task', async () => {
    const acme = await find('companies', 'Acme Corp');
    const created = await call<{ task: { id: string; assignees: string[]; deadline: string } }>(client, 'create_task', {
      content: 'Follow up on the SSO question',
      deadline: '2026-12-11',
      assignees: ['demo@example.com'],
      linked_records: [{ object: 'companies', id: acme }],
    });
    expect(created.structured.task).toMatchObject({ assignees: ['Dana Demo'], deadline: '2026-12-11' });
    const open = await call<{ tasks: { id: string }[] }>(client, 'list_tasks', {
      linked_record: { object: 'companies', id: acme },
      completed: false,
    });
    expect(open.structured.tasks.map((t) => t.id)).toContain(created.structured.task.id);
    const done = await call<{ task: { completed: boolean } }>(client, 'complete_task', {
      task_id: created.structured.task.id,
    });
    expect(done.structured.task.completed).toBe(true);
    const nobody = await call(client, 'create_task', { content: 'x', assignees: ['nobody@nowhere.test'] });
    expect(nobody.text).toContain('not a member of this workspace');
  });

  it('add_to_list, then update_list_entry moves the entry’s stage by record id', async () => {
    const deal = await call<{ record: Row }>(client, 'create_record', {
      object: 'deals',
      values: { name: 'Pipeline test', stage: 'Lead', owner: 'demo@example.com' },
    });
    const described = await call<{ attributes: { slug: string; choices?: string[] }[] }>(client, 'describe_object', {
      list: 'sales_pipeline',
    });
    const stages = described.structured.attributes.find((a) => a.slug === 'stage')?.choices ?? [];
    expect(stages.length).toBeGreaterThan(1);
    const added = await call<{ entry: { id: string; values: Record<string, unknown> } }>(client, 'add_to_list', {
      list: 'Sales pipeline',
      record_id: deal.structured.record.id,
      values: { stage: stages[0] },
    });
    expect(added.structured.entry.values.stage).toBe(stages[0]);
    const moved = await call<{ entry: { id: string; values: Record<string, unknown> } }>(client, 'update_list_entry', {
      list: 'sales_pipeline',
      record_id: deal.structured.record.id,
      values: { stage: stages[1]?.toUpperCase() },
    });
    expect(moved.structured.entry).toMatchObject({ id: added.structured.entry.id, values: { stage: stages[1] } });
    const wrong = await call(client, 'update_list_entry', {
      list: 'sales_pipeline',
      entry_id: added.structured.entry.id,
      values: { stage: 'Nowhere' },
    });
    expect(wrong.text).toContain(`"${stages[0]}"`);
    const noList = await call(client, 'add_to_list', { list: 'partners', record_id: deal.structured.record.id });
    expect(noList.text).toContain('Lists in this workspace: sales_pipeline');
  });
});
