import { describe, expect, it } from 'vitest';
import { type Relation, schemaText } from './schema';

const deals: Relation = {
  schema: 'public',
  name: 'deals',
  kind: 'table',
  rls: true,
  comment: 'Opportunities.',
  writes: ['insert', 'update'],
  primary_key: ['id'],
  columns: [
    { name: 'id', type: 'bigint', not_null: true, default: true, comment: null },
    { name: 'company_id', type: 'bigint', not_null: false, default: false, comment: null },
    { name: 'stage', type: 'text', not_null: true, default: false, comment: 'won or lost' },
  ],
  foreign_keys: [{ columns: ['company_id'], references: 'public.companies', to: ['id'] }],
};

describe('the schema as the model reads it', () => {
  it('one line per table (kind, RLS, what you may change, key, comment), one per column', () => {
    expect(schemaText({ relations: [deals] })).toBe(
      [
        'deals: table; RLS on; you may insert, update; key (id) — Opportunities.',
        '  id bigint not null default',
        '  company_id bigint → companies.id',
        '  stage text not null — won or lost',
      ].join('\n'),
    );
  });

  it('qualifies names outside public, and says a table without RLS or writes', () => {
    const view: Relation = {
      ...deals,
      schema: 'reports',
      name: 'pipeline',
      kind: 'view',
      rls: false,
      comment: null,
      writes: [],
      primary_key: null,
      foreign_keys: null,
      columns: [],
    };
    const open: Relation = { ...view, name: 'open', kind: 'table' };
    expect(schemaText({ relations: [view, open] })).toBe(
      'reports.pipeline: view; read only\nreports.open: table; RLS off; read only',
    );
  });

  it('says when the role can read nothing', () => {
    expect(schemaText({ relations: [] })).toBe('This role can read no table or view.');
  });
});
