// The second workspace, "Fresh Start": a small, newly created Attio workspace that shows
// the shapes the demo workspace never does. Deals is not enabled (Attio disables it by
// default), there are no lists, notes or tasks; a custom object `projects` has a select,
// a number, a record-reference to companies and a timestamp; some members have no name
// or an avatar, some records have empty values, some companies no domains. Deterministic
// like seed.ts (its own PRNG, fixed times), and written through the API's write path.
import type { Actor, AttributeDef, ObjectDef, ParentRef, RecordRow, WorkspaceMember, WriteContext } from './model.ts';
import { type AttributeSpec, defineAttribute, defineObject, relate } from './schema.ts';
import { Store } from './store.ts';
import { Rng, toAttioTimestamp } from './util.ts';
import { applyValues } from './values.ts';

const SEED = 0xf4e5_5a11;
const SCHEMA_CREATED_AT = '2025-10-01T08:00:00.000000000Z';
const CUSTOM_CREATED_AT = '2025-10-02T11:15:00.000000000Z';

/** Members of this workspace sign in with an email at this domain (unknown ones join it). */
export const FRESH_EMAIL_DOMAIN = 'fresh.example';
export const FRESH_WORKSPACE = { name: 'Fresh Start', slug: 'fresh-start' };
export const FRESH_OWNER_EMAIL = `owner@${FRESH_EMAIL_DOMAIN}`;

const MEMBERS: Omit<WorkspaceMember, 'id' | 'created_at'>[] = [
  {
    first_name: 'Olive',
    last_name: 'Owner',
    avatar_url: 'https://avatars.fresh.example/olive-owner.png',
    email_address: FRESH_OWNER_EMAIL,
    access_level: 'admin',
  },
  // Invited, never filled in a name: Attio answers empty strings (the spec's names are not nullable).
  {
    first_name: '',
    last_name: '',
    avatar_url: null,
    email_address: `invited@${FRESH_EMAIL_DOMAIN}`,
    access_level: 'member',
  },
  {
    first_name: 'Theo',
    last_name: '',
    avatar_url: null,
    email_address: `theo@${FRESH_EMAIL_DOMAIN}`,
    access_level: 'member',
  },
];

class FreshBuilder {
  readonly rng = new Rng(SEED);
  readonly store: Store;
  readonly members: WorkspaceMember[] = [];
  #clock = Date.parse('2025-10-06T09:00:00Z');

  constructor(webUrlBase: string) {
    this.store = new Store(
      {
        id: new Rng(SEED ^ 0xffff).uuid(),
        name: FRESH_WORKSPACE.name,
        slug: FRESH_WORKSPACE.slug,
        logo_url: 'https://assets.fresh.example/logo.png',
      },
      webUrlBase,
    );
  }

