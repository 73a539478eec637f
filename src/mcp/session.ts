import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpAgent } from 'agents/mcp';
import { z } from 'zod';
import { revokeRefusedGrant } from '../auth/oauth-options';
import { withCachedTokens } from '../auth/token-cache';
import type { BackendConnection } from '../backend/connection';
import { backendFetch } from '../backend/reach';
import { serveBackend } from '../backend/session';
import { readConfig } from '../config';
import { activeUpstream } from '../upstreams';
import { MemoryEventStore, StreamRequests } from './memory-event-store';
import { type Extra, registerTools } from './register-tools';
import { SERVER_INFO } from './server-info';
import { SessionCache } from './session-cache';
import { ToolScopes } from './tool-scopes';
import { VerifiedCallReader } from './verified-call';

/**
 * A session unused for a day is deleted with its storage, on both transports; its client then
 * gets 404 and, as MCP requires, opens a new session. Its last use is written at most once an
 * hour, so an active session costs no storage write per request.
 */
export const SESSION_IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;
export const TOUCH_EVERY_MS = 60 * 60 * 1000;

/**
 * All a session keeps as McpAgent's `props`: who opened it, the tools it offers, and when it was
 * last used, to the hour. Never a grant's props: the upstream token comes with each request (the
 * verified call) and is never written here.
 */
const SessionRecord = z.object({ owner: z.string(), tools: z.array(z.string()), touched: z.number() });
type SessionRecord = z.infer<typeof SessionRecord>;

/** What the request that opens a session brings (`ctx.props`, set by the Worker's routes). */
const SessionOpening = z.object({ owner: z.string(), props: z.record(z.string(), z.unknown()) });
export type SessionOpening = z.infer<typeof SessionOpening>;

/**
 * One MCP session, on either transport: McpAgent serves streamable HTTP (`/mcp`, `serve`) and
 * legacy SSE (`/sse`, `serveSSE`) from this one class. The Worker admits each request (`admits`)
 * and hands it the caller's verified call; the tools read that call, so each runs with the
 * grant that sent it.
 */
export class McpSession extends McpAgent<Env, unknown, Record<string, unknown>> {
  // The configuration is read once per session instance, for the instructions and the tools.
  readonly #report = readConfig(this.env);
  readonly #upstream = this.#report.ok ? activeUpstream(this.#report.config.upstream) : undefined;
  /** A backend MCP server, when the deployment has one: it supplies the tools instead of the upstream's pack. */
  readonly #backendConfig = this.#report.ok ? this.#report.config.backend : undefined;
  #backend?: BackendConnection;

