import type { AttioValue } from '../../attio/schemas';
import { ToolError } from '../../mcp/tool';
import { type AttributeInfo, type AttributeSet, requireAttribute, requireChoice } from './catalog';

/** A long text value is cut here; the record's web URL has the rest. */
export const MAX_TEXT_CHARS = 500;

/** A referenced record, named but not expanded. */
export interface RecordRef {
  id: string;
  name: string | null;
}

export type CompactValue = string | number | boolean | null | RecordRef | CompactValue[];

/** What flattening needs to name things: referenced records and workspace members by id. */
export interface Names {
  records: Map<string, string>;
  members: Map<string, string>;
}

/**
 * Attio answers every value as an array of typed values with history metadata (`active_from`,
 * `created_by_actor`, …). A model needs only the current value in its plainest form: a select
 * as its title, a currency as "USD 50,000", a reference as `{ id, name }`.
 */
export function flattenValues(
  values: readonly AttioValue[] | undefined,
  attribute: Pick<AttributeInfo, 'multi'> | undefined,
  names: Names,
  options: { bareCurrency?: boolean } = {},
): CompactValue {
  const flat = currentValues(values)
    .map((v) => (options.bareCurrency && v.attribute_type === 'currency' ? amountOf(v) : flattenValue(v, names)))
    .filter((v) => v !== null);
  if (attribute?.multi || flat.length > 1) return flat;
  return flat[0] ?? null;
}

/** The values in force now; Attio also returns past ones when history is asked for. */
export function currentValues(values: readonly AttioValue[] | undefined): AttioValue[] {
  return (values ?? []).filter((v) => v.active_until === null || v.active_until === undefined);
}

function amountOf(value: AttioValue): number | null {
  const amount = (value as { currency_value?: unknown }).currency_value;
  return typeof amount === 'number' ? amount : null;
}

function flattenValue(value: AttioValue, names: Names): CompactValue {
  const v = value as Record<string, unknown>;
  switch (value.attribute_type) {
    case 'currency':
      return formatCurrency(v.currency_value, v.currency_code);
    case 'select':
      return title(v.option);
    case 'status':
      return title(v.status);
    case 'record-reference': {
      const id = String(v.target_record_id);
      return { id, name: names.records.get(id) ?? null };
    }
    case 'actor-reference': {
      const id = typeof v.referenced_actor_id === 'string' ? v.referenced_actor_id : null;
      return (id && names.members.get(id)) ?? id ?? (v.referenced_actor_type as string | null) ?? null;
    }
    case 'personal-name':
      return (v.full_name as string | null) ?? null;
    case 'email-address':
      return (v.email_address as string | null) ?? null;
    case 'domain':
      return (v.domain as string | null) ?? null;
    case 'phone-number':
      return ((v.original_phone_number ?? v.phone_number) as string | null) ?? null;
    case 'location':
      return (
        ['line_1', 'locality', 'region', 'postcode', 'country_code']
          .map((key) => v[key])
          .filter((part) => typeof part === 'string' && part !== '')
          .join(', ') || null
      );
    case 'interaction':
      return [v.interaction_type, v.interacted_at].filter(Boolean).join(' ') || null;
    case 'timestamp':
      return typeof v.value === 'string' ? compactTimestamp(v.value) : null;
    default: {
      const plain = v.value;
      if (typeof plain === 'string') return cut(plain);
      if (typeof plain === 'number' || typeof plain === 'boolean') return plain;
      return null;
    }
  }
}

function title(option: unknown): string | null {
  return option && typeof option === 'object' && 'title' in option ? String(option.title) : null;
}

/** "USD 50,000", "GBP 1,250.50": one short string a model reads right and cannot mistake for cents. */
export function formatCurrency(amount: unknown, code: unknown): string | number | null {
  if (typeof amount !== 'number') return null;
  const digits = Number.isInteger(amount) ? 0 : 2;
  const formatted = amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: 2 });
  return typeof code === 'string' && code ? `${code} ${formatted}` : formatted;
}

/** Attio's nanosecond timestamps, shortened: "2026-12-11" at midnight UTC, else "2026-12-11T17:00:00Z". */
export function compactTimestamp(value: string): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const iso = at.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}

