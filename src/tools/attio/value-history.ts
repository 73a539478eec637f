import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import { actorNamer } from './actors';
import { requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { entryOfRecord } from './list-entry-view';
import { recordInput, resolveRecord } from './record-ref';
import { TableOutput, tableText } from './records';
import { flattenValues, shortTime } from './values';

export const getValueHistory = defineTool({
  name: 'get_value_history',
  title: 'Value history',
  description:
    "When an attribute's value changed, to what, and who changed it, oldest first: e.g. a deal's stage over time.",
  inputSchema: {
    object: z.string().optional().describe('e.g. deals'),
    list: z.string().optional().describe("Or a list: its entry's values"),
    record: recordInput,
    attribute: z.string().describe('Attribute slug, e.g. stage'),
  },
  outputSchema: TableOutput,
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    if (!input.object === !input.list) throw new ToolError('Give object or list (one of them).');
    const list = input.list ? await context.catalog.list(input.list) : undefined;
    const objectName = input.object ?? list?.parentObjects[0];
    if (!objectName) throw new ToolError(`The list ${input.list} holds no object's records.`);
    const object = await context.catalog.object(objectName);
    const parent = list ? { kind: 'lists' as const, slug: list.slug } : { kind: 'objects' as const, slug: object.slug };
    const attribute = requireAttribute(await context.catalog.attributes(parent), input.attribute);
    const record = await resolveRecord(context, object.slug, input.record);
    const rowId = list
      ? await entryOfRecord(context, list.slug, object.slug, record.id, {
          none: `That record is not in ${list.slug}.`,
          several: (ids) => `That record is in ${list.slug} ${ids.length} times; its history cannot be told apart.`,
        })
      : record.id;
    const [{ data }, actor] = await Promise.all([
      context.attio.valueHistory(parent, rowId, attribute.slug),
      actorNamer(context),
    ]);
    const none = { records: new Map<string, string>(), members: new Map<string, string>() };
    const at = (time: unknown) => (typeof time === 'string' ? shortTime(time) : null);
    // Each value holds until the next one starts; `until` is shown only when that is not so
    // (a value removed, or several held at once).
    const gaps = data.some((v, i) => v.active_until && v.active_until !== data[i + 1]?.active_from);
    const table = {
      columns: gaps ? ['from', 'until', 'value', 'by'] : ['from', 'value', 'by'],
      rows: data.map((v) => [
        at(v.active_from),
        ...(gaps ? [at(v.active_until)] : []),
        flattenValues([{ ...v, active_until: null }], { multi: false }, none),
        actor(v.created_by_actor as { type?: string; id?: string } | undefined),
      ]),
    };
    const name = record.name ? `"${record.name}"` : 'the record';
    return {
      structured: table,
      text: data.length
        ? `${attribute.slug} of ${name}${list ? ` in ${list.slug}` : ''}, oldest first (UTC)${gaps ? '' : ', each until the next'}:\n${tableText(
            gaps
              ? { ...table, rows: table.rows.map(([from, until, ...rest]) => [from, until ?? 'now', ...rest]) }
              : table,
          )}`
        : `${attribute.slug} of ${name} has never had a value.`,
    };
  },
});
