import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import { requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { recordDetails, viewRecords } from './records';

export const getRecord = defineTool({
  name: 'get_record',
  title: 'Get a CRM record',
  description:
    'One record\'s current values, flattened (selects as titles, currencies as "USD 50,000", references as {id, name}), and its web URL. Default: every attribute with a value.',
  inputSchema: {
    object: z.string().describe('Object slug, e.g. deals'),
    record_id: attioId('a record'),
    fields: z.array(z.string()).max(40).optional(),
  },
  outputSchema: { record: z.record(z.string(), z.unknown()), url: z.string().optional() },
  annotations: { readOnlyHint: true },
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
    // The caller gave the id: the answer does not repeat it (the URL holds it too).
    const { id: _id, url, ...values } = record;
    return {
      structured: { record: values, ...(url ? { url } : {}) },
      text: `${object.singular}:\n${recordDetails(values, fields)}${url ? `\nweb: ${url}` : ''}`,
    };
  },
});
