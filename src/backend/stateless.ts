import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ListToolsResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import { SERVER_INFO } from '../mcp/server-info';
import { BackendConnection, type BackendSession } from './connection';
import { type BackendCaller, BackendProxy, type PassedThrough } from './proxy';
import type { BackendConfig } from './settings';

/** Grants whose backend session and tool list an isolate keeps (least recently used dropped first). */
const MAX_GRANTS = 256;
/**
 * How long a grant's tool list is used before the backend is asked again: the lane hears no
 * `list_changed` (there is no session to hear it on). Also what a client may cache (`ttlMs`).
 */
const TOOLS_TTL_MS = 60_000;

interface Kept {
  /** The backend session the grant's last request used: the next one goes on with it. */
  session?: BackendSession;
  tools?: { list: Promise<Tool[]>; until: number };
}

/**
 * A backend MCP server on the 2026-07-28 lane. The backend itself speaks the 2025 revisions, with
 * sessions: each request opens a connection that goes on with the backend session of the grant's
 * previous request (kept in the isolate, per grant, so two grants of one person never share one),
 * and lets go of it at the end; a session the backend forgot is replaced. The policy is the
 * session lane's (`BackendProxy`).
 */
export class StatelessBackend {
  readonly #kept = new Map<string, Kept>();

  constructor(readonly config: BackendConfig) {}

  /** Registers the backend's tools, resources and prompts on one request's server, for `caller`. */
  serve(server: McpServer, caller: BackendCaller): void {
    const low = server.server;
    // Nothing is announced on this lane: no `listChanged`.
    low.registerCapabilities({ tools: {}, resources: {}, prompts: {} });
    low.setRequestHandler('tools/list', () =>
      this.#with(caller, async (proxy) => ({
        // The backend's tools as SDK v1 read them; SDK v2's type differs only in optional details.
        tools: (await proxy.listTools(caller.identity)) as ListToolsResult['tools'],
        ttlMs: TOOLS_TTL_MS,
        cacheScope: 'private' as const,
      })),
    );
    low.setRequestHandler('tools/call', (request, ctx: ServerContext) =>
      this.#with(caller, async (proxy) => {
        const progressToken = ctx.mcpReq._meta?.progressToken;
        const { result, tool } = await proxy.callTool(caller, request.params, {
          signal: ctx.mcpReq.signal,
          // The backend's progress, on this request's own stream, under the client's token.
          onprogress:
            progressToken === undefined
              ? undefined
              : (progress) =>
                  void ctx.mcpReq
                    .notify({ method: 'notifications/progress', params: { ...progress, progressToken } })
                    .catch(() => undefined),
        });
        return low.projectCallToolResult(result as never, tool.outputSchema);
      }),
    );
    const passThrough = (method: PassedThrough) =>
      low.setRequestHandler(method, (request) =>
        this.#with(caller, async (proxy) => (await proxy.forward(method, request.params)) as never),
      );
    passThrough('resources/list');
    passThrough('resources/templates/list');
    passThrough('resources/read');
    passThrough('prompts/list');
    passThrough('prompts/get');
  }

  /** One request's work on a connection that goes on with the grant's backend session. */
  async #with<T>(caller: BackendCaller, use: (proxy: BackendProxy) => Promise<T>): Promise<T> {
    const kept = this.#keptFor(caller.call.grantId);
    const connection = new BackendConnection({
      url: this.config.url,
      connectTimeoutMs: Math.min(this.config.timeoutMs, 15_000),
      clientInfo: SERVER_INFO,
      resume: kept.session,
      events: {
        // A new backend session (the old one was forgotten) may offer other tools.
        toolsChanged: () => {
          kept.tools = undefined;
          proxy.toolsChanged();
        },
        resourcesChanged: () => undefined,
        promptsChanged: () => undefined,
      },
    });
    const cached = kept.tools && kept.tools.until > Date.now() ? kept.tools.list : undefined;
    const proxy = new BackendProxy(this.config, connection, cached);
    proxy.begin(caller);
    try {
      return await use(proxy);
    } finally {
      const session = await connection.session();
      if (session) kept.session = session;
      const loaded = proxy.loadedTools;
      if (loaded && loaded !== cached) kept.tools = { list: loaded, until: Date.now() + TOOLS_TTL_MS };
      await connection.detach();
    }
  }

  #keptFor(grantId: string): Kept {
    const kept = this.#kept.get(grantId) ?? {};
    this.#kept.delete(grantId);
    this.#kept.set(grantId, kept);
    for (const oldest of this.#kept.keys()) {
      if (this.#kept.size <= MAX_GRANTS) break;
      this.#kept.delete(oldest);
    }
    return kept;
  }
}
