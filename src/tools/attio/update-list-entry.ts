import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { Entry, entryOfRecord, entryText, entryValues, listSchema, viewEntry } from './list-entry-view';
import { toWriteValues } from './values';

export const updateListEntry = defineTool({
  name: 'update_list_entry',
  title: 'Update a list entry',
  description:
    'Changes a list entry’s values, e.g. moves a deal to another pipeline stage. Name it by entry_id, or by record_id when the record is in the list once.',
  inputSchema: {
    list: z.string().describe('List slug or name'),
    entry_id: attioId('a list entry').optional(),
    record_id: attioId('a record').optional().describe('Instead of entry_id: the record whose entry to change'),
    values: entryValues.refine((v) => Object.keys(v).length > 0, 'Give at least one value.'),
  },
  outputSchema: { entry: Entry },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { list, set, members } = await listSchema(context, input.list);
    const values = toWriteValues(set, input.values, members.lookup);
    let entryId = input.entry_id;
    if (!entryId) {
      if (!input.record_id) throw new ToolError('Give entry_id, or record_id of a record in the list.');
      entryId = await entryOfRecord(context, list.slug, list.parentObjects[0] ?? '', input.record_id, {
        none: `That record is not in ${list.slug}; add it with add_to_list.`,
        several: (ids) => `That record is in ${list.slug} ${ids.length} times; give entry_id: ${ids.join(', ')}.`,
      });
    }
    const { data } = await context.attio.updateEntry(list.slug, entryId, values);
    const entry = await viewEntry(data, list.slug, set, context);
    return { structured: { entry }, text: entryText('Updated', entry) };
  },
});
