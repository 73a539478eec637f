// Attio's filter language for records/query and entries/query:
//   shorthand   { "name": "Acme" }, { "stage": "Won 🎉" }
//   verbose     { "value": { "$gte": 50000 } }, { "name": { "first_name": { "$starts_with": "A" } } }
//   properties  { "email_addresses": { "email_domain": "acme.com" } }
//   references  { "company": { "target_object": "companies", "target_record_id": "…" } }
//   logical     $and, $or, $not (also nested inside an attribute condition)
//   paths       { "path": [["people","company"],["companies","name"]], "constraints": { "$contains": "Acme" } }
// A filter is parsed (and validated, answering 400 filter_error) before it is evaluated.
import { filterError } from './errors.ts';
import type { AttributeDef, ParentRef, Row } from './model.ts';
import {
  ALL_OPS,
  defaultProperty,
  findProperty,
  type OptionRef,
  type PropertyDesc,
  type PropOp,
  type PropValue,
  propertiesOf,
} from './properties.ts';
import type { Store } from './store.ts';
import { describeType, isPlainObject, normalizeDate, timestampToMs } from './util.ts';

type Scalar = string | number | boolean;

type ValueCond =
  | { kind: 'and' | 'or'; children: ValueCond[] }
  | { kind: 'not'; child: ValueCond }
  | { kind: 'op'; property: PropertyDesc; op: PropOp; operand: Scalar | Scalar[] };

export interface PathStep {
  via: AttributeDef | 'parent_record';
  toObjectId: string;
}

export type FilterNode =
  | { kind: 'and' | 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode }
  | { kind: 'attr'; attribute: AttributeDef; cond: ValueCond }
  | { kind: 'path'; steps: PathStep[]; attribute: AttributeDef; cond: ValueCond };

function isOp(key: string): key is PropOp {
  return (ALL_OPS as readonly string[]).includes(key);
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

export function parseFilter(store: Store, parent: ParentRef, raw: unknown): FilterNode {
  if (!isPlainObject(raw)) throw filterError(`Filter must be an object, received ${describeType(raw)}.`);
  if ('path' in raw || 'constraints' in raw) return parsePath(store, parent, raw);
  const children: FilterNode[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) throw filterError(`The "${key}" operator expects an array of filters.`);
      children.push({ kind: key === '$and' ? 'and' : 'or', children: value.map((v) => parseFilter(store, parent, v)) });
    } else if (key === '$not') {
      children.push({ kind: 'not', child: parseFilter(store, parent, value) });
    } else if (key.startsWith('$')) {
      throw filterError(`Unknown logical operator "${key}". Expected one of "$and", "$or" or "$not".`);
    } else {
      const attribute = store.findAttribute(parent, key);
      if (!attribute) throw filterError(`Unknown attribute slug: ${key}`);
      children.push({ kind: 'attr', attribute, cond: parseValueCond(store, attribute, value) });
    }
  }
  return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
}

const LOGICAL_KEYS = new Set(['$and', '$or', '$not']);

/**
 * Shapes the attribute-type pages require beyond operators: actor references "can only be
 * filtered using both the `referenced_actor_type` and `referenced_actor_id` properties"
 * (attribute-types-actor-reference#filtering); record references are filtered by `target_object`
 * and `target_record_id` (attribute-types-record-reference#filtering), no shorthand documented.
 */
function checkReferenceShape(attribute: AttributeDef, raw: unknown): void {
  const slug = attribute.api_slug;
  if (attribute.type === 'actor-reference') {
    const keys = isPlainObject(raw) ? Object.keys(raw).filter((k) => !LOGICAL_KEYS.has(k)) : null;
    if (keys?.length === 0) return;
    const both = keys?.length === 2 && keys.includes('referenced_actor_type') && keys.includes('referenced_actor_id');
    if (!both) {
      throw filterError(
        `Actor reference attribute "${slug}" can only be filtered using both "referenced_actor_type" and "referenced_actor_id".`,
      );
    }
  }
  if (attribute.type === 'record-reference') {
    const keys = isPlainObject(raw) ? Object.keys(raw).filter((k) => !LOGICAL_KEYS.has(k)) : null;
    if (keys === null || keys.some((k) => k.startsWith('$'))) {
      throw filterError(
        `Record reference attribute "${slug}" must be filtered by "target_object" and/or "target_record_id", e.g. { "target_object": "companies", "target_record_id": "…" }.`,
      );
    }
  }
}

