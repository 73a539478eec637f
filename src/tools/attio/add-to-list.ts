import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { Entry, entryText, entryValues, listSchema, viewEntry } from './list-entry-view';
import { toWriteValues } from './values';

export const addToList = defineTool({
  name: 'add_to_list',
  title: 'Add a record to a list',
  description:
    'Adds a record to a list (a pipeline such as sales_pipeline), optionally with the entry’s values such as its stage.',
  inputSchema: {
    list: z.string().describe('List slug or name'),
    record_id: attioId('a record'),
    object: z.string().optional().describe("The record's object; default: the list's object"),
    values: entryValues.optional(),
  },
  outputSchema: { entry: Entry },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
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
