import { fromJsonSchema, type McpServer } from '@modelcontextprotocol/server';
import { text } from '../fixtures/results';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Tools whose input schema is written as JSON Schema (the SDK's `fromJsonSchema`), for the two
 * pending scenarios about what a schema carries: `json-schema-2020-12` (2020-12 keywords reach the
 * client intact) and `http-custom-header-server-validation` (a parameter mirrored into an
 * `Mcp-Param-*` header, which the server must check against the body).
 */
export function registerSchemaTools(server: McpServer): void {
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool with JSON Schema 2020-12 features',
      inputSchema: fromJsonSchema({
        $schema: DRAFT_2020_12,
        type: 'object',
        $defs: {
          address: {
            $anchor: 'addressDef',
            type: 'object',
            properties: { street: { type: 'string' }, city: { type: 'string' } },
          },
        },
        properties: {
          name: { type: 'string' },
          address: { $ref: '#/$defs/address' },
          contactMethod: { type: 'string', enum: ['phone', 'email'] },
          phone: { type: 'string' },
          email: { type: 'string' },
        },
        allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
        if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, not a thenable.
        then: { required: ['phone'] },
        else: { required: ['email'] },
        additionalProperties: false,
      }),
    },
    (input) => text(`Received: ${JSON.stringify(input)}`),
  );

  // `x-mcp-header` is an MCP extension keyword, outside the JSON Schema type.
  const region = { type: 'string', 'x-mcp-header': 'Region' } as const;
  server.registerTool(
    'test_custom_headers',
    {
      description: 'Echoes a region that the client also sends as the Mcp-Param-Region header.',
      inputSchema: fromJsonSchema<{ region: string }>({
        type: 'object',
        properties: { region },
        required: ['region'],
      }),
    },
    ({ region }) => text(`Region: ${region}`),
  );
}
