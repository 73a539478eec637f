import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpAgent } from 'agents/mcp';
import { z } from 'zod';
import { readConfig } from '../config';
import { activeUpstream } from '../upstreams';
import { registerTools } from './register-tools';

export const SERVER_INFO = { name: 'attio-remote-mcp', version: '0.1.0' } as const;

/** Set per request by the Worker from the verified access token (`ctx.auth.scope`). */
const SessionScopes = z.object({ scopes: z.array(z.string()).default([]) });

/**
 * One MCP session: a Durable Object serving streamable HTTP (`/mcp`) and legacy SSE (`/sse`).
 * Its props are the grant's props, decrypted by the OAuth library for this request's token.
 */
export class McpSession extends McpAgent<Env, unknown, Record<string, unknown>> {
  server = new McpServer(SERVER_INFO, {
    instructions:
      'Tools for the user’s Attio CRM workspace. Use search_records to find companies, people and deals by name, email or domain.',
  });

  async init(): Promise<void> {
    const report = readConfig(this.env);
    if (!report.ok) throw new Error('The server is not configured; see /health.');
    const upstream = activeUpstream(report.config);
    registerTools(this.server, upstream.tools, () => {
      const { scopes } = SessionScopes.parse(this.props);
      return { context: upstream.toolContext(upstream.propsSchema.parse(this.props), scopes), scopes };
    });
  }
}
