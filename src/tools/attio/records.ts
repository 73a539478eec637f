import { z } from 'zod';
import type { AttioRecord } from '../../attio/schemas';
import type { AttributeSet } from './catalog';
import type { AttioToolContext } from './context';
import { type CompactValue, flattenValues, type Names, recordName } from './values';

/** At most this many records in one answer; the answer says how to get the next page. */
export const MAX_RECORDS = 50;

/** The fields shown when the caller names none: enough to recognise a record, few enough to stay cheap. */
const DEFAULT_FIELDS: Record<string, string[]> = {
  companies: ['name', 'domains'],
  people: ['name', 'email_addresses', 'job_title', 'company'],
  deals: ['name', 'stage', 'value', 'associated_company'],
};

/** A record as tools answer it: id, web URL, and the chosen fields flattened. */
export const RecordView = z.looseObject({ id: z.string(), url: z.string().optional() });
export type RecordView = { id: string; url?: string } & { [field: string]: CompactValue | undefined };

/** The fields to show: those asked for, else the object's defaults plus what a filter or sort mentioned. */
export function chooseFields(
  set: AttributeSet,
  asked: readonly string[] | undefined,
  mentioned: Iterable<string> = [],
) {
  if (asked?.length) return [...new Set(asked)];
  const defaults =
    DEFAULT_FIELDS[set.parent.slug]?.filter((slug) => set.bySlug.has(slug)) ??
    set.attributes
      .filter((a) => a.writable && a.slug !== 'record_id')
      .slice(0, 4)
      .map((a) => a.slug);
  return [...new Set([...defaults, ...mentioned])];
}

/**
 * Flattens records to the chosen fields. Referenced records are named with one query per
 * referenced object (never expanded further), and owners by the workspace's member list.
 */
export async function viewRecords(
  context: AttioToolContext,
  set: AttributeSet,
  records: readonly AttioRecord[],
  fields: readonly string[],
): Promise<RecordView[]> {
  const names = await resolveNames(context, set, records, fields);
  return records.map((record) => {
    const view: RecordView = { id: record.id.record_id };
    for (const slug of fields) {
      const value = flattenValues(record.values[slug], set.bySlug.get(slug), names);
      if (value !== null && !(Array.isArray(value) && value.length === 0)) view[slug] = value;
    }
    if (record.web_url) view.url = record.web_url;
    return view;
  });
}

async function resolveNames(
  context: AttioToolContext,
  set: AttributeSet,
  fetched: readonly AttioRecord[],
  fields: readonly string[],
): Promise<Names> {
  const wanted = new Map<string, Set<string>>(); // object slug → record ids
  let needMembers = false;
  for (const slug of fields) {
    const type = set.bySlug.get(slug)?.type;
    if (type === 'actor-reference') needMembers = true;
    if (type !== 'record-reference') continue;
    for (const record of fetched) {
      for (const value of record.values[slug] ?? []) {
        const { target_object: object, target_record_id: id } = value as {
          target_object?: string;
          target_record_id?: string;
        };
        if (object && id) wanted.set(object, (wanted.get(object) ?? new Set()).add(id));
      }
    }
  }
  const records = new Map<string, string>();
  const [members] = await Promise.all([
    needMembers ? context.catalog.members().then((m) => m.names) : new Map<string, string>(),
    ...[...wanted].map(async ([object, ids]) => {
      const { data } = await context.attio.queryRecords(object, {
        filter: { record_id: { $in: [...ids] } },
        limit: ids.size,
      });
      for (const record of data) {
        const name = recordName(record.values);
        if (name) records.set(record.id.record_id, name);
      }
    }),
  ]);
  const names: Names = { records, members };
  return names;
}

/**
 * Lists share one web URL pattern (`…/deal/{id}/overview`) instead of repeating a URL per row:
 * a URL costs the model more tokens than the rest of a typical row. Rows keep their own URL
 * only when they do not all follow one pattern.
 */
export function factorUrls(views: RecordView[]): { records: RecordView[]; urlTemplate?: string } {
  const first = views[0];
  if (!first?.url?.includes(first.id)) return { records: views };
  const template = first.url.replace(first.id, '{id}');
  if (!views.every((v) => v.url === template.replace('{id}', v.id))) return { records: views };
  return { records: views.map(({ url: _url, ...rest }) => rest as RecordView), urlTemplate: template };
}

/**
 * The short text form: one line per record, fields in order, references by name. Ids are
 * kept so the model can act on a record without another call.
 */
export function recordLines(views: readonly RecordView[], fields: readonly string[]): string {
  return views
    .map((view) => {
      const parts = fields
        .filter((slug) => view[slug] !== undefined)
        .map((slug, index) => (index === 0 && slug === 'name' ? show(view[slug]) : `${slug}: ${show(view[slug])}`));
      return `- ${parts.join(' · ')} [${view.id}]`;
    })
    .join('\n');
}

function show(value: CompactValue | undefined): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') return value.name ?? value.id;
  return String(value);
}

/** The answer to a write: the record's name and the fields that were written, as stored now. */
export async function writtenRecord(
  context: AttioToolContext,
  set: AttributeSet,
  object: { slug: string; singular: string },
  record: AttioRecord,
  written: readonly string[],
  verb: string,
) {
  const fields = [...new Set(['name', ...written])].filter((slug) => set.bySlug.has(slug));
  const [view] = await viewRecords(context, set, [record], fields);
  if (!view) throw new Error('unreachable: one record in, one view out');
  return {
    structured: { object: object.slug, record: view },
    text: `${verb} ${object.singular.toLowerCase()}:\n${recordLines([view], fields)}${view.url ? `\n${view.url}` : ''}`,
  };
}
