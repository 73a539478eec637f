import { z } from 'zod';
import type { AttioNote } from '../../attio/schemas';
import { attioId } from './ids';
import { compactTimestamp, cut } from './values';

/** A note's text is cut here in lists; the full note is in Attio at the record's URL. */
export const MAX_NOTE_CHARS = 2_000;

export const Note = z.object({
  id: z.string(),
  title: z.string(),
  content: z.string(),
  createdAt: z.string(),
  author: z.string().nullable(),
});

export function viewNote(note: AttioNote, members: Map<string, string>): z.infer<typeof Note> {
  const authorId = note.created_by_actor.id;
  return {
    id: note.id.note_id,
    title: note.title,
    content: cut(note.content_plaintext, MAX_NOTE_CHARS),
    createdAt: compactTimestamp(note.created_at),
    author: authorId ? (members.get(authorId) ?? null) : null,
  };
}

export const parent = {
  object: z.string().min(1).describe('Object slug of the record: companies, people, deals, …'),
  record_id: attioId('a record').describe('The record the note is on'),
};
