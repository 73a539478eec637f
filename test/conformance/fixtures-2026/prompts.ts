import { acceptedContent, completable, inputRequired, type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { PROMPTS, promptArgsShape } from '../fixtures/prompt-messages';

/**
 * Prompts (prompts-* scenarios), the completion of a prompt argument (completion-complete), and a
 * prompt that asks the user first (input-required-result-non-tool-request: an
 * `InputRequiredResult` is not for tools only).
 */
export function registerPrompts(server: McpServer): void {
  // These prompts never change, and the lane announces nothing: the capability says so.
  server.server.registerCapabilities({ prompts: { listChanged: false } });
  for (const prompt of PROMPTS) {
    const { name, description } = prompt;
    if (prompt.args === undefined) {
      server.registerPrompt(name, { description }, () => prompt.answer({}));
    } else {
      // SDK v2 takes the arguments as a schema object (a raw shape is deprecated there).
      const argsSchema = z.object(promptArgsShape(prompt, completable));
      server.registerPrompt(name, { description, argsSchema }, (args) => prompt.answer(args));
    }
  }

  server.registerPrompt(
    'test_input_required_result_prompt',
    { description: 'Asks the user for context before it is built' },
    (ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, 'user_context');
      if (typeof answer?.context !== 'string') {
        return inputRequired({
          inputRequests: {
            user_context: inputRequired.elicit({
              message: 'What context should the prompt use?',
              requestedSchema: { type: 'object', properties: { context: { type: 'string' } }, required: ['context'] },
            }),
          },
        });
      }
      return {
        messages: [{ role: 'user', content: { type: 'text', text: `A prompt for this context: ${answer.context}` } }],
      };
    },
  );
}
