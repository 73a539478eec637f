import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerContentTools } from './fixtures/content-tools';
import { registerElicitationTools } from './fixtures/elicitation-tools';
import { registerInteractiveTools } from './fixtures/interactive-tools';
import { enableLogging } from './fixtures/logging';
import { registerPrompts } from './fixtures/prompts';
import { registerResources } from './fixtures/resources';

/**
 * The fixture tools, resources and prompts that `@modelcontextprotocol/conformance`'s server
 * scenarios call by name, registered only when CONFORMANCE_FIXTURES=true (test deployments), so
 * the suite exercises the real transports, sessions and plumbing of this server.
 *
 * Called from the session's `init()`, before the server connects to its transport: the
 * capabilities the fixtures add (logging, resource subscriptions, completions) must be declared
 * before `initialize` is answered.
 */
export function registerConformanceFixtures(server: McpServer): void {
  const logFilter = enableLogging(server);
  registerContentTools(server);
  registerInteractiveTools(server, logFilter);
  registerElicitationTools(server);
  registerResources(server);
  registerPrompts(server);
}
