import { z } from 'zod';
import type { AttioRecord } from '../../attio/schemas';
import { type AttributeSet, requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { mentionsActor, normalizeFilter, normalizeSorts, type SortInput } from './filter';
import { type CompactValue, currentValues, flattenValues, type Names, recordName } from './values';

/** At most this many records in one answer; the answer says how to get the next page. */
export const MAX_RECORDS = 50;

/** The fields shown when the caller names none: enough to recognise a record, few enough to stay cheap. */
const DEFAULT_FIELDS: Record<string, string[]> = {
  companies: ['name', 'domains'],
  people: ['name', 'email_addresses', 'job_title', 'company'],
  deals: ['name', 'stage', 'value', 'associated_company'],
};

const LIST_DEFAULT_TYPES = new Set(['status', 'actor-reference', 'currency', 'number', 'date', 'record-reference']);

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
    (set.parent.kind === 'objects' ? DEFAULT_FIELDS[set.parent.slug] : undefined)?.filter((slug) =>
      set.bySlug.has(slug),
    ) ??
    (set.parent.kind === 'lists'
      ? // What a pipeline is about: its stage, owner, amounts and dates, not its free-text notes.
        set.attributes.filter((a) => a.writable && LIST_DEFAULT_TYPES.has(a.type)).slice(0, 6)
      : set.attributes.filter((a) => a.writable && a.slug !== 'record_id').slice(0, 4)
    ).map((a) => a.slug);
  const isFixed = (slug: string) => [...fixed.keys()].some((key) => key === slug || key.startsWith(`${slug}.`));
  return [...new Set([...defaults, ...mentioned])].filter((slug) => !isFixed(slug));
}

/**
 * A filter as the model gave it, in Attio's form against the attribute set (see filter.ts). Owners
 * given by email, name or "me" are looked up; members are listed only for such a filter, as
 * listing them needs Attio's user_management:read.
 */
export async function queryFilter(context: AttioToolContext, set: AttributeSet, given?: Record<string, unknown>) {
  if (!given) return { filter: undefined, mentioned: new Set<string>(), fixed: new Map<string, unknown>() };
  const members = mentionsActor(set, given) ? (await context.catalog.members()).lookup : new Map();
  return normalizeFilter(set, given, { me: context.member.id, members });
}

/** A query as the model asked for it: the filter (`queryFilter`), the sorts, and the fields to show. */
export async function planQuery(
  context: AttioToolContext,
  set: AttributeSet,
  input: { filter?: Record<string, unknown>; sorts?: readonly SortInput[]; fields?: readonly string[] },
) {
  const { filter, mentioned, fixed } = await queryFilter(context, set, input.filter);
  const sorts = normalizeSorts(set, input.sorts ?? []);
  const fields = chooseFields(set, input.fields, [...mentioned, ...sorts.map((s) => s.attribute)], fixed);
  for (const slug of fields) requireAttribute(set, slug);
  return { filter, fixed, sorts, fields };
}

/**
 * One page of a query, and how many match in all when the page is cut. One more row than asked
 * tells whether another page exists without a count query (Attio has none); only then are the
 * rest counted, within a bound (`countMatches`).
 */
export async function pageWithTotal<Row>(
  query: (params: { limit: number; offset: number; sorted: boolean }) => Promise<readonly Row[]>,
  limit: number,
  offset: number,
) {
  const rows = await query({ limit: limit + 1, offset, sorted: true });
  const page = rows.slice(0, limit);
  const cut = rows.length > limit;
  const count = cut
    ? await countMatches((from, size) => query({ limit: size, offset: from, sorted: false }), offset + limit)
    : { total: offset + page.length, atLeast: false };
  return { page, count, nextOffset: cut ? offset + limit : undefined };
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

/** The names of records, by id, for record ids grouped by object: one query per object. */
export async function recordNames(
  context: AttioToolContext,
  byObject: ReadonlyMap<string, Iterable<string>>,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    [...byObject].map(async ([object, given]) => {
      const ids = [...new Set(given)];
      if (!ids.length) return;
      const { data } = await context.attio.queryRecords(object, {
        filter: { record_id: { $in: ids } },
        limit: ids.length,
      });
      for (const record of data) {
        const name = recordName(record.values);
        if (name) names.set(record.id.record_id, name);
      }
    }),
  );
  return names;
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
  const [members, records] = await Promise.all([
    needMembers ? context.catalog.members().then((m) => m.names) : new Map<string, string>(),
    recordNames(context, wanted),
  ]);
  const names: Names = { records, members };
  return names;
}

/**
 * A list answer, compactly: each field named once (`columns`), then one row of values per record
 * with its id last, so an id appears once and no key is repeated per row. References show the
 * referenced record's name (get_record gives its id).
 */
export const TableOutput = {
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())),
};

/** The inputs `query_records` and `list_entries` share: a filter and sorts (`planQuery`), then a page. */
export const FilterAndSortsInput = {
  filter: z.record(z.string(), z.unknown()).optional(),
  sorts: z
    .array(z.object({ attribute: z.string(), direction: z.enum(['asc', 'desc']).default('asc') }))
    .max(3)
    .optional(),
};
export const PageInput = {
  limit: z.number().int().min(1).max(MAX_RECORDS).default(20),
  offset: z.number().int().min(0).max(1e5).default(0),
};

/** A table of records or entries, with how many match in all and how to get the next page. */
export const RecordTableOutput = {
  ...TableOutput,
  total: z.number().describe('Matches in all'),
  totalIsLowerBound: z.boolean().optional(),
  nextOffset: z.number().optional(),
  where: z.unknown().optional().describe('Values fixed for every row'),
  currencies: z.unknown().optional(),
};
export interface Table {
  columns: string[];
  rows: unknown[][];
}

