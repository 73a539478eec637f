import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AnyObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type ServerResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { Extra } from '../mcp/register-tools';
import { SERVER_INFO } from '../mcp/server-info';
import type { VerifiedCall } from '../mcp/verified-call';
import type { Identity } from '../upstreams/upstream';
import { BackendConnection } from './connection';
import { type BackendCaller, BackendProxy, type PassedThrough } from './proxy';
import type { BackendConfig } from './settings';

/** What the session tells the proxy about each request. */
export interface BackendHost {
  /** The verified call this request carries; `undefined` refuses it. */
  callOf(extra: Extra): VerifiedCall | undefined;
  /** The person behind a call, as the upstream verified them. */
  identityOf(call: VerifiedCall): Identity;
  upstream: string;
  /** How the Worker reaches the backend (global fetch, a service binding, a container) for this call. */
  fetchFor(call: VerifiedCall): BackendCaller['fetch'];
}

/**
 * Serves a backend MCP server through a session's server (SDK v1): the session is the backend's
 * MCP client (one `BackendConnection` for the session's life), under `BackendProxy`'s policy. The
 * backend's `list_changed` notifications reach the client.
 */
export function serveBackend(server: McpServer, config: BackendConfig, host: BackendHost): BackendConnection {
  const connection = new BackendConnection({
    url: config.url,
    connectTimeoutMs: Math.min(config.timeoutMs, 15_000),
    clientInfo: SERVER_INFO,
    events: {
      toolsChanged: () => {
        proxy.toolsChanged();
        void server.server.sendToolListChanged().catch(() => undefined);
      },
      resourcesChanged: () => void server.server.sendResourceListChanged().catch(() => undefined),
      promptsChanged: () => void server.server.sendPromptListChanged().catch(() => undefined),
    },
  });
  const proxy = new BackendProxy(config, connection);

  /** The caller of this request, with the backend's headers set for it. */
  const begin = (extra: Extra): BackendCaller => {
    const call = host.callOf(extra);
    if (!call) throw new McpError(ErrorCode.InvalidRequest, 'This request did not come through the server. Reconnect.');
    const caller = { call, identity: host.identityOf(call), upstream: host.upstream, fetch: host.fetchFor(call) };
    proxy.begin(caller);
    return caller;
  };

  server.server.registerCapabilities({
    tools: { listChanged: true },
    resources: { listChanged: true },
    prompts: { listChanged: true },
  });

  server.server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => ({
    tools: await proxy.listTools(begin(extra).identity),
  }));

  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const progressToken = request.params._meta?.progressToken;
    const { result } = await proxy.callTool(begin(extra), request.params, {
      signal: extra.signal,
      // The backend's progress, passed on under the client's own token.
      onprogress:
        progressToken === undefined
          ? undefined
          : (progress) =>
              void extra
                .sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken } })
                .catch(() => undefined),
    });
    return result;
  });

  const passThrough = (method: PassedThrough, requestSchema: AnyObjectSchema) =>
    server.server.setRequestHandler(requestSchema, async (request, extra) => {
      begin(extra);
      const { params } = request as { params?: Record<string, unknown> };
      return (await proxy.forward(method, params)) as ServerResult;
    });
  passThrough('resources/list', ListResourcesRequestSchema);
  passThrough('resources/templates/list', ListResourceTemplatesRequestSchema);
  passThrough('resources/read', ReadResourceRequestSchema);
  passThrough('prompts/list', ListPromptsRequestSchema);
  passThrough('prompts/get', GetPromptRequestSchema);

  return connection;
}
