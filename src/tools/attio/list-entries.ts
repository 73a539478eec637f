import { z } from 'zod';
import type { AttioRecord } from '../../attio/schemas';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import {
  countLabel,
  FilterAndSortsInput,
  factorConstantColumns,
  PageInput,
  pageWithTotal,
  planQuery,
  RecordTableOutput,
  recordNames,
  tableAnswer,
  toTable,
  viewRecordList,
} from './records';

export const listEntries = defineTool({
  name: 'list_entries',
  title: 'List entries',
  description:
    'Entries of a list (a pipeline) or of a saved view of it, as a table: record name, entry values (stage, owner, amount…), record id. Filter and sort by list attributes as in query_records.',
  inputSchema: {
    list: z.string().describe('List slug or name'),
    view: z.string().optional().describe("A saved view's title"),
    ...FilterAndSortsInput,
    fields: z.array(z.string()).max(20).optional(),
    ...PageInput,
  },
  outputSchema: RecordTableOutput,
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const list = await context.catalog.list(input.list);
    if (input.view && input.filter) throw new ToolError('Give a view or a filter, not both (Attio applies one).');
    const set = await context.catalog.attributes({ kind: 'lists', slug: list.slug });
    const view = input.view ? await context.catalog.view(list.slug, input.view) : undefined;
    const { filter, fixed, sorts, fields } = await planQuery(context, set, input);
    const which = { ...(filter ? { filter } : {}), ...(view ? { filter_view_id: view.id } : {}) };
    const { page, count, nextOffset } = await pageWithTotal(
      async ({ limit, offset, sorted }) =>
        (
          await context.attio.queryEntries(list.slug, {
            ...which,
            ...(sorted && sorts.length ? { sorts } : {}),
            limit,
            offset,
          })
        ).data,
      input.limit,
      input.offset,
    );
    // An entry read as a row of its list: its values, and the parent record's id (what other tools take).
    const rows: AttioRecord[] = page.map((e) => ({
      id: { workspace_id: '', object_id: e.parent_object, record_id: e.parent_record_id },
      created_at: e.created_at,
      values: e.entry_values,
    }));
    const [list_, names] = await Promise.all([
      viewRecordList(context, set, rows, fields),
      recordNames(context, parentsByObject(page)),
    ]);
    for (const view_ of list_.records) view_.record = names.get(view_.id) ?? null;
    const { table, same } = factorConstantColumns(toTable(list_.records, ['record', ...fields]), ['record', 'id']);
    const shownFixed = [...fixed, ...Object.entries(same)].filter(([slug]) => !table.columns.includes(slug));
    const where = [
      ...(view ? [`view "${view.title}"`] : []),
      ...shownFixed.map(([slug, value]) => `${slug} = ${String(value)}`),
    ];
    const answer = tableAnswer({
      heading: `${countLabel(page.length, input.offset, count, 'entries')} of ${list.slug}${where.length ? ` (${where.join(', ')})` : ''}`,
      table,
      currencies: list_.currencies,
      fixed: shownFixed,
      count,
      nextOffset,
    });
    return page.length ? answer : { ...answer, text: `No entries of ${list.slug} match.` };
  },
});

/** The entries' parent records, by object. */
function parentsByObject(entries: readonly { parent_object: string; parent_record_id: string }[]) {
  const byObject = new Map<string, string[]>();
  for (const e of entries)
    byObject.set(e.parent_object, [...(byObject.get(e.parent_object) ?? []), e.parent_record_id]);
  return byObject;
}
