// The second workspace, "Fresh Start": a small, newly created Attio workspace that shows
// the shapes the demo workspace never does. Deals is not enabled (Attio disables it by
// default), there are no lists, notes or tasks; a custom object `projects` has a select,
// a number, a record-reference to companies and a timestamp; some members have no name
// or an avatar, some records have empty values, some companies no domains. Deterministic
// like seed.ts (its own PRNG, fixed times), and written through the API's write path.
import type { AttributeDef, ObjectDef, RecordRow, WorkspaceMember } from './model.ts';
import { relate } from './schema.ts';
import { type MemberSpec, type SeedConfig, STANDARD_ATTRIBUTES, WorkspaceSeedBuilder } from './seed-builder.ts';
import type { Store } from './store.ts';

/** Members of this workspace sign in with an email at this domain (unknown ones join it). */
export const FRESH_EMAIL_DOMAIN = 'fresh.example';
export const FRESH_WORKSPACE = { name: 'Fresh Start', slug: 'fresh-start' };
export const FRESH_OWNER_EMAIL = `owner@${FRESH_EMAIL_DOMAIN}`;

const MEMBERS: MemberSpec[] = [
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

const FRESH_CONFIG: SeedConfig = {
  seed: 0xf4e5_5a11,
  workspace: { ...FRESH_WORKSPACE, logo_url: 'https://assets.fresh.example/logo.png' },
  schemaCreatedAt: '2025-10-01T08:00:00.000000000Z',
  customCreatedAt: '2025-10-02T11:15:00.000000000Z',
  // A write every three hours or so, from the week after the workspace was created.
  clockStart: '2025-10-06T09:00:00Z',
  clockStep: (rng) => 3 * 3_600_000 + rng.int(0, 59) * 60_000,
};

/** A personal-name value; with no last name the full name is the first name. */
function personName(first: string, last: string): { first_name: string; last_name: string; full_name: string } {
  return { first_name: first, last_name: last, full_name: last ? `${first} ${last}` : first };
}

/** A reference to a company record, as the API accepts it. */
function companyRef(company: RecordRow): { target_object: string; target_record_id: string }[] {
  return [{ target_object: 'companies', target_record_id: company.id }];
}

/** Builds a fresh store holding the "Fresh Start" workspace. */
export function createFreshSeedStore(options: { webUrlBase?: string } = {}): Store {
  const b = new WorkspaceSeedBuilder(FRESH_CONFIG, options.webUrlBase ?? 'https://app.attio.com');
  b.seedMembers(MEMBERS, '2025-10-01T08:00:00Z', 3);

  let team: AttributeDef | undefined;
  let company: AttributeDef | undefined;
  const companies = b.object({ slug: 'companies', singular: 'Company', plural: 'Companies' }, (c) => {
    b.attribute(c, STANDARD_ATTRIBUTES.domains);
    b.attribute(c, STANDARD_ATTRIBUTES.companyName);
    b.attribute(c, STANDARD_ATTRIBUTES.description);
    team = b.attribute(c, { ...STANDARD_ATTRIBUTES.team, allowedObjectIds: [] });
  });
  const people = b.object({ slug: 'people', singular: 'Person', plural: 'People' }, (p) => {
    b.attribute(p, STANDARD_ATTRIBUTES.personName);
    b.attribute(p, STANDARD_ATTRIBUTES.emailAddresses);
    b.attribute(p, STANDARD_ATTRIBUTES.jobTitle);
    company = b.attribute(p, { ...STANDARD_ATTRIBUTES.company, allowedObjectIds: [companies.id] });
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
  const add = (object: ObjectDef, by: WorkspaceMember, values: Record<string, unknown>): RecordRow =>
    b.createRecord(object, values, b.ctx(by));
  const northwind = add(companies, owner, {
    name: 'Northwind Studio',
    domains: ['northwind-studio.com'],
    description: 'A small design studio in Lisbon.',
  });
  const bluebird = add(companies, owner, { name: 'Bluebird Labs', domains: ['bluebirdlabs.io', 'bluebird.dev'] });
  // No domains, no description: empty values arrays.
  const quarry = add(companies, theo, { name: 'Quarry & Co' });
  add(companies, theo, { name: 'Lumen Ops', domains: ['lumenops.co'] });
  add(companies, owner, { name: 'Kestrel' });

  add(people, owner, {
    name: personName('Ada', 'Quinn'),
    email_addresses: ['ada@northwind-studio.com'],
    job_title: 'Founder',
    company: companyRef(northwind),
  });
  add(people, owner, {
    name: personName('Ben', 'Okafor'),
    email_addresses: ['ben@bluebirdlabs.io'],
    job_title: 'CTO',
    company: companyRef(bluebird),
  });
  add(people, theo, { name: personName('Chloe', 'Park'), company: companyRef(quarry) });
  add(people, theo, { name: personName('Dev', '') });
  add(people, owner, { name: personName('Eli', 'Novak'), email_addresses: ['eli@lumenops.co'] });

  add(projects, owner, {
    name: 'Website relaunch',
    phase: 'Build',
    budget: 48000,
    client: companyRef(northwind),
    kickoff_at: '2025-10-20T09:00:00.000Z',
  });
  add(projects, owner, {
    name: 'Data migration',
    phase: 'Discovery',
    budget: 12500.5,
    client: companyRef(bluebird),
    kickoff_at: '2025-11-03T14:30:00.000Z',
  });
  add(projects, theo, { name: 'Brand refresh', phase: 'Launched', client: companyRef(quarry) });
  // Only a name: every other attribute answers [].
  add(projects, theo, { name: 'Untitled project' });
  return b.store;
}
