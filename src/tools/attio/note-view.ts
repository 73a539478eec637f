import { z } from 'zod';
import type { AttioNote } from '../../attio/schemas';
import { attioId } from './ids';
import { compactTimestamp, cut } from './values';

/** A note's text is cut here in lists; the full note is in Attio at the record's URL. */
export const MAX_NOTE_CHARS = 2_000;

/** A note as tools answer it: id, title, content, createdAt, author. */
export const Note = z.looseObject({ id: z.string(), title: z.string() });

export function viewNote(
  note: AttioNote,
  members: Map<string, string>,
): { id: string; title: string; content: string; createdAt: string; author: string | null } {
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
  object: z.string().describe('Object slug, e.g. deals'),
  record_id: attioId('a record'),
};
