import { ToolError } from '../../mcp/tool';
import { type AttributeInfo, type AttributeSet, requireAttribute, requireChoice } from './catalog';
import { toNumber } from './values';

const LOGICAL = new Set(['$and', '$or', '$not']);
const COMPARISONS = new Set([
  '$eq',
  '$in',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$not_empty',
  '$contains',
  '$starts_with',
  '$ends_with',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Every value's history properties (Attio: "filtered based on when they were modified"): timestamps. */
const HISTORY_PROPERTIES = new Set(['active_from', 'active_until']);

/** Who "me" is and the workspace members by lowercase email, name or id, for owner filters. */
export interface ActorLookup {
  me: string | null;
  members: ReadonlyMap<string, string>;
}

/**
 * Checks a filter in Attio's language against the workspace schema before it is sent, and
 * turns what models commonly get almost right into what Attio accepts, so a query succeeds on
 * the first call: a select or status title in the wrong case (or without its emoji) becomes the
 * exact title, `$in` on a select or status becomes an `$or` of equalities (Attio takes only
 * equality there), a date alone on a timestamp becomes that day's bounds in UTC (Attio needs a
 * date and a time), an owner given as an email, a name or "me" becomes Attio's actor reference,
 * a comparison on a currency goes to its `currency_value`, "50k" becomes 50000, and a bare record
 * id on a reference becomes `{ target_object, target_record_id }`. Attio's own verbose forms pass
 * through intact. Anything that cannot be fixed is a `ToolError` that says what was wrong and what
 * is valid. Returns the slugs the filter mentions, so the answer can show them.
 */
export function normalizeFilter(
  set: AttributeSet,
  filter: Record<string, unknown>,
  actors: ActorLookup = { me: null, members: new Map() },
): { filter: Record<string, unknown>; mentioned: Set<string>; fixed: Map<string, unknown> } {
  const mentioned = new Set<string>();
  const normalized = normalizeNode(set, filter, mentioned, actors);
  return { filter: normalized, mentioned, fixed: fixedValues(set, normalized) };
}

/** Whether the filter names an actor-reference attribute (an owner): then members must be looked up. */
export function mentionsActor(set: AttributeSet, filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some((child) => mentionsActor(set, child));
  if (!isPlainObject(filter)) return false;
  return Object.entries(filter).some(
    ([key, value]) => set.bySlug.get(key)?.type === 'actor-reference' || mentionsActor(set, value),
  );
}

/** Types whose equality filter gives every matching record exactly that value. */
const EXACT_TYPES = new Set(['select', 'status', 'checkbox', 'number', 'text', 'date', 'rating']);

/**
 * Single-valued attributes the filter pins to one value (`{"stage":"Nurture"}`, also inside a
 * top-level `$and`): every record in the answer has it, so the answer states it once.
 */
function fixedValues(set: AttributeSet, filter: Record<string, unknown>): Map<string, unknown> {
  const fixed = new Map<string, unknown>();
  const conditions = Array.isArray(filter.$and) ? [filter, ...filter.$and] : [filter];
  for (const condition of conditions) {
    if (!isPlainObject(condition)) continue;
    const through = referencePinnedByPath(set, condition);
    if (through) fixed.set(through.key, through.value);
    for (const [slug, value] of Object.entries(condition)) {
      const attribute = set.bySlug.get(slug);
      if (!attribute || attribute.multi || !EXACT_TYPES.has(attribute.type)) continue;
      const operand = isPlainObject(value) && Object.keys(value).length === 1 && '$eq' in value ? value.$eq : value;
      if (['string', 'number', 'boolean'].includes(typeof operand)) fixed.set(slug, operand);
    }
  }
  return fixed;
}

function normalizeNode(
  set: AttributeSet,
  node: unknown,
  mentioned: Set<string>,
  actors: ActorLookup,
): Record<string, unknown> {
  if (!isPlainObject(node)) throw new ToolError(`Each filter must be an object, got ${JSON.stringify(node)}.`);
  // Path filters cross references (`[["deals","associated_company"],["companies","name"]]`); Attio checks them.
  if ('path' in node) return node;
  const parts: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) throw new ToolError(`"${key}" takes a list of filters.`);
      parts.push({ [key]: value.map((child) => normalizeNode(set, child, mentioned, actors)) });
    } else if (key === '$not') {
      parts.push({ $not: normalizeNode(set, value, mentioned, actors) });
    } else if (key.startsWith('$')) {
      throw new ToolError(
        `Unknown operator "${key}" at the top of a filter: use $and, $or or $not, or an attribute slug.`,
      );
    } else {
      const attribute = requireAttribute(set, key);
      mentioned.add(attribute.slug);
      parts.push(normalizeAttribute(attribute, value, actors));
    }
  }
  // One object holds several conditions (an implicit $and) unless two of them turned into an $or.
  const keys = parts.flatMap((part) => Object.keys(part));
  if (new Set(keys).size === keys.length) return Object.assign({}, ...parts);
  return { $and: parts };
}

