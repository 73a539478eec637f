import { z } from 'zod';
import type { AttioValue } from '../../attio/schemas';
import { defineTool, ToolError } from '../../mcp/tool';
import { type AttributeInfo, requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { queryFilter, recordNames, tableText } from './records';
import { currentValues, flattenValues } from './values';

/** Records read at most for one summary (10 pages of 500); the answer says when this cut it. */
export const SUMMARY_BOUND = 5_000;
const PAGE = 500;
const GROUPABLE = new Set(['status', 'select', 'actor-reference', 'record-reference', 'checkbox', 'text']);
const MEASURABLE = new Set(['number', 'currency', 'rating']);

export const summarizeRecords = defineTool({
  name: 'summarize_records',
  title: 'Count and total records',
  description: `Counts records or list entries matching a filter, with the sum and average of a number or currency, per group of a status, select, owner or reference if asked: e.g. open pipeline by stage, deals won per owner. Over every match (up to ${SUMMARY_BOUND}): do not page to add up.`,
  inputSchema: {
    object: z.string().optional().describe('e.g. deals'),
    list: z.string().optional().describe('Or a list slug'),
    view: z.string().optional().describe("A list view's title"),
    filter: z.record(z.string(), z.unknown()).optional(),
    group_by: z.string().optional().describe('Slug, e.g. stage'),
    measure: z.string().optional().describe('Number or currency slug, e.g. value'),
  },
  outputSchema: {
    columns: z.array(z.string()),
    rows: z.array(z.array(z.unknown())),
    currency: z.string().optional(),
    counted: z.number(),
    cut: z.boolean().optional().describe(`Only the first ${SUMMARY_BOUND} matches were counted`),
  },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    if (!input.object === !input.list) throw new ToolError('Give object or list (one of them).');
    if (input.view && !input.list) throw new ToolError('view needs list.');
    if (input.view && input.filter) throw new ToolError('Give a view or a filter, not both.');
    const parent = input.list
      ? { kind: 'lists' as const, slug: (await context.catalog.list(input.list)).slug }
      : { kind: 'objects' as const, slug: (await context.catalog.object(input.object ?? '')).slug };
    const set = await context.catalog.attributes(parent);
    const group = input.group_by ? requireAttribute(set, input.group_by) : undefined;
    const measure = input.measure ? requireAttribute(set, input.measure) : undefined;
    if (group && !GROUPABLE.has(group.type)) {
      throw new ToolError(`${group.slug} is a ${group.type}: group by a status, select, owner, reference or checkbox.`);
    }
    if (measure && !MEASURABLE.has(measure.type)) {
      throw new ToolError(`${measure.slug} is a ${measure.type}: measure a number or currency attribute.`);
    }
    // Owners are named by the member list when grouping by one.
    const members = group?.type === 'actor-reference' ? await context.catalog.members() : undefined;
    const { filter } = await queryFilter(context, set, input.filter);
    const view = input.view && input.list ? await context.catalog.view(parent.slug, input.view) : undefined;

    // Page through every match, within the bound.
    const rows: Record<string, AttioValue[]>[] = [];
    let cut = false;
    for (let offset = 0; ; offset += PAGE) {
      const body = { ...(filter ? { filter } : {}), limit: PAGE, offset };
      const page =
        parent.kind === 'lists'
          ? (
              await context.attio.queryEntries(parent.slug, { ...body, ...(view ? { filter_view_id: view.id } : {}) })
            ).data.map((e) => e.entry_values)
          : (await context.attio.queryRecords(parent.slug, body)).data.map((r) => r.values);
      rows.push(...page);
      if (page.length < PAGE) break;
      if (rows.length >= SUMMARY_BOUND) {
        cut = true;
        break;
      }
    }

    const groups = new Map<string, { count: number; sum: number; measured: number }>();
    const currencies = new Set<string>();
    const names = { records: new Map<string, string>(), members: members?.names ?? new Map<string, string>() };
    for (const values of rows) {
      const keys = group ? groupKeys(values[group.slug], names) : ['all'];
      const amount = measure ? measured(values[measure.slug], currencies) : undefined;
      for (const key of keys.length ? keys : ['(none)']) {
        const g = groups.get(key) ?? { count: 0, sum: 0, measured: 0 };
        g.count++;
        if (amount !== undefined) {
          g.sum += amount;
          g.measured++;
        }
        groups.set(key, g);
      }
    }
    if (currencies.size > 1) {
      throw new ToolError(`${measure?.slug} holds several currencies (${[...currencies].join(', ')}): filter to one.`);
    }
    const labels =
      group?.type === 'record-reference' ? await referenceNames(context, group, [...groups.keys()]) : undefined;
    const order = group?.choices ?? [];
    const entries = [...groups].sort(([a, x], [b, y]) => {
      const byChoice = order.indexOf(a) - order.indexOf(b);
      return order.includes(a) && order.includes(b) ? byChoice : y.sum - x.sum || y.count - x.count;
    });
    const round = (n: number) => Math.round(n * 100) / 100;
    /** A group's count, and its sum and average when measuring. */
    const cells = (g: { count: number; sum: number; measured: number }) => [
      g.count,
      ...(measure ? [round(g.sum), g.measured ? round(g.sum / g.measured) : null] : []),
    ];
    const columns = [
      ...(group ? [group.slug] : []),
      'count',
      ...(measure ? [`sum_${measure.slug}`, `avg_${measure.slug}`] : []),
    ];
    const table = {
      columns,
      rows: entries.map(([key, g]) => [...(group ? [labels?.get(key) ?? key] : []), ...cells(g)]),
    };
    if (group && entries.length > 1) {
      const all = entries.reduce(
        (t, [, g]) => ({ count: t.count + g.count, sum: t.sum + g.sum, measured: t.measured + g.measured }),
        {
          count: 0,
          sum: 0,
          measured: 0,
        },
      );
      // Multi-value groups count a record once per value: the total row counts each once.
      if (!group.multi) {
        table.rows.push(['TOTAL', ...cells(all)]);
      }
    }
    const [currency] = currencies;
    const what =
      parent.kind === 'lists' ? `entries of ${parent.slug}${view ? ` (view "${view.title}")` : ''}` : parent.slug;
    const note = cut
      ? `\nOnly the first ${SUMMARY_BOUND} matches were counted: narrow the filter for exact totals.`
      : '';
    return {
      structured: { ...table, ...(currency ? { currency } : {}), counted: rows.length, ...(cut ? { cut } : {}) },
      text: `${rows.length}${cut ? '+' : ''} ${what}${filter || view ? ' matching' : ''}${currency ? ` (amounts in ${currency})` : ''}:\n${tableText(table)}${note}`,
    };
  },
});

function groupKeys(values: readonly AttioValue[] | undefined, names: Parameters<typeof flattenValues>[2]): string[] {
  const flat = flattenValues(values, { multi: true }, names);
  return (Array.isArray(flat) ? flat : [flat]).flatMap((v) =>
    v === null ? [] : [typeof v === 'object' && !Array.isArray(v) ? v.id : String(v)],
  );
}

function measured(values: readonly AttioValue[] | undefined, currencies: Set<string>): number | undefined {
  const [value] = currentValues(values) as { currency_value?: unknown; currency_code?: unknown; value?: unknown }[];
  if (!value) return undefined;
  if (typeof value.currency_code === 'string') currencies.add(value.currency_code);
  const amount = value.currency_value ?? value.value;
  return typeof amount === 'number' ? amount : undefined;
}

/** Names for groups of a record reference (keys are record ids), one query per target object. */
async function referenceNames(
  context: AttioToolContext,
  attribute: AttributeInfo,
  ids: string[],
): Promise<Map<string, string>> {
  const [target] = attribute.targets ?? [];
  const wanted = ids.filter((id) => id !== '(none)');
  if (!target || attribute.targets?.length !== 1) return new Map();
  return recordNames(context, new Map([[target, wanted]]));
}
