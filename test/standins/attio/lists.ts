// Lists and list entries: /v2/lists, /v2/lists/{list}, entries query/create/assert,
// and GET/PATCH/PUT/DELETE of one entry (entry values such as a stage status).
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './auth.ts';
import { jsonResponse, validationError, valueNotFound } from './errors.ts';
import { paginate, parseBody, queryBool, queryInt, type RouteDeps, writeContext } from './http.ts';
import type { EntryRow, ListDef, ParentRef, ViewDef } from './model.ts';
import { querySchema, runQuery, valuesToShow } from './records.ts';
import { renderList } from './schema.ts';
import type { Store } from './store.ts';
import { randomUuid } from './util.ts';
import { applyValues, renderValues } from './values.ts';

const createEntrySchema = z.object({
  data: z.object({
    parent_record_id: z.string(),
    parent_object: z.string(),
    entry_values: z.record(z.string(), z.unknown()),
  }),
});

const updateEntrySchema = z.object({
  data: z.object({ entry_values: z.record(z.string(), z.unknown()) }),
});

export function renderEntry(store: Store, entry: EntryRow): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, list_id: entry.list_id, entry_id: entry.id },
    parent_record_id: entry.parent_record_id,
    parent_object: store.objects.get(entry.parent_object_id)?.api_slug ?? entry.parent_object_id,
    created_at: entry.created_at,
    entry_values: renderValues(store, { kind: 'list', id: entry.list_id }, entry),
  };
}

function renderView(store: Store, view: ViewDef): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, list_id: view.list_id, view_id: view.id },
    title: view.title,
    created_at: view.created_at,
  };
}

/** Cursors are opaque to clients; the stand-in's carry an offset. */
export function encodeCursor(offset: number): string {
  return btoa(`offset:${offset}`);
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  let decoded = '';
  try {
    decoded = atob(cursor);
  } catch {}
  const match = /^offset:(\d+)$/.exec(decoded);
  if (!match) throw validationError(`Invalid cursor "${cursor}".`);
  return Number(match[1]);
}

function resolveParentRecord(
  store: Store,
  list: ListDef,
  objectRef: string,
  recordId: string,
): { objectId: string; recordId: string } {
  const object = store.findObject(objectRef);
  if (!object) throw valueNotFound(`Cannot find object with slug/ID "${objectRef}".`);
  if (object.id !== list.parent_object_id) {
    throw valueNotFound(`List "${list.api_slug}" does not accept records of object "${object.api_slug}".`);
  }
  // Attio documents 400 value_not_found for an unknown parent record (POST /v2/lists/{list}/entries).
  const record = store.records.get(recordId);
  if (!record || record.object_id !== object.id) {
    throw valueNotFound(`Parent record with slug/ID "${recordId}" not found.`);
  }
  return { objectId: object.id, recordId: record.id };
}

