import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { objectInput, prepareWrite, recordValuesInput, recordWriteOutput } from './record-writes';
import { writtenRecord } from './records';

export const createRecord = defineTool({
  name: 'create_record',
  title: 'Create a CRM record',
  description:
    'Creates a company, person, deal or custom-object record. Use upsert_record instead when the record may already exist (same domain or email).',
  inputSchema: { object: objectInput, values: recordValuesInput },
  outputSchema: recordWriteOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepareWrite(context, input.object, input.values);
    const { data } = await context.attio.createRecord(target.slug, prepared);
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Created');
  },
});
