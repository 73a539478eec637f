import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { objectInput, prepareWrite, recordValuesInput, recordWriteOutput } from './record-writes';
import { writtenRecord } from './records';

export const updateRecord = defineTool({
  name: 'update_record',
  title: 'Update a CRM record',
  description:
    'Changes values of one record. Single values are replaced; multi-value attributes (domains, emails, references) get the values added.',
  inputSchema: { object: objectInput, record_id: attioId('a record'), values: recordValuesInput },
  outputSchema: recordWriteOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepareWrite(context, input.object, input.values);
    const { data } = await context.attio.updateRecord(target.slug, input.record_id, prepared);
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Updated', input.record_id);
  },
});
