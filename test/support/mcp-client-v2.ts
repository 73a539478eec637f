import {
  type CallToolResult,
  Client,
  type ElicitRequestParams,
  type ElicitResult,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import type { Send } from './oauth-client';

/** The MCP revision without sessions, and the one the SDK v2 client pins in these tests. */
export const CURRENT_REVISION = '2026-07-28';

/**
 * The official SDK v2 client (`@modelcontextprotocol/client`) with a bearer token, speaking MCP
 * 2026-07-28: `server/discover`, then every request on its own with the `_meta` envelope.
 * `negotiation: 'auto'` probes and falls back to `initialize` as the SDK decides; the default
 * pins 2026-07-28, so a server that cannot speak it fails the connect.
 */
export async function connectV2(options: {
  origin: string;
  token: string;
  send?: Send;
  negotiation?: 'pin' | 'auto';
  /** Declares form elicitation and answers each question with this (a user clicking in the client). */
  onElicit?: (params: ElicitRequestParams) => ElicitResult | Promise<ElicitResult>;
}): Promise<Client> {
  const send = options.send;
  const transport = new StreamableHTTPClientTransport(new URL(`${options.origin}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
    fetch: send ? (input, init) => send(new Request(input, init)) : undefined,
  });
  const onElicit = options.onElicit;
  const client = new Client(
    { name: 'test-client-v2', version: '1.0.0' },
    {
      capabilities: onElicit ? { elicitation: { form: {} } } : {},
      versionNegotiation: { mode: options.negotiation === 'auto' ? 'auto' : { pin: CURRENT_REVISION } },
    },
  );
  if (onElicit) client.setRequestHandler('elicitation/create', (request) => onElicit(request.params));
  await client.connect(transport);
  return client;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}