export function toTable(views: readonly RecordView[], fields: readonly string[]): Table {
  const shown = fields.filter((slug) => views.some((view) => view[slug] !== undefined));
  return {
    columns: [...shown, 'id'],
    rows: views.map((view) => [...shown.map((slug) => cellValue(view[slug])), view.id]),
  };
}

function cellValue(value: CompactValue | undefined): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(cellValue);
  if (value !== null && typeof value === 'object') return value.name ?? value.id;
  return value;
}

/**
 * Columns whose value is the same on every row (a view's stage, say) are said once instead of on
 * each row: they move to `same`, like the values a filter fixes.
 */
export function factorConstantColumns(
  table: Table,
  keep: readonly string[],
): { table: Table; same: Record<string, unknown> } {
  const same: Record<string, unknown> = {};
  if (table.rows.length < 3) return { table, same };
  const drop = table.columns.flatMap((column, i) => {
    if (keep.includes(column)) return [];
    const first = JSON.stringify(table.rows[0]?.[i]);
    const constant = table.rows[0]?.[i] !== null && table.rows.every((row) => JSON.stringify(row[i]) === first);
    if (constant) same[column] = table.rows[0]?.[i];
    return constant ? [i] : [];
  });
  return {
    table: {
      columns: table.columns.filter((_, i) => !drop.includes(i)),
      rows: table.rows.map((row) => row.filter((_, i) => !drop.includes(i))),
    },
    same,
  };
}

/**
 * A page of records as a table answer: the structured form (what the filter fixed, the
 * currencies, the table, the total and the next page) and the text form's table with its
 * next-page line. `heading` starts the text ("20 of 57 deals where stage = Nurture").
 */
export function tableAnswer(parts: {
  heading: string;
  table: Table;
  currencies: Record<string, string>;
  fixed: readonly (readonly [string, unknown])[];
  count: { total: number; atLeast: boolean };
  nextOffset: number | undefined;
}) {
  const { table, currencies, fixed, count, nextOffset } = parts;
  return {
    structured: {
      ...(fixed.length ? { where: Object.fromEntries(fixed) } : {}),
      ...(Object.keys(currencies).length ? { currencies } : {}),
      ...table,
      total: count.total,
      ...(count.atLeast ? { totalIsLowerBound: true } : {}),
      ...(nextOffset !== undefined ? { nextOffset } : {}),
    },
    text: `${parts.heading}:\n${tableText(table, currencies)}${nextOffset !== undefined ? `\nNext page: offset ${nextOffset}.` : ''}`,
  };
}

/** The text form of a table: a header (currencies stated once), then one line per row. */
export function tableText(table: Table, currencies: Readonly<Record<string, string>> = {}): string {
  const cell = (value: unknown): string =>
    value === null || value === undefined
      ? '—'
      : Array.isArray(value)
        ? value.map(cell).join(', ')
        : String(value).replace(/[|\n]/g, ' ');
  const header = table.columns.map((slug) => (currencies[slug] ? `${slug} (${currencies[slug]})` : slug));
  return [header.join(' | '), ...table.rows.map((row) => row.map(cell).join(' | '))].join('\n');
}

/** Attio has no count: a cut answer pages on through the rest (500 at a time) to say how many match, up to this bound. */
export const COUNT_BOUND = 1_000;

export async function countMatches(
  page: (offset: number, limit: number) => Promise<readonly unknown[]>,
  from: number,
): Promise<{ total: number; atLeast: boolean }> {
  let counted = 0;
  for (;;) {
    const limit = Math.min(500, COUNT_BOUND - counted);
    if (limit <= 0) return { total: from + counted, atLeast: true };
    const rows = await page(from + counted, limit);
    counted += rows.length;
    if (rows.length < limit) return { total: from + counted, atLeast: false };
  }
}

/** "20 of 57 deals", "9 deals", "20 of at least 1020 deals". */
export function countLabel(shown: number, offset: number, count: { total: number; atLeast: boolean }, noun: string) {
  if (!count.atLeast && count.total === offset + shown && offset === 0) return `${shown} ${noun}`;
  const range = offset ? `${offset + 1}–${offset + shown}` : String(shown);
  return `${range} of ${count.atLeast ? 'at least ' : ''}${count.total} ${noun}`;
}

/** One record, one `field: value` per line: for details, where a table of one row reads badly. */
export function recordDetails(view: Partial<RecordView>, fields: readonly string[]): string {
  return [
    ...fields.filter((slug) => view[slug] !== undefined).map((slug) => `${slug}: ${show(view[slug])}`),
    ...(view.id ? [`id: ${view.id}`] : []),
  ].join('\n');
}

function show(value: CompactValue | undefined): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') return value.name ?? value.id;
  return String(value);
}

/**
 * The answer to a write: the record's name and the fields that were written, as stored now. The
 * id is given only when the caller did not pass it (a record created or found by upsert).
 */
export async function writtenRecord(
  context: AttioToolContext,
  set: AttributeSet,
  object: { slug: string; singular: string },
  record: AttioRecord,
  written: readonly string[],
  verb: string,
  knownId?: string,
) {
  const fields = [...new Set(['name', ...written])].filter((slug) => set.bySlug.has(slug));
  const [view] = await viewRecords(context, set, [record], fields);
  if (!view) throw new Error('unreachable: one record in, one view out');
  const { url: _url, id, ...values } = view;
  const shown = knownId === id ? values : { ...values, id };
  return {
    structured: { record: shown },
    text: `${verb} ${object.singular.toLowerCase()}:\n${recordDetails(shown, fields)}`,
  };
}
