import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { McpAgent } from 'agents/mcp';
import { z } from 'zod';
import { audit } from '../audit';
import { readConfig } from '../config';
import { registerConformanceFixtures } from '../conformance/fixtures';
import { oauthHelpers } from '../provider';
import { activeUpstream } from '../upstreams';
import { MemoryEventStore, StreamRequests } from './memory-event-store';
import { registerTools } from './register-tools';
import { requestAuth } from './session-auth';
import { SessionCache } from './session-cache';
import { ToolError } from './tool';

export const SERVER_INFO = { name: 'remote-mcp', version: '0.1.0' } as const;

/** Recorded when the session starts (see `withSessionAuth`): the user whose token opened it. */
const SessionOwner = z.object({ owner: z.string().optional() });

/**
 * One MCP session: a Durable Object serving streamable HTTP (`/mcp`) and legacy SSE (`/sse`).
 * Its props are the grant's props, decrypted by the OAuth library for this request's token.
 */
export class McpSession extends McpAgent<Env, unknown, Record<string, unknown>> {
  // The configuration is read once per session instance, for the instructions and the tools.
  readonly #report = readConfig(this.env);
  readonly #upstream = this.#report.ok ? activeUpstream(this.#report.config) : undefined;

  server = new McpServer(SERVER_INFO, { instructions: this.#upstream?.instructions });

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
    const env = this.env;
    if (report.config.conformanceFixtures) registerConformanceFixtures(this.server);
    const ownerProps = upstream.propsSchema.safeParse(this.props);
    registerTools(
      this.server,
      ownerProps.success ? upstream.toolsFor(ownerProps.data) : upstream.tools,
      ({ confirm, headers }) => {
        const auth = requestAuth(headers);
        const { owner } = SessionOwner.parse(this.props);
        // A session id is a bearer secret too: a token of another user must not use this session's props.
        if (!auth || !owner || auth.userId !== owner) {
          throw new ToolError('This MCP session belongs to another sign-in. Reconnect to start a new session.');
        }
        const props = upstream.propsSchema.parse(this.props);
        return {
          context: upstream.toolContext(props, auth.scopes, { cache: this.#cache, confirm }),
          scopes: auth.scopes,
          user: auth.userId ?? 'unknown',
          client: auth.clientId ?? 'unknown',
          // The upstream no longer accepts this grant's token: revoke the grant, so the client's
          // next request gets 401 and it signs the user in again, instead of failing forever.
          async revokeGrant() {
            if (!auth.userId || !auth.grantId) return;
            await oauthHelpers(report.config, env).revokeGrant(auth.grantId, auth.userId);
            audit({
              event: 'grant_revoked',
              upstream: upstream.id,
              user: auth.userId,
              reason: 'upstream_unauthorized',
            });
          },
        };
      },
    );
  }
}