function parseValueCond(store: Store, attribute: AttributeDef, raw: unknown): ValueCond {
  const fallback = defaultProperty(attribute.type);
  checkReferenceShape(attribute, raw);
  if (!isPlainObject(raw)) return makeOp(store, attribute, fallback, '$eq', raw);
  const children: ValueCond[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) throw filterError(`The "${key}" operator expects an array of conditions.`);
      children.push({
        kind: key === '$and' ? 'and' : 'or',
        children: value.map((v) => parseValueCond(store, attribute, v)),
      });
    } else if (key === '$not') {
      children.push({ kind: 'not', child: parseValueCond(store, attribute, value) });
    } else if (key.startsWith('$')) {
      if (!isOp(key)) throw filterError(`Unknown operator "${key}" on attribute "${attribute.api_slug}".`);
      children.push(makeOp(store, attribute, fallback, key, value));
    } else {
      const property = findProperty(attribute.type, key);
      if (!property) {
        const known = propertiesOf(attribute.type)
          .map((p) => p.name)
          .join(', ');
        throw filterError(
          `Unknown property "${key}" for attribute "${attribute.api_slug}" of type "${attribute.type}". Filterable properties are: ${known}.`,
        );
      }
      children.push(parsePropertyCond(store, attribute, property, value));
    }
  }
  if (children.length === 0) throw filterError(`Empty condition for attribute "${attribute.api_slug}".`);
  return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
}

function parsePropertyCond(store: Store, attribute: AttributeDef, property: PropertyDesc, raw: unknown): ValueCond {
  if (!isPlainObject(raw)) return makeOp(store, attribute, property, '$eq', raw);
  const children: ValueCond[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!isOp(key)) {
      throw filterError(
        `Unknown operator "${key}" on property "${property.name}" of attribute "${attribute.api_slug}".`,
      );
    }
    children.push(makeOp(store, attribute, property, key, value));
  }
  if (children.length === 0) throw filterError(`Empty condition for property "${property.name}".`);
  return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
}

function makeOp(store: Store, attribute: AttributeDef, property: PropertyDesc, op: PropOp, raw: unknown): ValueCond {
  const where = `attribute "${attribute.api_slug}" (${attribute.type})`;
  if (!property.ops.includes(op)) {
    const supported = property.ops.length > 0 ? property.ops.join(', ') : 'none (it can only be sorted on)';
    const hint =
      attribute.type === 'status' || attribute.type === 'select'
        ? ' To match one of several values, combine equality filters with "$or".'
        : '';
    throw filterError(
      `The operator "${op}" is not supported on property "${property.name}" of ${where}. Supported operators: ${supported}.${hint}`,
    );
  }
  if (op === '$not_empty') {
    if (typeof raw !== 'boolean') throw filterError(`The "$not_empty" operator expects a boolean on ${where}.`);
    return { kind: 'op', property, op, operand: raw };
  }
  if (op === '$in') {
    if (!Array.isArray(raw)) throw filterError(`The "$in" operator expects an array on ${where}.`);
    return { kind: 'op', property, op, operand: raw.map((v) => normalizeOperand(store, property, op, v, where)) };
  }
  return { kind: 'op', property, op, operand: normalizeOperand(store, property, op, raw, where) };
}

const DATE_ONLY_RE = /^\d{4}-\d{2}-\d{2}$/;
const HAS_TIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

function normalizeOperand(store: Store, property: PropertyDesc, op: PropOp, raw: unknown, where: string): Scalar {
  const fail = (expected: string): never => {
    throw filterError(
      `Invalid value for "${op}" on property "${property.name}" of ${where}: expected ${expected}, received ${describeType(raw)}.`,
    );
  };
  const isSubstring = op === '$contains' || op === '$starts_with' || op === '$ends_with';
  if (isSubstring) {
    if (typeof raw !== 'string' && typeof raw !== 'number') return fail('a string');
    return String(raw).toLowerCase();
  }
  switch (property.kind) {
    case 'string':
    case 'id':
    case 'option':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' && property.kind === 'string') return String(raw);
      return fail('a string');
    case 'ci-string':
      if (typeof raw !== 'string') return fail('a string');
      return raw.trim().toLowerCase();
    case 'object': {
      if (typeof raw !== 'string') return fail('an object slug or ID');
      return store.findObject(raw)?.api_slug ?? raw;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n)) return fail('a number');
      return n;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return fail('a boolean');
    case 'date': {
      // "Attio exclusively works with the ISO 8601 format, i.e. YYYY-MM-DD" (attribute-types-date).
      const date = typeof raw === 'string' && DATE_ONLY_RE.test(raw.trim()) ? normalizeDate(raw) : null;
      if (!date) return fail('an ISO 8601 date (YYYY-MM-DD)');
      return date;
    }
    case 'timestamp': {
      // "Unlike when writing timestamp values, both date and time components must be specified."
      if (typeof raw === 'string' && DATE_ONLY_RE.test(raw.trim().slice(0, 10)) && !HAS_TIME_RE.test(raw.trim())) {
        throw filterError(
          `Invalid value for "${op}" on property "${property.name}" of ${where}: timestamp filters need both a date and a time (e.g. "2023-11-24T08:00:00Z"), received "${raw}".`,
        );
      }
      const ms = typeof raw === 'string' && HAS_TIME_RE.test(raw.trim()) ? timestampToMs(raw) : null;
      if (ms === null) return fail('an ISO 8601 timestamp with a date and a time');
      return ms;
    }
    case 'history': {
      // The status and select pages filter active_from with a date ("$gte": "2023-11-20").
      const ms = typeof raw === 'string' ? timestampToMs(raw) : null;
      if (ms === null) return fail('an ISO 8601 date or timestamp');
      return ms;
    }
  }
}

