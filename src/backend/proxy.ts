import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AnyObjectSchema, SchemaOutput } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  CallToolResultSchema,
  ErrorCode,
  GetPromptRequestSchema,
  GetPromptResultSchema,
  ListPromptsRequestSchema,
  ListPromptsResultSchema,
  ListResourcesRequestSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesRequestSchema,
  ListResourceTemplatesResultSchema,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  McpError,
  ReadResourceRequestSchema,
  ReadResourceResultSchema,
  type ServerResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { audit } from '../audit';
import type { Extra } from '../mcp/register-tools';
import { SERVER_INFO } from '../mcp/server-info';
import type { VerifiedCall } from '../mcp/verified-call';
import type { Identity } from '../upstreams/upstream';
import { BackendConnection, BackendUnavailable } from './connection';
import { identityHeaders } from './identity-headers';
import type { BackendConfig } from './settings';

/** What the session tells the proxy about each request. */
export interface BackendHost {
  /** The verified call this request carries; `undefined` refuses it. */
  callOf(extra: Extra): VerifiedCall | undefined;
  /** The person behind a call, as the upstream verified them. */
  identityOf(call: VerifiedCall): Identity;
  upstream: string;
  /** How the Worker reaches the backend (global fetch, a service binding, a container) for this call. */
  fetchFor(call: VerifiedCall): FetchLike;
}

/**
 * Serves a backend MCP server's tools, resources and prompts through the session's server: the
 * session is the backend's MCP client (`BackendConnection`). Per-user policy decides which tools
 * each person sees and may call (`ToolPolicy`), scopes apply as to our own tools, each call is
 * audited, progress and list changes reach the client, and a backend that is down is a tool error.
 */
export function serveBackend(server: McpServer, config: BackendConfig, host: BackendHost): BackendConnection {
  let tools: Promise<Tool[]> | undefined;
  const connection = new BackendConnection({
    url: config.url,
    connectTimeoutMs: Math.min(config.timeoutMs, 15_000),
    clientInfo: SERVER_INFO,
    events: {
      toolsChanged: () => {
        tools = undefined;
        void server.server.sendToolListChanged().catch(() => undefined);
      },
      resourcesChanged: () => void server.server.sendResourceListChanged().catch(() => undefined),
      promptsChanged: () => void server.server.sendPromptListChanged().catch(() => undefined),
    },
  });

  /** The call this request carries, with the backend's headers set for it. */
  const begin = (extra: Extra) => {
    const call = host.callOf(extra);
    if (!call) throw new McpError(ErrorCode.InvalidRequest, 'This request did not come through the server. Reconnect.');
    const identity = host.identityOf(call);
    connection.serve({
      fetch: host.fetchFor(call),
      headers: {
        ...identityHeaders({ userId: call.userId, upstream: host.upstream, identity, scopes: call.scopes }),
        ...(config.token ? { Authorization: `Bearer ${config.token}` } : {}),
      },
    });
    return { call, identity };
  };

  /** Every tool of the backend, all pages, until it says its list changed. */
  const allTools = () => {
    if (!tools) {
      const loading = connection.run(async (client) => {
        const found: Tool[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.request({ method: 'tools/list', params: { cursor } }, ListToolsResultSchema);
          found.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      });
      tools = loading;
      loading.catch(() => {
        if (tools === loading) tools = undefined;
      });
    }
    return tools;
  };

  /** A list or read forwarded as is; a backend that is down is a protocol error saying so. */
  const forward = <T>(use: (client: Client) => Promise<T>): Promise<T> => orUnavailable(connection.run(use));

  server.server.registerCapabilities({
    tools: { listChanged: true },
    resources: { listChanged: true },
    prompts: { listChanged: true },
  });

  server.server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    const { identity } = begin(extra);
    const visible = (await orUnavailable(allTools())).filter((tool) => config.policy.allows(tool.name, identity));
    return { tools: visible };
  });

  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const started = Date.now();
    const { call, identity } = begin(extra);
    const { name } = request.params;
    const record = (outcome: 'ok' | 'error' | 'refused') =>
      audit({
        event: 'tool_call',
        user: call.userId,
        client: call.clientId,
        tool: name,
        outcome,
        ms: Date.now() - started,
      });
    const finish = (outcome: 'ok' | 'error' | 'refused', result: CallToolResult) => {
      record(outcome);
      return result;
    };
    const tool = (await orUnavailable(allTools())).find((candidate) => candidate.name === name);
    // A tool the policy hides is answered exactly as one that does not exist.
    if (!tool || !config.policy.allows(name, identity)) {
      record('refused');
      throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    }
    const scope = config.policy.scopeFor(name, tool.annotations);
    if (!call.scopes.includes(scope)) {
      return finish(
        'refused',
        errorResult(
          `${name} needs the "${scope}" permission, which this connection was not granted. Reconnect this server and allow it on the consent page.`,
        ),
      );
    }
    const progressToken = request.params._meta?.progressToken;
    try {
      const result = await connection.run((client) =>
        client.request(
          { method: 'tools/call', params: { name, arguments: request.params.arguments } },
          CallToolResultSchema,
          {
            signal: extra.signal,
            timeout: config.timeoutMs,
            resetTimeoutOnProgress: true,
            // The backend's progress, passed on under the client's own token.
            onprogress:
              progressToken === undefined
                ? undefined
                : (progress) =>
                    void extra
                      .sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken } })
                      .catch(() => undefined),
          },
        ),
      );
      return finish(result.isError ? 'error' : 'ok', result as CallToolResult);
    } catch (error) {
      if (error instanceof McpError && !isTransportFailure(error)) throw error;
      // A request that may have reached the backend may have changed something: say so.
      const unsure = !(error instanceof BackendUnavailable) && tool.annotations?.readOnlyHint !== true;
      return finish(
        'error',
        errorResult(
          `${unavailable(error)}${unsure ? ' The change may or may not have been made: check before trying again, so it is not made twice.' : ''}`,
        ),
      );
    }
  });

  // Resources and prompts pass through as they are, to everyone signed in.
  const passThrough = <Request extends AnyObjectSchema>(requestSchema: Request, resultSchema: AnyObjectSchema) =>
    server.server.setRequestHandler(requestSchema, async (request: SchemaOutput<Request>, extra) => {
      begin(extra);
      const { method, params } = request as { method: string; params?: Record<string, unknown> };
      return forward((client) => client.request({ method, params }, resultSchema) as Promise<ServerResult>);
    });
  passThrough(ListResourcesRequestSchema, ListResourcesResultSchema);
  passThrough(ListResourceTemplatesRequestSchema, ListResourceTemplatesResultSchema);
  passThrough(ReadResourceRequestSchema, ReadResourceResultSchema);
  passThrough(ListPromptsRequestSchema, ListPromptsResultSchema);
  passThrough(GetPromptRequestSchema, GetPromptResultSchema);

  return connection;
}

function orUnavailable<T>(pending: Promise<T>): Promise<T> {
  return pending.catch((error: unknown) => {
    throw error instanceof McpError && !isTransportFailure(error)
      ? error
      : new McpError(ErrorCode.InternalError, unavailable(error));
  });
}

/** The SDK's own failures of the exchange (not an answer from the backend). */
function isTransportFailure(error: McpError): boolean {
  return error.code === ErrorCode.ConnectionClosed || error.code === ErrorCode.RequestTimeout;
}

function unavailable(error: unknown): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return 'The backend MCP server did not answer in time.';
  }
  return 'The backend MCP server is not answering right now. Try again in a moment.';
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
