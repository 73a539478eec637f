import type { AnyToolDefinition } from '../../mcp/tool';
import type { PostgresToolContext } from './context';
import { getSchema } from './get-schema';
import { query } from './query';

/**
 * The Postgres pack: the database as the signed-in person, under its row-level security. Offered
 * by the OpenID Connect upstreams when a database is configured (upstreams/oidc.ts). Beside the
 * tools: the guard (sql-guard.ts) on the real parser (sql-parser*.ts), how a statement runs as the
 * person (run-as-user.ts), the schema read (schema.ts) and value rendering (values.ts).
 */
export const postgresTools: AnyToolDefinition<PostgresToolContext>[] = [getSchema, query];
