import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { recordDetails, viewRecords } from './records';
import { searchHits } from './search-records';

/**
 * `search` and `fetch` in the shapes ChatGPT connectors and deep research require: one string
 * argument each, and one text content item holding JSON — `{ results: [{ id, title, url }] }`
 * for search, `{ id, title, text, url, metadata }` for fetch. Same code as search_records and
 * get_record; an id is `object/record_id` so fetch knows where to look.
 */
const SEARCHED_OBJECTS = ['companies', 'people', 'deals'];

export const search = defineTool({
  name: 'search',
  title: 'Search the CRM (ChatGPT)',
  description:
    'Searches companies, people and deals in Attio by name, email address or domain. Returns ids to pass to fetch.',
  inputSchema: { query: z.string().trim().min(1).max(200).describe('A name, email address or domain') },
  outputSchema: { results: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })) },
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ query }, context: AttioToolContext) {
    const hits = await searchHits(context, { query, objects: SEARCHED_OBJECTS, limit: 10 });
    const results = hits.map((hit) => ({
      id: `${hit.object}/${hit.id}`,
      title: `${hit.name} (${hit.object})`,
      url: hit.url ?? '',
    }));
    return { structured: { results }, text: JSON.stringify({ results }) };
  },
});

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
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ id }, context: AttioToolContext) {
    const [objectName, recordId, ...rest] = id.split('/');
    if (!objectName || !recordId || rest.length) {
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
