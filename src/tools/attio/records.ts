import { z } from 'zod';
import type { AttioRecord } from '../../attio/schemas';
import type { AttributeSet } from './catalog';
import type { AttioToolContext } from './context';
import { type CompactValue, currentValues, flattenValues, type Names, recordName } from './values';

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

/**
 * The fields to show: those asked for, else the object's defaults plus what a filter or sort
 * mentioned, less the fields the filter fixes to one value (the answer states those once).
 */
export function chooseFields(
  set: AttributeSet,
  asked: readonly string[] | undefined,
  mentioned: Iterable<string> = [],
  fixed: ReadonlyMap<string, unknown> = new Map(),
) {
  if (asked?.length) return [...new Set(asked)];
  const defaults =
    DEFAULT_FIELDS[set.parent.slug]?.filter((slug) => set.bySlug.has(slug)) ??
    set.attributes
      .filter((a) => a.writable && a.slug !== 'record_id')
      .slice(0, 4)
      .map((a) => a.slug);
  const isFixed = (slug: string) => [...fixed.keys()].some((key) => key === slug || key.startsWith(`${slug}.`));
  return [...new Set([...defaults, ...mentioned])].filter((slug) => !isFixed(slug));
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
  bareCurrency: ReadonlySet<string> = new Set(),
): Promise<RecordView[]> {
  const names = await resolveNames(context, set, records, fields);
  return records.map((record) => {
    const view: RecordView = { id: record.id.record_id };
    for (const slug of fields) {
      const value = flattenValues(record.values[slug], set.bySlug.get(slug), names, {
        bareCurrency: bareCurrency.has(slug),
      });
      if (value !== null && !(Array.isArray(value) && value.length === 0)) view[slug] = value;
    }
    if (record.web_url) view.url = record.web_url;
    return view;
  });
}

/**
 * A list of records: like `viewRecords`, but a currency field whose values all share one currency
 * gives bare amounts, and the currency is stated once (`currencies`) instead of on every row.
 */
export async function viewRecordList(
  context: AttioToolContext,
  set: AttributeSet,
  records: readonly AttioRecord[],
  fields: readonly string[],
): Promise<{ records: RecordView[]; currencies: Record<string, string> }> {
  const currencies: Record<string, string> = {};
  for (const slug of fields) {
    if (set.bySlug.get(slug)?.type !== 'currency') continue;
    const codes = new Set(
      records.flatMap((r) =>
        currentValues(r.values[slug]).map((v) => (v as { currency_code?: unknown }).currency_code),
      ),
    );
    const [code] = codes;
    if (codes.size === 1 && typeof code === 'string') currencies[slug] = code;
  }
  const views = await viewRecords(context, set, records, fields, new Set(Object.keys(currencies)));
  return { records: views, currencies };
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
 * The short text form: a table, one row per record, the record id last. A header names each
 * field once instead of on every row; references show their name (ids are in the structured
 * content).
 */
export function recordLines(
  views: readonly RecordView[],
  fields: readonly string[],
  currencies: Readonly<Record<string, string>> = {},
): string {
  const shown = fields.filter((slug) => views.some((view) => view[slug] !== undefined));
  const cell = (value: CompactValue | undefined) => show(value).replace(/[|\n]/g, ' ');
  const header = shown.map((slug) => (currencies[slug] ? `${slug} (${currencies[slug]})` : slug));
  const rows = views.map((view) => [...shown.map((slug) => cell(view[slug])), view.id].join(' | '));
  return [[...header, 'id'].join(' | '), ...rows].join('\n');
}

/** One record, one `field: value` per line: for details, where a table of one row reads badly. */
export function recordDetails(view: RecordView, fields: readonly string[]): string {
  return [
    ...fields.filter((slug) => view[slug] !== undefined).map((slug) => `${slug}: ${show(view[slug])}`),
    `id: ${view.id}`,
  ].join('\n');
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
    text: `${verb} ${object.singular.toLowerCase()}:\n${recordDetails(view, fields)}`,
  };
}
