import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type ElicitRequest, ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { Send } from './oauth-client';

export type TransportKind = 'streamable-http' | 'sse';

/** The official SDK client, connected with a bearer token over either transport. */
export async function connectMcp(options: {
  origin: string;
  token: string;
  transport: TransportKind;
  send?: Send;
  /** Declares form elicitation and answers each request with this (a user clicking in the client). */
  onElicit?: (request: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;
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
  const onElicit = options.onElicit;
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: onElicit ? { elicitation: { form: {} } } : {} },
  );
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, (request) => onElicit(request.params));
  await client.connect(transport);
  return client;
}
