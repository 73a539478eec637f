import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/**
 * The fixture tools, resources and prompts that `@modelcontextprotocol/conformance`'s server
 * scenarios call by name, registered only when CONFORMANCE_FIXTURES=true (test deployments), so
 * the suite exercises the real transports, sessions and plumbing of this server.
 */
export function registerConformanceFixtures(_server: McpServer): void {}