  server = new McpServer(SERVER_INFO, { instructions: this.#backendConfig ? undefined : this.#upstream?.instructions });

  /** Workspace schema and members, read once per session rather than once per tool call. */
  readonly #cache = new SessionCache();
  readonly #calls = new VerifiedCallReader();

  // Stream bookkeeping in memory, not storage (see MemoryEventStore). `getEventStore` is McpAgent's
  // documented hook; the four stream-request methods are public methods of McpAgent marked
  // internal (agents is pinned to an exact version, and test/worker/session-binding.test.ts fails
  // if they stop being called), each replacing a storage write, read or scan per tool call.
  readonly #eventStore = new MemoryEventStore();
  readonly #streamRequests = new StreamRequests();

  protected override getEventStore() {
    return this.#eventStore;
  }

  override async setStreamRequestIds(streamId: string, requestIds: RequestId[]): Promise<void> {
    this.#streamRequests.set(streamId, requestIds);
  }

  override async getStreamRequestIds(streamId: string): Promise<RequestId[] | undefined> {
    return this.#streamRequests.get(streamId);
  }

  override async deleteStreamRequestIds(streamId: string): Promise<void> {
    this.#streamRequests.delete(streamId);
  }

  override async getStreamForRequestId(requestId: RequestId) {
    return this.#streamRequests.find(requestId);
  }

  /**
   * Starts the session. The request that opens it brings its opener (`SessionOpening`): the
   * record is written then, once; every later start, whoever's request wakes the object, reads it
   * back, so a session never changes owner. Without a record or an opening, this object holds no
   * session: it offers nothing, stores nothing, and `admits` no one.
   */
  override async onStart(opening?: Record<string, unknown>): Promise<void> {
    const raw = await this.ctx.storage.get('props');
    const stored = SessionRecord.safeParse(raw);
    // A record in another shape may hold a grant's props, upstream token included: not kept.
    if (raw !== undefined && !stored.success) await this.ctx.storage.delete('props');
    const open = SessionOpening.safeParse(opening);
    const upstream = this.#upstream;
    if (stored.success || !open.success || !upstream) return super.onStart();
    const granted = upstream.propsSchema.safeParse(open.data.props);
    const record: SessionRecord = {
      owner: open.data.owner,
      // The tools this person may use (`toolsFor`), chosen once from the grant that opens it.
      tools: (granted.success ? upstream.toolsFor(granted.data) : upstream.tools).map((tool) => tool.name),
      touched: Date.now(),
    };
    await super.onStart(record);
    await this.schedule(new Date(record.touched + SESSION_IDLE_EXPIRY_MS), 'expireIfIdle', undefined, {
      idempotent: true,
    });
  }

  /**
   * Whether this is a session this server issued, to `userId`: read from storage, so it holds in
   * any isolate and after any eviction. The one owner check, made by the Worker before every
   * request that names a session. Admitting a request counts as using the session.
   */
  async admits(userId: string): Promise<boolean> {
    const stored = await this.#storedRecord();
    if (!stored.success) {
      // No session here (an expired one, or another transport's id): the agent's start-up, which
      // runs before any of its methods, wrote its bookkeeping. Leave nothing behind.
      await this.ctx.storage.deleteAll();
      return false;
    }
    if (stored.data.owner !== userId) return false;
    if (Date.now() - stored.data.touched >= TOUCH_EVERY_MS) {
      await this.updateProps({ ...stored.data, touched: Date.now() });
    }
    return true;
  }

  /** The session's record as stored (McpAgent keeps its props under `props`), never a copy in memory. */
  async #storedRecord() {
    return SessionRecord.safeParse(await this.ctx.storage.get('props'));
  }

  /** Deletes the session and all its storage once it has been unused for `SESSION_IDLE_EXPIRY_MS`. */
  async expireIfIdle(): Promise<void> {
    const stored = await this.#storedRecord();
    if (!stored.success) return;
    const expires = stored.data.touched + SESSION_IDLE_EXPIRY_MS;
    if (Date.now() < expires) {
      await this.schedule(new Date(expires), 'expireIfIdle');
      return;
    }
    await this.#backend?.close(); // ends the backend's session too
    await this.destroy(); // drops its storage and schedules, and ends its open streams
  }

  async init(): Promise<void> {
    const report = this.#report;
    const upstream = this.#upstream;
    if (!report.ok || !upstream) throw new Error('The server is not configured; see /health.');
    const { config } = report;
    const record = SessionRecord.safeParse(this.props);
    const offered = new Set(record.success ? record.data.tools : []);
    // The same props object comes back with every call of a grant (`VerifiedCallReader`): checked once.
    const checked = new WeakMap<object, unknown>();
    const propsOf = (props: Record<string, unknown>) => {
      if (!checked.has(props)) checked.set(props, upstream.propsSchema.parse(props));
      return checked.get(props);
    };
    const callOf = (extra: Extra) => this.#calls.read(extra.requestInfo?.headers);
    if (config.backend) {
      const backend = config.backend;
      this.#backend = serveBackend(this.server, backend, {
        callOf,
        identityOf: (call) => upstream.identity(propsOf(call.props)),
        upstream: upstream.id,
        fetchFor: (call) => backendFetch(backend, this.env, call.userId),
      });
      return;
    }
    registerTools(
      this.server,
      upstream.tools.filter((tool) => offered.has(tool.name)),
      new ToolScopes(upstream.tools),
      {
        callOf,
        contextFor: (call, services) =>
          upstream.toolContext(propsOf(call.props), call.scopes, { ...services, cache: this.#cache }),
        revokeGrant: (call) => revokeRefusedGrant(config, withCachedTokens(this.env, config.tokenCacheMs), call),
      },
    );
  }
}
