import { describe, expect, it } from 'vitest';
import { ToolError } from '../../mcp/tool';
import type { AttributeInfo, AttributeSet } from './catalog';
import { type ActorLookup, mentionsActor, normalizeFilter } from './filter';

const COMPANY_ID = '7b0e0c5e-2d6b-4c55-9a38-1f4f0f5b1a01';
const OTHER_ID = '7b0e0c5e-2d6b-4c55-9a38-1f4f0f5b1a02';
const DANA = '11111111-2222-4333-8444-555555555555';
const SAM = '11111111-2222-4333-8444-666666666666';

function attribute(slug: string, type: string, extra: Partial<AttributeInfo> = {}): AttributeInfo {
  return { slug, title: slug, type, multi: false, writable: true, unique: false, required: false, ...extra };
}

const deals: AttributeSet = (() => {
  const attributes = [
    attribute('name', 'text'),
    attribute('stage', 'status', { choices: ['Lead', 'In Progress', 'Won 🎉', 'Lost'] }),
    attribute('region', 'select', { choices: ['EMEA', 'APAC', 'Americas'] }),
    attribute('value', 'currency'),
    attribute('probability', 'number'),
    attribute('close_date', 'date'),
    attribute('created_at', 'timestamp', { writable: false }),
    attribute('owner', 'actor-reference'),
    attribute('associated_company', 'record-reference', { targets: ['companies'] }),
    attribute('associated_people', 'record-reference', { targets: ['people'], multi: true }),
    attribute('related', 'record-reference', { targets: ['companies', 'people'] }),
  ];
  return {
    parent: { kind: 'objects', slug: 'deals' },
    attributes,
    bySlug: new Map(attributes.map((a) => [a.slug, a])),
  };
})();

const actors: ActorLookup = {
  me: DANA,
  members: new Map([
    ['demo@example.com', DANA],
    ['dana demo', DANA],
    ['sam@example.com', SAM],
  ]),
};

const normalize = (filter: Record<string, unknown>) => normalizeFilter(deals, filter, actors).filter;

describe('status and select filters (Attio: equality only, several values through $or)', () => {
  it('matches a title whatever its case or emoji', () => {
    expect(normalize({ stage: 'won' })).toEqual({ stage: 'Won 🎉' });
    expect(normalize({ stage: { $eq: 'in progress' } })).toEqual({ stage: { $eq: 'In Progress' } });
  });

  it('turns $in on a status into an $or of equalities', () => {
    expect(normalize({ stage: { $in: ['lead', 'Won'] } })).toEqual({
      $or: [{ stage: 'Lead' }, { stage: 'Won 🎉' }],
    });
  });

  it('turns $in on a select property into an $or, beside other conditions', () => {
    expect(normalize({ region: { option: { $in: ['emea', 'APAC'] } }, name: 'Acme' })).toEqual({
      $or: [{ region: 'EMEA' }, { region: 'APAC' }],
      name: 'Acme',
    });
  });

  it('keeps two $in rewrites apart under an $and', () => {
    expect(normalize({ stage: { $in: ['Lead', 'Lost'] }, region: { $in: ['EMEA', 'APAC'] } })).toEqual({
      $and: [{ $or: [{ stage: 'Lead' }, { stage: 'Lost' }] }, { $or: [{ region: 'EMEA' }, { region: 'APAC' }] }],
    });
  });

  it('passes active_from and active_until through, as timestamps', () => {
    expect(normalize({ stage: { active_from: { $gte: '2026-11-01T00:00:00Z' } } })).toEqual({
      stage: { active_from: { $gte: '2026-11-01T00:00:00Z' } },
    });
    expect(normalize({ region: { active_until: { $lt: '2026-11-01' } } })).toEqual({
      region: { active_until: { $lt: '2026-11-01T00:00:00.000Z' } },
    });
  });

  it('names the valid titles when a title is unknown', () => {
    expect(() => normalize({ stage: 'Closed' })).toThrow(/Valid statuses: "Lead", "In Progress", "Won 🎉", "Lost"/);
  });
});

describe('timestamp filters (Attio: a date and a time)', () => {
  it('turns a date alone into the start of that day, or its end for $lte and $gt', () => {
    expect(normalize({ created_at: { $gte: '2026-11-01', $lte: '2026-11-30' } })).toEqual({
      created_at: { $gte: '2026-11-01T00:00:00.000Z', $lte: '2026-11-30T23:59:59.999Z' },
    });
    expect(normalize({ created_at: { $lt: '2026-11-01' } })).toEqual({
      created_at: { $lt: '2026-11-01T00:00:00.000Z' },
    });
    expect(normalize({ created_at: { $gt: '2026-11-01' } })).toEqual({
      created_at: { $gt: '2026-11-01T23:59:59.999Z' },
    });
  });

  it('turns equality with a date into that whole day', () => {
    expect(normalize({ created_at: '2026-11-01' })).toEqual({
      created_at: { $gte: '2026-11-01T00:00:00.000Z', $lte: '2026-11-01T23:59:59.999Z' },
    });
  });

  it('passes a full timestamp through', () => {
    expect(normalize({ created_at: { $gt: '2026-11-01T09:30:00Z' } })).toEqual({
      created_at: { $gt: '2026-11-01T09:30:00Z' },
    });
  });

  it('suggests a date and time, not a date alone, when the value is not a time', () => {
    expect(() => normalize({ created_at: { $gt: 'last week' } })).toThrow(
      'created_at is a timestamp: compare it with a date and time such as "2027-03-01T09:00:00Z".',
    );
  });

  it('keeps date attributes as dates', () => {
    expect(normalize({ close_date: { $lt: '2027-03-01' } })).toEqual({ close_date: { $lt: '2027-03-01' } });
    expect(normalize({ close_date: { $lt: '2027-03-01T10:00:00Z' } })).toEqual({ close_date: { $lt: '2027-03-01' } });
  });
});

