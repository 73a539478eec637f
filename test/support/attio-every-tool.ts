/**
 * Calls every tool of the Attio pack once with valid input, through any client (`call`), and
 * says which answered without an error. Writes touch only records made here, and delete them
 * at the end: other tests read the same demo workspace at the same time.
 */

export type CallTool = (
  name: string,
  args: Record<string, unknown>,
) => Promise<{ structured: unknown; text: string; isError: boolean }>;

export interface EveryToolRun {
  /** The tools that answered without `isError`. */
  answered: Set<string>;
  /** Tools that answered with `isError`, and their text. */
  failed: Map<string, string>;
}

export async function useEveryAttioTool(call: CallTool): Promise<EveryToolRun> {
  const answered = new Set<string>();
  const failed = new Map<string, string>();
  const use = async <T>(name: string, args: Record<string, unknown>): Promise<T> => {
    const { structured, text, isError } = await call(name, args);
    if (isError) failed.set(name, text);
    else answered.add(name);
    return structured as T;
  };
  const found = await use<{ results: { id: string; name: string }[] }>('search_records', {
    query: 'Acme Corp',
    objects: ['companies'],
  });
  const acme = found.results.find((result) => result.name === 'Acme Corp')?.id ?? '';
  const domain = `every-tool-${crypto.randomUUID().slice(0, 8)}.io`;
  const made = await use<{ record: { id: string } }>('create_record', {
    object: 'companies',
    values: { name: 'Every Tool Co', domains: [domain] },
  });
  const company = made.record.id;
  const deal = (
    await use<{ record: { id: string } }>('create_record', {
      object: 'deals',
      values: { name: 'Every tool deal', stage: 'Lead', owner: 'demo@example.com' },
    })
  ).record.id;
  const reads: [string, Record<string, unknown>][] = [
    ['whoami', {}],
    ['health', {}],
    ['query_records', { object: 'deals', limit: 1 }],
    ['get_record', { object: 'companies', record_id: acme }],
    ['describe_object', { list: 'sales_pipeline' }],
    ['list_notes', { object: 'companies', record_id: acme }],
    ['list_tasks', {}],
    ['list_entries', { list: 'sales_pipeline', view: 'Negotiation', limit: 1 }],
    ['summarize_records', { object: 'deals', group_by: 'stage', measure: 'value' }],
    ['get_value_history', { list: 'sales_pipeline', record: 'Acme Enterprise license', attribute: 'stage' }],
    ['list_comments', { object: 'companies', record: acme }],
    ['list_meetings', { object: 'companies', record: acme }],
    ['get_call_transcript', { object: 'companies', record: acme }],
    ['list_members', {}],
    ['search', { query: 'Acme' }],
    ['fetch', { id: `companies/${acme}` }],
  ];
  for (const [name, args] of reads) await use(name, args);
  await use('update_record', { object: 'companies', record_id: company, values: { employee_count: 12 } });
  // The record made above, found by its domain: no new record.
  await use('upsert_record', { object: 'companies', matching_attribute: 'domains', values: { domains: [domain] } });
  await use('add_comment', { object: 'companies', record: company, content: 'A comment from every-tool' });
  await use('create_note', { object: 'companies', record_id: company, title: 'Every tool', content: 'A note' });
  const task = await use<{ task: { id: string } }>('create_task', { content: 'Every tool task' });
  await use('complete_task', { task_id: task.task.id });
  const entry = await use<{ entry: { id: string } }>('add_to_list', {
    list: 'sales_pipeline',
    record_id: deal,
    values: { stage: 'Prospecting' },
  });
  await use('update_list_entry', { list: 'sales_pipeline', entry_id: entry.entry.id, values: { priority: 'High' } });
  // The model's explicit yes: a client that can ask the user is asked instead (see the delete tests).
  const deleted = await use<{ deleted: boolean }>('delete_record', {
    object: 'companies',
    record_id: company,
    confirm: true,
  });
  if (!deleted.deleted) failed.set('delete_record', 'not deleted');
  await call('delete_record', { object: 'deals', record_id: deal, confirm: true });
  return { answered, failed };
}
