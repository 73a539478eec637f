// Records: query, search, create, assert (PUT ?matching_attribute=), get, update
// (PATCH appends to multiselect values, PUT replaces), delete, values, entries.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './auth.ts';
import { jsonResponse, notFound, validationError, valueNotFound } from './errors.ts';
import { matchesFilter, parseFilter } from './filter.ts';
import { paginate, parseBody, queryBool, queryInt, type RouteDeps, writeContext } from './http.ts';
import type { AttributeDef, EntryRow, ParentRef, RecordRow, WriteContext } from './model.ts';
import { parseSorts, sortRows, sortSchema } from './sorts.ts';
import type { Store } from './store.ts';
import { randomUuid, timestampToMs } from './util.ts';
import { applyValues, findRecordByMatch, renderRecord, renderValue } from './values.ts';

export const querySchema = z.object({
  filter: z.record(z.string(), z.unknown()).nullable().optional(),
  filter_view_id: z.string().optional(),
  sorts: z.array(sortSchema).optional(),
  limit: z.number().int().min(1).optional(),
  offset: z.number().int().min(0).optional(),
});

const valuesBodySchema = z.object({
  data: z.object({ values: z.record(z.string(), z.unknown()) }),
});

const searchSchema = z.object({
  query: z.string().max(256),
  objects: z.array(z.string()).min(1),
  request_as: z.union([
    z.object({ type: z.literal('workspace') }),
    z.object({ type: z.literal('workspace-member'), workspace_member_id: z.string() }),
    z.object({ type: z.literal('workspace-member'), email_address: z.string() }),
  ]),
  limit: z.number().int().min(1).max(25).optional(),
});

/** Applies filter, sorts and pagination of a records/query or entries/query body. */
export function runQuery<T extends RecordRow | EntryRow>(
  store: Store,
  parent: ParentRef,
  rows: T[],
  body: z.infer<typeof querySchema>,
): T[] {
  let raw = body.filter ?? null;
  if (body.filter_view_id !== undefined) {
    // "Cannot be used together with `filter`"; the view's saved filter applies, sorts and paging do not come from it.
    if (body.filter) throw validationError('`filter` and `filter_view_id` cannot be used together.');
    const view = store.views.get(body.filter_view_id);
    if (!view || parent.kind !== 'list' || view.list_id !== parent.id) {
      throw notFound(`View with ID "${body.filter_view_id}" not found.`);
    }
    raw = view.filter;
  }
  const filter = raw ? parseFilter(store, parent, raw) : null;
  const sorts = parseSorts(store, parent, body.sorts ?? []);
  const matched = filter ? rows.filter((row) => matchesFilter(store, filter, row)) : rows;
  return paginate(sortRows(store, matched, sorts), body.offset ?? 0, body.limit ?? 500);
}

/**
 * An attribute's values on a row: the active ones, or with `show_historic` every value it has had,
 * "sorted from oldest to newest (by `active_from`)". `show_historic` "Cannot be set to true for
 * COMINT attributes or enriched attributes on people/company objects": 400.
 */
export function valuesToShow(
  store: Store,
  attribute: AttributeDef,
  row: RecordRow | EntryRow,
  historic: boolean,
): Record<string, unknown>[] {
  if (historic && attribute.type === 'interaction') {
    // The document's 400 example for this case.
    throw validationError('Cannot set show_historic param to true when querying a COMINT attribute.');
  }
  if (historic && attribute.enriched) {
    // The document gives no message for this case: the COMINT example's wording.
    throw validationError('Cannot set show_historic param to true when querying an enriched attribute.');
  }
  const values = historic ? store.historicValuesOf(attribute, row) : store.valuesOf(attribute, row);
  return values.map((v) => renderValue(store, attribute, v));
}

/** What search matches a record on: its name, then its domains, email addresses and phone numbers. */
interface SearchFields {
  name: AttributeDef | undefined;
  /** The object's domain, email and phone attributes, looked up once per search. */
  contacts: AttributeDef[];
}

const CONTACT_TYPES = new Set(['domain', 'email-address', 'phone-number']);

function searchFields(store: Store, objectId: string): SearchFields {
  const parent = { kind: 'object', id: objectId } as const;
  return {
    name: store.findAttribute(parent, 'name'),
    contacts: store.attributesOf(parent, true).filter((attribute) => CONTACT_TYPES.has(attribute.type)),
  };
}

