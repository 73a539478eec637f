import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { MAX_NOTE_CHARS, Note, parent, viewNote } from './note-view';

export const listNotes = defineTool({
  name: 'list_notes',
  title: 'List notes',
  description: `The notes on one record, oldest first, each cut at ${MAX_NOTE_CHARS} characters.`,
  inputSchema: {
    ...parent,
    limit: z.number().int().min(1).max(50).default(10),
    offset: z.number().int().min(0).max(1e5).default(0),
  },
  outputSchema: { notes: z.array(Note), nextOffset: z.number().optional() },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, { attio, catalog }: AttioToolContext) {
    const object = await catalog.object(input.object);
    const [{ data }, members] = await Promise.all([
      attio.notes({
        parentObject: object.slug,
        parentRecordId: input.record_id,
        limit: input.limit,
        offset: input.offset,
      }),
      catalog.members(),
    ]);
    const notes = data.map((n) => viewNote(n, members.names));
    // Attio has no count: a full page means there may be more.
    const nextOffset = data.length === input.limit ? input.offset + input.limit : undefined;
    const text = notes.length
      ? notes
          .map(
            (n) =>
              `## ${n.title} (${n.createdAt.slice(0, 10)}${n.author ? `, ${n.author}` : ''}) [${n.id}]\n${n.content}`,
          )
          .join('\n\n')
      : 'No notes on this record.';
    return {
      structured: { notes, ...(nextOffset !== undefined ? { nextOffset } : {}) },
      text: nextOffset !== undefined ? `${text}\n\nThere may be more: call again with offset ${nextOffset}.` : text,
    };
  },
});
