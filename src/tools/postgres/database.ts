/**
 * The database as one signed-in person, for one tool call: a `pg` client per call, opened and
 * closed around it. Through Hyperdrive that is the documented pattern (Hyperdrive keeps the real
 * connections pooled near the database; the Worker's client is a cheap local connection to it),
 * and no connection outlives the request that opened it, which workerd requires of sockets.
 */
import type pg from 'pg';
import { callCancelled, UpstreamError } from '../../http/upstream-error';
import type { SessionCache } from '../../mcp/session-cache';
import { ToolError } from '../../mcp/tool';
import type { UserDatabase } from './context';
import { ConnectionFailed, runAsUser } from './run-as-user';
import { readSchema } from './schema';
import type { DatabaseConfig } from './settings';
import type { SqlParser } from './sql-parser';
import { KEPT_AS_TEXT } from './values';

/** Tables and columns change rarely; five minutes keeps a session's answer fresh enough. */
const SCHEMA_TTL_MS = 5 * 60_000;
const DATABASE = 'The database';

/**
 * `pg`, evaluated on the first query rather than when the Worker starts, so that a cold start of a
 * deployment without a database runs none of its module code.
 */
let driver: Promise<typeof pg> | undefined;
function loadDriver(): Promise<typeof pg> {
  driver ??= import('pg').then((module) => module.default);
  return driver;
}

/** `pg`'s parsers, except for the types values.ts renders from Postgres's own text. */
function typesOf(driver: typeof pg) {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      KEPT_AS_TEXT.has(oid)
        ? (text: string) => text
        : driver.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
}

export interface UserDatabaseOptions {
  config: DatabaseConfig;
  /** The verified identity, as `request.jwt.claims`. */
  claims: Readonly<Record<string, unknown>>;
  write: boolean;
  /** The session's cache (the schema is read once per session). */
  cache: SessionCache;
  parser: () => Promise<SqlParser>;
  /** The tool call's cancellation: the connection is closed, so an open transaction never commits. */
  signal?: AbortSignal;
}

export function userDatabase(options: UserDatabaseOptions): UserDatabase {
  const { config, claims, write } = options;
  return {
    rowCap: config.rowCap,
    statementTimeoutMs: config.statementTimeoutMs,
    write,
    async query(sql) {
      const parser = await options.parser();
      return withClient(config, options.signal, async (client) => {
        try {
          return await runAsUser(client, parser, {
            sql,
            claims,
            role: config.role,
            write,
            timeoutMs: config.statementTimeoutMs,
            rowCap: config.rowCap,
          });
        } catch (error) {
          if (error instanceof ConnectionFailed) {
            const lost = unreachable();
            throw error.kind === 'write' ? lost.asUnconfirmedWrite() : lost;
          }
          throw setupFailure(error, config);
        }
      });
    },
    schema() {
      return options.cache.remember('postgres:schema', SCHEMA_TTL_MS, () =>
        // Shared through the cache by concurrent calls: not stopped by one call's cancellation.
        withClient(config, undefined, (client) =>
          readSchema(client, { role: config.role, claims }).catch((error: unknown) => {
            throw setupFailure(error, config);
          }),
        ),
      );
    },
  };
}

async function withClient<T>(
  config: DatabaseConfig,
  signal: AbortSignal | undefined,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw callCancelled(DATABASE);
  const driver = await loadDriver();
  const client = new driver.Client({
    connectionString: config.connectionString,
    connectionTimeoutMillis: config.connectTimeoutMs,
    types: typesOf(driver),
  });
  // A connection that drops between queries is reported by the next query; without a listener
  // the 'error' event would be thrown out of the event loop instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    console.warn(JSON.stringify({ event: 'database_unreachable', via: config.via, reason: errorCode(error) }));
    await client.end().catch(() => undefined);
    throw unreachable();
  }
  // Closing the connection ends the call's transaction without a COMMIT: a write the client gave
  // up before it committed is not made. (A statement already running on the server stops at
  // `statement_timeout` at the latest.)
  const close = () => void client.end().catch(() => undefined);
  signal?.addEventListener('abort', close, { once: true });
  try {
    return await use(client);
  } catch (error) {
    if (signal?.aborted) throw callCancelled(DATABASE);
    throw error;
  } finally {
    signal?.removeEventListener('abort', close);
    await client.end().catch(() => undefined);
  }
}

function unreachable(): UpstreamError {
  return new UpstreamError(DATABASE, 0, 'unreachable', 'The database could not be reached.', undefined, 'unavailable');
}

/**
 * Our own setup refused (the role does not exist, or the login role may not switch to it): the
 * operator's to fix, so the log says what and the person is told it is not them.
 */
function setupFailure(error: unknown, config: DatabaseConfig): Error {
  if (error instanceof UpstreamError) return error;
  console.error(
    JSON.stringify({ event: 'database_setup_failed', role: config.role, code: errorCode(error), via: config.via }),
  );
  return new ToolError(
    `The database refused to run queries as the role "${config.role}". Tell the server's administrator (DATABASE_ROLE; see docs/postgres.md).`,
  );
}

/** SQLSTATE or Node error code, never the message (it may quote a connection string). */
function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
}
