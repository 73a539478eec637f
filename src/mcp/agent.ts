import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpAgent } from 'agents/mcp';
import { z } from 'zod';
import { readConfig } from '../config';
import { oauthHelpers } from '../provider';
import { activeUpstream } from '../upstreams';
import { registerTools } from './register-tools';
import { SessionCache } from './session-cache';

export const SERVER_INFO = { name: 'attio-remote-mcp', version: '0.1.0' } as const;

/** Set per request by the Worker from the verified access token (`ctx.auth`); see `withSessionAuth`. */
const SessionAuth = z.object({
  scopes: z.array(z.string()).default([]),
  grant: z.object({ userId: z.string().optional(), grantId: z.string().optional() }).default({}),
});

/**
 * One MCP session: a Durable Object serving streamable HTTP (`/mcp`) and legacy SSE (`/sse`).
 * Its props are the grant's props, decrypted by the OAuth library for this request's token.
 */
export class McpSession extends McpAgent<Env, unknown, Record<string, unknown>> {
  server = new McpServer(SERVER_INFO, {
    instructions:
      'Tools for the user’s Attio CRM workspace. Find records by name, email or domain with search_records; list them by attribute with query_records (Attio filter language; selects and statuses by title); call describe_object when unsure of a slug or option. Answers are compact: ask for fields you need.',
  });

  /** Workspace schema and members, read once per session rather than once per tool call. */
  readonly #cache = new SessionCache();

  async init(): Promise<void> {
    const report = readConfig(this.env);
    if (!report.ok) throw new Error('The server is not configured; see /health.');
    const upstream = activeUpstream(report.config);
    const env = this.env;
    registerTools(this.server, upstream.tools, (confirm) => {
      const { scopes, grant } = SessionAuth.parse(this.props);
      const props = upstream.propsSchema.parse(this.props);
      return {
        context: upstream.toolContext(props, scopes, { cache: this.#cache, confirm }),
        scopes,
        // The upstream no longer accepts this grant's token: revoke the grant, so the client's
        // next request gets 401 and it signs the user in again, instead of failing forever.
        async revokeGrant() {
          const { userId, grantId } = grant;
          if (!userId || !grantId) return;
          await oauthHelpers(report.config, env).revokeGrant(grantId, userId);
          console.warn(
            JSON.stringify({ event: 'grant_revoked', reason: 'upstream_unauthorized', upstream: upstream.id }),
          );
        },
      };
    });
  }
}
