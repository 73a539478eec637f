import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { objectInput } from './record-writes';
import { writtenRecord } from './records';

export const deleteRecord = defineTool({
  name: 'delete_record',
  title: 'Delete a CRM record',
  description:
    'Permanently deletes a record, its notes and list entries. Asks the user when the client can; else pass confirm: true only after the user said yes.',
  inputSchema: {
    object: objectInput,
    record_id: attioId('a record'),
    confirm: z.boolean().optional(),
  },
  outputSchema: { object: z.string(), deleted: z.boolean(), id: z.string(), name: z.string().nullable() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  scope: 'mcp:write',
  asksUser: true,
  async handler(input, context: AttioToolContext) {
    const target = await context.catalog.object(input.object);
    const set = await context.catalog.attributes({ kind: 'objects', slug: target.slug });
    // Read first: the question names the record, and a wrong id fails before anyone is asked.
    const { data } = await context.attio.getRecord(target.slug, input.record_id);
    const name = (await writtenRecord(context, set, target, data, [], '')).structured.record.name;
    const label = typeof name === 'string' ? `"${name}"` : input.record_id;
    const answer = await context.confirm(
      `Delete the ${target.singular.toLowerCase()} ${label} from Attio? This cannot be undone.`,
    );
    const kept = (text: string) => ({
      structured: { object: target.slug, deleted: false, id: input.record_id, name: null },
      text,
    });
    if (answer === 'declined') return kept(`Not deleted: the user declined.`);
    if (answer === 'unsupported' && input.confirm !== true) {
      return kept(
        `Not deleted. Ask the user to confirm deleting the ${target.singular.toLowerCase()} ${label}, then call delete_record again with confirm: true.`,
      );
    }
    await context.attio.deleteRecord(target.slug, input.record_id);
    return {
      structured: {
        object: target.slug,
        deleted: true,
        id: input.record_id,
        name: typeof name === 'string' ? name : null,
      },
      text: `Deleted the ${target.singular.toLowerCase()} ${label}.`,
    };
  },
});
