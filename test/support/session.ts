import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectMcp, type TransportKind } from './mcp-client';
import { signIn } from './oauth-client';
import { newBrowser, ORIGIN, sendToWorker } from './worker';

/** Signs a new user in through the real Worker and opens an MCP session with the official SDK client. */
export async function openSession(
  transport: TransportKind = 'streamable-http',
  overrides: Parameters<typeof signIn>[1] = {},
  onElicit?: Parameters<typeof connectMcp>[0]['onElicit'],
): Promise<Client> {
  const { tokens } = await signIn(newBrowser(), overrides);
  return connectMcp({ origin: ORIGIN, token: tokens.access_token, transport, send: sendToWorker, onElicit });
}

export function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** Calls a tool and returns its result with the structured content typed as the caller expects. */
export async function call<Structured = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ result: CallToolResult; structured: Structured; text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    result,
    structured: result.structuredContent as Structured,
    text: text(result),
    isError: result.isError === true,
  };
}
