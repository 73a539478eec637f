/**
 * What `get_schema` tells the model: the tables and views the person's role can read, their
 * columns and types, keys and foreign keys (how to join), comments, and which have row-level
 * security. Read from the catalog as that role, in a read-only transaction, so privileges decide
 * what is listed: a table the role cannot read (auth.users on Supabase) is not there, nor is a
 * foreign key that points to one.
 */
import { z } from 'zod';
import type { QueryClient } from './run-as-user';

const Column = z.object({
  name: z.string(),
  type: z.string(),
  not_null: z.boolean(),
  /** Has a default, an identity or is generated: an INSERT may leave it out. */
  default: z.boolean(),
  comment: z.string().nullable(),
});

const ForeignKey = z.object({
  columns: z.array(z.string()),
  /** `schema.table` */
  references: z.string(),
  to: z.array(z.string()),
});

export const Relation = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.enum(['table', 'view', 'materialized view', 'foreign table']),
  /** Row-level security is on: policies decide which rows the person sees and changes. */
  rls: z.boolean(),
  comment: z.string().nullable(),
  /** What the role may do besides reading: insert, update, delete. */
  writes: z.array(z.string()),
  primary_key: z.array(z.string()).nullable(),
  columns: z.array(Column),
  foreign_keys: z.array(ForeignKey).nullable(),
});
export type Relation = z.infer<typeof Relation>;

export const DatabaseSchema = z.object({ relations: z.array(Relation) });
export type DatabaseSchema = z.infer<typeof DatabaseSchema>;

/** Column names of a key, in key order. */
const keyColumns = (keys: string, relation: string) => `(select array_agg(a.attname::text order by k.i)
  from unnest(${keys}) with ordinality k(attnum, i)
  join pg_attribute a on a.attrelid = ${relation} and a.attnum = k.attnum)`;

// One round trip: everything as one JSON value. Privilege functions answer for the current role,
// which the transaction has switched to the person's.
const SCHEMA_SQL = `select coalesce(json_agg(r order by r.schema, r.name), '[]') as relations from (
  select n.nspname::text as schema, c.relname::text as name,
    case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end as kind,
    c.relrowsecurity as rls,
    obj_description(c.oid, 'pg_class') as comment,
    array_remove(array[
      case when has_table_privilege(c.oid, 'INSERT') then 'insert' end,
      case when has_table_privilege(c.oid, 'UPDATE') then 'update' end,
      case when has_table_privilege(c.oid, 'DELETE') then 'delete' end], null) as writes,
    (select ${keyColumns('p.conkey', 'p.conrelid')} from pg_constraint p where p.conrelid = c.oid and p.contype = 'p') as primary_key,
    coalesce((select json_agg(json_build_object(
        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'not_null', a.attnotnull,
        'default', a.atthasdef or a.attidentity <> '' or a.attgenerated <> '',
        'comment', col_description(c.oid, a.attnum)) order by a.attnum)
      from pg_attribute a
      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        and has_column_privilege(c.oid, a.attnum, 'SELECT')), '[]') as columns,
    (select json_agg(json_build_object(
        'columns', ${keyColumns('f.conkey', 'f.conrelid')},
        'references', fn.nspname || '.' || fc.relname,
        'to', ${keyColumns('f.confkey', 'f.confrelid')}) order by f.conname)
      from pg_constraint f
      join pg_class fc on fc.oid = f.confrelid
      join pg_namespace fn on fn.oid = fc.relnamespace
      where f.conrelid = c.oid and f.contype = 'f' and has_table_privilege(f.confrelid, 'SELECT')) as foreign_keys
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
    and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
    and has_schema_privilege(n.oid, 'USAGE')
    and has_any_column_privilege(c.oid, 'SELECT')
) r`;

const SETUP = `SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`;

/** Reads the schema as `role` with `claims`, in a read-only transaction that leaves nothing behind. */
export async function readSchema(
  client: QueryClient,
  identity: { role: string; claims: Readonly<Record<string, unknown>> },
): Promise<DatabaseSchema> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query({ text: SETUP, values: [identity.role, JSON.stringify(identity.claims)] });
    const result = await client.query(SCHEMA_SQL);
    return DatabaseSchema.parse(result.rows[0]);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** A table's name as a statement can write it: unqualified in `public`. */
export function relationName(relation: Pick<Relation, 'schema' | 'name'>): string {
  return relation.schema === 'public' ? relation.name : `${relation.schema}.${relation.name}`;
}

/**
 * The schema as the model reads it, lean: one line per table or view (its kind, RLS, what the role
 * may change, its comment), one per column (type, not null, default, the key it references, its
 * comment). Names in `public` go unqualified, as a statement can write them.
 */
export function schemaText(schema: DatabaseSchema): string {
  if (schema.relations.length === 0) return 'This role can read no table or view.';
  const named = (qualified: string) => qualified.replace(/^public\./, '');
  const blocks = schema.relations.map((relation) => {
    const references = new Map<string, string>();
    for (const key of relation.foreign_keys ?? []) {
      key.columns.forEach((column, i) => {
        references.set(column, `${named(key.references)}.${key.to[i] ?? '?'}`);
      });
    }
    const facts = [
      relation.kind,
      relation.rls ? 'RLS on' : relation.kind === 'table' ? 'RLS off' : undefined,
      relation.writes.length > 0 ? `you may ${relation.writes.join(', ')}` : 'read only',
      relation.primary_key ? `key (${relation.primary_key.join(', ')})` : undefined,
    ].filter(Boolean);
    const title = `${relationName(relation)}: ${facts.join('; ')}${relation.comment ? ` — ${relation.comment}` : ''}`;
    const columns = relation.columns.map((column) => {
      const parts = [column.name, column.type];
      if (column.not_null) parts.push('not null');
      if (column.default) parts.push('default');
      const target = references.get(column.name);
      if (target) parts.push(`→ ${target}`);
      return `  ${parts.join(' ')}${column.comment ? ` — ${column.comment}` : ''}`;
    });
    return [title, ...columns].join('\n');
  });
  return blocks.join('\n');
}
