import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import { actorNamer } from './actors';
import { commentTargetInput, resolveCommentTarget } from './comment-target';
import type { AttioToolContext } from './context';
import { cut, shortTime } from './values';

const Thread = z.looseObject({ id: z.string() }).describe('id, resolved, comments: [author, time, text]');

export const listComments = defineTool({
  name: 'list_comments',
  title: 'Read comment threads',
  description:
    'The comment threads on a record, or on its entry in a list, oldest first, each comment with author and time.',
  inputSchema: {
    ...commentTargetInput,
    limit: z.number().int().min(1).max(50).default(10),
    offset: z.number().int().min(0).max(1e5).default(0),
  },
  outputSchema: { threads: z.array(Thread), nextOffset: z.number().optional() },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const { target, name } = await resolveCommentTarget(context, input);
    const [{ data }, actor] = await Promise.all([
      context.attio.threads(target, { limit: input.limit, offset: input.offset }),
      actorNamer(context),
    ]);
    // Attio documents no order for threads (their comments come oldest first): sorted here.
    const byTime = (a: { created_at: string }, b: { created_at: string }) => a.created_at.localeCompare(b.created_at);
    const threads = [...data].sort(byTime).map((thread) => ({
      id: thread.id.thread_id,
      ...(thread.comments.some((c) => c.resolved_at) ? { resolved: true } : {}),
      comments: thread.comments.map((c) => [actor(c.author), shortTime(c.created_at), cut(c.content_plaintext)]),
    }));
    // Attio has no count: a full page means there may be more.
    const nextOffset = data.length === input.limit ? input.offset + input.limit : undefined;
    const on = `${name ? `"${name}"` : 'the record'}${'list' in target ? ` in ${target.list}` : ''}`;
    const text = threads.length
      ? threads
          .map(
            (t, i) =>
              `Thread ${input.offset + i + 1}${t.resolved ? ' (resolved)' : ''} [${t.id}]:\n${t.comments
                .map(([who, when, what]) => `- ${who}, ${when}: ${what}`)
                .join('\n')}`,
          )
          .join('\n')
      : `No comments on ${on}.`;
    return {
      structured: { threads, ...(nextOffset !== undefined ? { nextOffset } : {}) },
      text: `${threads.length ? `Comments on ${on} (times UTC):\n` : ''}${text}${nextOffset !== undefined ? `\nMore threads: offset ${nextOffset}.` : ''}`,
    };
  },
});
