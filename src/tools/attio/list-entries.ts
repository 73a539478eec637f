import { z } from 'zod';
import type { AttioRecord } from '../../attio/schemas';
import { defineTool, ToolError } from '../../mcp/tool';
import { requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { mentionsActor, normalizeFilter, normalizeSorts } from './filter';
import {
  chooseFields,
  countLabel,
  countMatches,
  factorConstantColumns,
  MAX_RECORDS,
  RecordTableOutput,
  tableText,
  toTable,
  viewRecordList,
} from './records';
import { recordName } from './values';

export const listEntries = defineTool({
  name: 'list_entries',
  title: 'List entries',
  description:
    'Entries of a list (a pipeline) or of a saved view of it, as a table: record name, entry values (stage, owner, amount…), record id. Filter and sort by list attributes as in query_records.',
  inputSchema: {
    list: z.string().describe('List slug or name'),
    view: z.string().optional().describe("A saved view's title"),
    filter: z.record(z.string(), z.unknown()).optional(),
    sorts: z
      .array(z.object({ attribute: z.string(), direction: z.enum(['asc', 'desc']).default('asc') }))
      .max(3)
      .optional(),
    fields: z.array(z.string()).max(20).optional(),
    limit: z.number().int().min(1).max(MAX_RECORDS).default(20),
    offset: z.number().int().min(0).max(1e5).default(0),
  },
  outputSchema: RecordTableOutput,
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const list = await context.catalog.list(input.list);
    if (input.view && input.filter) throw new ToolError('Give a view or a filter, not both (Attio applies one).');
    const set = await context.catalog.attributes({ kind: 'lists', slug: list.slug });
    const view = input.view ? await context.catalog.view(list.slug, input.view) : undefined;
    const actors = {
      me: context.member.id,
      members: input.filter && mentionsActor(set, input.filter) ? (await context.catalog.members()).lookup : new Map(),
    };
    const { filter, mentioned, fixed } = input.filter
      ? normalizeFilter(set, input.filter, actors)
      : { filter: undefined, mentioned: new Set<string>(), fixed: new Map<string, unknown>() };
    const sorts = normalizeSorts(set, input.sorts ?? []);
    const fields = chooseFields(set, input.fields, [...mentioned, ...sorts.map((s) => s.attribute)], fixed);
    for (const slug of fields) requireAttribute(set, slug);
    const which = { ...(filter ? { filter } : {}), ...(view ? { filter_view_id: view.id } : {}) };
    const { data } = await context.attio.queryEntries(list.slug, {
      ...which,
      ...(sorts.length ? { sorts } : {}),
      limit: input.limit + 1,
      offset: input.offset,
    });
    const page = data.slice(0, input.limit);
    const cut = data.length > input.limit;
    const count = cut
      ? await countMatches(
          async (offset, limit) => (await context.attio.queryEntries(list.slug, { ...which, limit, offset })).data,
          input.offset + input.limit,
        )
      : { total: input.offset + page.length, atLeast: false };
    // An entry read as a row of its list: its values, and the parent record's id (what other tools take).
    const rows: AttioRecord[] = page.map((e) => ({
      id: { workspace_id: '', object_id: e.parent_object, record_id: e.parent_record_id },
      created_at: e.created_at,
      values: e.entry_values,
    }));
    const [list_, names] = await Promise.all([viewRecordList(context, set, rows, fields), parentNames(context, page)]);
    for (const view_ of list_.records) view_.record = names.get(view_.id) ?? null;
    const { table, same } = factorConstantColumns(toTable(list_.records, ['record', ...fields]), ['record', 'id']);
    const nextOffset = cut ? input.offset + input.limit : undefined;
    const shownFixed = [...fixed, ...Object.entries(same)].filter(([slug]) => !table.columns.includes(slug));
    const where = [
      ...(view ? [`view "${view.title}"`] : []),
      ...shownFixed.map(([slug, value]) => `${slug} = ${String(value)}`),
    ];
    return {
      structured: {
        ...(shownFixed.length ? { where: Object.fromEntries(shownFixed) } : {}),
        ...(Object.keys(list_.currencies).length ? { currencies: list_.currencies } : {}),
        ...table,
        total: count.total,
        ...(count.atLeast ? { totalIsLowerBound: true } : {}),
        ...(nextOffset !== undefined ? { nextOffset } : {}),
      },
      text: page.length
        ? `${countLabel(page.length, input.offset, count, 'entries')} of ${list.slug}${where.length ? ` (${where.join(', ')})` : ''}:\n${tableText(
            table,
            list_.currencies,
          )}${nextOffset !== undefined ? `\nNext page: offset ${nextOffset}.` : ''}`
        : `No entries of ${list.slug} match.`,
    };
  },
});

/** The names of the entries' parent records, one query per parent object. */
async function parentNames(
  context: AttioToolContext,
  entries: readonly { parent_object: string; parent_record_id: string }[],
): Promise<Map<string, string>> {
  const byObject = new Map<string, Set<string>>();
  for (const e of entries)
    byObject.set(e.parent_object, (byObject.get(e.parent_object) ?? new Set()).add(e.parent_record_id));
  const names = new Map<string, string>();
  await Promise.all(
    [...byObject].map(async ([object, ids]) => {
      const { data } = await context.attio.queryRecords(object, {
        filter: { record_id: { $in: [...ids] } },
        limit: ids.size,
      });
      for (const r of data) {
        const name = recordName(r.values);
        if (name) names.set(r.id.record_id, name);
      }
    }),
  );
  return names;
}
