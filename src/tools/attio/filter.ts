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

/**
 * Checks a filter in Attio's language against the workspace schema before it is sent, and
 * fixes what models commonly get almost right, so a query succeeds on the first call:
 * a select or status title in the wrong case (or without its emoji) becomes the exact title,
 * a comparison on a currency goes to its `currency_value`, "50k" becomes 50000, and a bare
 * record id on a reference becomes `{ target_object, target_record_id }`. Anything that cannot
 * be fixed is a `ToolError` that says what was wrong and what is valid. Returns the slugs
 * the filter mentions, so the answer can show them.
 */
export function normalizeFilter(
  set: AttributeSet,
  filter: Record<string, unknown>,
): { filter: Record<string, unknown>; mentioned: Set<string>; fixed: Map<string, unknown> } {
  const mentioned = new Set<string>();
  const normalized = normalizeNode(set, filter, mentioned);
  return { filter: normalized, mentioned, fixed: fixedValues(set, normalized) };
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

function normalizeNode(set: AttributeSet, node: unknown, mentioned: Set<string>): Record<string, unknown> {
  if (!isPlainObject(node)) throw new ToolError(`Each filter must be an object, got ${JSON.stringify(node)}.`);
  // Path filters cross references (`[["deals","associated_company"],["companies","name"]]`); Attio checks them.
  if ('path' in node) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) throw new ToolError(`"${key}" takes a list of filters.`);
      out[key] = value.map((child) => normalizeNode(set, child, mentioned));
    } else if (key === '$not') {
      out[key] = normalizeNode(set, value, mentioned);
    } else if (key.startsWith('$')) {
      throw new ToolError(
        `Unknown operator "${key}" at the top of a filter: use $and, $or or $not, or an attribute slug.`,
      );
    } else {
      const attribute = requireAttribute(set, key);
      mentioned.add(attribute.slug);
      out[attribute.slug] = normalizeCondition(attribute, value);
    }
  }
  return out;
}

function normalizeCondition(attribute: AttributeInfo, condition: unknown): unknown {
  if (!isPlainObject(condition)) return normalizeOperand(attribute, '$eq', condition);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(condition)) {
    if (LOGICAL.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((child) => normalizeCondition(attribute, child))
        : normalizeCondition(attribute, value);
    } else if (COMPARISONS.has(key)) {
      if (attribute.type === 'currency' && key !== '$not_empty') {
        // Comparisons on a currency apply to its amount.
        out.currency_value = { ...(out.currency_value as object), [key]: normalizeOperand(attribute, key, value) };
      } else {
        out[key] = normalizeOperand(attribute, key, value);
      }
    } else if (key.startsWith('$')) {
      throw new ToolError(
        `Unknown operator "${key}" on ${attribute.slug}. Operators: ${[...COMPARISONS, ...LOGICAL].join(', ')}.`,
      );
    } else {
      // A property of the value (`currency_value`, `email_domain`, `status`, …): operands still checked.
      // Only the amount of a currency and the title of a select or status are checked; the rest Attio checks.
      const checked = attribute.type !== 'currency' || key === 'currency_value';
      const check = (op: string, operand: unknown) => (checked ? normalizeOperand(attribute, op, operand) : operand);
      out[key] = isPlainObject(value)
        ? Object.fromEntries(Object.entries(value).map(([op, operand]) => [op, check(op, operand)]))
        : check('$eq', value);
    }
  }
  return out;
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
    case 'date':
    case 'timestamp':
      if (typeof operand !== 'string' || Number.isNaN(Date.parse(operand))) {
        throw new ToolError(
          `${attribute.slug} is a ${attribute.type}: compare it with an ISO date such as "2027-03-01".`,
        );
      }
      return operand;
    case 'record-reference':
      if (typeof operand === 'string' && UUID.test(operand) && attribute.targets?.length === 1) {
        return { target_object: attribute.targets[0], target_record_id: operand };
      }
      if (typeof operand === 'string') {
        throw new ToolError(
          `${attribute.slug} is a reference: filter it by record id (find it with search_records), or use a path filter on the referenced record's attributes.`,
        );
      }
      return operand;
    default:
      return operand;
  }
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
