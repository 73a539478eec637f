import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { objectInput, prepareWrite, recordValuesInput, recordWriteOutput } from './record-writes';
import { writtenRecord } from './records';

export const upsertRecord = defineTool({
  name: 'upsert_record',
  title: 'Create or update a CRM record',
  description:
    'Updates the record whose unique matching attribute has the given value (e.g. companies by domains, people by email_addresses), or creates it. Safe to repeat.',
  inputSchema: {
    object: objectInput,
    matching_attribute: z.string().min(1).describe('A unique attribute slug, e.g. domains or email_addresses'),
    values: recordValuesInput.describe('Must include a value for matching_attribute'),
  },
  outputSchema: recordWriteOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepareWrite(context, input.object, input.values);
    const matching = set.bySlug.get(input.matching_attribute);
    if (!matching?.unique) {
      const unique = set.attributes.filter((a) => a.unique).map((a) => a.slug);
      throw new ToolError(
        `matching_attribute must be a unique attribute of ${target.slug}: ${unique.join(', ') || 'it has none'}.`,
      );
    }
    if (prepared[matching.slug] === undefined) {
      throw new ToolError(`values must include ${matching.slug}, the value to match on.`);
    }
    const { data } = await context.attio.assertRecord(target.slug, matching.slug, prepared);
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Upserted');
  },
});