  ctx(member: WorkspaceMember): WriteContext {
    this.#clock += 3 * 3_600_000 + this.rng.int(0, 59) * 60_000;
    return { now: toAttioTimestamp(new Date(this.#clock)), actor: memberActor(member) };
  }

  member(index: number): WorkspaceMember {
    const member = this.members[index];
    if (!member) throw new Error('members not seeded');
    return member;
  }

  attribute(parent: ParentRef, spec: Omit<AttributeSpec, 'createdAt'>): AttributeDef {
    return defineAttribute(this.store, this.rng, parent, {
      createdAt: spec.system === false ? CUSTOM_CREATED_AT : SCHEMA_CREATED_AT,
      ...spec,
    });
  }

  /** record_id first, created_at / created_by last, as Attio orders the system attributes. */
  object(spec: { slug: string; singular: string; plural: string; custom?: boolean }, body: (p: ParentRef) => void) {
    const object = defineObject(this.store, this.rng, {
      ...spec,
      createdAt: spec.custom ? CUSTOM_CREATED_AT : SCHEMA_CREATED_AT,
    });
    const p: ParentRef = { kind: 'object', id: object.id };
    this.attribute(p, {
      title: 'Record ID',
      slug: 'record_id',
      type: 'text',
      system: true,
      writable: false,
      unique: true,
      virtual: 'record_id',
    });
    body(p);
    this.attribute(p, {
      title: 'Created at',
      slug: 'created_at',
      type: 'timestamp',
      system: true,
      writable: false,
      virtual: 'created_at',
    });
    this.attribute(p, {
      title: 'Created by',
      slug: 'created_by',
      type: 'actor-reference',
      system: true,
      writable: false,
      virtual: 'created_by',
    });
    return object;
  }

  createRecord(object: ObjectDef, values: Record<string, unknown>, member: WorkspaceMember): RecordRow {
    const ctx = this.ctx(member);
    const record: RecordRow = {
      id: this.rng.uuid(),
      object_id: object.id,
      created_at: ctx.now,
      created_by: ctx.actor,
      values: new Map(),
    };
    this.store.records.set(record.id, record);
    applyValues(this.store, { kind: 'object', id: object.id }, record, values, 'create', ctx);
    return record;
  }
}

function memberActor(member: WorkspaceMember): Actor {
  return { type: 'workspace-member', id: member.id };
}

/** Builds a fresh store holding the "Fresh Start" workspace. */
export function createFreshSeedStore(options: { webUrlBase?: string } = {}): Store {
  const b = new FreshBuilder(options.webUrlBase ?? 'https://app.attio.com');
  for (const [index, spec] of MEMBERS.entries()) {
    const member: WorkspaceMember = {
      id: b.rng.uuid(),
      created_at: toAttioTimestamp(new Date(Date.parse('2025-10-01T08:00:00Z') + index * 3 * 86_400_000)),
      ...spec,
    };
    b.members.push(member);
    b.store.members.set(member.id, member);
  }

  let team: AttributeDef | undefined;
  let company: AttributeDef | undefined;
  const companies = b.object({ slug: 'companies', singular: 'Company', plural: 'Companies' }, (c) => {
    b.attribute(c, { title: 'Domains', slug: 'domains', type: 'domain', system: true, unique: true, multi: true });
    b.attribute(c, { title: 'Name', slug: 'name', type: 'text', system: true });
    b.attribute(c, { title: 'Description', slug: 'description', type: 'text', system: true });
    team = b.attribute(c, {
      title: 'Team',
      slug: 'team',
      type: 'record-reference',
      system: true,
      multi: true,
      allowedObjectIds: [],
    });
  });
  const people = b.object({ slug: 'people', singular: 'Person', plural: 'People' }, (p) => {
    b.attribute(p, { title: 'Name', slug: 'name', type: 'personal-name', system: true });
    b.attribute(p, {
      title: 'Email addresses',
      slug: 'email_addresses',
      type: 'email-address',
      system: true,
      unique: true,
      multi: true,
    });
    b.attribute(p, { title: 'Job title', slug: 'job_title', type: 'text', system: true });
    company = b.attribute(p, {
      title: 'Company',
      slug: 'company',
      type: 'record-reference',
      system: true,
      allowedObjectIds: [companies.id],
    });
  });
  if (!team || !company) throw new Error('fresh seed: relationship attributes missing');
  team.allowed_object_ids = [people.id];
  relate(team, company);

  const projects = b.object({ slug: 'projects', singular: 'Project', plural: 'Projects', custom: true }, (p) => {
    b.attribute(p, { title: 'Name', slug: 'name', type: 'text', system: false, required: true });
    b.attribute(p, {
      title: 'Phase',
      slug: 'phase',
      type: 'select',
      system: false,
      options: ['Discovery', 'Build', 'Launched', 'Paused'],
      description: 'Where the project stands.',
    });
    // No description: Attio answers `description: null`.
    b.attribute(p, { title: 'Budget', slug: 'budget', type: 'number', system: false });
    b.attribute(p, {
      title: 'Client',
      slug: 'client',
      type: 'record-reference',
      system: false,
      allowedObjectIds: [companies.id],
      description: 'The company the project is for.',
    });
    b.attribute(p, {
      title: 'Kickoff',
      slug: 'kickoff_at',
      type: 'timestamp',
      system: false,
      description: 'When work starts.',
    });
  });

  const owner = b.member(0);
  const theo = b.member(2);
  const northwind = b.createRecord(
    companies,
    {
      name: 'Northwind Studio',
      domains: ['northwind-studio.com'],
      description: 'A small design studio in Lisbon.',
    },
    owner,
  );
  const bluebird = b.createRecord(
    companies,
    { name: 'Bluebird Labs', domains: ['bluebirdlabs.io', 'bluebird.dev'] },
    owner,
  );
  // No domains, no description: empty values arrays.
  const quarry = b.createRecord(companies, { name: 'Quarry & Co' }, theo);
  b.createRecord(companies, { name: 'Lumen Ops', domains: ['lumenops.co'] }, theo);
  b.createRecord(companies, { name: 'Kestrel' }, owner);

  b.createRecord(
    people,
    {
      name: { first_name: 'Ada', last_name: 'Quinn', full_name: 'Ada Quinn' },
      email_addresses: ['ada@northwind-studio.com'],
      job_title: 'Founder',
      company: [{ target_object: 'companies', target_record_id: northwind.id }],
    },
    owner,
  );
  b.createRecord(
    people,
    {
      name: { first_name: 'Ben', last_name: 'Okafor', full_name: 'Ben Okafor' },
      email_addresses: ['ben@bluebirdlabs.io'],
      job_title: 'CTO',
      company: [{ target_object: 'companies', target_record_id: bluebird.id }],
    },
    owner,
  );
  b.createRecord(
    people,
    {
      name: { first_name: 'Chloe', last_name: 'Park', full_name: 'Chloe Park' },
      company: [{ target_object: 'companies', target_record_id: quarry.id }],
    },
    theo,
  );
  b.createRecord(people, { name: { first_name: 'Dev', last_name: '', full_name: 'Dev' } }, theo);
  b.createRecord(
    people,
    {
      name: { first_name: 'Eli', last_name: 'Novak', full_name: 'Eli Novak' },
      email_addresses: ['eli@lumenops.co'],
    },
    owner,
  );

  b.createRecord(
    projects,
    {
      name: 'Website relaunch',
      phase: 'Build',
      budget: 48000,
      client: [{ target_object: 'companies', target_record_id: northwind.id }],
      kickoff_at: '2025-10-20T09:00:00.000Z',
    },
    owner,
  );
  b.createRecord(
    projects,
    {
      name: 'Data migration',
      phase: 'Discovery',
      budget: 12500.5,
      client: [{ target_object: 'companies', target_record_id: bluebird.id }],
      kickoff_at: '2025-11-03T14:30:00.000Z',
    },
    owner,
  );
  b.createRecord(
    projects,
    {
      name: 'Brand refresh',
      phase: 'Launched',
      client: [{ target_object: 'companies', target_record_id: quarry.id }],
    },
    theo,
  );
  // Only a name: every other attribute answers [].
  b.createRecord(projects, { name: 'Untitled project' }, theo);
  return b.store;
}