/** One attribute's condition, as a filter node: `{ slug: condition }`, or an `$or` of equalities. */
function normalizeAttribute(
  attribute: AttributeInfo,
  condition: unknown,
  actors: ActorLookup,
): Record<string, unknown> {
  const anyOf = equalitiesOf(attribute, condition);
  if (anyOf) {
    const each = anyOf.map((item) => ({ [attribute.slug]: normalizeCondition(attribute, item, actors) }));
    return each.length === 1 && each[0] ? each[0] : { $or: each };
  }
  return { [attribute.slug]: normalizeCondition(attribute, condition, actors) };
}

/**
 * `$in` where Attio takes only equality — a select, a status, an owner — as the list of values
 * to `$or`: `{"stage":{"$in":["Lead","Won"]}}` is `{"$or":[{"stage":"Lead"},{"stage":"Won"}]}`.
 */
function equalitiesOf(attribute: AttributeInfo, condition: unknown): unknown[] | undefined {
  if (!['select', 'status', 'actor-reference'].includes(attribute.type) || !isPlainObject(condition)) return undefined;
  const keys = Object.keys(condition);
  const property = attribute.type === 'select' ? 'option' : attribute.type === 'status' ? 'status' : undefined;
  const inner = property && isPlainObject(condition[property]) ? condition[property] : condition;
  if (keys.length !== 1 || !isPlainObject(inner) || Object.keys(inner).length !== 1 || !('$in' in inner)) {
    return undefined;
  }
  if (!Array.isArray(inner.$in) || inner.$in.length === 0) {
    throw new ToolError(`$in on ${attribute.slug} takes a non-empty list.`);
  }
  return inner.$in;
}

function normalizeCondition(attribute: AttributeInfo, condition: unknown, actors: ActorLookup): unknown {
  if (attribute.type === 'actor-reference') return normalizeActor(attribute, condition, actors);
  if (attribute.type === 'record-reference') return normalizeReference(attribute, condition);
  if (!isPlainObject(condition)) return normalizeEquality(attribute, condition);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(condition)) {
    if (LOGICAL.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((child) => normalizeCondition(attribute, child, actors))
        : normalizeCondition(attribute, value, actors);
    } else if (COMPARISONS.has(key)) {
      if (attribute.type === 'currency' && key !== '$not_empty') {
        // Comparisons on a currency apply to its amount.
        out.currency_value = { ...(out.currency_value as object), [key]: normalizeOperand(attribute, key, value) };
      } else {
        Object.assign(out, comparison(attribute.type, attribute, key, value));
      }
    } else if (key.startsWith('$')) {
      throw new ToolError(
        `Unknown operator "${key}" on ${attribute.slug}. Operators: ${[...COMPARISONS, ...LOGICAL].join(', ')}.`,
      );
    } else if (HISTORY_PROPERTIES.has(key)) {
      out[key] = normalizeProperty(value, (op, operand) => comparison('timestamp', attribute, op, operand, key));
    } else {
      // A property of the value (`currency_value`, `email_domain`, `status`, …): operands still checked.
      // Only the amount of a currency and the title of a select or status are checked; the rest Attio checks.
      const checked = attribute.type !== 'currency' || key === 'currency_value';
      out[key] = normalizeProperty(value, (op, operand) =>
        checked ? { [op]: normalizeOperand(attribute, op, operand) } : { [op]: operand },
      );
    }
  }
  return out;
}

