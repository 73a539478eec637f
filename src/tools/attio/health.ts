import { z } from 'zod';
import { AttioError } from '../../attio/errors';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';

export const health = defineTool({
  name: 'health',
  title: 'Connection health',
  description: 'Checks that Attio answers and this connection’s access is active, with the round-trip time.',
  inputSchema: {},
  outputSchema: {
    attio: z.enum(['ok', 'access_revoked', 'unavailable']),
    latencyMs: z.number(),
    workspace: z.string(),
  },
  annotations: { readOnlyHint: true, idempotentHint: true },
  scope: 'mcp:read',
  async handler(_input, { attio, workspace }: AttioToolContext) {
    const started = Date.now();
    let status: 'ok' | 'access_revoked' | 'unavailable';
    try {
      status = (await attio.self()).active ? 'ok' : 'access_revoked';
    } catch (error) {
      status = error instanceof AttioError && error.kind === 'auth' ? 'access_revoked' : 'unavailable';
    }
    const latencyMs = Date.now() - started;
    const advice = {
      ok: 'Attio answers and access is active',
      access_revoked: 'Attio access was revoked: reconnect this server in your MCP client',
      unavailable: 'Attio is not answering right now: try again shortly',
    }[status];
    return {
      structured: { attio: status, latencyMs, workspace: workspace.slug },
      text: `${advice} (${latencyMs} ms, workspace ${workspace.slug}).`,
    };
  },
});
