// Comment threads: GET /v2/threads (on a record or a list entry), GET /v2/threads/{id},
// POST /v2/comments (in a thread, or a new thread on a record or entry), GET /v2/comments/{id}.
// Besides `comment:read` / `comment:read-write`, the documentation asks for the scopes of what the
// thread is on: `object_configuration:read` and `record_permission:read` for records,
// `list_configuration:read` and `list_entry:read` for list entries.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './auth.ts';
import { jsonResponse, notFound, validationError, valueNotFound } from './errors.ts';
import { paginate, parseBody, queryInt, type RouteDeps, writeContext } from './http.ts';
import type { Comment, Thread } from './model.ts';
import { missingScopes, missingScopesError } from './scopes.ts';
import type { Store } from './store.ts';
import { normalizeTimestamp, randomUuid } from './util.ts';
import { renderActor } from './values.ts';

const RECORD_SCOPES = ['object_configuration:read', 'record_permission:read'];
const ENTRY_SCOPES = ['list_configuration:read', 'list_entry:read'];

const author = z.object({ type: z.literal('workspace-member'), id: z.string() });
const common = { format: z.literal('plaintext'), content: z.string(), author, created_at: z.string().optional() };
// The document's body is `anyOf` three objects, each `additionalProperties: false`: a comment goes in
// a thread, or on a record, or on an entry, never two of them (attio-ts-sdk's schema drops that).
const createCommentSchema = z.object({
  data: z.union([
    z.strictObject({ ...common, thread_id: z.string() }),
    z.strictObject({ ...common, record: z.object({ object: z.string(), record_id: z.string() }) }),
    z.strictObject({ ...common, entry: z.object({ list: z.string(), entry_id: z.string() }) }),
  ]),
});

function requireTargetScopes(c: Context<AppEnv>, thread: Pick<Thread, 'entry'>): void {
  const missing = missingScopes(c.get('token').scopes, thread.entry ? ENTRY_SCOPES : RECORD_SCOPES);
  if (missing.length > 0) throw missingScopesError(missing);
}

export function renderComment(store: Store, comment: Comment): Record<string, unknown> {
  const thread = store.threads.get(comment.thread_id);
  return {
    id: { workspace_id: store.workspace.id, comment_id: comment.id },
    thread_id: comment.thread_id,
    content_plaintext: comment.content_plaintext,
    entry: thread?.entry ? { ...thread.entry } : null,
    record: thread ? { ...thread.record } : null,
    resolved_at: comment.resolved_at,
    resolved_by: renderActor(comment.resolved_by),
    created_at: comment.created_at,
    author: renderActor(comment.author),
  };
}

export function renderThread(store: Store, thread: Thread): Record<string, unknown> {
  const comments = [...store.comments.values()]
    .filter((c) => c.thread_id === thread.id)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  return {
    id: { workspace_id: store.workspace.id, thread_id: thread.id },
    comments: comments.map((c) => renderComment(store, c)),
    created_at: thread.created_at,
  };
}

function requireThread(store: Store, id: string): Thread {
  const thread = store.threads.get(id);
  // The document's 404 example: `Thread with ID "…" was not found.`
  if (!thread) throw notFound(`Thread with ID "${id}" was not found.`);
  return thread;
}

