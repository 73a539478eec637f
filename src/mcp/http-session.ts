import { DurableObject } from 'cloudflare:workers';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { TransportState } from 'agents/mcp';
import { readConfig } from '../config';
import { activeUpstream } from '../upstreams';
import { MemoryEventStore } from './memory-event-store';
import type { Extra } from './register-tools';
import {
  Grant,
  jsonRpcError,
  parseHeader,
  parseJson,
  SESSION_GRANT_HEADER,
  type SessionHandler,
  sessionNotFound,
} from './session-auth';
import { SessionCache } from './session-cache';
import {
  type CallGrant,
  newSessionServer,
  registerSessionTools,
  SESSION_IDLE_EXPIRY_MS,
  sessionToolNames,
  TOUCH_EVERY_MS,
} from './session-server';
import { SessionTransport, withSessionCors } from './session-transport';

/**
 * What a session keeps in storage: who opened it, the transport's state (session id, client
 * capabilities), and when it was last used, to the hour.
 */
const STORAGE_KEY = 'session';
interface StoredSession {
  owner: string;
  transport: TransportState;
  touched: number;
}

/**
 * `/mcp` in the Worker: one fetch to the session's Durable Object per request. A new session
 * (an `initialize` without a session id) gets a new unique Durable Object, whose id is the
 * session id; any other request names its session, and an id that is not one of ours is unknown.
 */
