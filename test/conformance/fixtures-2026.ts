import type { McpServer } from '@modelcontextprotocol/server';
import { registerContentTools } from './fixtures-2026/content-tools';
import { registerInputRequiredTools } from './fixtures-2026/input-required-tools';
import { registerPrompts } from './fixtures-2026/prompts';
import { registerResources } from './fixtures-2026/resources';
import { registerSchemaTools } from './fixtures-2026/schema-tools';
import { registerStatelessProbes } from './fixtures-2026/stateless-probes';

/**
 * The fixture tools, resources and prompts that the 2026-07-28 scenarios of
 * `@modelcontextprotocol/conformance` call by name, added to each request's SDK v2 server on the
 * stateless lane, after the grant's tools (see worker.ts). The sessions' fixtures (fixtures.ts,
 * SDK v1) serve the 2025 scenarios.
 */
export function registerConformanceFixtures2026(server: McpServer): void {
  registerContentTools(server);
  registerInputRequiredTools(server);
  registerStatelessProbes(server);
  registerSchemaTools(server);
  registerResources(server);
  registerPrompts(server);
}
