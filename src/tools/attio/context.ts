import { z } from 'zod';
import type { AttioClient } from '../../attio/client';
import type { Confirm } from '../../mcp/tool';
import type { AttioCatalog } from './catalog';

/** What an Attio grant carries, encrypted at rest by the OAuth library. Never sent to the MCP client. */
export const AttioProps = z.object({
  upstream: z.literal('attio'),
  workspace: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  member: z.object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable() }),
  attioToken: z.string().min(1),
});
export type AttioProps = z.infer<typeof AttioProps>;

/** The narrow context every Attio tool handler receives. */
export interface AttioToolContext {
  workspace: AttioProps['workspace'];
  member: AttioProps['member'];
  scopes: readonly string[];
  attio: AttioClient;
  /** The workspace's objects, attributes and members, cached for the session. */
  catalog: AttioCatalog;
  /** Asks the user to confirm (MCP elicitation) when the client can. */
  confirm: Confirm;
}
