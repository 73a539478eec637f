import { describe, expect, it } from 'vitest';
import { countLabel, countMatches, factorConstantColumns, tableText, toTable } from './records';
import { shortTime } from './values';

describe('list answers as tables', () => {
  const views = [
    { id: 'a1', name: 'Acme', stage: 'Won', company: { id: 'c1', name: 'Acme Corp' } },
    { id: 'b2', name: 'Bolt', company: { id: 'c2', name: null } },
  ];

  it('names each field once, puts the id last, and shows a reference by name (its id when unnamed)', () => {
    const table = toTable(views, ['name', 'stage', 'company', 'unused']);
    expect(table).toEqual({
      columns: ['name', 'stage', 'company', 'id'],
      rows: [
        ['Acme', 'Won', 'Acme Corp', 'a1'],
        ['Bolt', null, 'c2', 'b2'],
      ],
    });
    expect(tableText(table, { stage: 'USD' })).toBe(
      'name | stage (USD) | company | id\nAcme | Won | Acme Corp | a1\nBolt | — | c2 | b2',
    );
  });

  it('says a value every row shares once, from three rows on, never the name or id', () => {
    const table = {
      columns: ['name', 'stage', 'id'],
      rows: [
        ['A', 'Won', '1'],
        ['B', 'Won', '2'],
        ['C', 'Won', '3'],
      ],
    };
    expect(factorConstantColumns(table, ['name', 'id'])).toEqual({
      table: {
        columns: ['name', 'id'],
        rows: [
          ['A', '1'],
          ['B', '2'],
          ['C', '3'],
        ],
      },
      same: { stage: 'Won' },
    });
    const two = {
      columns: ['stage', 'id'],
      rows: [
        ['Won', '1'],
        ['Won', '2'],
      ],
    };
    expect(factorConstantColumns(two, ['id']).table).toBe(two);
  });
});

describe('counting what a cut answer leaves out', () => {
  it('pages on 500 at a time until a short page, and stops at the bound', async () => {
    const pages: [number, number][] = [];
    const exact = await countMatches(async (offset, limit) => {
      pages.push([offset, limit]);
      return Array.from({ length: offset < 520 ? limit : 37 });
    }, 20);
    expect(exact).toEqual({ total: 557, atLeast: false });
    expect(pages).toEqual([
      [20, 500],
      [520, 500],
    ]);
    const bounded = await countMatches(async (_offset, limit) => Array.from({ length: limit }), 20);
    expect(bounded).toEqual({ total: 1020, atLeast: true });
  });

  it('labels a page with how many match in all', () => {
    expect(countLabel(9, 0, { total: 9, atLeast: false }, 'deals')).toBe('9 deals');
    expect(countLabel(20, 0, { total: 57, atLeast: false }, 'deals')).toBe('20 of 57 deals');
    expect(countLabel(20, 20, { total: 57, atLeast: false }, 'deals')).toBe('21–40 of 57 deals');
    expect(countLabel(20, 0, { total: 1020, atLeast: true }, 'deals')).toBe('20 of at least 1020 deals');
  });
});

it('gives times to the minute in UTC, a date alone at midnight', () => {
  expect(shortTime('2025-11-05T09:12:34.000000000Z')).toBe('2025-11-05 09:12');
  expect(shortTime('2025-11-05T00:00:00Z')).toBe('2025-11-05');
  expect(shortTime('soon')).toBe('soon');
});
