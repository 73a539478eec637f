import type { AnyToolDefinition } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { health } from './health';
import { searchRecords } from './search-records';
import { whoami } from './whoami';

/** The Attio tool pack. Add a tool: one file in this folder, then list it here. */
export const attioTools: AnyToolDefinition<AttioToolContext>[] = [whoami, health, searchRecords];