export function registerCommentRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/threads', (c) => {
    const store = deps.store(c);
    // "The default is `10` and the maximum is `50`"; offset "The default is `0`".
    const limit = queryInt(c, 'limit', { fallback: 10, min: 1, max: 50 });
    const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
    const { record_id: recordId, object, entry_id: entryId, list } = c.req.query();
    // Each id "must be passed with" its object or list (the document lists no error response: a 400
    // `validation_type` is the stand-in's reading). Without either, every thread is listed.
    if ((recordId === undefined) !== (object === undefined) || (entryId === undefined) !== (list === undefined)) {
      throw validationError('record_id must be passed with object, and entry_id with list.');
    }
    let threads = [...store.threads.values()];
    if (object === undefined && list === undefined) {
      // "To view threads on records, you will need `object_configuration:read` and
      // `record_permission:read`; on list entries, `list_configuration:read` and `list_entry:read`"
      // (GET /v2/threads): without a filter, the threads the token may view (the stand-in's reading).
      const granted = c.get('token').scopes;
      threads = threads.filter((t) => missingScopes(granted, t.entry ? ENTRY_SCOPES : RECORD_SCOPES).length === 0);
    }
    // An unknown object or list answers 404 `not_found` (not documented for this operation; Attio's
    // answer for an unknown slug wherever it documents one).
    if (object !== undefined) {
      requireTargetScopes(c, { entry: null });
      const found = store.requireObject(object);
      threads = threads.filter(
        (t) => t.entry === null && t.record.object_id === found.id && t.record.record_id === recordId,
      );
    }
    if (list !== undefined) {
      requireTargetScopes(c, { entry: { list_id: '', entry_id: '' } });
      const found = store.requireList(list);
      threads = threads.filter((t) => t.entry?.list_id === found.id && t.entry.entry_id === entryId);
    }
    // The order of threads is not documented: oldest first here.
    threads.sort((a, b) => a.created_at.localeCompare(b.created_at));
    return jsonResponse({ data: paginate(threads, offset, limit).map((t) => renderThread(store, t)) });
  });

  api.get('/threads/:thread_id', (c) => {
    const store = deps.store(c);
    const thread = requireThread(store, c.req.param('thread_id'));
    requireTargetScopes(c, thread);
    return jsonResponse({ data: renderThread(store, thread) });
  });

  api.post('/comments', async (c) => {
    const store = deps.store(c);
    const { data } = await parseBody(c, createCommentSchema);
    const ctx = writeContext(c, deps);
    if (!store.members.has(data.author.id)) {
      throw valueNotFound(`Cannot find workspace member with ID "${data.author.id}".`);
    }
    let createdAt = ctx.now;
    if (data.created_at !== undefined) {
      const normalized = normalizeTimestamp(data.created_at);
      if (!normalized || normalized < '1970' || normalized > ctx.now) {
        throw validationError('created_at must be a valid timestamp between 1970 and now.');
      }
      createdAt = normalized;
    }
    let thread: Thread;
    if ('thread_id' in data) {
      const found = store.threads.get(data.thread_id);
      // The document's 400 example for this operation.
      if (!found) throw valueNotFound('The referenced Thread could not be found, it might have been deleted.');
      thread = found;
    } else if ('record' in data) {
      const object = store.findObject(data.record.object);
      const record = object ? store.records.get(data.record.record_id) : undefined;
      if (!object || !record || record.object_id !== object.id) {
        throw valueNotFound(`Cannot find record with ID "${data.record.record_id}" on "${data.record.object}".`);
      }
      thread = {
        id: randomUuid(),
        record: { object_id: object.id, record_id: record.id },
        entry: null,
        created_at: createdAt,
      };
    } else {
      const list = store.findList(data.entry.list);
      const entry = list ? store.entries.get(data.entry.entry_id) : undefined;
      if (!list || !entry || entry.list_id !== list.id) {
        throw valueNotFound(`Cannot find entry with ID "${data.entry.entry_id}" in list "${data.entry.list}".`);
      }
      thread = {
        id: randomUuid(),
        record: { object_id: entry.parent_object_id, record_id: entry.parent_record_id },
        entry: { list_id: list.id, entry_id: entry.id },
        created_at: createdAt,
      };
    }
    requireTargetScopes(c, thread);
    store.threads.set(thread.id, thread);
    const comment: Comment = {
      id: randomUuid(),
      thread_id: thread.id,
      content_plaintext: data.content,
      author: { type: 'workspace-member', id: data.author.id },
      created_at: createdAt,
      resolved_at: null,
      resolved_by: { type: null, id: null },
    };
    store.comments.set(comment.id, comment);
    return jsonResponse({ data: renderComment(store, comment) });
  });

  api.get('/comments/:comment_id', (c) => {
    const store = deps.store(c);
    const id = c.req.param('comment_id');
    const comment = store.comments.get(id);
    if (!comment) throw notFound(`Comment with ID "${id}" was not found.`);
    requireTargetScopes(c, requireThread(store, comment.thread_id));
    return jsonResponse({ data: renderComment(store, comment) });
  });
}
