/**
 * The confinement of the `query` tool: which SQL may run as the signed-in user. Postgres itself
 * parses the text (libpg_query, see sql-parser.ts) and this file judges the tree, so a hostile
 * prompt cannot hide a second statement or a call in a comment, a string or a quoting trick: what
 * is judged is what the server will run.
 *
 * Why it is needed although row-level security decides the rows: any session may rewrite its own
 * identity. `set_config('request.jwt.claims', …)` (or `SET`, or `UPDATE pg_settings`) makes
 * `auth.uid()` someone else, and `SET ROLE`/`RESET ROLE` leaves the role the statement was meant
 * to run as. The guard refuses those, and everything that could carry them out of its sight.
 *
 * Statement kinds are an allowlist: SELECT, and INSERT/UPDATE/DELETE when the grant allows writes.
 * Functions are a denylist, because a SELECT calls dozens of harmless ones; the list holds the
 * functions that change settings or identity, run SQL given as text, reach outside the database,
 * or hold state beyond the transaction. The database role's own privileges stay the last line for
 * the rest: a function not listed here runs only if that role may execute it, and functions the
 * database owner created and granted to it are trusted as the owner wrote them.
 */
import type { SqlParser } from './sql-parser';

export type StatementKind = 'read' | 'write';

/** Why a statement was refused. Callers switch on this; `reason` is the text for the user. */
export type RefusalCode =
  /** The parser rejected the text: `reason` is Postgres's own message. */
  | 'syntax_error'
  | 'no_statement'
  | 'several_statements'
  /** A statement kind outside the allowlist (SET, DO, COPY, CREATE, BEGIN, MERGE, …). */
  | 'statement_not_allowed'
  /** INSERT/UPDATE/DELETE (also inside WITH) without write access. */
  | 'read_only'
  | 'function_not_allowed'
  /** FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE. */
  | 'row_locking'
  /** SELECT … INTO, which creates a table. */
  | 'select_into'
  /** A write to pg_settings (which calls set_config) or to the system catalogs. */
  | 'system_write';

export type Verdict =
  | { ok: true; kind: StatementKind }
  | {
      ok: false;
      code: RefusalCode;
      reason: string;
      /** 1-based character position in the SQL text, as Postgres reports positions. */
      position?: number;
    };

export interface CheckOptions {
  /** The grant allows writes (INSERT/UPDATE/DELETE). */
  write: boolean;
}

/** Judges one SQL text: exactly one statement, of an allowed kind, calling nothing denied. */
export function checkStatement(parser: SqlParser, sql: string, options: CheckOptions): Verdict {
  const parsed = parser.parse(sql);
  if (!parsed.ok) return refusal({ code: 'syntax_error', reason: parsed.message, position: parsed.position });
  const statements = parsed.tree.stmts ?? [];
  const first = statements[0];
  if (first?.stmt === undefined) {
    return refusal({ code: 'no_statement', reason: `No SQL statement was given: ${allowedKinds(options)}.` });
  }
  if (statements.length > 1) {
    return refusal({
      code: 'several_statements',
      reason: `Only one statement can run per query, and this text holds ${statements.length}: send them one at a time.`,
      position: characterPosition(sql, statements[1]?.stmt_location ?? 0),
    });
  }
  try {
    const review = new Review(options);
    review.statement(first.stmt, first.stmt_location ?? 0);
    return { ok: true, kind: review.writes ? 'write' : 'read' };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    const position = error.byteOffset === undefined ? undefined : characterPosition(sql, error.byteOffset);
    return refusal({ code: error.code, reason: error.reason, position });
  }
}

function refusal(details: { code: RefusalCode; reason: string; position?: number | undefined }): Verdict {
  const { code, reason, position } = details;
  return position === undefined ? { ok: false, code, reason } : { ok: false, code, reason, position };
}

class Refused {
  constructor(
    readonly code: RefusalCode,
    readonly reason: string,
    /** A `location` from the tree: a byte offset into the UTF-8 text. */
    readonly byteOffset?: number,
  ) {}
}

type Fields = Record<string, unknown>;

/** One walk over the whole tree: every CTE, subquery, function argument, join and VALUES list. */
class Review {
  writes = false;

