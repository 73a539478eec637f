// Filterable / sortable properties of each attribute type, as documented per
// attribute type by Attio (e.g. email-address: email_address, email_domain, ...).
// The first property of a type is its default (used by shorthand filters and sorts).
// The operators of each property follow the "Filtering" section of that type's page at
// https://docs.attio.com/docs/attribute-types/ (see README "Filter operators by type"):
// a property with no operators can be sorted on but not filtered.
import type { AttributeDef, AttributeType, StoredValue, ValueData } from './model.ts';
import type { Store } from './store.ts';

export type PropOp =
  | '$eq'
  | '$in'
  | '$not_empty'
  | '$contains'
  | '$starts_with'
  | '$ends_with'
  | '$lt'
  | '$lte'
  | '$gt'
  | '$gte';

export const ALL_OPS: readonly PropOp[] = [
  '$eq',
  '$in',
  '$not_empty',
  '$contains',
  '$starts_with',
  '$ends_with',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
];

/** How operands and values of a property are compared. */
export type PropertyKind =
  | 'string' // exact $eq, case-insensitive substring operators
  | 'ci-string' // normalized lowercase (emails, domains)
  | 'number'
  | 'date'
  | 'timestamp' // filters need a date and a time (attribute-types-timestamp#filtering)
  | 'history' // active_from / active_until: a date or a timestamp (attribute-types-status#filtering)
  | 'boolean'
  | 'option' // select option / status: matched by title or ID
  | 'object' // target_object: matched by object slug or ID
  | 'id';

export interface OptionRef {
  id: string;
  title: string;
  order: number;
}

export type PropValue = string | number | boolean | OptionRef | null;

export interface PropertyDesc {
  name: string;
  kind: PropertyKind;
  ops: readonly PropOp[];
  get: (value: StoredValue, attribute: AttributeDef, store: Store) => PropValue;
}

const STRING_OPS: readonly PropOp[] = ['$eq', '$in', '$contains', '$starts_with', '$ends_with', '$not_empty'];
const COMPARABLE_OPS: readonly PropOp[] = ['$eq', '$in', '$lt', '$lte', '$gt', '$gte', '$not_empty'];
const EQ_OPS: readonly PropOp[] = ['$eq', '$in', '$not_empty'];
/** Status, select, actor reference: equality only; several values through `$or`. */
const EQ_ONLY: readonly PropOp[] = ['$eq'];
/** Number, currency, date, timestamp: "$eq, $gt, $gte, $lt, $lte" (their pages list exactly these). */
const ORDER_OPS: readonly PropOp[] = ['$eq', '$lt', '$lte', '$gt', '$gte'];
/** `active_from` / `active_until` of status and select values. */
const HISTORY_OPS: readonly PropOp[] = ['$lt', '$lte', '$gt', '$gte'];
/** Record reference `target_record_id`: exact equality and `$in`. */
const REFERENCE_OPS: readonly PropOp[] = ['$eq', '$in'];
const SORT_ONLY: readonly PropOp[] = [];

type Getter = (data: ValueData, attribute: AttributeDef, store: Store) => PropValue;

function prop(name: string, kind: PropertyKind, ops: readonly PropOp[], get: Getter): PropertyDesc {
  return { name, kind, ops, get: (value, attribute, store) => get(value.data, attribute, store) };
}

function field(name: string): Getter {
  return (data) => {
    const record: Record<string, unknown> = { ...data };
    const v = record[name];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
  };
}

const activeFrom: PropertyDesc = {
  name: 'active_from',
  kind: 'history',
  ops: HISTORY_OPS,
  get: (value) => value.active_from,
};

/** The stand-in keeps no value history: every value it returns is active (`active_until: null`). */
const activeUntil: PropertyDesc = {
  name: 'active_until',
  kind: 'history',
  ops: HISTORY_OPS,
  get: () => null,
};

/** Only status and select document `active_from` filters. */
const HISTORY_TYPES = new Set<AttributeType>(['status', 'select']);