function parsePath(store: Store, parent: ParentRef, raw: Record<string, unknown>): FilterNode {
  const extra = Object.keys(raw).filter((k) => k !== 'path' && k !== 'constraints');
  if (extra.length > 0)
    throw filterError(`A path filter only accepts "path" and "constraints", found "${extra.join('", "')}".`);
  const path = raw.path;
  if (!Array.isArray(path) || path.length === 0)
    throw filterError(`"path" must be a non-empty array of [object, attribute] tuples.`);
  if (!isPlainObject(raw.constraints)) throw filterError(`"constraints" must be an object.`);
  const { steps, attribute } = resolvePath(store, parent, path);
  return { kind: 'path', steps, attribute, cond: parseValueCond(store, attribute, raw.constraints) };
}

/**
 * Resolves a `path` of `[object or list, attribute]` tuples, as filters and sorts both take it:
 * record-reference hops (and `parent_record` from a list entry), then the attribute at the end.
 */
export function resolvePath(
  store: Store,
  parent: ParentRef,
  path: unknown[],
): { steps: PathStep[]; attribute: AttributeDef } {
  const steps: PathStep[] = [];
  let current: ParentRef = parent;
  let finalAttribute: AttributeDef | undefined;
  path.forEach((tuple, index) => {
    if (!Array.isArray(tuple) || tuple.length !== 2 || typeof tuple[0] !== 'string' || typeof tuple[1] !== 'string') {
      throw filterError(`path[${index}] must be a [object or list slug, attribute slug] tuple.`);
    }
    const [ownerRef, attributeRef] = tuple;
    if (!matchesParent(store, current, ownerRef)) {
      throw filterError(
        `path[${index}] starts at "${ownerRef}", but the path is at "${store.parentSlug(current)}" there.`,
      );
    }
    const isLast = index === path.length - 1;
    if (attributeRef === 'parent_record' && current.kind === 'list' && !isLast) {
      const list = store.lists.get(current.id);
      if (!list) throw filterError(`Unknown list "${ownerRef}".`);
      steps.push({ via: 'parent_record', toObjectId: list.parent_object_id });
      current = { kind: 'object', id: list.parent_object_id };
      return;
    }
    const attribute = store.findAttribute(current, attributeRef);
    if (!attribute) throw filterError(`Unknown attribute slug: ${attributeRef}`);
    if (isLast) {
      finalAttribute = attribute;
      return;
    }
    if (attribute.type !== 'record-reference') {
      throw filterError(
        `path[${index}] attribute "${attributeRef}" is not a record reference, so the path cannot continue.`,
      );
    }
    const next = path[index + 1];
    const nextOwner =
      Array.isArray(next) && typeof next[0] === 'string' ? store.findObject(singularToSlug(store, next[0])) : undefined;
    const allowed = attribute.allowed_object_ids;
    const toObjectId = nextOwner?.id ?? (allowed && allowed.length === 1 ? allowed[0] : undefined);
    if (!toObjectId) throw filterError(`Cannot resolve the object referenced by path[${index}].`);
    steps.push({ via: attribute, toObjectId });
    current = { kind: 'object', id: toObjectId };
  });
  if (!finalAttribute) throw filterError(`The last path element must name an attribute.`);
  return { steps, attribute: finalAttribute };
}

/** Attio's docs sometimes write singular nouns ("company") in paths; accept them. */
function singularToSlug(store: Store, ref: string): string {
  if (store.findObject(ref)) return ref;
  for (const object of store.objects.values()) {
    if (object.singular_noun.toLowerCase() === ref.toLowerCase()) return object.api_slug;
  }
  return ref;
}

