import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';

/** Attio's web app names records by the singular of the standard objects. */
const WEB_PATH: Record<string, string> = { companies: 'company', people: 'person', deals: 'deal' };

const SearchResult = z.object({
  id: z.string(),
  object: z.string(),
  name: z.string(),
  domains: z.array(z.string()).optional(),
  emails: z.array(z.string()).optional(),
  url: z.string().optional(),
});
type SearchResult = z.infer<typeof SearchResult>;

/** Said with every search: Attio's search index lags behind writes. */
export const SEARCH_LAG_NOTE =
  'Search is eventually consistent: a record created or renamed seconds ago may not be found yet (query_records or get_record see it at once).';

/**
 * Attio's fuzzy record search, flattened; shared by search_records and ChatGPT's search. Without
 * `objects` it searches every object the workspace has (from `/v2/objects`, cached): naming one it
 * lacks — Deals is off in a new workspace — fails the whole search.
 */
export async function searchHits(
  { attio, workspace, catalog }: AttioToolContext,
  body: { query: string; objects?: readonly string[]; limit: number },
): Promise<SearchResult[]> {
  const objects = body.objects
    ? await Promise.all(body.objects.map(async (name) => (await catalog.object(name)).slug))
    : (await catalog.objects()).map((o) => o.slug);
  const { data } = await attio.searchRecords({ query: body.query, objects: [...new Set(objects)], limit: body.limit });
  return data.map((hit) => {
    const webPath = WEB_PATH[hit.object_slug];
    return {
      id: hit.id.record_id,
      object: hit.object_slug,
      name: hit.record_text,
      ...(hit.domains?.length ? { domains: hit.domains } : {}),
      ...(hit.email_addresses?.length ? { emails: hit.email_addresses } : {}),
      ...(webPath ? { url: `https://app.attio.com/${workspace.slug}/${webPath}/${hit.id.record_id}/overview` } : {}),
    };
  });
}

export const searchRecords = defineTool({
  name: 'search_records',
  title: 'Search CRM records',
  description:
    'Finds records by name, email or domain (fuzzy, like Attio’s search box) in every object unless objects are named. Returns ids. Attio’s index lags: a record created seconds ago may be missing.',
  inputSchema: {
    query: z.string().trim().min(1).max(200).describe('A name, email address or domain'),
    objects: z.array(z.string()).min(1).max(10).optional().describe('Object slugs, e.g. ["people"]'),
    limit: z.number().int().min(1).max(25).default(10),
  },
  // No per-result URL: ids are what the next call needs, and get_record gives the URL.
  outputSchema: { results: z.array(z.looseObject({ id: z.string(), name: z.string() })) },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler({ query, objects, limit }, context: AttioToolContext) {
    const results = (await searchHits(context, { query, objects, limit })).map(({ url: _url, ...hit }) => hit);
    const lines = results.map(
      (r) =>
        `- ${r.name} (${r.object})${r.domains ? ` ${r.domains.join(', ')}` : ''}${r.emails ? ` ${r.emails.join(', ')}` : ''} [${r.id}]`,
    );
    return {
      structured: { results },
      text: results.length
        ? `${results.length} match${results.length === 1 ? '' : 'es'} for "${query}":\n${lines.join('\n')}`
        : `No records match "${query}". ${SEARCH_LAG_NOTE}`,
    };
  },
});