/** When something happened, to the minute, in UTC: "2025-11-05 09:12" (a date alone at midnight). */
export function shortTime(value: string): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const iso = at.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function cut(text: string, max = MAX_TEXT_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The display name of a record: its `name` (text or personal name), else a domain or an email. */
export function recordName(values: Record<string, readonly AttioValue[]>): string | null {
  const none: Names = { records: new Map(), members: new Map() };
  for (const slug of ['name', 'title', 'domains', 'email_addresses']) {
    const flat = flattenValues(values[slug], { multi: false }, none);
    const first = Array.isArray(flat) ? flat[0] : flat;
    if (typeof first === 'string' && first) return first;
  }
  return null;
}

/** Workspace members resolved by email or name, for writes to owners and assignees. */
export type MemberLookup = Map<string, string>;

/**
 * Turns the model's plain values into Attio's write shapes, checking each against the schema
 * first so a mistake is a precise message, not an opaque 400: select and status by title
 * (case-insensitive, valid titles listed otherwise), a reference by record id, an owner by
 * email or name, a person's name as one string, a currency as a number.
 */
export function toWriteValues(
  set: AttributeSet,
  values: Record<string, unknown>,
  members: MemberLookup,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [slug, value] of Object.entries(values)) {
    const attribute = requireAttribute(set, slug);
    if (!attribute.writable) throw new ToolError(`${slug} is read-only in Attio; leave it out.`);
    const items = Array.isArray(value) ? value : [value];
    if (items.length > 1 && !attribute.multi) {
      throw new ToolError(`${slug} holds a single value; give one, not a list.`);
    }
    const converted = items.map((item) => toWriteValue(attribute, item, members));
    out[attribute.slug] = attribute.multi ? converted : (converted[0] ?? null);
  }
  return out;
}

function toWriteValue(attribute: AttributeInfo, item: unknown, members: MemberLookup): unknown {
  if (item === null) return null;
  switch (attribute.type) {
    case 'select':
    case 'status':
      return requireChoice(attribute, item);
    case 'currency':
    case 'number':
    case 'rating': {
      const amount = toNumber(item);
      if (amount === undefined) throw new ToolError(`${attribute.slug} needs a number, got ${JSON.stringify(item)}.`);
      return amount;
    }
    case 'record-reference': {
      const targets = attribute.targets ?? [];
      if (typeof item === 'string' && targets.length === 1) {
        return { target_object: targets[0], target_record_id: item };
      }
      if (item && typeof item === 'object' && 'id' in item && 'object' in item) {
        return { target_object: String(item.object), target_record_id: String(item.id) };
      }
      throw new ToolError(
        `${attribute.slug} takes a record id${targets.length === 1 ? '' : ' as { "object": "…", "id": "…" }'} (objects: ${targets.join(', ')}); find it with search_records.`,
      );
    }
    case 'actor-reference': {
      const member = typeof item === 'string' ? members.get(item.trim().toLowerCase()) : undefined;
      if (!member) {
        throw new ToolError(
          `${attribute.slug} takes a workspace member's email or name; "${String(item)}" is not one. Members: ${[
            ...members.keys(),
          ]
            .filter((key) => key.includes('@'))
            .slice(0, 10)
            .join(', ')}.`,
        );
      }
      return { referenced_actor_type: 'workspace-member', referenced_actor_id: member };
    }
    case 'personal-name': {
      if (typeof item !== 'string') return item;
      const [first, ...rest] = item.trim().split(/\s+/);
      return { first_name: first ?? '', last_name: rest.join(' '), full_name: item.trim() };
    }
    default:
      return item;
  }
}

/** 50000, "50000", "50,000", "$50k", "USD 1.2m" → a number; anything else → undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(?:[A-Z]{3}\s*)?[$€£]?\s*(-?[\d,]*\.?\d+)\s*([kmb])?\s*$/i.exec(value);
  if (!match?.[1]) return undefined;
  const scale = { k: 1e3, m: 1e6, b: 1e9 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Number(match[1].replaceAll(',', '')) * scale;
}