/** A property's condition: a bare value (equality) or `{ operator: operand }`, each operand normalized. */
function normalizeProperty(
  value: unknown,
  normalize: (op: string, operand: unknown) => Record<string, unknown>,
): unknown {
  if (!isPlainObject(value)) {
    const equal = normalize('$eq', value);
    return Object.keys(equal).length === 1 && '$eq' in equal ? equal.$eq : equal;
  }
  return Object.assign({}, ...Object.entries(value).map(([op, operand]) => normalize(op, operand)));
}

/** A shorthand value: equality, except that a date alone on a timestamp means that whole day. */
function normalizeEquality(attribute: AttributeInfo, value: unknown): unknown {
  if (attribute.type === 'timestamp' && typeof value === 'string' && DATE_ONLY.test(value.trim())) {
    return comparison('timestamp', attribute, '$eq', value);
  }
  return normalizeOperand(attribute, '$eq', value);
}

/**
 * `{ op: operand }` with the operand in the form Attio takes. On a timestamp (Attio: "a date and
 * a time") a date alone is the start of that day in UTC, or its end for `$lte` and `$gt`, and
 * equality with a date is the whole day.
 */
function comparison(
  type: string,
  attribute: AttributeInfo,
  op: string,
  operand: unknown,
  property = attribute.slug,
): Record<string, unknown> {
  if (type !== 'timestamp' || op === '$not_empty') return { [op]: normalizeOperand(attribute, op, operand) };
  const value = normalizeOperand({ ...attribute, slug: property, type: 'timestamp' }, op, operand);
  if (typeof value !== 'string' || !DATE_ONLY.test(value)) return { [op]: value };
  const start = `${value}T00:00:00.000Z`;
  const end = `${value}T23:59:59.999Z`;
  if (op === '$eq') return { $gte: start, $lte: end };
  return { [op]: op === '$lte' || op === '$gt' ? end : start };
}

function normalizeOperand(attribute: AttributeInfo, op: string, operand: unknown): unknown {
  if (op === '$not_empty') return operand;
  if (op === '$in') {
    if (!Array.isArray(operand)) throw new ToolError(`$in on ${attribute.slug} takes a list.`);
    return operand.map((item) => normalizeOperand(attribute, '$eq', item));
  }
  switch (attribute.type) {
    case 'select':
    case 'status':
      return requireChoice(attribute, operand);
    case 'number':
    case 'currency':
    case 'rating': {
      const number = toNumber(operand);
      if (number === undefined) {
        throw new ToolError(
          `${attribute.slug} is a ${attribute.type}: compare it with a number, not ${JSON.stringify(operand)}.`,
        );
      }
      return number;
    }
    case 'timestamp':
      if (typeof operand !== 'string' || Number.isNaN(Date.parse(operand))) {
        throw new ToolError(
          `${attribute.slug} is a timestamp: compare it with a date and time such as "2027-03-01T09:00:00Z".`,
        );
      }
      return operand.trim();
    case 'date':
      if (typeof operand !== 'string' || Number.isNaN(Date.parse(operand))) {
        throw new ToolError(`${attribute.slug} is a date: compare it with an ISO date such as "2027-03-01".`);
      }
      // A date attribute holds days: a date-time given for it means its day.
      return /^\d{4}-\d{2}-\d{2}T/.test(operand) ? operand.slice(0, 10) : operand;
    default:
      return operand;
  }
}

