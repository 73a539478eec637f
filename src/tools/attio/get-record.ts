import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import { requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { RecordView, recordDetails, viewRecords } from './records';

export const getRecord = defineTool({
  name: 'get_record',
  title: 'Get a CRM record',
  description:
    'One record with its current values, flattened (selects as titles, currencies as "USD 50,000", referenced records as {id, name}). Ask for fields to keep the answer short; default: every attribute that has a value.',
  inputSchema: {
    object: z.string().min(1).describe('Object slug: companies, people, deals, …'),
    record_id: attioId('a record').describe('The record id (from search_records or query_records)'),
    fields: z.array(z.string()).max(40).optional().describe('Attribute slugs to return'),
  },
  outputSchema: { object: z.string(), record: RecordView },
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ object: objectName, record_id, fields: asked }, context: AttioToolContext) {
    const object = await context.catalog.object(objectName);
    const set = await context.catalog.attributes({ kind: 'objects', slug: object.slug });
    for (const slug of asked ?? []) requireAttribute(set, slug);
    const { data } = await context.attio.getRecord(object.slug, record_id);
    const fields = asked?.length
      ? asked
      : set.attributes.map((a) => a.slug).filter((slug) => slug !== 'record_id' && data.values[slug]?.length);
    const [record] = await viewRecords(context, set, [data], fields);
    if (!record) throw new Error('unreachable: one record in, one view out');
    return {
      structured: { object: object.slug, record },
      text: `${object.singular}:\n${recordDetails(record, fields)}${record.url ? `\nweb: ${record.url}` : ''}`,
    };
  },
});