describe('record-reference filters', () => {
  it("passes Attio's documented forms through intact", () => {
    const forms = [
      { associated_company: { target_object: 'companies', target_record_id: COMPANY_ID } },
      { associated_company: { target_record_id: { $in: [COMPANY_ID, OTHER_ID] } } },
      { associated_company: { target_object: 'companies', target_record_id: { $in: [COMPANY_ID] } } },
      { related: { target_object: 'people', target_record_id: OTHER_ID } },
    ];
    for (const form of forms) expect(normalize(form)).toEqual(form);
  });

  it('puts a bare id, $eq or $in of ids in that form when the reference points to one object', () => {
    expect(normalize({ associated_company: COMPANY_ID })).toEqual({
      associated_company: { target_object: 'companies', target_record_id: COMPANY_ID },
    });
    expect(normalize({ associated_company: { $eq: COMPANY_ID } })).toEqual({
      associated_company: { target_object: 'companies', target_record_id: COMPANY_ID },
    });
    expect(normalize({ associated_company: { $in: [COMPANY_ID, OTHER_ID] } })).toEqual({
      associated_company: { target_object: 'companies', target_record_id: { $in: [COMPANY_ID, OTHER_ID] } },
    });
  });

  it('asks for target_object when the reference may point to several objects', () => {
    expect(() => normalize({ related: COMPANY_ID })).toThrow(/target_object/);
  });

  it('refuses a name where an id is needed, pointing to search_records', () => {
    expect(() => normalize({ associated_company: 'Acme' })).toThrow(/search_records/);
  });
});

describe('actor-reference filters (Attio: referenced_actor_type and referenced_actor_id)', () => {
  const dana = { referenced_actor_type: 'workspace-member', referenced_actor_id: DANA };

  it('turns an email, a name or "me" into the member reference', () => {
    expect(normalize({ owner: 'demo@example.com' })).toEqual({ owner: dana });
    expect(normalize({ owner: 'Dana Demo' })).toEqual({ owner: dana });
    expect(normalize({ owner: 'me' })).toEqual({ owner: dana });
    expect(normalize({ owner: { $eq: 'ME' } })).toEqual({ owner: dana });
  });

  it('resolves an email given as referenced_actor_id, and passes an id through', () => {
    expect(
      normalize({ owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: 'sam@example.com' } }),
    ).toEqual({
      owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: SAM },
    });
    expect(normalize({ owner: dana })).toEqual({ owner: dana });
  });

  it('turns $in of members into an $or', () => {
    expect(normalize({ owner: { $in: ['me', 'sam@example.com'] } })).toEqual({
      $or: [{ owner: dana }, { owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: SAM } }],
    });
  });

  it('names the members when the owner is unknown', () => {
    expect(() => normalize({ owner: 'nobody@example.com' })).toThrow(
      /"nobody@example.com" is not one.*demo@example.com, sam@example.com/,
    );
  });

  it('is detected, so members are looked up only when needed', () => {
    expect(mentionsActor(deals, { $and: [{ owner: 'me' }] })).toBe(true);
    expect(mentionsActor(deals, { stage: 'Lead' })).toBe(false);
  });
});

describe('numbers, currencies and unknowns', () => {
  it('sends currency comparisons to the amount and reads "50k"', () => {
    expect(normalize({ value: { $gt: '50k' } })).toEqual({ value: { currency_value: { $gt: 50_000 } } });
    expect(normalize({ probability: { $gte: '0.5' } })).toEqual({ probability: { $gte: 0.5 } });
  });

  it('refuses unknown attributes and operators with what is valid', () => {
    expect(() => normalize({ stagee: 'Lead' })).toThrow(ToolError);
    expect(() => normalize({ stagee: 'Lead' })).toThrow(/Closest: stage/);
    expect(() => normalize({ value: { $between: [1, 2] } })).toThrow(/Unknown operator "\$between"/);
    expect(() => normalize({ $nor: [] })).toThrow(/at the top of a filter/);
  });

  it('reports the single values a filter fixes', () => {
    expect(normalizeFilter(deals, { stage: 'lead', probability: 0.5 }, actors).fixed).toEqual(
      new Map<string, unknown>([
        ['stage', 'Lead'],
        ['probability', 0.5],
      ]),
    );
  });
});
