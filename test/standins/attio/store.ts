// The workspace data: lookups by slug or ID, computed (virtual) values and
// relationship-aware mutations. Pure data logic, no HTTP.
import { notFound } from './errors.ts';
import type {
  Actor,
  AttributeDef,
  CallRecording,
  Comment,
  EntryRow,
  ListDef,
  Meeting,
  Note,
  ObjectDef,
  ParentRef,
  RecordRow,
  Row,
  StoredValue,
  Task,
  Thread,
  ValueData,
  ViewDef,
  Workspace,
  WorkspaceMember,
  WriteContext,
} from './model.ts';

const SINGULAR_URL_SEGMENT: Record<string, string> = { companies: 'company', people: 'person', deals: 'deal' };

export class Store {
  readonly workspace: Workspace;
  readonly webUrlBase: string;
  readonly members = new Map<string, WorkspaceMember>();
  readonly objects = new Map<string, ObjectDef>();
  readonly lists = new Map<string, ListDef>();
  readonly attributes = new Map<string, AttributeDef>();
  readonly records = new Map<string, RecordRow>();
  readonly entries = new Map<string, EntryRow>();
  readonly notes = new Map<string, Note>();
  readonly tasks = new Map<string, Task>();
  readonly views = new Map<string, ViewDef>();
  readonly meetings = new Map<string, Meeting>();
  readonly callRecordings = new Map<string, CallRecording>();
  readonly threads = new Map<string, Thread>();
  readonly comments = new Map<string, Comment>();
  /** Values no longer active, by row id then attribute id, oldest first (`show_historic`). */
  readonly history = new Map<string, Map<string, StoredValue[]>>();

  constructor(workspace: Workspace, webUrlBase: string) {
    this.workspace = workspace;
    this.webUrlBase = webUrlBase.replace(/\/+$/, '');
  }

  // ---- objects and lists -------------------------------------------------

  findObject(slugOrId: string): ObjectDef | undefined {
    return bySlugOrId(this.objects, slugOrId);
  }

  requireObject(slugOrId: string): ObjectDef {
    const object = this.findObject(slugOrId);
    if (!object) throw notFound(`Object with slug/ID "${slugOrId}" not found.`);
    return object;
  }

  findList(slugOrId: string): ListDef | undefined {
    return bySlugOrId(this.lists, slugOrId);
  }

  requireList(slugOrId: string): ListDef {
    const list = this.findList(slugOrId);
    if (!list) throw notFound(`List with slug/ID "${slugOrId}" not found.`);
    return list;
  }

  parentSlug(parent: ParentRef): string {
    if (parent.kind === 'object') return this.objects.get(parent.id)?.api_slug ?? parent.id;
    return this.lists.get(parent.id)?.api_slug ?? parent.id;
  }

  // ---- attributes --------------------------------------------------------

  attributesOf(parent: ParentRef, includeArchived = false): AttributeDef[] {
    return [...this.attributesIn(parent, includeArchived)];
  }

  findAttribute(parent: ParentRef, slugOrId: string, includeArchived = false): AttributeDef | undefined {
    for (const attribute of this.attributesIn(parent, includeArchived)) {
      if (attribute.id === slugOrId || attribute.api_slug === slugOrId) return attribute;
    }
    return undefined;
  }

  /** The attributes of an object or list in creation order, one at a time: `findAttribute` runs often and stops at its match. */
  private *attributesIn(parent: ParentRef, includeArchived: boolean): Generator<AttributeDef> {
    for (const attribute of this.attributes.values()) {
      if (attribute.parent.kind !== parent.kind || attribute.parent.id !== parent.id) continue;
      if (attribute.is_archived && !includeArchived) continue;
      yield attribute;
    }
  }

  requireAttribute(parent: ParentRef, slugOrId: string): AttributeDef {
    const attribute = this.findAttribute(parent, slugOrId, true);
    if (!attribute) throw notFound(`Attribute with slug/ID "${slugOrId}" not found.`);
    return attribute;
  }

  /** Active values of an attribute on a row, computing the virtual system attributes. */
  valuesOf(attribute: AttributeDef, row: Row): StoredValue[] {
    if (attribute.virtual === null) return row.values.get(attribute.id) ?? [];
    const meta = { active_from: row.created_at, created_by_actor: systemActor() };
    switch (attribute.virtual) {
      case 'record_id':
      case 'entry_id':
        return [{ ...meta, data: { type: 'text', value: row.id } }];
      case 'created_at':
        return [{ ...meta, data: { type: 'timestamp', value: row.created_at } }];
      case 'created_by':
        return [
          {
            ...meta,
            data: {
              type: 'actor-reference',
              referenced_actor_type: row.created_by.type ?? 'system',
              referenced_actor_id: row.created_by.id,
            },
          },
        ];
    }
  }

