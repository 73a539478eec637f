import { describe, expect, it } from 'vitest';
import type { AttioValue } from '../../attio/schemas';
import type { AttributeInfo, AttributeSet } from './catalog';
import { compactTimestamp, flattenValues, formatCurrency, recordName, toNumber, toWriteValues } from './values';

const current = { active_from: '2026-01-01T00:00:00.000000000Z', active_until: null };
const names = {
  records: new Map([['c1', 'Acme Corp']]),
  members: new Map([['m1', 'Dana Demo']]),
};
const value = (attribute_type: string, fields: Record<string, unknown>): AttioValue => ({
  ...current,
  attribute_type,
  ...fields,
});

describe('flattenValues: what a model reads', () => {
  it('renders each type in its plainest form', () => {
    const single = { multi: false };
    expect(flattenValues([value('currency', { currency_value: 50000, currency_code: 'USD' })], single, names)).toBe(
      'USD 50,000',
    );
    expect(flattenValues([value('status', { status: { title: 'Won 🎉' } })], single, names)).toBe('Won 🎉');
    expect(flattenValues([value('select', { option: { title: 'EMEA' } })], single, names)).toBe('EMEA');
    expect(flattenValues([value('record-reference', { target_record_id: 'c1' })], single, names)).toEqual({
      id: 'c1',
      name: 'Acme Corp',
    });
    expect(
      flattenValues(
        [value('actor-reference', { referenced_actor_type: 'workspace-member', referenced_actor_id: 'm1' })],
        single,
        names,
      ),
    ).toBe('Dana Demo');
    expect(flattenValues([value('timestamp', { value: '2026-12-11T17:00:00.000000000Z' })], single, names)).toBe(
      '2026-12-11T17:00:00Z',
    );
    expect(flattenValues([value('phone-number', { original_phone_number: '+44 20 7946 0000' })], single, names)).toBe(
      '+44 20 7946 0000',
    );
  });

  it('leaves out past values and keeps lists for multi-value attributes', () => {
    const values = [
      value('domain', { domain: 'acme.com' }),
      { ...value('domain', { domain: 'old-acme.com' }), active_until: '2026-02-01T00:00:00Z' },
    ];
    expect(flattenValues(values, { multi: true }, names)).toEqual(['acme.com']);
    expect(flattenValues([], { multi: false }, names)).toBeNull();
  });

  it('gives a bare amount when the list states the currency once', () => {
    expect(
      flattenValues([value('currency', { currency_value: 1250.5, currency_code: 'GBP' })], { multi: false }, names, {
        bareCurrency: true,
      }),
    ).toBe(1250.5);
  });

  it('cuts long text', () => {
    const text = flattenValues([value('text', { value: 'x'.repeat(600) })], { multi: false }, names);
    expect(typeof text === 'string' && text.length).toBe(501);
  });
});

describe('small renderings', () => {
  it('formats currencies, timestamps and names', () => {
    expect(formatCurrency(1250.5, 'GBP')).toBe('GBP 1,250.50');
    expect(formatCurrency('x', 'GBP')).toBeNull();
    expect(compactTimestamp('2026-12-11T00:00:00.000000000Z')).toBe('2026-12-11');
    expect(recordName({ domains: [value('domain', { domain: 'acme.com' })] })).toBe('acme.com');
  });

  it('reads the numbers people write', () => {
    expect(toNumber('50k')).toBe(50_000);
    expect(toNumber('$1.2m')).toBe(1_200_000);
    expect(toNumber('USD 50,000')).toBe(50_000);
    expect(toNumber('fifty')).toBeUndefined();
  });
});

describe('toWriteValues: what Attio accepts', () => {
  const attribute = (slug: string, type: string, extra: Partial<AttributeInfo> = {}): AttributeInfo => ({
    slug,
    title: slug,
    type,
    multi: false,
    writable: true,
    unique: false,
    required: false,
    ...extra,
  });
  const attributes = [
    attribute('name', 'text'),
    attribute('stage', 'status', { choices: ['Lead', 'Won 🎉'] }),
    attribute('value', 'currency'),
    attribute('owner', 'actor-reference'),
    attribute('associated_company', 'record-reference', { targets: ['companies'] }),
    attribute('domains', 'domain', { multi: true }),
    attribute('full', 'personal-name'),
    attribute('created_at', 'timestamp', { writable: false }),
  ];
  const set: AttributeSet = {
    parent: { kind: 'objects', slug: 'deals' },
    attributes,
    bySlug: new Map(attributes.map((a) => [a.slug, a])),
  };
  const members = new Map([['demo@example.com', 'm1']]);

  it('converts plain values to write shapes', () => {
    expect(
      toWriteValues(
        set,
        {
          stage: 'won',
          value: '50k',
          owner: 'demo@example.com',
          associated_company: 'c1',
          domains: 'acme.com',
          full: 'Ada King Lovelace',
        },
        members,
      ),
    ).toEqual({
      stage: 'Won 🎉',
      value: 50_000,
      owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: 'm1' },
      associated_company: { target_object: 'companies', target_record_id: 'c1' },
      domains: ['acme.com'],
      full: { first_name: 'Ada', last_name: 'King Lovelace', full_name: 'Ada King Lovelace' },
    });
  });

  it('refuses read-only attributes, lists for single values and unknown members', () => {
    expect(() => toWriteValues(set, { created_at: '2026-01-01' }, members)).toThrow(/read-only/);
    expect(() => toWriteValues(set, { name: ['a', 'b'] }, members)).toThrow(/single value/);
    expect(() => toWriteValues(set, { owner: 'x@example.com' }, members)).toThrow(/demo@example.com/);
  });
});
