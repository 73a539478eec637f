import { describe, expect, it } from 'vitest';
import { describeFailure, where } from './query';

describe('where a statement went wrong, as psql shows it', () => {
  it('points at the character on its line', () => {
    expect(where('select id\nfrom deals\nwhere stage = = 1', 36)).toBe(
      '\nLINE 3: where stage = = 1\n                      ^',
    );
    expect(where('select * form deals', 10)).toBe('\nLINE 1: select * form deals\n                 ^');
  });

  it('shows a window of a long line', () => {
    const sql = `select ${'a, '.repeat(60)}bad bad`;
    const shown = where(sql, sql.indexOf('bad bad') + 5);
    const [, line = '', caret = ''] = shown.split('\n');
    expect(line.startsWith('LINE 1: …')).toBe(true);
    expect(line[caret.length - 1]).toBe('b');
  });

  it('says nothing without a position', () => {
    expect(where('select 1', undefined)).toBe('');
  });
});

describe('why a statement did not run', () => {
  it('a refusal says what is not allowed, and where', () => {
    expect(
      describeFailure(
        { kind: 'refused', code: 'function_not_allowed', message: 'set_config() is not allowed: …', position: 8 },
        'select set_config(1)',
      ),
    ).toBe('Not run: set_config() is not allowed: …\nLINE 1: select set_config(1)\n               ^');
  });

  it("Postgres's own error keeps its SQLSTATE, detail and hint", () => {
    expect(
      describeFailure(
        {
          kind: 'database',
          message: 'new row violates row-level security policy for table "deals"',
          code: '42501',
          detail: 'Failing row contains (…).',
          hint: 'Check the policy.',
        },
        'insert into deals …',
      ),
    ).toBe(
      'Postgres: new row violates row-level security policy for table "deals" (SQLSTATE 42501)\nDETAIL: Failing row contains (…).\nHINT: Check the policy.',
    );
  });

  it('a timeout says how to do less', () => {
    expect(
      describeFailure({ kind: 'timeout', message: 'The query ran longer than 5000 ms and was cancelled.' }, ''),
    ).toBe(
      'The query ran longer than 5000 ms and was cancelled. Filter with WHERE, add a LIMIT, or aggregate, so it does less.',
    );
  });
});
