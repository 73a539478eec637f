import type { AnyToolDefinition } from '../../mcp/tool';
import type { OidcToolContext } from './context';
import { whoami } from './whoami';

/**
 * The tools every person signed in through an OpenID Connect upstream gets. With a database, the
 * Postgres pack (tools/postgres) comes beside them. Add a tool: one file here, then list it.
 */
export const identityTools: AnyToolDefinition<OidcToolContext>[] = [whoami];
