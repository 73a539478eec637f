// Attribute values: Attio's read shapes (rendering) and write shapes (parsing),
// plus applying a `values` / `entry_values` payload to a row.
import {
  AttioError,
  invalidAttributeValue,
  missingValue,
  type ValidationIssue,
  validationError,
  valueNotFound,
} from './errors.ts';
import type {
  Actor,
  AttributeDef,
  LocationData,
  ParentRef,
  RecordRow,
  Row,
  SelectOptionDef,
  StatusDef,
  StoredValue,
  ValueData,
  WriteContext,
} from './model.ts';
import { type Store, valueKey } from './store.ts';
import { describeType, isPlainObject, isUuid, normalizeDate, normalizeTimestamp, rootDomainOf } from './util.ts';

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/**
 * An actor Attio cannot name has a null `id` (and `type`): the document marks both `nullable: true`,
 * the docs page "Actors" says a `system` actor "Always comes with a null ID", and its examples show
 * `{"type": "system", "id": null}`. (attio-ts-sdk's schemas reject the null: conformance.test.ts
 * lets exactly this through.)
 */
export function renderActor(actor: Actor): Actor {
  return { type: actor.type, id: actor.id };
}

export function renderValue(store: Store, attribute: AttributeDef, value: StoredValue): Record<string, unknown> {
  return {
    active_from: value.active_from,
    active_until: value.active_until ?? null,
    created_by_actor: renderActor(value.created_by_actor),
    ...renderData(store, attribute, value.data),
    attribute_type: attribute.type,
  };
}

function renderData(store: Store, attribute: AttributeDef, data: ValueData): Record<string, unknown> {
  const workspaceId = store.workspace.id;
  switch (data.type) {
    case 'text':
    case 'number':
    case 'checkbox':
    case 'rating':
    case 'date':
    case 'timestamp':
      return { value: data.value };
    case 'currency':
      return { currency_value: data.currency_value, currency_code: attribute.currency_code };
    case 'select': {
      // An option that no longer exists reads back as an archived one without a title.
      const option = attribute.options.find((o) => o.id === data.option_id);
      return {
        option: renderOption(workspaceId, attribute, option ?? { id: data.option_id, title: '', is_archived: true }),
      };
    }
    case 'status': {
      const status = attribute.statuses.find((st) => st.id === data.status_id);
      const gone = {
        id: data.status_id,
        title: '',
        is_archived: true,
        celebration_enabled: false,
        target_time_in_status: null,
      };
      return { status: renderStatusDef(workspaceId, attribute, status ?? gone) };
    }
    case 'record-reference':
      return {
        target_object: store.objects.get(data.target_object_id)?.api_slug ?? data.target_object_id,
        target_record_id: data.target_record_id,
      };
    case 'actor-reference':
      return { referenced_actor_type: data.referenced_actor_type, referenced_actor_id: data.referenced_actor_id };
    case 'interaction':
      return {
        interaction_type: data.interaction_type,
        interacted_at: data.interacted_at,
        owner_actor: renderActor(data.owner_actor),
      };
    default: {
      const { type: _type, ...rest } = data;
      return rest;
    }
  }
}

/**
 * The parent's ID in an attribute, option or status ID: `object_id`, "the object or list that this
 * attribute belongs to" (`components.schemas.attribute.id`, which has no `list_id`), for lists too.
 */
export function parentIdFields(parent: ParentRef): { object_id: string } {
  return { object_id: parent.id };
}

/** A select option as Attio renders it, in a value and in the attribute's option list alike. */
export function renderOption(
  workspaceId: string,
  attribute: AttributeDef,
  option: SelectOptionDef,
): Record<string, unknown> {
  return {
    id: {
      workspace_id: workspaceId,
      ...parentIdFields(attribute.parent),
      attribute_id: attribute.id,
      option_id: option.id,
    },
    title: option.title,
    is_archived: option.is_archived,
  };
}

/** A status as Attio renders it, in a value and in the attribute's status list alike. */
export function renderStatusDef(
  workspaceId: string,
  attribute: AttributeDef,
  status: StatusDef,
): Record<string, unknown> {
  return {
    id: {
      workspace_id: workspaceId,
      ...parentIdFields(attribute.parent),
      attribute_id: attribute.id,
      status_id: status.id,
    },
    title: status.title,
    is_archived: status.is_archived,
    celebration_enabled: status.celebration_enabled,
    target_time_in_status: status.target_time_in_status,
  };
}

