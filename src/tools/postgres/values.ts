/**
 * Query results as a person reads them, and as few tokens as a model can take in: columns named
 * once, rows as arrays, each value in the form it is written (dates and times ISO 8601, exact
 * numbers as strings, JSON compact, bytes as hex), long values cut with a note of what was left.
 */

/** Postgres type oids that need rendering of their own (pg_type.dat). */
export const TYPE = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  jsonb: 3802,
} as const;

/**
 * Types `pg` would turn into JavaScript objects that lose something: a `Date` drops microseconds
 * and the time zone (and puts a date at local midnight), an interval becomes an object. They stay
 * Postgres's text (ISO, in UTC: run-as-user.ts pins TimeZone and DateStyle) and are rendered here.
 * Arrays of them, and the geometric types, stay text too.
 */
export const KEPT_AS_TEXT: ReadonlySet<number> = new Set([
  TYPE.date,
  TYPE.time,
  TYPE.timestamp,
  TYPE.timestamptz,
  TYPE.interval,
  TYPE.timetz,
  1182, // date[]
  1183, // time[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1270, // timetz[]
  600, // point
  601, // lseg
  602, // path
  603, // box
  604, // polygon
  628, // line
  718, // circle
]);

/** Characters of one value shown at most; the rest is summarised. */
export const CELL_LIMIT = 2000;
/** Bytes of a bytea shown at most, as hex. */
export const BYTES_SHOWN = 32;

export type Cell = string | number | boolean | null | Cell[] | { [key: string]: Cell };

/** One value as `pg` parsed it (with `KEPT_AS_TEXT` left as text), rendered for people and models. */
export function renderCell(value: unknown, typeId: number): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return renderText(value, typeId);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value); // NaN, Infinity
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Uint8Array) return renderBytes(value);
  if (Array.isArray(value)) return capStructure(value.map((item) => renderCell(item, 0)));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'object') return capStructure(renderObject(value as Record<string, unknown>));
  return cap(String(value));
}

function renderText(text: string, typeId: number): Cell {
  switch (typeId) {
    case TYPE.int8:
    case TYPE.oid: {
      // bigint comes as text: a number when exact, else the digits as written.
      const number = Number(text);
      return Number.isSafeInteger(number) ? number : text;
    }
    case TYPE.timestamptz:
      return isoTimestamp(text, true);
    case TYPE.timestamp:
      return isoTimestamp(text, false);
    default:
      // numeric stays a string: a JavaScript number would round 0.1 + 0.2 and big amounts.
      return cap(text);
  }
}

const TIMESTAMP = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::\d\d){0,2})?$/;

/**
 * `2026-11-18 09:30:00+00` → `2026-11-18T09:30:00Z`; without a zone (timestamp) the same without
 * `Z`. BC dates and infinity keep Postgres's own words, which ISO 8601 has no form for.
 */
export function isoTimestamp(text: string, withZone: boolean): string {
  const match = TIMESTAMP.exec(text);
  if (!match) return text;
  const [, date, time, zone] = match;
  if (!withZone || zone === undefined) return `${date}T${time}`;
  const [hours = '+00', minutes = '00', seconds] = zone.split(':');
  if (seconds !== undefined) return text; // a historical offset with seconds (LMT): no ISO form
  return hours === '+00' && minutes === '00' ? `${date}T${time}Z` : `${date}T${time}${hours}:${minutes}`;
}

/** `\x` and hex, as Postgres writes bytea, the first bytes only when long. */
export function renderBytes(bytes: Uint8Array): string {
  const shown = [...bytes.subarray(0, BYTES_SHOWN)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return bytes.length > BYTES_SHOWN ? `\\x${shown}… (${bytes.length} bytes)` : `\\x${shown}`;
}

function renderObject(value: Record<string, unknown>): Cell {
  const out: Record<string, Cell> = {};
  for (const [key, item] of Object.entries(value)) out[key] = renderCell(item, 0);
  return out;
}

function cap(text: string): string {
  return text.length > CELL_LIMIT
    ? `${text.slice(0, CELL_LIMIT)}… (${text.length - CELL_LIMIT} more characters)`
    : text;
}

/** JSON and arrays stay structured unless long: then their compact text, cut. */
function capStructure(value: Cell): Cell {
  const text = JSON.stringify(value);
  return text.length > CELL_LIMIT ? cap(text) : value;
}

/**
 * The text form of a result: a header of column names, then one line per row, cells separated by
 * ` | `. Nulls read `null`; a string's own `|` and line breaks are escaped (`\|`, `\n`) so each row
 * stays one line; JSON is compact.
 */
export function tableText(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly string[]) => cells.join(' | ');
  return [line(columns.map(escapeCell)), ...rows.map((row) => line(row.map(cellText)))].join('\n');
}

function cellText(cell: Cell): string {
  if (cell === null) return 'null';
  if (typeof cell === 'string') return escapeCell(cell);
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return escapeCell(JSON.stringify(cell));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '\\n').replace(/\t/g, ' ');
}
