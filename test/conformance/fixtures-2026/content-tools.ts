import type { McpServer } from '@modelcontextprotocol/server';
import { CONTENT_TOOLS } from '../fixtures/content-answers';
import { pause, text } from '../fixtures/results';

/**
 * Tools that answer with each kind of content a tool result can carry, one that fails, and one
 * that reports progress (tools-call-* scenarios): the same answers as the sessions' fixtures.
 */
export function registerContentTools(server: McpServer): void {
  for (const tool of CONTENT_TOOLS) {
    server.registerTool(tool.name, { description: tool.description }, () => tool.answer());
  }

  server.registerTool(
    'test_tool_with_progress',
    {
      description:
        'Reports progress 0, 50 and 100 of 100 when the call has a progress token (tools-call-with-progress).',
    },
    async (ctx) => {
      // On 2026-07-28 progress goes on the call's own response stream (the answer becomes SSE).
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (const progress of [0, 50, 100]) {
        if (progress > 0) await pause(50);
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken, progress, total: 100, message: `Completed step ${progress / 50 + 1} of 3` },
          });
        }
      }
      return text('Tool with progress executed successfully');
    },
  );
}
