import { z } from 'zod';
import type { AttioEntry } from '../../attio/schemas';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttributeSet } from './catalog';
import type { AttioToolContext } from './context';
import { type CompactValue, flattenValues, toWriteValues } from './values';

const Entry = z.object({
  id: z.string(),
  list: z.string(),
  recordId: z.string(),
  object: z.string(),
  values: z.record(z.string(), z.unknown()),
});
type Entry = z.infer<typeof Entry>;

async function viewEntry(
  entry: AttioEntry,
  list: string,
  set: AttributeSet,
  context: AttioToolContext,
): Promise<Entry> {
  const members = await context.catalog.members();
  const values: Record<string, CompactValue> = {};
  for (const [slug, raw] of Object.entries(entry.entry_values)) {
    if (slug === 'entry_id' || slug === 'created_at' || slug === 'created_by') continue;
    const value = flattenValues(raw, set.bySlug.get(slug), { records: new Map(), members: members.names });
    if (value !== null && !(Array.isArray(value) && value.length === 0)) values[slug] = value;
  }
  return { id: entry.id.entry_id, list, recordId: entry.parent_record_id, object: entry.parent_object, values };
}

function entryText(verb: string, entry: Entry): string {
  const values = Object.entries(entry.values)
    .map(([slug, value]) => `${slug}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join(' · ');
  return `${verb} entry [${entry.id}] of ${entry.object} record ${entry.recordId} in ${entry.list}${values ? `: ${values}` : ''}.`;
}

async function listSchema(context: AttioToolContext, name: string) {
  const list = await context.catalog.list(name);
  const [set, members] = await Promise.all([
    context.catalog.attributes({ kind: 'lists', slug: list.slug }),
    context.catalog.members(),
  ]);
  return { list, set, members };
}

const entryValues = z
  .record(z.string(), z.unknown())
  .describe('List attribute slug → value, e.g. {"stage":"Qualified","priority":"High"}; see describe_object with list');

export const addToList = defineTool({
  name: 'add_to_list',
  title: 'Add a record to a list',
  description:
    'Adds a record to a list (a pipeline such as sales_pipeline), optionally with the entry’s values such as its stage.',
  inputSchema: {
    list: z.string().min(1).describe('List slug or name'),
    record_id: z.string().min(1),
    object: z.string().optional().describe("The record's object; default: the list's object"),
    values: entryValues.optional(),
  },
  outputSchema: { entry: Entry },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { list, set, members } = await listSchema(context, input.list);
    const object = input.object ? (await context.catalog.object(input.object)).slug : list.parentObjects[0];
    if (!object || !list.parentObjects.includes(object)) {
      throw new ToolError(`The list ${list.slug} holds ${list.parentObjects.join(', ')} records.`);
    }
    const { data } = await context.attio.addEntry(list.slug, {
      parentObject: object,
      parentRecordId: input.record_id,
      values: toWriteValues(set, input.values ?? {}, members.lookup),
    });
    const entry = await viewEntry(data, list.slug, set, context);
    return { structured: { entry }, text: entryText('Added', entry) };
  },
});

export const updateListEntry = defineTool({
  name: 'update_list_entry',
  title: 'Update a list entry (move its stage)',
  description:
    'Changes a list entry’s values, e.g. moves a deal to another stage of the sales pipeline. Name the entry by entry_id, or by record_id when the record is in the list once.',
  inputSchema: {
    list: z.string().min(1).describe('List slug or name'),
    entry_id: z.string().optional(),
    record_id: z.string().optional().describe('Instead of entry_id: the record whose entry to change'),
    values: entryValues.refine((v) => Object.keys(v).length > 0, 'Give at least one value.'),
  },
  outputSchema: { entry: Entry },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { list, set, members } = await listSchema(context, input.list);
    const values = toWriteValues(set, input.values, members.lookup);
    let entryId = input.entry_id;
    if (!entryId) {
      if (!input.record_id) throw new ToolError('Give entry_id, or record_id of a record in the list.');
      const object = list.parentObjects[0] ?? '';
      const { data } = await context.attio.recordEntries(object, input.record_id);
      const entries = data.filter((e) => e.list_api_slug === list.slug);
      if (entries.length !== 1) {
        throw new ToolError(
          entries.length
            ? `That record is in ${list.slug} ${entries.length} times; give entry_id: ${entries.map((e) => e.entry_id).join(', ')}.`
            : `That record is not in ${list.slug}; add it with add_to_list.`,
        );
      }
      entryId = entries[0]?.entry_id;
    }
    const { data } = await context.attio.updateEntry(list.slug, entryId ?? '', values);
    const entry = await viewEntry(data, list.slug, set, context);
    return { structured: { entry }, text: entryText('Updated', entry) };
  },
});
