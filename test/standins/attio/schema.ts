// Builders for objects, lists and attributes (used by the seed), and their
// wire shapes for the /v2/objects, /v2/lists and .../attributes endpoints.
import type { Actor, AttributeDef, AttributeType, ListDef, ObjectDef, ParentRef, VirtualAttribute } from './model.ts';
import type { Store } from './store.ts';
import type { Rng } from './util.ts';
import { parentIdFields, renderActor, renderOption, renderStatusDef } from './values.ts';

export interface AttributeSpec {
  title: string;
  slug: string;
  type: AttributeType;
  system?: boolean;
  writable?: boolean;
  /** Filled in by Attio's enrichment (companies, people): no history (`show_historic`). */
  enriched?: boolean;
  required?: boolean;
  unique?: boolean;
  multi?: boolean;
  description?: string;
  currency?: string;
  allowedObjectIds?: string[];
  options?: string[];
  statuses?: { title: string; celebration?: boolean; targetTime?: string }[];
  virtual?: VirtualAttribute;
  createdAt: string;
}

export function defineAttribute(store: Store, rng: Rng, parent: ParentRef, spec: AttributeSpec): AttributeDef {
  const attribute: AttributeDef = {
    id: rng.uuid(),
    parent,
    title: spec.title,
    description: spec.description ?? null,
    api_slug: spec.slug,
    type: spec.type,
    is_system_attribute: spec.system ?? false,
    is_writable: spec.writable ?? true,
    enriched: spec.enriched ?? false,
    is_required: spec.required ?? false,
    is_unique: spec.unique ?? false,
    is_multiselect: spec.multi ?? false,
    is_archived: false,
    created_at: spec.createdAt,
    currency_code: spec.currency ?? null,
    currency_display_type: spec.currency ? 'symbol' : null,
    allowed_object_ids: spec.allowedObjectIds ?? null,
    relationship_attribute_id: null,
    options: (spec.options ?? []).map((title) => ({ id: rng.uuid(), title, is_archived: false })),
    statuses: (spec.statuses ?? []).map((s) => ({
      id: rng.uuid(),
      title: s.title,
      is_archived: false,
      celebration_enabled: s.celebration ?? false,
      target_time_in_status: s.targetTime ?? null,
    })),
    virtual: spec.virtual ?? null,
  };
  store.attributes.set(attribute.id, attribute);
  return attribute;
}

/** Marks two record-reference attributes as the two sides of one relationship. */
export function relate(a: AttributeDef, b: AttributeDef): void {
  a.relationship_attribute_id = b.id;
  b.relationship_attribute_id = a.id;
}

export function defineObject(
  store: Store,
  rng: Rng,
  spec: { slug: string; singular: string; plural: string; createdAt: string },
): ObjectDef {
  const object: ObjectDef = {
    id: rng.uuid(),
    api_slug: spec.slug,
    singular_noun: spec.singular,
    plural_noun: spec.plural,
    created_at: spec.createdAt,
  };
  store.objects.set(object.id, object);
  return object;
}

export function defineList(
  store: Store,
  rng: Rng,
  spec: { slug: string; name: string; parentObjectId: string; createdBy: Actor; createdAt: string },
): ListDef {
  const list: ListDef = {
    id: rng.uuid(),
    api_slug: spec.slug,
    name: spec.name,
    parent_object_id: spec.parentObjectId,
    workspace_access: 'full-access',
    created_by_actor: spec.createdBy,
    created_at: spec.createdAt,
  };
  store.lists.set(list.id, list);
  return list;
}

// ---- wire shapes -----------------------------------------------------------

export function renderObject(store: Store, object: ObjectDef): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, object_id: object.id },
    api_slug: object.api_slug,
    singular_noun: object.singular_noun,
    plural_noun: object.plural_noun,
    created_at: object.created_at,
  };
}

export function renderList(store: Store, list: ListDef): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, list_id: list.id },
    api_slug: list.api_slug,
    name: list.name,
    parent_object: [store.objects.get(list.parent_object_id)?.api_slug ?? list.parent_object_id],
    workspace_access: list.workspace_access,
    workspace_member_access: [],
    created_by_actor: renderActor(list.created_by_actor),
    created_at: list.created_at,
  };
}

export function renderAttribute(store: Store, attribute: AttributeDef): Record<string, unknown> {
  const inverse = attribute.relationship_attribute_id
    ? store.attributes.get(attribute.relationship_attribute_id)
    : undefined;
  return {
    id: { workspace_id: store.workspace.id, ...parentIdFields(attribute.parent), attribute_id: attribute.id },
    title: attribute.title,
    description: attribute.description,
    api_slug: attribute.api_slug,
    type: attribute.type,
    is_system_attribute: attribute.is_system_attribute,
    is_writable: attribute.is_writable,
    is_required: attribute.is_required,
    is_unique: attribute.is_unique,
    is_multiselect: attribute.is_multiselect,
    is_default_value_enabled: false,
    is_archived: attribute.is_archived,
    default_value: null,
    relationship: inverse
      ? {
          id: { workspace_id: store.workspace.id, ...parentIdFields(inverse.parent), attribute_id: inverse.id },
          object_slug: store.parentSlug(inverse.parent),
          title: inverse.title,
          api_slug: inverse.api_slug,
          is_multiselect: inverse.is_multiselect,
        }
      : null,
    created_at: attribute.created_at,
    config: {
      currency: {
        default_currency_code: attribute.currency_code,
        display_type: attribute.currency_display_type,
      },
      record_reference: { allowed_object_ids: attribute.allowed_object_ids },
    },
  };
}

export function renderSelectOption(
  store: Store,
  attribute: AttributeDef,
  index: number,
): Record<string, unknown> | null {
  const option = attribute.options[index];
  return option ? renderOption(store.workspace.id, attribute, option) : null;
}

export function renderStatus(store: Store, attribute: AttributeDef, index: number): Record<string, unknown> | null {
  const status = attribute.statuses[index];
  return status ? renderStatusDef(store.workspace.id, attribute, status) : null;
}
