import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { Note, parent } from './note-view';

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
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
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
