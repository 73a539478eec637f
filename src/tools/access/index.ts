import type { AnyToolDefinition } from '../../mcp/tool';
import type { AccessToolContext } from './context';
import { whoami } from './whoami';

/** The tool pack of a deployment that signs in with Cloudflare Access. Add a tool: one file here, then list it. */
export const accessTools: AnyToolDefinition<AccessToolContext>[] = [whoami];
