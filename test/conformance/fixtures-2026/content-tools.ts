import type { McpServer } from '@modelcontextprotocol/server';
import { RED_PIXEL_PNG, SILENCE_WAV } from '../fixtures/media';
import { pause, text } from '../fixtures/results';

/**
 * Tools that answer with each kind of content a tool result can carry, one that fails, and one
 * that reports progress (tools-call-* scenarios): the same answers as the sessions' fixtures.
 */
export function registerContentTools(server: McpServer): void {
  server.registerTool('test_simple_text', { description: 'Returns one text item (tools-call-simple-text).' }, () =>
    text('This is a simple text response for testing.'),
  );

  server.registerTool('test_image_content', { description: 'Returns a 1×1 red PNG (tools-call-image).' }, () => ({
    content: [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }],
  }));

  server.registerTool('test_audio_content', { description: 'Returns a short WAV (tools-call-audio).' }, () => ({
    content: [{ type: 'audio', data: SILENCE_WAV, mimeType: 'audio/wav' }],
  }));

  server.registerTool(
    'test_embedded_resource',
    { description: 'Returns an embedded text resource (tools-call-embedded-resource).' },
    () => ({
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    }),
  );

  server.registerTool(
    'test_multiple_content_types',
    { description: 'Returns text, an image and an embedded resource together (tools-call-mixed-content).' },
    () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    }),
  );

  server.registerTool(
    'test_error_handling',
    { description: 'Always fails; the failure is a tool result with isError (tools-call-error).' },
    () => {
      throw new Error('This tool intentionally returns an error for testing');
    },
  );

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