function matchesParent(store: Store, parent: ParentRef, ref: string): boolean {
  if (parent.kind === 'list') {
    const list = store.findList(ref);
    return list?.id === parent.id;
  }
  return store.findObject(singularToSlug(store, ref))?.id === parent.id;
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

export function matchesFilter(store: Store, node: FilterNode, row: Row): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => matchesFilter(store, c, row));
    case 'or':
      return node.children.some((c) => matchesFilter(store, c, row));
    case 'not':
      return !matchesFilter(store, node.child, row);
    case 'attr':
      return matchesAttribute(store, node.attribute, node.cond, row);
    case 'path': {
      return followPath(store, node.steps, [row]).some((r) => matchesAttribute(store, node.attribute, node.cond, r));
    }
  }
}

/** The records a resolved path leads to from `rows`, in order, each once. */
export function followPath(store: Store, steps: PathStep[], rows: Row[]): Row[] {
  return steps.reduce((current, step) => followStep(store, step, current), rows);
}

function followStep(store: Store, step: PathStep, rows: Row[]): Row[] {
  const out = new Map<string, Row>();
  for (const row of rows) {
    const targetIds: string[] = [];
    if (step.via === 'parent_record') {
      if ('parent_record_id' in row && typeof row.parent_record_id === 'string') targetIds.push(row.parent_record_id);
    } else {
      for (const v of store.valuesOf(step.via, row)) {
        if (v.data.type === 'record-reference') targetIds.push(v.data.target_record_id);
      }
    }
    for (const id of targetIds) {
      const target = store.records.get(id);
      if (target && target.object_id === step.toObjectId) out.set(target.id, target);
    }
  }
  return [...out.values()];
}

function matchesAttribute(store: Store, attribute: AttributeDef, cond: ValueCond, row: Row): boolean {
  const values = store.valuesOf(attribute, row);
  const evaluate = (c: ValueCond): boolean => {
    switch (c.kind) {
      case 'and':
        return c.children.every(evaluate);
      case 'or':
        return c.children.some(evaluate);
      case 'not':
        return !evaluate(c.child);
      case 'op': {
        const props = values.map((v) => c.property.get(v, attribute, store));
        if (c.op === '$not_empty') {
          const present = props.some((p) => p !== null && p !== '');
          return c.operand === true ? present : !present;
        }
        return props.some((p) => matchOp(c.property, c.op, c.operand, p));
      }
    }
  };
  return evaluate(cond);
}

function isOptionRef(value: PropValue): value is OptionRef {
  return typeof value === 'object' && value !== null;
}

function equals(property: PropertyDesc, operand: Scalar, actual: PropValue): boolean {
  if (isOptionRef(actual)) return actual.id === operand || actual.title === operand;
  switch (property.kind) {
    case 'ci-string':
      return typeof actual === 'string' && actual.toLowerCase() === operand;
    case 'timestamp':
    case 'history':
      return typeof actual === 'string' && timestampToMs(actual) === operand;
    default:
      return actual === operand;
  }
}

function compare(property: PropertyDesc, actual: PropValue, operand: Scalar): number | null {
  if (property.kind === 'timestamp' || property.kind === 'history') {
    const ms = typeof actual === 'string' ? timestampToMs(actual) : null;
    return ms === null || typeof operand !== 'number' ? null : ms - operand;
  }
  if (typeof actual === 'number' && typeof operand === 'number') return actual - operand;
  if (typeof actual === 'string' && typeof operand === 'string')
    return actual < operand ? -1 : actual > operand ? 1 : 0;
  return null;
}

function matchOp(property: PropertyDesc, op: PropOp, operand: Scalar | Scalar[], actual: PropValue): boolean {
  if (actual === null) return false;
  if (Array.isArray(operand)) return operand.some((o) => equals(property, o, actual));
  switch (op) {
    case '$eq':
      return equals(property, operand, actual);
    case '$contains':
    case '$starts_with':
    case '$ends_with': {
      const text = (isOptionRef(actual) ? actual.title : String(actual)).toLowerCase();
      const needle = String(operand);
      if (op === '$contains') return text.includes(needle);
      return op === '$starts_with' ? text.startsWith(needle) : text.endsWith(needle);
    }
    case '$lt':
    case '$lte':
    case '$gt':
    case '$gte': {
      const diff = compare(property, actual, operand);
      if (diff === null) return false;
      if (op === '$lt') return diff < 0;
      if (op === '$lte') return diff <= 0;
      if (op === '$gt') return diff > 0;
      return diff >= 0;
    }
    default:
      return false;
  }
}
