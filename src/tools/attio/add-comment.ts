import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import { commentTargetInput, resolveCommentTarget } from './comment-target';
import type { AttioToolContext } from './context';
import { attioId } from './ids';

export const addComment = defineTool({
  name: 'add_comment',
  title: 'Add a comment',
  description:
    'Comments on a record (or its entry in a list) as you, starting a thread, or replies in a thread. Mention members by email.',
  inputSchema: {
    ...commentTargetInput,
    record: commentTargetInput.record.optional(),
    thread_id: attioId('a thread').optional().describe('Reply in this thread instead'),
    content: z.string().trim().min(1).max(10_000).describe('Plain text'),
  },
  outputSchema: { thread: z.string() },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const authorId = context.member.id;
    if (!authorId) {
      throw new ToolError(
        'Attio did not say which workspace member authorized this connection, and comments must have one as author. Reconnect this server, signing in as a member.',
      );
    }
    let on: Parameters<typeof context.attio.createComment>[0]['on'];
    let label: string;
    if (input.thread_id) {
      on = { threadId: input.thread_id };
      label = 'the thread';
    } else if (input.record) {
      const { target, name } = await resolveCommentTarget(context, { ...input, record: input.record });
      on = target;
      label = name ? `"${name}"` : 'the record';
    } else {
      throw new ToolError('Give record (and object or list) to comment on, or thread_id to reply.');
    }
    const { data } = await context.attio.createComment({ authorId, content: input.content, on });
    return {
      structured: { thread: data.thread_id },
      text: `Commented on ${label} as ${context.member.name ?? 'you'} (thread ${data.thread_id}).`,
    };
  },
});