export function registerListRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/lists', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: [...store.lists.values()].map((l) => renderList(store, l)) });
  });

  api.get('/lists/:list', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: renderList(store, store.requireList(c.req.param('list'))) });
  });

  api.post('/lists/:list/entries/query', async (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    const body = await parseBody(c, querySchema);
    const rows = runQuery(store, { kind: 'list', id: list.id }, store.entriesOf(list.id), body);
    return jsonResponse({ data: rows.map((e) => renderEntry(store, e)) });
  });

  const createEntry = (
    store: Store,
    list: ListDef,
    parent: { objectId: string; recordId: string },
    values: Record<string, unknown>,
    ctx: ReturnType<typeof writeContext>,
  ): EntryRow => {
    const entry: EntryRow = {
      id: randomUuid(),
      list_id: list.id,
      parent_object_id: parent.objectId,
      parent_record_id: parent.recordId,
      created_at: ctx.now,
      created_by: ctx.actor,
      values: new Map(),
    };
    store.entries.set(entry.id, entry);
    try {
      applyValues(store, { kind: 'list', id: list.id }, entry, values, 'create', ctx);
    } catch (error) {
      store.entries.delete(entry.id);
      throw error;
    }
    return entry;
  };

  // Add a record to a list (a record may appear in a list more than once).
  api.post('/lists/:list/entries', async (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    const body = await parseBody(c, createEntrySchema);
    const parent = resolveParentRecord(store, list, body.data.parent_object, body.data.parent_record_id);
    const entry = createEntry(store, list, parent, body.data.entry_values, writeContext(c, deps));
    return jsonResponse({ data: renderEntry(store, entry) });
  });

  // Assert by parent record: update its entry or create one. On an update every multiselect value
  // given is "created or deleted as necessary" (OpenAPI PUT /v2/lists/{list}/entries): replaced.
  api.put('/lists/:list/entries', async (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    const body = await parseBody(c, createEntrySchema);
    const parent = resolveParentRecord(store, list, body.data.parent_object, body.data.parent_record_id);
    const ctx = writeContext(c, deps);
    const existing = store.entriesOf(list.id).filter((e) => e.parent_record_id === parent.recordId);
    if (existing.length > 1) {
      throw valueNotFound(`Multiple entries exist for record "${parent.recordId}" on list "${list.api_slug}".`);
    }
    const found = existing[0];
    if (found) {
      applyValues(store, { kind: 'list', id: list.id }, found, body.data.entry_values, 'replace', ctx);
      return jsonResponse({ data: renderEntry(store, found) });
    }
    return jsonResponse({ data: renderEntry(store, createEntry(store, list, parent, body.data.entry_values, ctx)) });
  });

  api.get('/lists/:list/entries/:entry_id', (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    return jsonResponse({ data: renderEntry(store, store.requireEntry(list, c.req.param('entry_id'))) });
  });

  for (const method of ['patch', 'put'] as const) {
    api[method]('/lists/:list/entries/:entry_id', async (c) => {
      const store = deps.store(c);
      const list = store.requireList(c.req.param('list'));
      const entry = store.requireEntry(list, c.req.param('entry_id'));
      const body = await parseBody(c, updateEntrySchema);
      const parent: ParentRef = { kind: 'list', id: list.id };
      applyValues(
        store,
        parent,
        entry,
        body.data.entry_values,
        method === 'patch' ? 'append' : 'replace',
        writeContext(c, deps),
      );
      return jsonResponse({ data: renderEntry(store, entry) });
    });
  }

  api.delete('/lists/:list/entries/:entry_id', (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    const entry = store.requireEntry(list, c.req.param('entry_id'));
    store.entries.delete(entry.id);
    return jsonResponse({});
  });

  api.get('/lists/:list/entries/:entry_id/attributes/:attribute/values', (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    const entry = store.requireEntry(list, c.req.param('entry_id'));
    const attribute = store.requireAttribute({ kind: 'list', id: list.id }, c.req.param('attribute'));
    // `limit` and `offset` have no documented default: without them, every value.
    const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
    const limit = queryInt(c, 'limit', { fallback: Number.MAX_SAFE_INTEGER, min: 1 });
    const values = valuesToShow(store, attribute, entry, queryBool(c, 'show_historic') === true);
    return jsonResponse({ data: paginate(values, offset, limit) });
  });

  // Saved views (attio-ts-sdk `getV2ListsByListViews`): "ordered by view ID (`id.view_id` ascending)",
  // paged by cursor, `limit` "between 1 and 1000. Defaults to 500". `show_archived` (default false)
  // is accepted; the seed has no archived view, so it changes nothing.
  api.get('/lists/:list/views', (c) => {
    const store = deps.store(c);
    const list = store.requireList(c.req.param('list'));
    const limit = queryInt(c, 'limit', { fallback: 500, min: 1, max: 1000 });
    const offset = decodeCursor(c.req.query('cursor'));
    const views = [...store.views.values()]
      .filter((v) => v.list_id === list.id)
      .sort((a, b) => a.id.localeCompare(b.id));
    const page = paginate(views, offset, limit);
    const next = offset + limit < views.length ? encodeCursor(offset + limit) : null;
    return jsonResponse({ data: page.map((v) => renderView(store, v)), pagination: { next_cursor: next } });
  });
}
