import { describe, expect, it } from 'vitest';
import { BYTES_SHOWN, CELL_LIMIT, isoTimestamp, renderCell, TYPE, tableText } from './values';

describe('values as a person reads them', () => {
  it('writes times in ISO 8601, in UTC with Z', () => {
    expect(renderCell('2026-11-18 07:30:00+00', TYPE.timestamptz)).toBe('2026-11-18T07:30:00Z');
    expect(renderCell('2026-11-18 07:30:00.123456+00', TYPE.timestamptz)).toBe('2026-11-18T07:30:00.123456Z');
    expect(renderCell('2026-11-18 09:30:00+02', TYPE.timestamptz)).toBe('2026-11-18T09:30:00+02:00');
    expect(renderCell('2026-11-18 09:30:00+05:30', TYPE.timestamptz)).toBe('2026-11-18T09:30:00+05:30');
    expect(renderCell('2026-11-18 07:30:00', TYPE.timestamp)).toBe('2026-11-18T07:30:00');
    expect(renderCell('2026-12-20', TYPE.date)).toBe('2026-12-20');
  });

  it('keeps what ISO 8601 cannot say in Postgres’s words', () => {
    expect(renderCell('infinity', TYPE.timestamptz)).toBe('infinity');
    expect(renderCell('0044-03-15 12:00:00+00 BC', TYPE.timestamptz)).toBe('0044-03-15 12:00:00+00 BC');
    expect(isoTimestamp('1850-01-01 00:00:00-00:01:15', true)).toBe('1850-01-01 00:00:00-00:01:15');
    expect(renderCell('1 day 02:00:00', TYPE.interval)).toBe('1 day 02:00:00');
  });

  it('keeps exact numbers exact: numeric as written, bigint as a number only when safe', () => {
    expect(renderCell('1.10', TYPE.numeric)).toBe('1.10');
    expect(renderCell('123456789012345678901234567890.5', TYPE.numeric)).toBe('123456789012345678901234567890.5');
    expect(renderCell('48000', TYPE.int8)).toBe(48000);
    expect(renderCell('9007199254740993', TYPE.int8)).toBe('9007199254740993');
    expect(renderCell(42, TYPE.int4)).toBe(42);
    expect(renderCell(0.1, TYPE.float8)).toBe(0.1);
    expect(renderCell(Number.NaN, TYPE.float8)).toBe('NaN');
    expect(renderCell(Number.POSITIVE_INFINITY, TYPE.float8)).toBe('Infinity');
  });

  it('keeps JSON and arrays structured, booleans and nulls as they are', () => {
    expect(renderCell({ a: [1, 2], b: null }, TYPE.jsonb)).toEqual({ a: [1, 2], b: null });
    expect(renderCell([1, 2, 3], 1016)).toEqual([1, 2, 3]);
    expect(renderCell(true, TYPE.bool)).toBe(true);
    expect(renderCell(null, TYPE.int4)).toBeNull();
  });

  it('shows bytes as hex, the first ones only when long', () => {
    expect(renderCell(new Uint8Array([1, 2, 255]), TYPE.bytea)).toBe('\\x0102ff');
    const long = renderCell(new Uint8Array(1000), TYPE.bytea) as string;
    expect(long).toBe(`\\x${'00'.repeat(BYTES_SHOWN)}… (1000 bytes)`);
  });

  it('cuts a long value and says how much was left out', () => {
    const text = renderCell('x'.repeat(CELL_LIMIT + 5), 25) as string;
    expect(text).toBe(`${'x'.repeat(CELL_LIMIT)}… (5 more characters)`);
    const json = renderCell({ text: 'y'.repeat(CELL_LIMIT) }, TYPE.jsonb);
    expect(typeof json).toBe('string');
    expect(json as string).toMatch(/^\{"text":"y+… \(\d+ more characters\)$/);
  });
});

describe('the text table', () => {
  it('names the columns once, then one line per row, nulls as null and JSON compact', () => {
    expect(
      tableText(
        ['name', 'amount', 'doc', 'gone'],
        [
          ['Acme', 48000, { a: 1 }, null],
          ['Bolt', '1.10', [1, 2], true],
        ],
      ),
    ).toBe('name | amount | doc | gone\nAcme | 48000 | {"a":1} | null\nBolt | 1.10 | [1,2] | true');
  });

  it('keeps each row on one line whatever the strings hold', () => {
    expect(tableText(['note'], [['a | b\nc']])).toBe('note\na \\| b\\nc');
  });
});