function stringProps(kind: 'string' | 'ci-string', names: string[]): PropertyDesc[] {
  return names.map((n) => prop(n, kind, STRING_OPS, field(n)));
}

const BY_TYPE: Record<AttributeType, PropertyDesc[]> = {
  text: [prop('value', 'string', STRING_OPS, field('value'))],
  number: [prop('value', 'number', ORDER_OPS, field('value'))],
  rating: [prop('value', 'number', COMPARABLE_OPS, field('value'))],
  checkbox: [prop('value', 'boolean', EQ_OPS, field('value'))],
  date: [prop('value', 'date', ORDER_OPS, field('value'))],
  timestamp: [prop('value', 'timestamp', ORDER_OPS, field('value'))],
  currency: [
    prop('currency_value', 'number', ORDER_OPS, field('currency_value')),
    // Shared by every value of the attribute; the docs filter currencies "by their value" only.
    prop('currency_code', 'string', SORT_ONLY, (_d, attribute) => attribute.currency_code),
  ],
  select: [
    prop('option', 'option', EQ_ONLY, (data, attribute) => {
      if (data.type !== 'select') return null;
      const index = attribute.options.findIndex((o) => o.id === data.option_id);
      const option = attribute.options[index];
      return option ? { id: option.id, title: option.title, order: index } : null;
    }),
  ],
  status: [
    prop('status', 'option', EQ_ONLY, (data, attribute) => {
      if (data.type !== 'status') return null;
      const index = attribute.statuses.findIndex((s) => s.id === data.status_id);
      const status = attribute.statuses[index];
      return status ? { id: status.id, title: status.title, order: index } : null;
    }),
  ],
  'record-reference': [
    prop('target_record_id', 'id', REFERENCE_OPS, field('target_record_id')),
    prop('target_object', 'object', EQ_ONLY, (data, _a, store) =>
      data.type === 'record-reference' ? (store.objects.get(data.target_object_id)?.api_slug ?? null) : null,
    ),
  ],
  'actor-reference': [
    prop('referenced_actor_id', 'id', EQ_ONLY, field('referenced_actor_id')),
    prop('referenced_actor_type', 'string', EQ_ONLY, field('referenced_actor_type')),
  ],
  domain: stringProps('ci-string', ['domain', 'root_domain']),
  'email-address': stringProps('ci-string', [
    'email_address',
    'original_email_address',
    'email_domain',
    'email_root_domain',
    'email_local_specifier',
  ]),
  'personal-name': stringProps('string', ['full_name', 'first_name', 'last_name']),
  'phone-number': [
    prop('phone_number', 'string', STRING_OPS, field('phone_number')),
    prop('original_phone_number', 'string', STRING_OPS, field('original_phone_number')),
    prop('normalized_phone_number', 'string', STRING_OPS, field('phone_number')),
    prop('country_code', 'string', EQ_OPS, field('country_code')),
  ],
  location: [
    ...stringProps('string', ['locality', 'line_1', 'line_2', 'line_3', 'line_4', 'region', 'postcode']),
    prop('country_code', 'string', ['$eq', '$in', '$starts_with', '$not_empty'], field('country_code')),
  ],
  interaction: [
    prop('interacted_at', 'timestamp', COMPARABLE_OPS, field('interacted_at')),
    prop('interaction_type', 'string', EQ_OPS, field('interaction_type')),
  ],
};

export function propertiesOf(type: AttributeType): PropertyDesc[] {
  return HISTORY_TYPES.has(type) ? [...BY_TYPE[type], activeFrom, activeUntil] : BY_TYPE[type];
}

export function defaultProperty(type: AttributeType): PropertyDesc {
  const first = BY_TYPE[type][0];
  if (!first) throw new Error(`no properties for ${type}`);
  return first;
}

export function findProperty(type: AttributeType, name: string): PropertyDesc | undefined {
  return propertiesOf(type).find((p) => p.name === name);
}
