import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpAgent } from 'agents/mcp';
import { z } from 'zod';
import { readConfig } from '../config';
import { activeUpstream } from '../upstreams';
import { MemoryEventStore, StreamRequests } from './memory-event-store';
import { Grant, parseHeader, SESSION_GRANT_HEADER } from './session-auth';
import { SessionCache } from './session-cache';
import {
  newSessionServer,
  registerSessionTools,
  SESSION_IDLE_EXPIRY_MS,
  sessionToolNames,
  TOUCH_EVERY_MS,
} from './session-server';

/**
 * All a legacy SSE session keeps in storage (as McpAgent's `props`): who opened it, the tools it
 * offers, and when it was last used, to the hour. Never the grant's props: the upstream token
 * comes with each message (`SESSION_GRANT_HEADER`) and is never written here.
 */
const SessionRecord = z.object({ owner: z.string(), tools: z.array(z.string()), touched: z.number() });
type SessionRecord = z.infer<typeof SessionRecord>;

/** What the request that creates a session brings (`SseOpening`, from `sseSessions`). */
const Opening = z.object({ owner: z.string(), props: z.record(z.string(), z.unknown()) });

/**
 * One legacy SSE (`/sse`, MCP 2024-11-05) session: an McpAgent Durable Object. Streamable HTTP
 * (`/mcp`) sessions are `McpHttpSession` (http-session.ts), which skips McpAgent's bridge.
 */
export class McpSession extends McpAgent<Env, unknown, Record<string, unknown>> {
  // The configuration is read once per session instance, for the instructions and the tools.
  readonly #report = readConfig(this.env);
  readonly #upstream = this.#report.ok ? activeUpstream(this.#report.config) : undefined;

  server = newSessionServer(this.#upstream);

  /** Workspace schema and members, read once per session rather than once per tool call. */
  readonly #cache = new SessionCache();

  // Stream bookkeeping in memory, not storage (see MemoryEventStore). These four methods are
  // McpAgent internals (agents is pinned to an exact version); each replaces a storage call.
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
   * Starts the session. The request that creates it brings its opener (see `sseSessions`): the
   * record is written then, once; every later start, whoever's request wakes the object, reads it
   * back, so a session never changes owner. Without a record or an opening, this object holds no
   * session: it offers nothing, stores nothing, and `admits` no one.
   */
  override async onStart(opening?: Record<string, unknown>): Promise<void> {
    const raw = await this.ctx.storage.get('props');
    const stored = SessionRecord.safeParse(raw);
    // A record in another shape held the grant's props, upstream token included: not kept.
    if (raw !== undefined && !stored.success) await this.ctx.storage.delete('props');
    const open = Opening.safeParse(opening);
    if (stored.success || !open.success || !this.#upstream) return super.onStart();
    const record: SessionRecord = {
      owner: open.data.owner,
      tools: sessionToolNames(this.#upstream, open.data.props),
      touched: Date.now(),
    };
    await super.onStart(record);
    await this.schedule(new Date(record.touched + SESSION_IDLE_EXPIRY_MS), 'expireIfIdle', undefined, {
      idempotent: true,
    });
  }

  /**
   * Whether this is a session this server issued, to `userId`: read from storage, so it holds in
   * any isolate and after any eviction. Admitting a request counts as using the session.
   */
  async admits(userId: string): Promise<boolean> {
    const stored = SessionRecord.safeParse(await this.ctx.storage.get('props'));
    if (!stored.success || stored.data.owner !== userId) return false;
    if (Date.now() - stored.data.touched >= TOUCH_EVERY_MS) {
      await this.updateProps({ ...stored.data, touched: Date.now() });
    }
    return true;
  }

  /** Deletes the session and all its storage once it has been unused for `SESSION_IDLE_EXPIRY_MS`. */
  async expireIfIdle(): Promise<void> {
    const stored = SessionRecord.safeParse(await this.ctx.storage.get('props'));
    if (!stored.success) return;
    const expires = stored.data.touched + SESSION_IDLE_EXPIRY_MS;
    if (Date.now() < expires) {
      await this.schedule(new Date(expires), 'expireIfIdle');
      return;
    }
    await this.destroy(); // drops its storage and schedules, and ends its open stream
  }

  async init(): Promise<void> {
    const report = this.#report;
    const upstream = this.#upstream;
    if (!report.ok || !upstream) throw new Error('The server is not configured; see /health.');
    const record = SessionRecord.safeParse(this.props);
    const owner = record.success ? record.data.owner : undefined;
    registerSessionTools(this.server, {
      env: this.env,
      config: report.config,
      upstream,
      cache: this.#cache,
      toolNames: record.success ? record.data.tools : [],
      // Each message brings the verified grant of the token that sent it (see `sseSessions`).
      grantOf: (extra) => {
        const raw = extra.requestInfo?.headers?.[SESSION_GRANT_HEADER];
        const grant = typeof raw === 'string' ? parseHeader(raw, Grant) : undefined;
        return { auth: grant?.auth, props: grant?.props, owner };
      },
    });
  }
}
