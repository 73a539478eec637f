import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { expect, it } from 'vitest';
import { registerTools } from '../../mcp/register-tools';
import { ToolScopes } from '../../mcp/tool-scopes';
import { attioTools } from '.';

/** What a client reads once per session: the pack's `tools/list`, counted as the bench counts it (o200k). */
const TOOL_LIST_BUDGET = 7_000;

async function listTools() {
  const server = new McpServer({ name: 'budget', version: '0' });
  const notCalled = () => {
    throw new Error('not called');
  };
  registerTools(server, attioTools, new ToolScopes(attioTools), {
    callOf: notCalled,
    contextFor: notCalled,
    revokeGrant: notCalled,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'budget', version: '0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  const { tools } = await client.listTools();
  await client.close();
  return tools;
}

it(`the Attio pack's tools/list stays within ${TOOL_LIST_BUDGET} tokens`, async () => {
  const tools = await listTools();
  const total = countTokens(JSON.stringify(tools));
  if (process.env.TOOL_LIST_REPORT) {
    for (const tool of tools) {
      const parts = {
        description: countTokens(tool.description ?? ''),
        input: countTokens(JSON.stringify(tool.inputSchema)),
        output: countTokens(JSON.stringify(tool.outputSchema ?? {})),
        all: countTokens(JSON.stringify(tool)),
      };
      console.log(tool.name.padEnd(22), JSON.stringify(parts));
    }
    console.log('total', total, 'tools', tools.length);
  }
  expect(total).toBeLessThanOrEqual(TOOL_LIST_BUDGET);
});
