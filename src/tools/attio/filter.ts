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
): { filter: Record<string, unknown>; mentioned: Set<string> } {
  const mentioned = new Set<string>();
  return { filter: normalizeNode(set, filter, mentioned), mentioned };
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
