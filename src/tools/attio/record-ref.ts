import { z } from 'zod';
import { ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { isAttioId } from './ids';
import { recordName } from './values';

/** A record named by its id, or by words of its name: one call answers "… on the Acme deal". */
export const recordInput = z.string().describe('Record id, or words of its name');

/**
 * The record `given` names in `object`: an id as it is, else the one record whose name contains
 * every word (Attio's `$contains`, case-insensitive; records/query, so a record created a moment
 * ago is found). Several matches are a `ToolError` listing them, so the model can pick one.
 */
export async function resolveRecord(
  context: AttioToolContext,
  object: string,
  given: string,
): Promise<{ id: string; name: string | null }> {
  if (isAttioId(given)) return { id: given, name: null };
  const words = given.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const set = await context.catalog.attributes({ kind: 'objects', slug: object });
  if (!words.length || !set.bySlug.has('name')) {
    throw new ToolError(`Give the ${object} record's id (find it with search_records).`);
  }
  const filter = { $and: words.map((word) => ({ name: { $contains: word } })) };
  const { data } = await context.attio.queryRecords(object, { filter, limit: 6 });
  const found = data.map((r) => ({ id: r.id.record_id, name: recordName(r.values) }));
  const [only] = found;
  if (found.length === 1 && only) return only;
  if (!found.length) throw new ToolError(`No ${object} record is named like "${given}". Try search_records.`);
  throw new ToolError(
    `"${given}" matches several ${object} records; give one's id: ${found
      .slice(0, 5)
      .map((r) => `${r.name} [${r.id}]`)
      .join('; ')}${found.length > 5 ? '; …' : ''}.`,
  );
}
