// Notes: GET /v2/notes (parent_object, parent_record_id, limit ≤ 50, offset),
// POST /v2/notes, GET and DELETE /v2/notes/{note_id}. Attio has no note update.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './auth.ts';
import { jsonResponse, notFound, validationError } from './errors.ts';
import { paginate, parseBody, queryInt, type RouteDeps, writeContext } from './http.ts';
import type { Note } from './model.ts';
import type { Store } from './store.ts';
import { markdownToPlaintext, normalizeTimestamp, randomUuid } from './util.ts';
import { renderActor } from './values.ts';

const createNoteSchema = z.object({
  data: z.object({
    parent_object: z.string(),
    parent_record_id: z.string(),
    title: z.string(),
    format: z.enum(['plaintext', 'markdown']),
    content: z.string(),
    created_at: z.string().optional(),
    meeting_id: z.string().nullable().optional(),
  }),
});

export function renderNote(store: Store, note: Note): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, note_id: note.id },
    parent_object: store.objects.get(note.parent_object_id)?.api_slug ?? note.parent_object_id,
    parent_record_id: note.parent_record_id,
    title: note.title,
    meeting_id: null,
    content_plaintext: note.content_plaintext,
    content_markdown: note.content_markdown,
    tags: [],
    created_by_actor: renderActor(note.created_by_actor),
    created_at: note.created_at,
  };
}

function requireNote(store: Store, id: string): Note {
  const note = store.notes.get(id);
  if (!note) throw notFound(`Note with ID "${id}" not found.`);
  return note;
}

export function registerNoteRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/notes', (c) => {
    const store = deps.store(c);
    const limit = queryInt(c, 'limit', { fallback: 10, min: 1, max: 50 });
    const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
    const parentObject = c.req.query('parent_object');
    const parentRecordId = c.req.query('parent_record_id');
    let notes = [...store.notes.values()];
    if (parentObject !== undefined) {
      const object = store.requireObject(parentObject);
      notes = notes.filter((n) => n.parent_object_id === object.id);
    }
    if (parentRecordId !== undefined) notes = notes.filter((n) => n.parent_record_id === parentRecordId);
    return jsonResponse({ data: paginate(notes, offset, limit).map((n) => renderNote(store, n)) });
  });

  api.post('/notes', async (c) => {
    const store = deps.store(c);
    const body = await parseBody(c, createNoteSchema);
    const object = store.requireObject(body.data.parent_object);
    const record = store.requireRecord(object, body.data.parent_record_id);
    if (body.data.meeting_id) throw notFound(`Meeting with ID "${body.data.meeting_id}" not found.`);
    const ctx = writeContext(c, deps);
    let createdAt = ctx.now;
    if (body.data.created_at !== undefined) {
      const normalized = normalizeTimestamp(body.data.created_at);
      if (!normalized || normalized < '1970' || normalized > ctx.now) {
        throw validationError('created_at must be a valid timestamp between 1970 and now.');
      }
      createdAt = normalized;
    }
    const markdown = body.data.format === 'markdown';
    const note: Note = {
      id: randomUuid(),
      parent_object_id: object.id,
      parent_record_id: record.id,
      title: body.data.title,
      content_plaintext: markdown ? markdownToPlaintext(body.data.content) : body.data.content,
      content_markdown: body.data.content,
      created_by_actor: ctx.actor,
      created_at: createdAt,
    };
    store.notes.set(note.id, note);
    return jsonResponse({ data: renderNote(store, note) });
  });

  api.get('/notes/:note_id', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: renderNote(store, requireNote(store, c.req.param('note_id'))) });
  });

  api.delete('/notes/:note_id', (c) => {
    const store = deps.store(c);
    const note = requireNote(store, c.req.param('note_id'));
    store.notes.delete(note.id);
    return jsonResponse({});
  });
}