export const streamableHttpSessions: SessionHandler = async (request, env, _ctx, { auth, props, body, message }) => {
  const sessions = env.MCP_HTTP_SESSION;
  const sessionId = request.headers.get('mcp-session-id');
  let id: DurableObjectId;
  if (sessionId === null) {
    const initializes = (Array.isArray(message) ? message : [message]).some((m) => isInitializeRequest(m));
    if (request.method !== 'POST' || !initializes) {
      return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    id = sessions.newUniqueId();
  } else {
    try {
      id = sessions.idFromString(sessionId);
    } catch {
      return sessionNotFound();
    }
  }
  const headers = new Headers(request.headers);
  headers.set(SESSION_GRANT_HEADER, JSON.stringify({ auth, props } satisfies Grant));
  // The URL and an init, not a Request: the runtime builds the request once, without copying the
  // incoming one's `cf`, which the object does not need.
  const answer = await sessions.get(id).fetch(request.url, { method: request.method, headers, body });
  return withSessionCors(request, answer);
};

/**
 * One streamable HTTP MCP session: a Durable Object that runs the MCP SDK's web-standard
 * transport itself, so each request is one fetch from the Worker (McpAgent bridges every POST
 * through a WebSocket in the object, after two more calls to it). Server-to-client
 * requests (elicitation) go out on the stream of the call that makes them, and the client's
 * answer arrives as another POST to the same object. After an eviction, the stored transport
 * state restores the session id and the client's capabilities.
 *
 * Props are not stored: every request brings the current grant's props from the Worker, so the
 * upstream token is never written to the session's storage and a refreshed grant is used at once.
 */
export class McpHttpSession extends DurableObject<Env> {
  readonly #report = readConfig(this.env);
  /** Workspace schema and members, read once per session rather than once per tool call. */
  readonly #cache = new SessionCache();
  /** `undefined` until read from storage; `null` when this object holds no session. */
  #stored: StoredSession | null | undefined;
  #transport?: Promise<SessionTransport>;

  /** The last grant header and what it parsed to: a session's calls mostly repeat it verbatim. */
  #lastGrant?: { raw: string; grant: Grant | undefined };

  override async fetch(request: Request): Promise<Response> {
    const raw = request.headers.get(SESSION_GRANT_HEADER) ?? '';
    if (raw !== this.#lastGrant?.raw) this.#lastGrant = { raw, grant: parseHeader(raw, Grant) };
    const { grant } = this.#lastGrant;
    if (!grant?.auth.userId) return jsonRpcError(400, -32600, 'This request did not come through the server.');
    if (this.#stored === undefined) {
      const stored = (await this.ctx.storage.get<StoredSession>(STORAGE_KEY)) ?? null;
      if (this.#stored === undefined) this.#stored = stored; // a concurrent request may have started the session
    }
    const opening = this.#stored === null;
    // A request for a closed or unknown session, or another user's: answered alike, so nothing
    // tells the caller whether a session exists.
    if (opening ? request.headers.has('mcp-session-id') : this.#stored?.owner !== grant.auth.userId) {
      return sessionNotFound();
    }
    const owner = grant.auth.userId;
    await this.#touch();
    this.#transport ??= this.#open(grant, owner).catch((error: unknown) => {
      this.#transport = undefined; // the next request tries again
      throw error;
    });
    const transport = await this.#transport;
    const headers = new Headers(request.headers);
    headers.delete(SESSION_GRANT_HEADER);
    // The body is parsed once here, not once more by the transport and again to spot `initialize`.
    const text = request.method === 'POST' ? await request.text() : undefined;
    const parsedBody = text === undefined ? undefined : parseJson(text);
    const body = parsedBody === undefined ? text : null; // not JSON: the transport answers the parse error
    return transport.handleRequest(new Request(request.url, { method: request.method, headers, body }), {
      parsedBody,
      // Reaches each tool call as `extra.authInfo`: this request's token, not the session's first.
      authInfo: { token: '', clientId: grant.auth.clientId ?? 'unknown', scopes: grant.auth.scopes, extra: grant },
    });
  }

  async #open(grant: Grant, owner: string): Promise<SessionTransport> {
    const report = this.#report;
    if (!report.ok) throw new Error('The server is not configured; see /health.');
    const upstream = activeUpstream(report.config);
    const server: McpServer = newSessionServer(upstream);
    const quietTools = registerSessionTools(server, {
      env: this.env,
      config: report.config,
      upstream,
      cache: this.#cache,
      toolNames: sessionToolNames(upstream, grant.props),
      grantOf: (extra) => this.#grantOf(extra),
    });
    const storage = this.ctx.storage;
    const transport = new SessionTransport(
      {
        sessionIdGenerator: () => this.ctx.id.toString(),
        eventStore: new MemoryEventStore(),
        // Resumable streams start with a priming event; `retry:` tells a client when to reconnect.
        retryInterval: 2000,
        storage: {
          get: () => this.#stored?.transport,
          set: async (state) => {
            const stored = { owner: this.#stored?.owner ?? owner, transport: state, touched: Date.now() };
            await storage.put(STORAGE_KEY, stored);
            this.#stored = stored;
            await storage.setAlarm(stored.touched + SESSION_IDLE_EXPIRY_MS);
          },
        },
        // DELETE ends the session: later requests with its id get 404.
        onsessionclosed: () => this.#forget(),
      },
      quietTools,
    );
    await server.connect(transport);
    return transport;
  }

  /** Expires the session when it has been idle for `SESSION_IDLE_EXPIRY_MS`, else looks again then. */
  override async alarm(): Promise<void> {
    const stored = await this.ctx.storage.get<StoredSession>(STORAGE_KEY);
    if (!stored) return;
    const expires = (stored.touched ?? 0) + SESSION_IDLE_EXPIRY_MS;
    if (Date.now() < expires) {
      await this.ctx.storage.setAlarm(expires);
      return;
    }
    const transport = this.#transport;
    await this.#forget();
    await transport?.then((open) => open.close()).catch(() => undefined); // ends open streams
  }

  async #touch(): Promise<void> {
    const stored = this.#stored;
    if (!stored || Date.now() - stored.touched < TOUCH_EVERY_MS) return;
    stored.touched = Date.now();
    await this.ctx.storage.put(STORAGE_KEY, stored);
  }

  async #forget(): Promise<void> {
    await this.ctx.storage.deleteAll(); // the alarm too
    this.#stored = null;
    this.#transport = undefined;
  }

  #grantOf(extra: Extra): CallGrant {
    const grant = extra.authInfo?.extra as Grant | undefined; // set by fetch() above, already checked
    return { auth: grant?.auth, props: grant?.props, owner: this.#stored?.owner };
  }
}