function searchText(store: Store, record: RecordRow, fields: SearchFields): string[] {
  const out = [store.recordText(record, fields.name).toLowerCase()];
  for (const attribute of fields.contacts) {
    for (const { data } of record.values.get(attribute.id) ?? []) {
      if (data.type === 'domain') out.push(data.domain.toLowerCase());
      if (data.type === 'email-address') out.push(data.email_address.toLowerCase());
      if (data.type === 'phone-number') out.push(data.phone_number.toLowerCase());
    }
  }
  return out;
}

/**
 * When the search index last saw a change to the record: its creation, or the newest value of
 * an attribute search matches on (a rename, a new domain, email or phone).
 */
function lastSearchChange(store: Store, record: RecordRow, fields: SearchFields): number {
  let latest = timestampToMs(record.created_at) ?? 0;
  for (const attribute of fields.name ? [fields.name, ...fields.contacts] : fields.contacts) {
    for (const value of store.valuesOf(attribute, record)) {
      const at = timestampToMs(value.active_from);
      if (at !== null && at > latest) latest = at;
    }
  }
  return latest;
}

function renderSearchResult(store: Store, record: RecordRow): Record<string, unknown> {
  const slug = store.objects.get(record.object_id)?.api_slug ?? '';
  const result: Record<string, unknown> = {
    id: { workspace_id: store.workspace.id, object_id: record.object_id, record_id: record.id },
    record_text: store.recordText(record),
    record_image: null,
    object_slug: slug,
  };
  const domains: string[] = [];
  const emails: string[] = [];
  const phones: string[] = [];
  for (const values of record.values.values()) {
    for (const v of values) {
      if (v.data.type === 'domain') domains.push(v.data.domain);
      if (v.data.type === 'email-address') emails.push(v.data.email_address);
      if (v.data.type === 'phone-number') phones.push(v.data.phone_number);
    }
  }
  if (slug === 'companies') result.domains = domains;
  if (slug === 'people') {
    result.email_addresses = emails;
    result.phone_numbers = phones;
  }
  return result;
}

/** Creates a record from write-shaped values; nothing is kept if a value is invalid. */
function createRecord(store: Store, objectId: string, values: Record<string, unknown>, ctx: WriteContext): RecordRow {
  const record: RecordRow = {
    id: randomUuid(),
    object_id: objectId,
    created_at: ctx.now,
    created_by: ctx.actor,
    values: new Map(),
  };
  store.records.set(record.id, record);
  try {
    applyValues(store, { kind: 'object', id: objectId }, record, values, 'create', ctx);
  } catch (error) {
    store.records.delete(record.id);
    throw error;
  }
  return record;
}

