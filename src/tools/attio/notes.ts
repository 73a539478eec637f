import { z } from 'zod';
import type { AttioNote } from '../../attio/schemas';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { compactTimestamp, cut } from './values';

/** A note's text is cut here in lists; the full note is in Attio at the record's URL. */
const MAX_NOTE_CHARS = 2_000;

const Note = z.object({
  id: z.string(),
  title: z.string(),
  content: z.string(),
  createdAt: z.string(),
  author: z.string().nullable(),
});

function viewNote(note: AttioNote, members: Map<string, string>): z.infer<typeof Note> {
  const authorId = note.created_by_actor.id;
  return {
    id: note.id.note_id,
    title: note.title,
    content: cut(note.content_plaintext, MAX_NOTE_CHARS),
    createdAt: compactTimestamp(note.created_at),
    author: authorId ? (members.get(authorId) ?? null) : null,
  };
}

const parent = {
  object: z.string().min(1).describe('Object slug of the record: companies, people, deals, …'),
  record_id: z.string().min(1).describe('The record the note is on'),
};

export const createNote = defineTool({
  name: 'create_note',
  title: 'Add a note to a record',
  description: 'Adds a note (title and Markdown content) to a company, person, deal or other record.',
  inputSchema: {
    ...parent,
    title: z.string().trim().min(1).max(200),
    content: z.string().min(1).max(20_000).describe('Markdown'),
  },
  outputSchema: { note: Note.pick({ id: true, title: true }) }, // the rest is what the model just wrote
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, { attio, catalog }: AttioToolContext) {
    const object = await catalog.object(input.object);
    const { data } = await attio.createNote({
      parentObject: object.slug,
      parentRecordId: input.record_id,
      title: input.title,
      content: input.content,
    });
    const note = { id: data.id.note_id, title: data.title };
    return { structured: { note }, text: `Added the note "${note.title}" [${note.id}].` };
  },
});

export const listNotes = defineTool({
  name: 'list_notes',
  title: 'List the notes of a record',
  description: `The notes on one record, oldest first, each cut at ${MAX_NOTE_CHARS} characters.`,
  inputSchema: {
    ...parent,
    limit: z.number().int().min(1).max(50).default(10),
    offset: z.number().int().min(0).default(0),
  },
  outputSchema: { notes: z.array(Note), nextOffset: z.number().optional() },
  annotations: { readOnlyHint: true, openWorldHint: true },
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
