import { isLegacyRequest, McpServer, type ServerOptions } from '@modelcontextprotocol/server';
import { createMcpHandler } from 'agents/mcp/server';
import { revokeRefusedGrant } from '../auth/oauth-options';
import { backendFetch } from '../backend/reach';
import { StatelessBackend } from '../backend/stateless';
import type { Config } from '../config';
import { activeUpstream } from '../upstreams';
import { MAX_MCP_BODY_BYTES } from './request-body';
import { SERVER_INFO } from './server-info';
import { GrantCaches } from './stateless-cache';
import { registerStatelessTools } from './stateless-tools';
import { toolCallsIn } from './step-up';
import type { ToolScopes } from './tool-scopes';
import type { VerifiedCall } from './verified-call';

/** One request for the 2026-07-28 lane, after the Worker's checks (see `checked` in routes.ts). */
export interface StatelessRequest {
  /** The request as received; its body is already read, and comes parsed in `message`. */
  request: Request;
  message: unknown;
  env: Env;
  call: VerifiedCall;
}

/** Test entries only: what a test Worker adds to each 2026-07-28 server (see createWorker). */
export interface LaneExtras {
  /** Called on each request's server after the grant's tools are registered. */
  extendServer?: (server: McpServer) => void;
  /**
   * Verifies a `requestState` a client echoes, before any handler runs (a refusal is the
   * protocol's -32602). The product's own tools send none (see stateless-tools.ts).
   */
  requestState?: ServerOptions['requestState'];
}

/**
 * How long a client may reuse `tools/list` and `server/discover` (MCP 2026-07-28 `ttlMs`): the
 * tools a grant offers change only with a deployment. `private`: the list depends on the grant.
 */
const LIST_CACHE = { ttlMs: 5 * 60 * 1000, cacheScope: 'private' } as const;

/**
 * Whether this request is in the 2026-07-28 shape (the per-request `_meta` envelope, no session),
 * by the SDK's own classification (`isLegacyRequest`, the step `createMcpHandler` itself routes
 * with). Everything else — an `initialize`, a request naming a session, GET and DELETE, a batch,
 * a body that is not JSON — is the sessions' (2025 revisions).
 */
export async function isStatelessRequest(request: Request, message: unknown): Promise<boolean> {
  if (request.method !== 'POST' || message === undefined) return false;
  return !(await isLegacyRequest(request, message, { maxRequestBodySize: MAX_MCP_BODY_BYTES }));
}

/**
 * MCP 2026-07-28 on `/mcp`, without a session or a Durable Object: each request is served in the
 * Worker by a fresh SDK v2 server (`createMcpHandler` from agents/mcp/server) holding the tools
 * the request's grant offers, under the same policy as the sessions (`runToolCall`). What a
 * session kept between calls is kept per grant in the isolate (`GrantCaches`); a question to the
 * user is a multi-round-trip result. The Worker has already checked the token, the rate limits,
 * the body's size, the browser origin and the scopes (step-up) before a request gets here.
 */
export class StatelessLane {
  readonly #config: Config;
  readonly #upstream;
  readonly #scopes;
  readonly #caches = new GrantCaches();
  /** The request each server is built for: the SDK hands the factory the request it serves. */
  readonly #pending = new WeakMap<Request, StatelessRequest>();
  readonly #handler;
  readonly #extras: LaneExtras;
  /** A deployment with a backend MCP server (`BACKEND`) serves its tools instead of the upstream's. */
  readonly #backend: StatelessBackend | undefined;

  /** `scopes`: the same table as the Worker's step-up (routes.ts). */
  constructor(config: Config, scopes: ToolScopes, extras: LaneExtras = {}) {
    this.#config = config;
    this.#extras = extras;
    this.#backend = config.backend && new StatelessBackend(config.backend);
    this.#upstream = activeUpstream(config.upstream);
    this.#scopes = scopes;
    this.#handler = createMcpHandler(
      ({ requestInfo }) => {
        const served = requestInfo && this.#pending.get(requestInfo);
        if (!served) throw new Error('A stateless MCP request reached the SDK without the Worker’s checks.');
        return this.#serverFor(served);
      },
      {
        route: '/mcp',
        // 2025-era requests never reach this handler (routes.ts sends them to the sessions).
        legacy: 'reject',
        // CORS and the Origin check are the edge's (`BrowserOrigins`, and the OAuth library's
        // CORS headers for the pages it allows). The Host is PUBLIC_URL's: index.ts refuses any
        // other origin, and a Worker's request URL is built from the Host header.
        corsOptions: false,
        allowedOriginHostnames: '*',
        maxRequestBodySize: MAX_MCP_BODY_BYTES,
        onerror: (error) => {
          console.warn(
            JSON.stringify({ event: 'mcp_refused', lane: '2026-07-28', reason: error.message.slice(0, 200) }),
          );
        },
      },
    );
  }

  serve(served: StatelessRequest): Promise<Response> {
    this.#pending.set(served.request, served);
    return this.#handler.fetch(served.request, { parsedBody: served.message });
  }

  #serverFor({ call, env, message }: StatelessRequest): McpServer {
    const upstream = this.#upstream;
    const config = this.#config;
    const caches = this.#caches;
    const backend = this.#backend;
    const server = new McpServer(SERVER_INFO, {
      // A backend's tools are not the upstream's: its instructions would misdirect.
      instructions: backend ? undefined : upstream.instructions,
      // A backend's tool list says its own `ttlMs` (backend/stateless.ts).
      cacheHints: backend
        ? { 'server/discover': LIST_CACHE }
        : { 'tools/list': LIST_CACHE, 'server/discover': LIST_CACHE },
      requestState: this.#extras.requestState,
    });
    const granted = upstream.propsSchema.safeParse(call.props);
    if (backend) {
      if (!granted.success) throw new Error('A grant’s props are not in the shape of its upstream.');
      backend.serve(server, {
        call,
        identity: upstream.identity(granted.data),
        upstream: upstream.id,
        fetch: backendFetch(backend.config, env, call.userId),
      });
      this.#extras.extendServer?.(server);
      return server;
    }
    // The tools this person may use (`toolsFor`), as a session chooses them when it opens.
    const tools = granted.success ? upstream.toolsFor(granted.data) : upstream.tools;
    // A server lives for one request: a tool call needs only its tool (any other answer, such as
    // "not found", is the SDK's as usual, from the whole pack).
    // The tools a grant offers change only with a deployment: nothing is announced, and the
    // capability says so (the SDK would otherwise advertise `listChanged: true`).
    server.server.registerCapabilities({ tools: { listChanged: false } });
    const [called] = toolCallsIn(message);
    const calledTool = tools.find((tool) => tool.name === called);
    registerStatelessTools(server, calledTool ? [calledTool] : tools, this.#scopes, call, {
      contextFor: (verified, services) =>
        upstream.toolContext(
          granted.success ? granted.data : upstream.propsSchema.parse(verified.props),
          verified.scopes,
          { ...services, cache: caches.for(verified.grantId) },
        ),
      // As in a session, and what it loaded is forgotten (`env` is the Worker's token-caching env).
      revokeGrant: async (verified) => {
        caches.forget(verified.grantId);
        await revokeRefusedGrant(config, env, verified);
      },
    });
    this.#extras.extendServer?.(server);
    return server;
  }
}