  // ---- records and entries -----------------------------------------------

  recordsOf(objectId: string): RecordRow[] {
    return [...this.records.values()].filter((r) => r.object_id === objectId);
  }

  requireRecord(object: ObjectDef, recordId: string): RecordRow {
    const record = this.records.get(recordId);
    if (!record || record.object_id !== object.id) {
      throw notFound(`Record with ID "${recordId}" not found on object "${object.api_slug}".`);
    }
    return record;
  }

  entriesOf(listId: string): EntryRow[] {
    return [...this.entries.values()].filter((e) => e.list_id === listId);
  }

  requireEntry(list: ListDef, entryId: string): EntryRow {
    const entry = this.entries.get(entryId);
    if (!entry || entry.list_id !== list.id) {
      throw notFound(`Entry with ID "${entryId}" not found on list "${list.api_slug}".`);
    }
    return entry;
  }

  webUrl(record: RecordRow): string {
    const slug = this.objects.get(record.object_id)?.api_slug ?? 'record';
    const segment = SINGULAR_URL_SEGMENT[slug] ?? slug;
    return `${this.webUrlBase}/${this.workspace.slug}/${segment}/${record.id}/overview`;
  }

  /**
   * Human-readable label used by search: the name of the record. A caller going through many
   * records of one object passes that object's `name` attribute, looked up once.
   */
  recordText(record: RecordRow, name = this.findAttribute({ kind: 'object', id: record.object_id }, 'name')): string {
    if (!name) return '';
    const first = this.valuesOf(name, record)[0]?.data;
    if (!first) return '';
    if (first.type === 'personal-name') return first.full_name;
    if (first.type === 'text') return first.value;
    return '';
  }

  memberByEmail(email: string): WorkspaceMember | undefined {
    const wanted = email.trim().toLowerCase();
    for (const member of this.members.values()) {
      if (member.email_address.toLowerCase() === wanted) return member;
    }
    return undefined;
  }

  // ---- value mutation ----------------------------------------------------

  setValues(row: Row, attribute: AttributeDef, data: ValueData[], ctx: WriteContext): void {
    const previous = row.values.get(attribute.id) ?? [];
    const next = data.map((d) => {
      const key = valueKey(d);
      // Keep an unchanged value's history (active_from / actor) instead of re-creating it.
      return previous.find((p) => valueKey(p.data) === key) ?? makeValue(d, ctx);
    });
    // A value replaced or removed stays in the history, ended now (Attio's `show_historic`).
    for (const old of previous) if (!next.includes(old)) this.endValue(row, attribute, old, ctx.now);
    if (next.length === 0) row.values.delete(attribute.id);
    else row.values.set(attribute.id, next);
  }

  /** Moves a value into the row's history, active until `at`. */
  endValue(row: Row, attribute: AttributeDef, value: StoredValue, at: string): void {
    const byAttribute = this.history.get(row.id) ?? new Map<string, StoredValue[]>();
    this.history.set(row.id, byAttribute);
    byAttribute.set(attribute.id, [...(byAttribute.get(attribute.id) ?? []), { ...value, active_until: at }]);
  }

  /** Every value the attribute has had on the row, oldest first: the ended ones, then the active ones. */
  historicValuesOf(attribute: AttributeDef, row: Row): StoredValue[] {
    const ended = this.history.get(row.id)?.get(attribute.id) ?? [];
    return [...ended, ...this.valuesOf(attribute, row)].sort((a, b) => a.active_from.localeCompare(b.active_from));
  }

  /** Targets of a record-reference attribute on a record, as record IDs. */
  referenceTargets(row: Row, attribute: AttributeDef): string[] {
    const out: string[] = [];
    for (const v of row.values.get(attribute.id) ?? []) {
      if (v.data.type === 'record-reference') out.push(v.data.target_record_id);
    }
    return out;
  }

