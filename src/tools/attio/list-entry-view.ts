import { z } from 'zod';
import type { AttioEntry } from '../../attio/schemas';
import { ToolError } from '../../mcp/tool';
import type { AttributeSet } from './catalog';
import type { AttioToolContext } from './context';
import { type CompactValue, flattenValues } from './values';

/** An entry as write tools answer it: id, list, recordId, object, values. */
export const Entry = z.looseObject({ id: z.string() });
type Entry = { id: string; list: string; recordId: string; object: string; values: Record<string, CompactValue> };

export async function viewEntry(
  entry: AttioEntry,
  list: string,
  set: AttributeSet,
  context: AttioToolContext,
): Promise<Entry> {
  const members = await context.catalog.members();
  const values: Record<string, CompactValue> = {};
  for (const [slug, raw] of Object.entries(entry.entry_values)) {
    if (slug === 'entry_id' || slug === 'created_at' || slug === 'created_by') continue;
    const value = flattenValues(raw, set.bySlug.get(slug), { records: new Map(), members: members.names });
    if (value !== null && !(Array.isArray(value) && value.length === 0)) values[slug] = value;
  }
  return { id: entry.id.entry_id, list, recordId: entry.parent_record_id, object: entry.parent_object, values };
}

export function entryText(verb: string, entry: Entry): string {
  const values = Object.entries(entry.values)
    .map(([slug, value]) => `${slug}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join(' · ');
  return `${verb} entry [${entry.id}] of ${entry.object} record ${entry.recordId} in ${entry.list}${values ? `: ${values}` : ''}.`;
}

export async function listSchema(context: AttioToolContext, name: string) {
  const list = await context.catalog.list(name);
  const [set, members] = await Promise.all([
    context.catalog.attributes({ kind: 'lists', slug: list.slug }),
    context.catalog.members(),
  ]);
  return { list, set, members };
}

export const entryValues = z
  .record(z.string(), z.unknown())
  .describe('List attribute slug → value, e.g. {"stage":"Qualified"}');

/**
 * The id of `recordId`'s one entry in `list`. A record in the list more than once cannot be told
 * apart by record: `several` says what to do instead (the entry ids are given to it).
 */
export async function entryOfRecord(
  context: AttioToolContext,
  list: string,
  object: string,
  recordId: string,
  answers: { none: string; several: (entryIds: string[]) => string },
): Promise<string> {
  const { data } = await context.attio.recordEntries(object, recordId);
  const ids = data.filter((e) => e.list_api_slug === list).map((e) => e.entry_id);
  const [only] = ids;
  if (!only) throw new ToolError(answers.none);
  if (ids.length > 1) throw new ToolError(answers.several(ids));
  return only;
}
