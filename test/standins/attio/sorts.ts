// `sorts: [{ attribute, field?, direction }]` or `[{ path: [[obj, attr], ...], field?, direction }]`.
// Rows without a value sort last. Select options sort by title, statuses by their order.
import { z } from 'zod';
import { filterError } from './errors.ts';
import { followPath, type PathStep, resolvePath } from './filter.ts';
import type { AttributeDef, ParentRef, Row } from './model.ts';
import { defaultProperty, findProperty, type PropertyDesc, type PropValue } from './properties.ts';
import type { Store } from './store.ts';
import { timestampToMs } from './util.ts';

export const sortSchema = z
  .object({
    direction: z.enum(['asc', 'desc']),
    attribute: z.string().optional(),
    path: z
      .array(z.tuple([z.string(), z.string()]))
      .min(1)
      .optional(),
    field: z.string().optional(),
  })
  .refine((s) => (s.attribute === undefined) !== (s.path === undefined), {
    message: 'Each sort needs either "attribute" or "path".',
  });

export type SortInput = z.infer<typeof sortSchema>;

interface SortKey {
  steps: PathStep[];
  attribute: AttributeDef;
  property: PropertyDesc;
  direction: 1 | -1;
}

function resolveField(attribute: AttributeDef, field: string | undefined): PropertyDesc {
  if (field === undefined) return defaultProperty(attribute.type);
  const property = findProperty(attribute.type, field);
  if (!property)
    throw filterError(`Unknown field "${field}" for attribute "${attribute.api_slug}" of type "${attribute.type}".`);
  return property;
}

export function parseSorts(store: Store, parent: ParentRef, sorts: SortInput[]): SortKey[] {
  return sorts.map((sort) => {
    const direction = sort.direction === 'asc' ? 1 : -1;
    if (sort.attribute !== undefined) {
      const attribute = store.findAttribute(parent, sort.attribute);
      if (!attribute) throw filterError(`Unknown attribute slug: ${sort.attribute}`);
      return { steps: [], attribute, property: resolveField(attribute, sort.field), direction };
    }
    const { steps, attribute } = resolvePath(store, parent, sort.path ?? []);
    return { steps, attribute, property: resolveField(attribute, sort.field), direction };
  });
}

function sortValue(store: Store, key: SortKey, row: Row): PropValue {
  // Through a path, a row sorts by the first record it leads to.
  const current = followPath(store, key.steps, [row])[0];
  if (!current) return null;
  const first = store.valuesOf(key.attribute, current)[0];
  return first ? key.property.get(first, key.attribute, store) : null;
}

function comparable(property: PropertyDesc, value: PropValue): string | number | null {
  if (value === null || value === '') return null;
  if (typeof value === 'object') return property.name === 'status' ? value.order : value.title.toLowerCase();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (property.kind === 'timestamp' && typeof value === 'string') return timestampToMs(value);
  if (typeof value === 'string') return value.toLowerCase();
  return value;
}

export function sortRows<T extends Row>(store: Store, rows: T[], keys: SortKey[]): T[] {
  if (keys.length === 0) return rows;
  const decorated = rows.map((row, index) => ({
    row,
    index,
    values: keys.map((k) => comparable(k.property, sortValue(store, k, row))),
  }));
  decorated.sort((a, b) => {
    for (const [i, key] of keys.entries()) {
      const x = a.values[i] ?? null;
      const y = b.values[i] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const diff = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (diff !== 0) return diff * key.direction;
    }
    return a.index - b.index;
  });
  return decorated.map((d) => d.row);
}