  constructor(private readonly options: CheckOptions) {}

  /** The top-level statement, and everything under it. */
  statement(node: unknown, location: number): void {
    const wrapped = unwrap(node);
    if (wrapped === undefined) throw new Error('the parse tree holds a statement of no known shape');
    this.node(wrapped.type, wrapped.fields, location, true);
    this.fields(wrapped.fields, location);
  }

  private value(value: unknown, location: number): void {
    if (Array.isArray(value)) {
      for (const item of value) this.value(item, location);
      return;
    }
    if (!isFields(value)) return;
    const wrapped = unwrap(value);
    if (wrapped === undefined) {
      this.fields(value, location);
      return;
    }
    // A statement inside another one (a data-modifying WITH) is placed at its CTE.
    const here = wrapped.type === 'CommonTableExpr' ? numberOr(wrapped.fields.location, location) : location;
    this.node(wrapped.type, wrapped.fields, here, false);
    this.fields(wrapped.fields, here);
  }

  /** Rules that hold wherever a field appears, wrapped or not (SelectStmt's larg/rarg are bare). */
  private fields(fields: Fields, location: number): void {
    const locking = fields.lockingClause;
    if (Array.isArray(locking) && locking.length > 0) throw rowLockingRefusal(locking[0]);
    if (fields.intoClause !== undefined) {
      throw new Refused(
        'select_into',
        'SELECT … INTO is not allowed: it creates a table. Run the SELECT without INTO to see the rows.',
      );
    }
    for (const child of Object.values(fields)) this.value(child, location);
  }

  private node(type: string, fields: Fields, location: number, topLevel: boolean): void {
    switch (type) {
      case 'SelectStmt':
        return;
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
        this.write(type, fields, location, topLevel);
        return;
      case 'FuncCall':
        checkFunction(namesOf(fields.funcname), numberOr(fields.location, location));
        return;
      case 'ColumnRef': {
        // `x.f` is also a call of f(x) (functional notation), e.g. `(request).http`.
        const names = namesOf(fields.fields);
        if (names.length > 1) checkFieldNotation(names.at(-1), numberOr(fields.location, location));
        return;
      }
      case 'A_Indirection': {
        const at = numberOr(unwrap(fields.arg)?.fields.location, location);
        for (const name of namesOf(fields.indirection)) checkFieldNotation(name, at);
        return;
      }
      default:
        // Defence in depth: no other statement may sit anywhere in the tree.
        if (type.endsWith('Stmt')) throw statementRefusal(type, fields, this.options, topLevel ? undefined : location);
    }
  }

  private write(type: keyof typeof WRITE_COMMANDS, fields: Fields, location: number, top: boolean): void {
    const command = WRITE_COMMANDS[type];
    if (!this.options.write) {
      throw new Refused(
        'read_only',
        `${command} is not allowed: this connection is read-only, so only SELECT statements can run.`,
        top ? undefined : location,
      );
    }
    const target = isFields(fields.relation) ? fields.relation : {};
    const relation = lowerString(target.relname);
    const schema = lowerString(target.schemaname);
    if (relation === 'pg_settings') {
      throw new Refused(
        'system_write',
        `${command} on pg_settings is not allowed: writing to it changes the session's settings (who you are, the time limit), also for later queries on the same connection.`,
        numberOr(target.location, location),
      );
    }
    if (schema !== undefined && SYSTEM_SCHEMAS.has(schema)) {
      throw new Refused(
        'system_write',
        `${command} on ${schema}.${relation ?? ''} is not allowed: the system catalogs are not data this tool changes.`,
        numberOr(target.location, location),
      );
    }
    this.writes = true;
  }
}

