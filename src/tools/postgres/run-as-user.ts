/**
 * Runs one SQL statement as the signed-in user, the way PostgREST and Supabase's own server
 * helpers do: in a transaction of its own, switched to the configured role (Supabase:
 * `authenticated`), with the verified identity in `request.jwt.claims` so that auth.uid() and
 * auth.jwt() name the user, row-level security then deciding the rows.
 *
 * Each layer stops something the others do not:
 * - the guard (sql-guard.ts) refuses, before anything is sent, every statement that could rewrite
 *   that identity or leave the role: the database lets any session do so;
 * - the statement goes out alone over the extended query protocol, where the server itself
 *   refuses a second statement;
 * - the transaction is READ ONLY unless the grant may write and the statement writes;
 * - `statement_timeout` bounds the time, a cursor bounds the rows a read brings back;
 * - everything set is transaction-local (`set_config(…, true)`), so nothing stays on a pooled
 *   connection for the next user.
 *
 * Node and workerd alike: nothing here but `pg`'s client interface.
 */
import type { ClientBase, FieldDef, QueryArrayConfig, QueryArrayResult } from 'pg';
import { checkStatement, type RefusalCode, type StatementKind } from './sql-guard';
import type { SqlParser } from './sql-parser';

export interface UserQuery {
  sql: string;
  /** The verified identity, stored as `request.jwt.claims`; auth.uid() reads its `sub`. */
  claims: Readonly<Record<string, unknown>>;
  /** The database role the statement runs as (Supabase: `authenticated`). */
  role: string;
  /** The grant allows writes. */
  write: boolean;
  timeoutMs: number;
  /** The most rows returned; a note says when there were more. */
  rowCap: number;
}

export interface Column {
  name: string;
  /** The Postgres type oid, e.g. 25 for text. */
  dataTypeID: number;
}

export type QueryOutcome =
  | {
      ok: true;
      kind: StatementKind;
      /** SELECT, INSERT, UPDATE or DELETE. */
      command: string;
      columns: Column[];
      /** One array per row, in column order (column names may repeat). */
      rows: unknown[][];
      /** Writes: the rows the statement changed. Reads: the rows returned here. */
      rowCount: number;
      /** There were more rows than `rowCap`: `rows` holds the first `rowCap`. */
      truncated: boolean;
      /** For the user, when the result was cut. */
      note?: string;
    }
  | { ok: false; failure: QueryFailure };

export type QueryFailure =
  /** The guard refused the text before it was sent; syntax errors are Postgres's own message. */
  | { kind: 'refused'; code: RefusalCode; message: string; position?: number }
  /** `statement_timeout` cancelled the statement. */
  | { kind: 'timeout'; message: string }
  /** Postgres refused or failed the statement (permission, RLS check, constraint, bad column, …). */
  | {
      kind: 'database';
      message: string;
      /** SQLSTATE, e.g. 42501 insufficient_privilege. */
      code: string;
      /** 1-based character position in the user's SQL, when Postgres gave one. */
      position?: number;
      detail?: string;
      hint?: string;
    };

/** The client of one connection (a `pg` Client, or a PoolClient checked out for this call). */
export type QueryClient = Pick<ClientBase, 'query'>;

const CURSOR = 'mcp_user_query';
const DECLARE = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;

// The identity, the role and the limits, for this transaction only. standard_conforming_strings is
// pinned on because the guard's parser reads backslashes in '…' that way: were a role's default
// off, the server could see a string end where the guard did not. TimeZone and DateStyle are
// pinned so that times read the same whichever pooled connection runs the statement (values.ts
// renders them from Postgres's ISO text).
const SETUP = `SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
  set_config('standard_conforming_strings', 'on', true), set_config('statement_timeout', $3, true),
  set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true)`;

/**
 * The connection failed while the statement was in flight (not Postgres refusing it): for a write,
 * the change may or may not have been made.
 */
export class ConnectionFailed extends Error {
  override readonly name = 'ConnectionFailed';
  constructor(
    readonly kind: StatementKind,
    options: { cause: unknown },
  ) {
    super('The connection to the database failed during the statement.', options);
  }
}

/** Not a `pg` option in its types, but in its code: Parse/Bind/Execute even without parameters. */
type ExtendedQuery = QueryArrayConfig & { queryMode: 'extended' };

