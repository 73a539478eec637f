import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { recordDetails, viewRecords } from './records';

/** ChatGPT's `fetch` (see search.ts): a record found with `search`, as one JSON document. */
export const fetchRecord = defineTool({
  name: 'fetch',
  title: 'Fetch a CRM record (ChatGPT)',
  description: 'The full current values of a record found with search, by its id ("companies/<record id>").',
  inputSchema: { id: z.string().min(3).describe('An id from search, e.g. "companies/4a06ae78-…"') },
  outputSchema: {
    id: z.string(),
    title: z.string(),
    text: z.string(),
    url: z.string(),
    metadata: z.object({ object: z.string() }),
  },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler({ id }, context: AttioToolContext) {
    const [objectName, recordId, ...rest] = id.split('/');
    if (!objectName || !recordId || rest.length || !attioId('a record').safeParse(recordId).success) {
      throw new ToolError('The id must be one returned by search, like "companies/<record id>".');
    }
    const object = await context.catalog.object(objectName);
    const set = await context.catalog.attributes({ kind: 'objects', slug: object.slug });
    const { data } = await context.attio.getRecord(object.slug, recordId);
    const fields = set.attributes
      .map((a) => a.slug)
      .filter((slug) => slug !== 'record_id' && data.values[slug]?.length);
    const [record] = await viewRecords(context, set, [data], fields);
    if (!record) throw new Error('unreachable: one record in, one view out');
    const document = {
      id: `${object.slug}/${record.id}`,
      title: typeof record.name === 'string' ? record.name : record.id,
      text: recordDetails(record, fields),
      url: record.url ?? '',
      metadata: { object: object.slug },
    };
    return { structured: document, text: JSON.stringify(document) };
  },
});
