import { inputRequired, type McpServer } from '@modelcontextprotocol/server';
import { text } from '../fixtures/results';

/**
 * The diagnostic tools `server-stateless` probes the lane with: what a server may and may not do
 * on a request that carries its own capabilities and log level, and no session.
 */
export function registerStatelessProbes(server: McpServer): void {
  // Declared so that `test_logging_tool` could log at all: whether it does is the request's
  // `logLevel` alone.
  server.server.registerCapabilities({ logging: {} });

  server.registerTool(
    'test_missing_capability',
    { description: 'Needs sampling: a client that does not declare it gets -32021, never a question.' },
    () =>
      // The SDK checks the question against the request's declared capabilities before it goes out.
      inputRequired({
        inputRequests: {
          question: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }],
            maxTokens: 20,
          }),
        },
      }),
  );

  server.registerTool(
    'test_streaming_elicitation',
    { description: 'Asks the user mid-call: on 2026-07-28 that is a result, never a request on the stream.' },
    () =>
      inputRequired({
        inputRequests: {
          answer: inputRequired.elicit({
            message: 'Anything to add?',
            requestedSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
          }),
        },
      }),
  );

  server.registerTool(
    'test_logging_tool',
    { description: 'Logs while it runs; a request without a logLevel gets no log messages.' },
    async (ctx) => {
      await ctx.mcpReq.log('info', 'test_logging_tool started', 'conformance');
      await ctx.mcpReq.log('info', 'test_logging_tool finished', 'conformance');
      return text('Logged twice, at the level the request asked for, if any.');
    },
  );
}