export function renderValues(store: Store, parent: ParentRef, row: Row): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const attribute of store.attributesOf(parent)) {
    out[attribute.api_slug] = store.valuesOf(attribute, row).map((v) => renderValue(store, attribute, v));
  }
  return out;
}

export function renderRecord(store: Store, record: RecordRow): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, object_id: record.object_id, record_id: record.id },
    created_at: record.created_at,
    web_url: store.webUrl(record),
    values: renderValues(store, { kind: 'object', id: record.object_id }, record),
  };
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

function invalid(
  attribute: AttributeDef,
  message: string,
  path: (string | number)[] = [],
  expected?: string,
  received?: unknown,
): AttioError {
  const issue: ValidationIssue = { code: expected ? 'invalid_type' : 'invalid_value', path, message };
  if (expected) {
    issue.expected = expected;
    issue.received = describeType(received);
  }
  return invalidAttributeValue(attribute.api_slug, [issue]);
}

/** Returns obj[key] when the input is the single-key object form, else the input itself. */
function unwrap(item: unknown, key: string): unknown {
  if (isPlainObject(item) && key in item) return item[key];
  return item;
}

function expectString(attribute: AttributeDef, raw: unknown, path: (string | number)[] = []): string {
  if (typeof raw === 'string') return raw;
  throw invalid(attribute, `Expected string, received ${describeType(raw)}`, path, 'string', raw);
}

function parseNumber(attribute: AttributeDef, raw: unknown): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  throw invalid(attribute, `Expected number, received ${describeType(raw)}`, [], 'number', raw);
}

const CALLING_CODES: Record<string, string> = {
  '1': 'US',
  '7': 'RU',
  '27': 'ZA',
  '31': 'NL',
  '32': 'BE',
  '33': 'FR',
  '34': 'ES',
  '39': 'IT',
  '41': 'CH',
  '43': 'AT',
  '44': 'GB',
  '45': 'DK',
  '46': 'SE',
  '47': 'NO',
  '48': 'PL',
  '49': 'DE',
  '52': 'MX',
  '55': 'BR',
  '61': 'AU',
  '64': 'NZ',
  '65': 'SG',
  '81': 'JP',
  '82': 'KR',
  '86': 'CN',
  '91': 'IN',
  '352': 'LU',
  '353': 'IE',
  '358': 'FI',
  '852': 'HK',
  '971': 'AE',
  '972': 'IL',
};
const COUNTRY_TO_CALLING: Record<string, string> = Object.fromEntries(
  Object.entries(CALLING_CODES).map(([code, country]) => [country, code]),
);

function parsePhone(attribute: AttributeDef, item: unknown): ValueData {
  let original: string;
  let countryCode: string | null = null;
  if (typeof item === 'string') {
    original = item;
  } else if (isPlainObject(item)) {
    original = expectString(attribute, item.original_phone_number, ['original_phone_number']);
    const cc = item.country_code;
    if (typeof cc === 'string') countryCode = cc.toUpperCase();
    else if (cc !== undefined && cc !== null)
      throw invalid(attribute, 'Invalid country code', ['country_code'], 'string', cc);
  } else {
    throw invalid(attribute, `Expected string or object, received ${describeType(item)}`, [], 'string', item);
  }
  const digits = original.replace(/[^\d]/g, '');
  let e164: string;
  if (original.trim().startsWith('+')) {
    e164 = `+${digits}`;
  } else {
    const calling = countryCode ? COUNTRY_TO_CALLING[countryCode] : undefined;
    if (!calling) {
      throw invalid(
        attribute,
        'Phone numbers must start with a country code prefix (+) or include a known country_code',
        ['original_phone_number'],
      );
    }
    e164 = `+${calling}${digits.replace(/^0+/, '')}`;
  }
  if (!/^\+\d{7,15}$/.test(e164)) throw invalid(attribute, 'Invalid phone number', ['original_phone_number']);
  if (!countryCode) {
    const national = e164.slice(1);
    for (const length of [3, 2, 1]) {
      const match = CALLING_CODES[national.slice(0, length)];
      if (match) {
        countryCode = match;
        break;
      }
    }
  }
  if (!countryCode) throw invalid(attribute, 'Could not determine the country of this phone number', ['country_code']);
  return { type: 'phone-number', original_phone_number: original, country_code: countryCode, phone_number: e164 };
}

const RESERVED_TLDS = ['test', 'invalid', 'example', 'localhost'];

