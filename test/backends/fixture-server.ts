import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

/**
 * A small stdio MCP server for the bridge's tests (`node test/backends/fixture-server.ts`): each
 * tool exercises one thing the bridge must carry — the user's identity in the environment,
 * per-process state, progress, a tool list that changes, and a server that dies.
 */

const server = new McpServer({ name: 'bridge-fixture', version: '1.0.0' });
/** Kept in this process only: two sessions (two processes) must not see each other's notes. */
const notes: string[] = [];

server.registerTool(
  'whoami_env',
  {
    description:
      'The MCP_USER_* environment variables this server process was started with, its pid, and whether it can see BRIDGE_TOKEN.',
    outputSchema: z.object({ pid: z.number(), sees_bridge_token: z.boolean() }).catchall(z.string()),
    annotations: { readOnlyHint: true },
  },
  async () => {
    const user = Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('MCP_USER_') && entry[1] !== undefined,
    );
    const result = { ...Object.fromEntries(user), pid: process.pid, sees_bridge_token: 'BRIDGE_TOKEN' in process.env };
    return { structuredContent: result, content: [{ type: 'text', text: JSON.stringify(result) }] };
  },
);

server.registerTool(
  'add_numbers',
  {
    description: 'Adds two numbers.',
    inputSchema: { a: z.number(), b: z.number() },
    annotations: { readOnlyHint: true },
  },
  async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
);

server.registerTool(
  'save_note',
  {
    description: 'Saves a note in this server process and returns every note saved so far.',
    inputSchema: { text: z.string() },
    outputSchema: { notes: z.array(z.string()) },
    annotations: { readOnlyHint: false, destructiveHint: false },
  },
  async ({ text }) => {
    notes.push(text);
    return { structuredContent: { notes }, content: [{ type: 'text', text: JSON.stringify(notes) }] };
  },
);

server.registerTool(
  'slow_count',
  {
    description: 'Counts to `steps`, waiting `ms` between steps and reporting progress at each.',
    inputSchema: { steps: z.number().int().min(1).max(50), ms: z.number().int().min(0).max(1000) },
    annotations: { readOnlyHint: true },
  },
  async ({ steps, ms }, extra) => {
    const progressToken = extra._meta?.progressToken;
    for (let step = 1; step <= steps; step++) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (progressToken !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: step, total: steps },
        });
      }
    }
    return { content: [{ type: 'text', text: `counted to ${steps}` }] };
  },
);

server.registerTool(
  'enable_extra_tool',
  {
    description: 'Adds the tool extra_tool, so the server announces that its tool list changed.',
    annotations: { readOnlyHint: false, destructiveHint: false },
  },
  async () => {
    // McpServer sends notifications/tools/list_changed itself when a tool is added while connected.
    server.registerTool('extra_tool', { description: 'Exists once enable_extra_tool was called.' }, async () => ({
      content: [{ type: 'text', text: 'extra' }],
    }));
    return { content: [{ type: 'text', text: 'extra_tool enabled' }] };
  },
);

server.registerTool(
  'crash',
  {
    description: 'Exits the server process with code 1 without answering (a backend that dies).',
    annotations: { readOnlyHint: false, destructiveHint: true },
  },
  async () => process.exit(1),
);

server.registerResource(
  'readme',
  'fixture://readme',
  { description: 'What this server is for.', mimeType: 'text/plain' },
  async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'The bridge test fixture.' }] }),
);

server.registerPrompt(
  'greet',
  { description: 'Greets someone by name.', argsSchema: { name: z.string() } },
  ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}.` } }] }),
);

await server.connect(new StdioServerTransport());
// Stdout carries the protocol; anything for people goes to stderr (the bridge prefixes and logs it).
console.error(`fixture server started (pid ${process.pid})`);