const WRITE_COMMANDS = { InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE' } as const;

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

// ---------------------------------------------------------------------------------------------
// Functions

type DeniedBecause =
  | 'settings'
  | 'runs_sql'
  | 'outside'
  | 'server'
  | 'large_objects'
  | 'advisory_locks'
  | 'notify'
  | 'replication'
  | 'scheduling';

const BECAUSE: Record<DeniedBecause, string> = {
  settings: "it changes the session's settings, and they decide who you are to the database",
  runs_sql: 'it runs SQL given as text, which this check cannot see',
  outside: 'it reaches outside the database (server files, the network or other databases)',
  server: 'it controls the server or other sessions',
  large_objects: 'large objects are not protected by row-level security',
  advisory_locks: 'advisory locks can outlive the query on a connection that other users share',
  notify: 'it sends messages to other sessions',
  replication: 'it reads or steers the change stream of the whole database, which row-level security does not filter',
  scheduling: 'it runs SQL later or in the background, out of this check and this transaction',
};

/**
 * Matched on the function's own name in any schema (`set_config`, `pg_catalog.set_config`,
 * `"set_config"`, `U&"\0073et_config"` all reach here as `set_config`: the parser resolves
 * quoting and escapes). Deliberately allowed: `current_setting` (reads), `pg_sleep` (the
 * statement timeout bounds it like any slow query), `nextval`/`setval` (sequence privileges and the
 * read-only transaction decide).
 */
const DENIED_FUNCTIONS = new Map<string, DeniedBecause>([
  ['set_config', 'settings'],
  // Execute a query given as text (the XML exports, text-search statistics and rewriting).
  ['query_to_xml', 'runs_sql'],
  ['query_to_xmlschema', 'runs_sql'],
  ['query_to_xml_and_xmlschema', 'runs_sql'],
  ['cursor_to_xml', 'runs_sql'],
  ['cursor_to_xmlschema', 'runs_sql'],
  ['ts_stat', 'runs_sql'],
  ['ts_rewrite', 'runs_sql'],
  // Server files (pg_read_server_files and friends; adminpack).
  ['pg_read_file', 'outside'],
  ['pg_read_binary_file', 'outside'],
  ['pg_stat_file', 'outside'],
  ['pg_ls_dir', 'outside'],
  ['pg_ls_logdir', 'outside'],
  ['pg_ls_waldir', 'outside'],
  ['pg_ls_tmpdir', 'outside'],
  ['pg_ls_archive_statusdir', 'outside'],
  ['pg_ls_logicalsnapdir', 'outside'],
  ['pg_ls_logicalmapdir', 'outside'],
  ['pg_ls_replslotdir', 'outside'],
  ['pg_ls_summariesdir', 'outside'],
  ['pg_file_write', 'outside'],
  ['pg_file_rename', 'outside'],
  ['pg_file_unlink', 'outside'],
  ['pg_file_sync', 'outside'],
  ['pg_logdir_ls', 'outside'],
  // The `http` extension (Supabase ships it; pg_net is the `net` schema below).
  ['http', 'outside'],
  ['http_get', 'outside'],
  ['http_post', 'outside'],
  ['http_put', 'outside'],
  ['http_patch', 'outside'],
  ['http_delete', 'outside'],
  ['http_head', 'outside'],
  ['http_set_curlopt', 'outside'],
  ['http_reset_curlopt', 'outside'],
  // The server and other sessions.
  ['pg_terminate_backend', 'server'],
  ['pg_cancel_backend', 'server'],
  ['pg_reload_conf', 'server'],
  ['pg_rotate_logfile', 'server'],
  ['pg_promote', 'server'],
  ['pg_switch_wal', 'server'],
  ['pg_create_restore_point', 'server'],
  ['pg_backup_start', 'server'],
  ['pg_backup_stop', 'server'],
  ['pg_wal_replay_pause', 'server'],
  ['pg_wal_replay_resume', 'server'],
  ['pg_log_backend_memory_contexts', 'server'],
  ['pg_stat_statements_reset', 'server'],
  ['loread', 'large_objects'],
  ['lowrite', 'large_objects'],
  ['pg_notify', 'notify'],
  ['pg_create_physical_replication_slot', 'replication'],
  ['pg_create_logical_replication_slot', 'replication'],
  ['pg_drop_replication_slot', 'replication'],
  ['pg_copy_physical_replication_slot', 'replication'],
  ['pg_copy_logical_replication_slot', 'replication'],
  ['pg_replication_slot_advance', 'replication'],
  ['pg_background_launch', 'scheduling'],
  ['pg_background_result', 'scheduling'],
  ['pg_background_detach', 'scheduling'],
]);

/** Whole families: dblink_connect, dblink_exec, lo_import, lo_export, pg_advisory_lock, … */
const DENIED_PREFIXES: ReadonlyArray<readonly [string, DeniedBecause]> = [
  ['dblink', 'outside'],
  ['lo_', 'large_objects'],
  ['pg_advisory_', 'advisory_locks'],
  ['pg_try_advisory_', 'advisory_locks'],
  ['pg_stat_reset', 'server'],
  ['pg_logical_', 'replication'],
  ['pg_replication_origin_', 'replication'],
];

/** Every function of these schemas: pg_net (`net.http_get`) and pg_cron (`cron.schedule`). */
const DENIED_SCHEMAS = new Map<string, DeniedBecause>([
  ['net', 'outside'],
  ['cron', 'scheduling'],
]);

function deniedBecause(name: string, schema: string | undefined): DeniedBecause | undefined {
  const bySchema = schema === undefined ? undefined : DENIED_SCHEMAS.get(schema);
  if (bySchema !== undefined) return bySchema;
  const byName = DENIED_FUNCTIONS.get(name);
  if (byName !== undefined) return byName;
  return DENIED_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
}

function checkFunction(names: string[], location: number): void {
  const name = names.at(-1);
  if (name === undefined) return;
  const because = deniedBecause(name.toLowerCase(), names.at(-2)?.toLowerCase());
  if (because === undefined) return;
  throw new Refused('function_not_allowed', `${names.join('.')}() is not allowed: ${BECAUSE[because]}.`, location);
}

function checkFieldNotation(name: string | undefined, location: number): void {
  if (name === undefined) return;
  const because = deniedBecause(name.toLowerCase(), undefined);
  if (because === undefined) return;
  throw new Refused(
    'function_not_allowed',
    `${name} is not allowed, also written as a field (x.${name} calls ${name}(x)): ${BECAUSE[because]}.`,
    location,
  );
}

// ---------------------------------------------------------------------------------------------
// Statements outside the allowlist

const LOCK_STRENGTHS: Record<string, string> = {
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORUPDATE: 'FOR UPDATE',
};

function rowLockingRefusal(clause: unknown): Refused {
  const words = LOCK_STRENGTHS[String(unwrap(clause)?.fields.strength)] ?? 'FOR UPDATE';
  return new Refused(
    'row_locking',
    `SELECT … ${words} is not allowed: a query runs in a transaction of its own, so row locks protect nothing here and would only block other users' writes.`,
  );
}

const TRANSACTION_COMMANDS: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** The names the parser gives statements that do not read well when split (`CreateStmt`, …). */
const STATEMENT_COMMANDS: Record<string, string> = {
  CreateStmt: 'CREATE TABLE',
  IndexStmt: 'CREATE INDEX',
  ViewStmt: 'CREATE VIEW',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  CreateTrigStmt: 'CREATE TRIGGER',
  CreateSeqStmt: 'CREATE SEQUENCE',
  RuleStmt: 'CREATE RULE',
  DeclareCursorStmt: 'DECLARE CURSOR',
  ClosePortalStmt: 'CLOSE',
  VariableShowStmt: 'SHOW',
  ConstraintsSetStmt: 'SET CONSTRAINTS',
  SecLabelStmt: 'SECURITY LABEL',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CheckPointStmt: 'CHECKPOINT',
  AlterRoleSetStmt: 'ALTER ROLE … SET',
  AlterDatabaseSetStmt: 'ALTER DATABASE … SET',
};

const SETTINGS_REASON = 'the query runs as your database role and cannot change its role or settings';

function statementRefusal(type: string, fields: Fields, options: CheckOptions, location?: number): Refused {
  const command = commandName(type, fields);
  const refuse = (reason: string) =>
    new Refused('statement_not_allowed', `${command} is not allowed: ${reason}.`, location);
  switch (type) {
    case 'VariableSetStmt':
    case 'DiscardStmt':
    case 'ConstraintsSetStmt':
    case 'AlterSystemStmt':
    case 'AlterRoleSetStmt':
    case 'AlterDatabaseSetStmt':
      return refuse(SETTINGS_REASON);
    case 'VariableShowStmt':
      return refuse("read a setting with SELECT current_setting('name') instead");
    case 'TransactionStmt':
      return refuse('each query runs in a transaction of its own, opened and closed for it');
    case 'DoStmt':
      return refuse('it runs procedural code that this check cannot see into');
    case 'CallStmt':
      return refuse('procedures run statements this check cannot see, and may control the transaction');
    case 'CopyStmt':
      return refuse('it moves data between tables and files, programs or the connection itself; read rows with SELECT');
    case 'ListenStmt':
    case 'UnlistenStmt':
    case 'NotifyStmt':
      return refuse('it talks to other sessions through notifications');
    case 'PrepareStmt':
    case 'ExecuteStmt':
    case 'DeallocateStmt':
      return refuse(
        'prepared statements outlive the query on a connection that other users share; send the statement itself',
      );
    case 'DeclareCursorStmt':
    case 'FetchStmt':
    case 'ClosePortalStmt':
      return refuse('cursors outlive the statement; results are already cut to a safe size for you');
    case 'LockStmt':
      return refuse(
        'a query runs in a transaction of its own, so locks protect nothing here and would only block other users',
      );
    case 'MergeStmt':
      return refuse(
        options.write ? 'use INSERT … ON CONFLICT, UPDATE or DELETE instead' : 'this connection is read-only',
      );
    default:
      return refuse(`${allowedKinds(options)} here`);
  }
}

function allowedKinds(options: CheckOptions): string {
  return options.write
    ? 'only a SELECT, INSERT, UPDATE or DELETE statement can run'
    : 'only a SELECT statement can run on this read-only connection';
}

function commandName(type: string, fields: Fields): string {
  switch (type) {
    case 'VariableSetStmt':
      return settingCommand(fields);
    case 'TransactionStmt':
      return TRANSACTION_COMMANDS[String(fields.kind)] ?? 'Transaction control';
    case 'GrantStmt':
    case 'GrantRoleStmt':
      return fields.is_grant === true ? 'GRANT' : 'REVOKE';
    case 'FetchStmt':
      return fields.ismove === true ? 'MOVE' : 'FETCH';
    case 'VacuumStmt':
      return fields.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE';
    case 'DropStmt': {
      const object = String(fields.removeType ?? '')
        .replace(/^OBJECT_/, '')
        .replaceAll('_', ' ');
      return object ? `DROP ${object}` : 'DROP';
    }
    default:
      return STATEMENT_COMMANDS[type] ?? splitWords(type.replace(/Stmt$/, ''));
  }
}

function settingCommand(fields: Fields): string {
  const local = fields.is_local === true ? ' LOCAL' : '';
  const name = typeof fields.name === 'string' ? fields.name : '';
  const subject =
    name === 'role' ? 'ROLE' : name === 'session_authorization' ? 'SESSION AUTHORIZATION' : name.toLowerCase();
  switch (fields.kind) {
    case 'VAR_RESET':
      return `RESET ${subject}`;
    case 'VAR_RESET_ALL':
      return 'RESET ALL';
    default:
      return `SET${local} ${subject}`.trimEnd();
  }
}

/** `AlterTable` → `ALTER TABLE`. */
function splitWords(camel: string): string {
  return camel
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// The JSON tree

/** A wrapped node is `{ "FuncCall": { … } }`: one key, the node type, which starts upper-case. */
function unwrap(value: unknown): { type: string; fields: Fields } | undefined {
  if (!isFields(value)) return undefined;
  const keys = Object.keys(value);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined || !/^[A-Z]/.test(type)) return undefined;
  const fields = value[type];
  return isFields(fields) ? { type, fields } : undefined;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The names in a list of String nodes (function names, column references, field selections). */
function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const node = unwrap(item);
    return node?.type === 'String' && typeof node.fields.sval === 'string' ? [node.fields.sval] : [];
  });
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function lowerString(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** The parser's locations are byte offsets into the UTF-8 text; Postgres reports 1-based characters. */
function characterPosition(sql: string, byteOffset: number): number {
  const before = new TextDecoder().decode(new TextEncoder().encode(sql).subarray(0, byteOffset));
  return Array.from(before).length + 1;
}