export function parseEmail(raw: string): ValueData | null {
  const original = raw.trim();
  const m = /^([^\s@]+)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i.exec(original);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const domain = m[2].toLowerCase();
  const tld = domain.split('.').pop() ?? '';
  if (RESERVED_TLDS.includes(tld)) return null;
  return {
    type: 'email-address',
    original_email_address: original,
    email_address: original.toLowerCase(),
    email_domain: domain,
    email_root_domain: rootDomainOf(domain),
    email_local_specifier: m[1].toLowerCase(),
  };
}

export function normalizeDomain(raw: string): string | null {
  let domain = raw.trim().toLowerCase();
  domain = domain.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  domain = domain
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');
  domain = domain.replace(/^www\./, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return null;
  return domain;
}

const LOCATION_KEYS: (keyof LocationData)[] = [
  'line_1',
  'line_2',
  'line_3',
  'line_4',
  'locality',
  'region',
  'postcode',
  'country_code',
  'latitude',
  'longitude',
];

function parseLocation(attribute: AttributeDef, item: unknown): ValueData {
  const empty: LocationData = {
    line_1: null,
    line_2: null,
    line_3: null,
    line_4: null,
    locality: null,
    region: null,
    postcode: null,
    country_code: null,
    latitude: null,
    longitude: null,
  };
  if (typeof item === 'string') {
    const parts = item
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const loc = { ...empty };
    const last = parts[parts.length - 1];
    if (last !== undefined && /^[A-Za-z]{2}$/.test(last)) {
      loc.country_code = last.toUpperCase();
      parts.pop();
    }
    const postcodeIndex = parts.findIndex(
      (p) => /^\d{4,6}(-\d{4})?$/.test(p) || /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i.test(p),
    );
    if (postcodeIndex >= 0) {
      loc.postcode = parts[postcodeIndex] ?? null;
      parts.splice(postcodeIndex, 1);
    }
    if (parts.length >= 3) {
      loc.line_1 = parts[0] ?? null;
      loc.locality = parts[1] ?? null;
      loc.region = parts.slice(2).join(', ');
    } else if (parts.length === 2) {
      loc.locality = parts[0] ?? null;
      loc.region = parts[1] ?? null;
    } else {
      loc.locality = parts[0] ?? null;
    }
    return { type: 'location', ...loc };
  }
  if (!isPlainObject(item)) {
    throw invalid(attribute, `Expected string or object, received ${describeType(item)}`, [], 'object', item);
  }
  const issues: ValidationIssue[] = [];
  const loc = { ...empty };
  for (const key of LOCATION_KEYS) {
    const raw = item[key];
    if (raw === undefined) {
      issues.push({
        code: 'invalid_type',
        path: [key],
        message: 'Required',
        expected: 'string | null',
        received: 'undefined',
      });
    } else if (raw !== null && typeof raw !== 'string') {
      issues.push({
        code: 'invalid_type',
        path: [key],
        message: 'Expected string or null',
        expected: 'string | null',
        received: describeType(raw),
      });
    } else {
      loc[key] = raw;
    }
  }
  if (loc.country_code !== null && !/^[A-Z]{2}$/.test(loc.country_code)) {
    issues.push({
      code: 'invalid_enum_value',
      path: ['country_code'],
      message: 'Invalid ISO 3166-1 alpha-2 country code',
    });
  }
  if (issues.length > 0) throw invalidAttributeValue(attribute.api_slug, issues);
  return { type: 'location', ...loc };
}

function parsePersonalName(attribute: AttributeDef, item: unknown): ValueData {
  if (typeof item === 'string') {
    // Attio's string syntax is "Last name(s), First name(s)"; without a comma it is the first name.
    const comma = item.indexOf(',');
    const first = (comma < 0 ? item : item.slice(comma + 1)).trim();
    const last = comma < 0 ? '' : item.slice(0, comma).trim();
    return {
      type: 'personal-name',
      first_name: first,
      last_name: last,
      full_name: [first, last].filter(Boolean).join(' '),
    };
  }
  if (!isPlainObject(item)) {
    throw invalid(attribute, `Expected string or object, received ${describeType(item)}`, [], 'object', item);
  }
  const issues: ValidationIssue[] = [];
  const fields: Record<'first_name' | 'last_name' | 'full_name', string> = {
    first_name: '',
    last_name: '',
    full_name: '',
  };
  for (const key of ['first_name', 'last_name', 'full_name'] as const) {
    const raw = item[key];
    if (typeof raw === 'string') fields[key] = raw;
    else
      issues.push({
        code: 'invalid_type',
        path: [key],
        message: raw === undefined ? 'Required' : 'Expected string',
        expected: 'string',
        received: describeType(raw),
      });
  }
  if (issues.length > 0) throw invalidAttributeValue(attribute.api_slug, issues);
  return { type: 'personal-name', ...fields };
}

function findOption(attribute: AttributeDef, ref: string): string {
  const option = attribute.options.find((o) => !o.is_archived && (o.id === ref || o.title === ref));
  if (!option) {
    throw valueNotFound(`Cannot find select option with ${isUuid(ref) ? 'ID' : 'title'} "${ref}".`);
  }
  return option.id;
}

function findStatus(attribute: AttributeDef, ref: string): string {
  const status = attribute.statuses.find((s) => !s.is_archived && (s.id === ref || s.title === ref));
  if (!status) {
    throw valueNotFound(`Cannot find Status with ${isUuid(ref) ? 'ID' : 'title'} "${ref}".`);
  }
  return status.id;
}

function parseActor(store: Store, attribute: AttributeDef, item: unknown): ValueData {
  const byEmail = (email: string): ValueData => {
    const member = store.memberByEmail(email);
    if (!member) throw valueNotFound(`Cannot find workspace member with email address "${email}".`);
    return { type: 'actor-reference', referenced_actor_type: 'workspace-member', referenced_actor_id: member.id };
  };
  if (typeof item === 'string') {
    const member = store.members.get(item);
    if (member)
      return { type: 'actor-reference', referenced_actor_type: 'workspace-member', referenced_actor_id: member.id };
    return byEmail(item);
  }
  if (isPlainObject(item)) {
    if (typeof item.workspace_member_email_address === 'string') return byEmail(item.workspace_member_email_address);
    if (item.referenced_actor_type === 'workspace-member' && typeof item.referenced_actor_id === 'string') {
      if (!store.members.has(item.referenced_actor_id)) {
        throw valueNotFound(`Cannot find workspace member with ID "${item.referenced_actor_id}".`);
      }
      return {
        type: 'actor-reference',
        referenced_actor_type: 'workspace-member',
        referenced_actor_id: item.referenced_actor_id,
      };
    }
    if (item.referenced_actor_type !== undefined && item.referenced_actor_type !== 'workspace-member') {
      throw invalid(attribute, 'Only workspace-member actors can be written into actor reference attributes', [
        'referenced_actor_type',
      ]);
    }
  }
  throw invalid(
    attribute,
    'Expected an email address or { referenced_actor_type, referenced_actor_id }',
    [],
    'object',
    item,
  );
}

/** Finds the record whose (unique) matching attribute holds the given write value. */
export function findRecordByMatch(
  store: Store,
  objectId: string,
  matchSlug: string,
  raw: unknown,
): RecordRow | undefined {
  const parent: ParentRef = { kind: 'object', id: objectId };
  const matchAttribute = store.findAttribute(parent, matchSlug);
  if (!matchAttribute) throw valueNotFound(`Cannot find attribute with slug/ID "${matchSlug}".`);
  const items = Array.isArray(raw) ? raw : [raw];
  const keys = new Set(items.map((item) => valueKey(parseInputValue(store, matchAttribute, item))));
  return store
    .recordsOf(objectId)
    .find((record) => store.valuesOf(matchAttribute, record).some((v) => keys.has(valueKey(v.data))));
}

function parseRecordReference(store: Store, attribute: AttributeDef, item: unknown): ValueData {
  const allowed = attribute.allowed_object_ids;
  const allowedSlugs = (allowed ?? []).map((id) => store.objects.get(id)?.api_slug);
  const ref = (objectId: string, recordId: string): ValueData => ({
    type: 'record-reference',
    target_object_id: objectId,
    target_record_id: recordId,
  });
  if (typeof item === 'string') {
    if (isUuid(item)) {
      const direct = store.records.get(item);
      if (direct && (allowed === null || allowed.includes(direct.object_id))) return ref(direct.object_id, direct.id);
      throw valueNotFound(`Cannot find record with ID "${item}".`);
    }
    if (allowed !== null && allowed.length === 1 && allowed[0] !== undefined) {
      const onlyObject = allowed[0];
      const slug = allowedSlugs[0];
      const matchSlug = slug === 'companies' ? 'domains' : slug === 'people' ? 'email_addresses' : null;
      if (matchSlug) {
        const match = findRecordByMatch(store, onlyObject, matchSlug, item);
        if (!match)
          throw valueNotFound(
            `Cannot find a ${slug === 'companies' ? 'company with domain' : 'person with email address'} "${item}".`,
          );
        return ref(onlyObject, match.id);
      }
    }
    throw invalid(attribute, 'Expected a record ID or { target_object, target_record_id }', [], 'object', item);
  }
  if (!isPlainObject(item)) {
    throw invalid(attribute, `Expected string or object, received ${describeType(item)}`, [], 'object', item);
  }
  const targetObjectRaw = item.target_object;
  if (typeof targetObjectRaw !== 'string') {
    throw invalid(attribute, 'Required', ['target_object'], 'string', targetObjectRaw);
  }
  const targetObject = store.findObject(targetObjectRaw);
  if (!targetObject) throw valueNotFound(`Cannot find object with slug/ID "${targetObjectRaw}".`);
  if (allowed !== null && !allowed.includes(targetObject.id)) {
    throw invalid(attribute, `Records of object "${targetObject.api_slug}" cannot be referenced by this attribute`, [
      'target_object',
    ]);
  }
  if (typeof item.target_record_id === 'string') {
    const target = store.records.get(item.target_record_id);
    if (!target || target.object_id !== targetObject.id) {
      throw valueNotFound(
        `Cannot find record with ID "${item.target_record_id}" on object "${targetObject.api_slug}".`,
      );
    }
    return ref(targetObject.id, target.id);
  }
  const matchKeys = Object.keys(item).filter((k) => k !== 'target_object');
  const matchKey = matchKeys[0];
  if (matchKeys.length !== 1 || matchKey === undefined) {
    throw invalid(attribute, 'Expected target_record_id or a single matching attribute', ['target_record_id']);
  }
  const match = findRecordByMatch(store, targetObject.id, matchKey, item[matchKey]);
  if (!match)
    throw valueNotFound(`Cannot find a record on object "${targetObject.api_slug}" matching attribute "${matchKey}".`);
  return ref(targetObject.id, match.id);
}

/** Parses one write-shape item for an attribute into its stored form. */
export function parseInputValue(store: Store, attribute: AttributeDef, item: unknown): ValueData {
  switch (attribute.type) {
    case 'text':
      return { type: 'text', value: expectString(attribute, unwrap(item, 'value')) };
    case 'number':
      return { type: 'number', value: parseNumber(attribute, unwrap(item, 'value')) };
    case 'currency':
      return {
        type: 'currency',
        currency_value: Math.round(parseNumber(attribute, unwrap(item, 'currency_value')) * 10_000) / 10_000,
      };
    case 'rating': {
      const value = parseNumber(attribute, unwrap(item, 'value'));
      if (!Number.isInteger(value) || value < 0 || value > 5)
        throw invalid(attribute, 'Rating must be an integer between 0 and 5');
      return { type: 'rating', value };
    }
    case 'checkbox': {
      const raw = unwrap(item, 'value');
      if (typeof raw === 'boolean') return { type: 'checkbox', value: raw };
      if (raw === 'true' || raw === 'false') return { type: 'checkbox', value: raw === 'true' };
      throw invalid(attribute, `Expected boolean, received ${describeType(raw)}`, [], 'boolean', raw);
    }
    case 'date': {
      const value = normalizeDate(expectString(attribute, unwrap(item, 'value')));
      if (!value) throw invalid(attribute, 'Invalid ISO 8601 date');
      return { type: 'date', value };
    }
    case 'timestamp': {
      const value = normalizeTimestamp(expectString(attribute, unwrap(item, 'value')));
      if (!value) throw invalid(attribute, 'Invalid ISO 8601 timestamp');
      return { type: 'timestamp', value };
    }
    case 'select':
      return { type: 'select', option_id: findOption(attribute, expectString(attribute, unwrap(item, 'option'))) };
    case 'status':
      return { type: 'status', status_id: findStatus(attribute, expectString(attribute, unwrap(item, 'status'))) };
    case 'domain': {
      const domain = normalizeDomain(expectString(attribute, unwrap(item, 'domain')));
      if (!domain) throw invalid(attribute, 'Invalid domain');
      return { type: 'domain', domain, root_domain: rootDomainOf(domain) };
    }
    case 'email-address': {
      const email = parseEmail(expectString(attribute, unwrap(item, 'email_address')));
      if (!email) throw invalid(attribute, 'Invalid email address');
      return email;
    }
    case 'personal-name':
      return parsePersonalName(attribute, item);
    case 'phone-number':
      return parsePhone(attribute, item);
    case 'location':
      return parseLocation(attribute, item);
    case 'actor-reference':
      return parseActor(store, attribute, item);
    case 'record-reference':
      return parseRecordReference(store, attribute, item);
    case 'interaction':
      throw validationError(`Cannot write to attribute with slug "${attribute.api_slug}" because it is not writable.`);
  }
}

export type WriteMode = 'create' | 'append' | 'replace';

interface PlannedWrite {
  attribute: AttributeDef;
  data: ValueData[];
}

/**
 * Validates a whole `values` payload first (so a failing request changes nothing),
 * then applies it. `append` adds to multiselect attributes (PATCH);
 * `replace` overwrites them (PUT, and assert on an existing record); `create` is used for new rows.
 * `appendAttributeId`: the one attribute appended to in spite of `replace` (assert's matching
 * attribute: "new values will be added and existing values will not be deleted").
 */
export function applyValues(
  store: Store,
  parent: ParentRef,
  row: Row,
  input: Record<string, unknown>,
  mode: WriteMode,
  ctx: WriteContext,
  appendAttributeId?: string,
): void {
  const planned: PlannedWrite[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const attribute = store.findAttribute(parent, key);
    if (!attribute) throw valueNotFound(`Cannot find attribute with slug/ID "${key}".`);
    if (!attribute.is_writable) {
      throw validationError(`Cannot write to attribute with slug "${attribute.api_slug}" because it is not writable.`);
    }
    const items = raw === null || raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (!attribute.is_multiselect && items.length > 1) {
      throw invalid(attribute, 'Multiple values were provided for a single-select attribute');
    }
    const seen = new Set<string>();
    const data: ValueData[] = [];
    for (const item of items) {
      const parsed = parseInputValue(store, attribute, item);
      const key2 = valueKey(parsed);
      if (seen.has(key2)) continue;
      seen.add(key2);
      data.push(parsed);
    }
    if (attribute.is_unique) checkUnique(store, parent, row, attribute, data);
    planned.push({ attribute, data });
  }

  for (const attribute of store.attributesOf(parent)) {
    if (!attribute.is_required || attribute.virtual !== null) continue;
    const write = planned.find((p) => p.attribute.id === attribute.id);
    const missingOnCreate = mode === 'create' && (!write || write.data.length === 0);
    const clearedOnUpdate = mode !== 'create' && write !== undefined && write.data.length === 0;
    if (missingOnCreate || clearedOnUpdate) {
      throw missingValue(`Required value for attribute with slug "${attribute.api_slug}" was not provided.`);
    }
  }

  for (const { attribute, data } of planned) {
    const append = mode === 'append' || attribute.id === appendAttributeId;
    if (attribute.relationship_attribute_id !== null && parent.kind === 'object' && isRecordRow(row)) {
      const targets = data.flatMap((d) => (d.type === 'record-reference' ? [d.target_record_id] : []));
      store.setRelationship(row, attribute, targets, append ? 'append' : 'replace', ctx);
      continue;
    }
    if (append && attribute.is_multiselect) {
      const existing = (row.values.get(attribute.id) ?? []).map((v) => v.data);
      const existingKeys = new Set(existing.map(valueKey));
      // PATCH: "the values supplied will be created and prepended to the list of values that already exist".
      store.setValues(row, attribute, [...data.filter((d) => !existingKeys.has(valueKey(d))), ...existing], ctx);
    } else {
      store.setValues(row, attribute, data, ctx);
    }
  }
}

function isRecordRow(row: Row): row is RecordRow {
  return 'object_id' in row;
}

function checkUnique(store: Store, parent: ParentRef, row: Row, attribute: AttributeDef, data: ValueData[]): void {
  const keys = new Set(data.map(valueKey));
  const rows: Row[] = parent.kind === 'object' ? store.recordsOf(parent.id) : store.entriesOf(parent.id);
  for (const other of rows) {
    if (other.id === row.id) continue;
    for (const value of store.valuesOf(attribute, other)) {
      if (keys.has(valueKey(value.data))) {
        throw new AttioError(
          400,
          'invalid_request_error',
          'uniqueness_conflict',
          `A record with the same value for unique attribute "${attribute.api_slug}" already exists (record ID "${other.id}").`,
        );
      }
    }
  }
}
