import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerContentTools } from './fixtures/content-tools';
import { registerElicitationTools } from './fixtures/elicitation-tools';
import { registerInteractiveTools } from './fixtures/interactive-tools';
import { enableLogging } from './fixtures/logging';
import { registerPrompts } from './fixtures/prompts';
import { registerResources } from './fixtures/resources';

/**
 * The fixture tools, resources and prompts that `@modelcontextprotocol/conformance`'s server
 * scenarios call by name (see worker.ts, the test-only entry that adds them to every session).
 */
export function registerConformanceFixtures(server: McpServer): void {
  const logFilter = enableLogging(server);
  registerContentTools(server);
  registerInteractiveTools(server, logFilter);
  registerElicitationTools(server);
  registerResources(server);
  registerPrompts(server);
}
