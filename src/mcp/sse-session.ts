import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpAgent } from 'agents/mcp';
import { z } from 'zod';
import { readConfig } from '../config';
import { activeUpstream } from '../upstreams';
import { MemoryEventStore, StreamRequests } from './memory-event-store';
import { requestAuth } from './session-auth';
import { SessionCache } from './session-cache';
import { newSessionServer, registerSessionTools } from './session-server';

/** Recorded when the session starts (see `withSessionAuth`): the user whose token opened it. */
const SessionOwner = z.object({ owner: z.string().optional() });

/**
 * One legacy SSE (`/sse`, MCP 2024-11-05) session: an McpAgent Durable Object. Its props are the
 * grant's props, decrypted by the OAuth library when the session started. Streamable HTTP
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
   * The user who opened this session (see `withSessionAuth`), read from storage so it answers
   * before, during or after the session's start-up.
   */
  async sessionOwner(): Promise<string | undefined> {
    const stored = await this.ctx.storage.get('props');
    const parsed = SessionOwner.safeParse(stored ?? {});
    return parsed.success ? parsed.data.owner : undefined;
  }

  async init(): Promise<void> {
    const report = this.#report;
    const upstream = this.#upstream;
    if (!report.ok || !upstream) throw new Error('The server is not configured; see /health.');
    registerSessionTools(this.server, {
      env: this.env,
      config: report.config,
      upstream,
      cache: this.#cache,
      openingProps: this.props,
      // Props arrive once, when the session starts; the verified token of each call comes as a header.
      grantOf: (extra) => ({
        auth: requestAuth(extra.requestInfo?.headers),
        props: this.props,
        owner: SessionOwner.parse(this.props).owner,
      }),
    });
  }
}
