import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Send } from './oauth-client';

export type TransportKind = 'streamable-http' | 'sse';

/** The official SDK client, connected with a bearer token over either transport. */
export async function connectMcp(options: {
  origin: string;
  token: string;
  transport: TransportKind;
  send?: Send;
}): Promise<Client> {
  const send = options.send;
  const fetchVia = send
    ? (input: string | URL | Request, init?: RequestInit) => send(new Request(input, init))
    : undefined;
  const headers = { Authorization: `Bearer ${options.token}` };
  const transport =
    options.transport === 'streamable-http'
      ? new StreamableHTTPClientTransport(new URL(`${options.origin}/mcp`), {
          requestInit: { headers },
          fetch: fetchVia,
        })
      : new SSEClientTransport(new URL(`${options.origin}/sse`), { requestInit: { headers }, fetch: fetchVia });
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(transport);
  return client;
}