export async function runAsUser(client: QueryClient, parser: SqlParser, query: UserQuery): Promise<QueryOutcome> {
  const verdict = checkStatement(parser, query.sql, { write: query.write });
  if (!verdict.ok) {
    const { code, reason: message, position } = verdict;
    return {
      ok: false,
      failure:
        position === undefined ? { kind: 'refused', code, message } : { kind: 'refused', code, message, position },
    };
  }
  // A zero statement_timeout would mean none at all; the row cap is written into FETCH.
  for (const [name, value] of [
    ['timeoutMs', query.timeoutMs],
    ['rowCap', query.rowCap],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  const reads = verdict.kind === 'read';
  await client.query(reads ? 'BEGIN READ ONLY' : 'BEGIN READ WRITE');
  let statementRunning = false;
  try {
    await client.query({
      text: SETUP,
      values: [query.role, JSON.stringify(query.claims), String(query.timeoutMs)],
    });
    statementRunning = true;
    const outcome = reads ? await read(client, query) : await write(client, query);
    // A read has nothing to keep; a write's COMMIT can still fail (a deferred constraint).
    await client.query(reads ? 'ROLLBACK' : 'COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // Before the statement: our own setup failed (a role that does not exist, a lost connection).
    if (!statementRunning) throw error;
    const failure = databaseFailure(error, query, reads ? DECLARE.length : 0);
    if (failure === undefined) throw new ConnectionFailed(verdict.kind, { cause: error });
    return { ok: false, failure };
  }
}

/** Through a cursor, so a huge result is never fetched: only `rowCap + 1` rows leave the server. */
async function read(client: QueryClient, query: UserQuery): Promise<QueryOutcome> {
  const declare: ExtendedQuery = { text: DECLARE + query.sql, rowMode: 'array', queryMode: 'extended' };
  await client.query(declare);
  const result: QueryArrayResult = await client.query({
    text: `FETCH FORWARD ${query.rowCap + 1} FROM ${CURSOR}`,
    rowMode: 'array',
  });
  const truncated = result.rows.length > query.rowCap;
  const rows = result.rows.slice(0, query.rowCap);
  return {
    ok: true,
    kind: 'read',
    command: 'SELECT',
    columns: columnsOf(result.fields),
    rows,
    rowCount: rows.length,
    truncated,
    ...(truncated && {
      note: `Showing the first ${query.rowCap} rows: the query returned more. Narrow it with WHERE or LIMIT, or aggregate, to see the rest.`,
    }),
  };
}

/**
 * Run as sent: a cursor cannot hold INSERT/UPDATE/DELETE, and wrapping the statement would change
 * what it does. RETURNING rows are few unless the write itself is large, which the grant allows.
 */
async function write(client: QueryClient, query: UserQuery): Promise<QueryOutcome> {
  const statement: ExtendedQuery = { text: query.sql, rowMode: 'array', queryMode: 'extended' };
  const result: QueryArrayResult = await client.query(statement);
  const truncated = result.rows.length > query.rowCap;
  const changed = result.rowCount ?? 0;
  return {
    ok: true,
    kind: 'write',
    command: result.command,
    columns: columnsOf(result.fields),
    rows: result.rows.slice(0, query.rowCap),
    rowCount: changed,
    truncated,
    ...(truncated && {
      note: `${changed} rows were changed; showing the first ${query.rowCap} that RETURNING gave back.`,
    }),
  };
}

function columnsOf(fields: FieldDef[]): Column[] {
  return fields.map(({ name, dataTypeID }) => ({ name, dataTypeID }));
}

/** Postgres's answer to the user's statement, or undefined when the error is not Postgres's (a lost connection). */
function databaseFailure(error: unknown, query: UserQuery, offset: number): QueryFailure | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string' || !('severity' in error)) {
    return undefined;
  }
  // 57014 query_canceled: nothing but the statement timeout cancels our statements.
  if (error.code === '57014') {
    return { kind: 'timeout', message: `The query ran longer than ${query.timeoutMs} ms and was cancelled.` };
  }
  const failure: Extract<QueryFailure, { kind: 'database' }> = {
    kind: 'database',
    message: error.message,
    code: error.code,
  };
  // Positions count from the start of the text sent, which for a read begins with DECLARE.
  const sent = 'position' in error && typeof error.position === 'string' ? Number(error.position) : Number.NaN;
  if (sent > offset) failure.position = sent - offset;
  if ('detail' in error && typeof error.detail === 'string') failure.detail = error.detail;
  if ('hint' in error && typeof error.hint === 'string') failure.hint = error.hint;
  return failure;
}