export function registerRecordRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.post('/objects/records/search', async (c) => {
    const store = deps.store(c);
    const body = await parseBody(c, searchSchema);
    const objects = body.objects.map((ref) => {
      const object = store.findObject(ref);
      if (!object) throw valueNotFound(`Cannot find object with slug/ID "${ref}".`);
      return object;
    });
    if ('email_address' in body.request_as && !store.memberByEmail(body.request_as.email_address)) {
      throw valueNotFound(`Cannot find workspace member with email address "${body.request_as.email_address}".`);
    }
    if ('workspace_member_id' in body.request_as && !store.members.has(body.request_as.workspace_member_id)) {
      throw valueNotFound(`Cannot find workspace member with ID "${body.request_as.workspace_member_id}".`);
    }
    const terms = body.query
      .trim()
      .toLowerCase()
      .split(/\s+/)
      .filter((t) => t.length > 0);
    const phrase = terms.join(' ');
    // Eventually consistent: records created or changed within the lag are not indexed yet.
    const delayMs = deps.searchDelayMs?.() ?? 0;
    const indexedBefore = Date.now() - delayMs;
    const scored: { record: RecordRow; score: number }[] = [];
    for (const object of objects) {
      const fields = searchFields(store, object.id);
      for (const record of store.recordsOf(object.id)) {
        if (delayMs > 0 && lastSearchChange(store, record, fields) > indexedBefore) continue;
        const haystack = searchText(store, record, fields);
        if (!terms.every((term) => haystack.some((h) => h.includes(term)))) continue;
        // Rank name matches (exact, then prefix) above matches on domains, emails or phones.
        const text = haystack[0] ?? '';
        const score = text === phrase ? 3 : text.startsWith(phrase) ? 2 : text.includes(phrase) ? 1 : 0;
        scored.push({ record, score });
      }
    }
    scored.sort((a, b) => b.score - a.score);
    const limit = body.limit ?? 25;
    return jsonResponse({ data: scored.slice(0, limit).map((s) => renderSearchResult(store, s.record)) });
  });

  api.post('/objects/:object/records/query', async (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    const body = await parseBody(c, querySchema);
    const rows = runQuery(store, { kind: 'object', id: object.id }, store.recordsOf(object.id), body);
    return jsonResponse({ data: rows.map((r) => renderRecord(store, r)) });
  });

  api.post('/objects/:object/records', async (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    const body = await parseBody(c, valuesBodySchema);
    const record = createRecord(store, object.id, body.data.values, writeContext(c, deps));
    return jsonResponse({ data: renderRecord(store, record) });
  });

  // Assert: create, or update the record matching `matching_attribute`. On an update the matching
  // attribute's values are added, and every other multiselect attribute given is replaced ("all values
  // will be either created or deleted as necessary"), relationship pairs included (OpenAPI
  // PUT /v2/objects/{object}/records).
  api.put('/objects/:object/records', async (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    const parent: ParentRef = { kind: 'object', id: object.id };
    const matching = c.req.query('matching_attribute');
    if (!matching) {
      throw validationError('Query parameter validation error.', [
        {
          code: 'invalid_type',
          path: ['matching_attribute'],
          message: 'Required',
          expected: 'string',
          received: 'undefined',
        },
      ]);
    }
    const body = await parseBody(c, valuesBodySchema);
    const attribute = store.findAttribute(parent, matching);
    if (!attribute) throw valueNotFound(`Cannot find attribute with slug/ID "${matching}".`);
    if (!attribute.is_unique) {
      throw validationError(`The matching attribute "${attribute.api_slug}" must be a unique attribute.`);
    }
    const matchValue = body.data.values[attribute.api_slug] ?? body.data.values[attribute.id];
    if (matchValue === undefined || matchValue === null || (Array.isArray(matchValue) && matchValue.length === 0)) {
      throw validationError(`A value for the matching attribute "${attribute.api_slug}" must be provided in "values".`);
    }
    const ctx = writeContext(c, deps);
    const existing = findRecordByMatch(store, object.id, attribute.api_slug, matchValue);
    if (existing) {
      applyValues(store, parent, existing, body.data.values, 'replace', ctx, attribute.id);
      return jsonResponse({ data: renderRecord(store, existing) });
    }
    const record = createRecord(store, object.id, body.data.values, ctx);
    return jsonResponse({ data: renderRecord(store, record) });
  });

  api.get('/objects/:object/records/:record_id', (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    return jsonResponse({ data: renderRecord(store, store.requireRecord(object, c.req.param('record_id'))) });
  });

  for (const method of ['patch', 'put'] as const) {
    api[method]('/objects/:object/records/:record_id', async (c) => {
      const store = deps.store(c);
      const object = store.requireObject(c.req.param('object'));
      const record = store.requireRecord(object, c.req.param('record_id'));
      const body = await parseBody(c, valuesBodySchema);
      applyValues(
        store,
        { kind: 'object', id: object.id },
        record,
        body.data.values,
        method === 'patch' ? 'append' : 'replace',
        writeContext(c, deps),
      );
      return jsonResponse({ data: renderRecord(store, record) });
    });
  }

  api.delete('/objects/:object/records/:record_id', (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    const record = store.requireRecord(object, c.req.param('record_id'));
    store.deleteRecord(record.id);
    return jsonResponse({});
  });

  api.get('/objects/:object/records/:record_id/attributes/:attribute/values', (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    const record = store.requireRecord(object, c.req.param('record_id'));
    const attribute = store.requireAttribute({ kind: 'object', id: object.id }, c.req.param('attribute'));
    // `limit` and `offset` have no documented default: without them, every value.
    const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
    const limit = queryInt(c, 'limit', { fallback: Number.MAX_SAFE_INTEGER, min: 1 });
    const values = valuesToShow(store, attribute, record, queryBool(c, 'show_historic') === true);
    return jsonResponse({ data: paginate(values, offset, limit) });
  });

  api.get('/objects/:object/records/:record_id/entries', (c) => {
    const store = deps.store(c);
    const object = store.requireObject(c.req.param('object'));
    const record = store.requireRecord(object, c.req.param('record_id'));
    const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
    const limit = queryInt(c, 'limit', { fallback: 100, min: 1, max: 1000 });
    const entries = [...store.entries.values()]
      .filter((e) => e.parent_record_id === record.id)
      .map((e) => ({
        list_id: e.list_id,
        list_api_slug: store.lists.get(e.list_id)?.api_slug ?? '',
        entry_id: e.id,
        created_at: e.created_at,
      }));
    return jsonResponse({ data: paginate(entries, offset, limit) });
  });
}
