import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { STATIC_BINARY, STATIC_TEXT, TEMPLATE_DATA } from '../fixtures/resource-contents';

/**
 * Static resources and a template (resources-* scenarios; `caching` reads the first listed).
 * No subscriptions: 2026-07-28 removed `resources/subscribe` (its changes come on
 * `subscriptions/listen`).
 */
export function registerResources(server: McpServer): void {
  for (const { name, uri, metadata, read } of [STATIC_TEXT, STATIC_BINARY]) {
    server.registerResource(name, uri, metadata, read);
  }
  const { name, uriTemplate, metadata, read } = TEMPLATE_DATA;
  server.registerResource(name, new ResourceTemplate(uriTemplate, { list: undefined }), metadata, read);
}
