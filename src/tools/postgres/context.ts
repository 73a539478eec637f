import { ToolError } from '../../mcp/tool';
import type { QueryOutcome } from './run-as-user';
import type { DatabaseSchema } from './schema';

/** The database as the signed-in person: every statement runs as them, under row-level security. */
export interface UserDatabase {
  /** Rows returned at most per query (DATABASE_ROW_CAP). */
  readonly rowCap: number;
  /** Longest a statement may run (DATABASE_STATEMENT_TIMEOUT_MS). */
  readonly statementTimeoutMs: number;
  /** The grant allows INSERT, UPDATE and DELETE (mcp:write). */
  readonly write: boolean;
  /** Runs one SQL statement as the person; a refusal or Postgres's error is an outcome, not a throw. */
  query(sql: string): Promise<QueryOutcome>;
  /** The tables and views the person's role can read, read once per session. */
  schema(): Promise<DatabaseSchema>;
}

/**
 * The narrow context the Postgres tools get: the database as this person, or `undefined` when the
 * deployment has none (the tools are then not offered; a call still gets a clear answer).
 */
export interface PostgresToolContext {
  database: UserDatabase | undefined;
}

/** The database, or a tool error saying this deployment has none. */
export function requireDatabase(context: PostgresToolContext): UserDatabase {
  if (context.database) return context.database;
  throw new ToolError('This server has no database configured. Tell its administrator (docs/postgres.md).');
}