/**
 * A record reference: Attio's `{ target_object, target_record_id }` (the id may be `{ "$in": [...] }`)
 * passes through; a bare record id, `$eq` or `$in` of ids is put in that form when the attribute
 * points to one object.
 */
function normalizeReference(attribute: AttributeInfo, condition: unknown): unknown {
  const targets = attribute.targets ?? [];
  const target = targets.length === 1 ? { target_object: targets[0] } : {};
  const byIds = (ids: unknown) => {
    if (!targets.length || targets.length > 1) {
      throw new ToolError(
        `${attribute.slug} may point to ${targets.join(', ') || 'several objects'}: filter it with {"target_object":"…","target_record_id":"…"}.`,
      );
    }
    return { ...target, target_record_id: ids };
  };
  if (typeof condition === 'string') {
    if (!UUID.test(condition)) {
      throw new ToolError(
        `${attribute.slug} is a reference: filter it by record id (find it with search_records), or use a path filter on the referenced record's attributes.`,
      );
    }
    return byIds(condition);
  }
  if (!isPlainObject(condition)) return condition;
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === '$eq' && typeof condition.$eq === 'string') {
    return normalizeReference(attribute, condition.$eq);
  }
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(condition.$in)) return byIds({ $in: condition.$in });
  return condition;
}

/**
 * An actor reference (an owner, "created by"): Attio filters it by `referenced_actor_type` and
 * `referenced_actor_id`; a member's email, name, id or "me" is put in that form.
 */
function normalizeActor(attribute: AttributeInfo, condition: unknown, actors: ActorLookup): unknown {
  const member = (who: unknown) => {
    const key = typeof who === 'string' ? who.trim().toLowerCase() : '';
    const id = key === 'me' ? actors.me : actors.members.get(key);
    if (!id) {
      const emails = [...actors.members.keys()].filter((k) => k.includes('@')).slice(0, 10);
      throw new ToolError(
        `${attribute.slug} is filtered by a workspace member: "${String(who)}" is not one${key === 'me' ? ' that this connection knows' : ''}. Give an email or name${emails.length ? ` (members: ${emails.join(', ')})` : ''}.`,
      );
    }
    return { referenced_actor_type: 'workspace-member', referenced_actor_id: id };
  };
  if (typeof condition === 'string') return member(condition);
  if (!isPlainObject(condition)) return condition;
  if (Object.keys(condition).length === 1 && typeof condition.$eq === 'string') return member(condition.$eq);
  const id = condition.referenced_actor_id;
  if (typeof id === 'string' && !UUID.test(id)) return { ...condition, ...member(id) };
  return condition;
}

/**
 * `{"path":[["people","company"],["companies","name"]],"constraints":{"$eq":"Acme Corp"}}` pins
 * the single-valued reference `company` to records named "Acme Corp": `company.name` is fixed.
 */
function referencePinnedByPath(
  set: AttributeSet,
  condition: Record<string, unknown>,
): { key: string; value: unknown } | undefined {
  const { path, constraints } = condition;
  if (!Array.isArray(path) || path.length !== 2) return undefined;
  const [first, second] = path as unknown[];
  if (!Array.isArray(first) || !Array.isArray(second) || first[0] !== set.parent.slug) return undefined;
  const attribute = set.bySlug.get(String(first[1]));
  if (attribute?.type !== 'record-reference' || attribute.multi) return undefined;
  const operand = isPlainObject(constraints) && Object.keys(constraints).length === 1 ? constraints.$eq : constraints;
  if (typeof operand !== 'string' && typeof operand !== 'number') return undefined;
  return { key: `${attribute.slug}.${String(second[1])}`, value: operand };
}

export interface SortInput {
  attribute: string;
  direction: 'asc' | 'desc';
}

/** Sorts by attribute slug, checked like filters. */
export function normalizeSorts(set: AttributeSet, sorts: readonly SortInput[]) {
  return sorts.map((sort) => ({ attribute: requireAttribute(set, sort.attribute).slug, direction: sort.direction }));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