  /**
   * Writes a relationship attribute and keeps its inverse in sync (Attio updates
   * both sides of a relationship pair). `append` adds to a multiselect side.
   */
  setRelationship(
    record: RecordRow,
    attribute: AttributeDef,
    targetIds: string[],
    mode: 'replace' | 'append',
    ctx: WriteContext,
  ): void {
    const inverse = attribute.relationship_attribute_id
      ? this.attributes.get(attribute.relationship_attribute_id)
      : undefined;
    if (!inverse) {
      throw new Error(`attribute ${attribute.api_slug} has no relationship`);
    }
    const current = this.referenceTargets(record, attribute);
    const wanted = [...new Set(targetIds)];
    const keepAll = mode === 'append' && attribute.is_multiselect;
    for (const targetId of current) {
      if (!keepAll && !wanted.includes(targetId)) this.unlinkPair(record, attribute, targetId, inverse);
    }
    for (const targetId of wanted) {
      if (current.includes(targetId)) continue;
      const target = this.records.get(targetId);
      if (target) this.linkPair(record, attribute, target, inverse, ctx);
    }
  }

  private linkPair(a: RecordRow, x: AttributeDef, b: RecordRow, y: AttributeDef, ctx: WriteContext): void {
    if (!x.is_multiselect) {
      for (const existing of this.referenceTargets(a, x)) this.unlinkPair(a, x, existing, y);
    }
    if (!y.is_multiselect) {
      for (const existing of this.referenceTargets(b, y)) {
        const holder = this.records.get(existing);
        if (holder) this.unlinkPair(holder, x, b.id, y);
      }
    }
    appendValue(a, x, { type: 'record-reference', target_object_id: b.object_id, target_record_id: b.id }, ctx);
    appendValue(b, y, { type: 'record-reference', target_object_id: a.object_id, target_record_id: a.id }, ctx);
  }

  private unlinkPair(a: RecordRow, x: AttributeDef, bId: string, y: AttributeDef): void {
    removeReferences(a, x.id, bId);
    const b = this.records.get(bId);
    if (b) removeReferences(b, y.id, a.id);
  }

  deleteRecord(recordId: string): void {
    for (const row of [...this.records.values(), ...this.entries.values()]) {
      for (const attributeId of [...row.values.keys()]) removeReferences(row, attributeId, recordId);
    }
    for (const entry of [...this.entries.values()]) {
      if (entry.parent_record_id === recordId) this.entries.delete(entry.id);
    }
    for (const note of [...this.notes.values()]) {
      if (note.parent_record_id === recordId) this.notes.delete(note.id);
    }
    for (const task of this.tasks.values()) {
      task.linked_records = task.linked_records.filter((l) => l.target_record_id !== recordId);
    }
    for (const thread of [...this.threads.values()]) {
      if (thread.record.record_id !== recordId) continue;
      this.threads.delete(thread.id);
      for (const comment of [...this.comments.values()]) {
        if (comment.thread_id === thread.id) this.comments.delete(comment.id);
      }
    }
    this.history.delete(recordId);
    this.records.delete(recordId);
  }
}

export function systemActor(): Actor {
  return { type: 'system', id: null };
}

function makeValue(data: ValueData, ctx: WriteContext): StoredValue {
  return { active_from: ctx.now, created_by_actor: { ...ctx.actor }, data };
}

function appendValue(row: Row, attribute: AttributeDef, data: ValueData, ctx: WriteContext): void {
  const list = row.values.get(attribute.id) ?? [];
  list.push(makeValue(data, ctx));
  row.values.set(attribute.id, list);
}

function removeReferences(row: Row, attributeId: string, targetId: string): void {
  const list = row.values.get(attributeId);
  if (!list) return;
  const kept = list.filter((v) => !(v.data.type === 'record-reference' && v.data.target_record_id === targetId));
  if (kept.length === list.length) return;
  if (kept.length === 0) row.values.delete(attributeId);
  else row.values.set(attributeId, kept);
}

/** Identity of a value, for de-duplication and uniqueness checks. */
export function valueKey(data: ValueData): string {
  switch (data.type) {
    case 'domain':
      return `domain:${data.domain}`;
    case 'email-address':
      return `email:${data.email_address}`;
    case 'phone-number':
      return `phone:${data.phone_number}`;
    case 'record-reference':
      return `ref:${data.target_record_id}`;
    case 'select':
      return `option:${data.option_id}`;
    case 'status':
      return `status:${data.status_id}`;
    case 'actor-reference':
      return `actor:${data.referenced_actor_type}:${data.referenced_actor_id ?? ''}`;
    default:
      return JSON.stringify(data);
  }
}

/** Attio addresses objects and lists by id or by `api_slug`, interchangeably. */
function bySlugOrId<T extends { api_slug: string }>(byId: Map<string, T>, slugOrId: string): T | undefined {
  return byId.get(slugOrId) ?? [...byId.values()].find((item) => item.api_slug === slugOrId);
}
