import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { searchHits } from './search-records';

/**
 * `search` and `fetch` in the shapes ChatGPT connectors and deep research require: one string
 * argument each, and one text content item holding JSON — `{ results: [{ id, title, url }] }`
 * for search, `{ id, title, text, url, metadata }` for fetch. Same code as search_records and
 * get_record; an id is `object/record_id` so fetch knows where to look.
 */

export const search = defineTool({
  name: 'search',
  title: 'Search the CRM (ChatGPT)',
  description: 'Searches Attio records (companies, people, …) by name, email or domain. Returns ids for fetch.',
  inputSchema: { query: z.string().trim().min(1).max(200).describe('A name, email address or domain') },
  outputSchema: { results: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })) },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler({ query }, context: AttioToolContext) {
    const hits = await searchHits(context, { query, limit: 10 });
    const results = hits.map((hit) => ({
      id: `${hit.object}/${hit.id}`,
      title: `${hit.name} (${hit.object})`,
      url: hit.url ?? '',
    }));
    return { structured: { results }, text: JSON.stringify({ results }) };
  },
});
