// The deterministic demo workspace. Every ID, name and number comes from a PRNG
// with a fixed seed, in a fixed order, so each start (and each /_standin/reset)
// produces exactly the same data. Values are written through the same write path
// (values.ts) that the API uses, so the seed also exercises Attio's write shapes.
import type {
  AttributeDef,
  InteractionType,
  ListDef,
  ObjectDef,
  ParentRef,
  RecordRow,
  WorkspaceMember,
} from './model.ts';
import { defineList, relate } from './schema.ts';
import { seedSalesActivity } from './seed-activity.ts';
import { memberActor, type SeedConfig, STANDARD_ATTRIBUTES, WorkspaceSeedBuilder } from './seed-builder.ts';
import type { Store } from './store.ts';
import { markdownToPlaintext, toAttioTimestamp } from './util.ts';

const SCHEMA_CREATED_AT = '2025-01-06T09:00:00.000000000Z';
const CUSTOM_CREATED_AT = '2025-02-03T10:30:00.000000000Z';

export const DEMO_WORKSPACE = { name: 'Demo Workspace', slug: 'demo-workspace' };
export const DEMO_MEMBER_EMAIL = 'demo@example.com';

const INDUSTRIES = [
  'Technology',
  'Healthcare',
  'Finance',
  'Retail',
  'Manufacturing',
  'Energy',
  'Education',
  'Media',
] as const;
type Industry = (typeof INDUSTRIES)[number];

const CATEGORIES = [
  'B2B',
  'B2C',
  'SaaS',
  'Enterprise',
  'E-commerce',
  'Fintech',
  'Health Care',
  'Hardware',
  'Logistics',
  'Marketplace',
  'Consumer',
  'Education',
  'Media',
  'Clean Energy',
  'AI',
];
const EMPLOYEE_RANGES = ['1-10', '11-50', '51-250', '251-1K', '1K-5K', '5K-10K', '10K-50K', '50K-100K', '100K+'];
const ARR_RANGES = [
  '$0-$1M',
  '$1M-$10M',
  '$10M-$50M',
  '$50M-$100M',
  '$100M-$250M',
  '$250M-$500M',
  '$500M-$1B',
  '$1B-$10B',
  '$10B-$100B',
  '$100B+',
];
const DEAL_STAGES = [
  { title: 'Lead' },
  { title: 'In Progress' },
  { title: 'Won 🎉', celebration: true },
  { title: 'Lost' },
  { title: 'Nurture', targetTime: 'P90D' },
];
const REGIONS = ['North America', 'EMEA', 'APAC', 'LATAM'];

interface City {
  locality: string;
  region: string | null;
  postcode: string;
  country: string;
  calling: string;
  salesRegion: string;
  lat: string;
  lng: string;
}

const CITIES: City[] = [
  {
    locality: 'San Francisco',
    region: 'CA',
    postcode: '94105',
    country: 'US',
    calling: '1',
    salesRegion: 'North America',
    lat: '37.789600',
    lng: '-122.394000',
  },
  {
    locality: 'New York',
    region: 'NY',
    postcode: '10001',
    country: 'US',
    calling: '1',
    salesRegion: 'North America',
    lat: '40.750700',
    lng: '-73.996300',
  },
  {
    locality: 'Austin',
    region: 'TX',
    postcode: '78701',
    country: 'US',
    calling: '1',
    salesRegion: 'North America',
    lat: '30.270200',
    lng: '-97.742500',
  },
  {
    locality: 'Chicago',
    region: 'IL',
    postcode: '60601',
    country: 'US',
    calling: '1',
    salesRegion: 'North America',
    lat: '41.885900',
    lng: '-87.621700',
  },
  {
    locality: 'Boston',
    region: 'MA',
    postcode: '02110',
    country: 'US',
    calling: '1',
    salesRegion: 'North America',
    lat: '42.357000',
    lng: '-71.051000',
  },
  {
    locality: 'Seattle',
    region: 'WA',
    postcode: '98101',
    country: 'US',
    calling: '1',
    salesRegion: 'North America',
    lat: '47.610100',
    lng: '-122.334200',
  },
  {
    locality: 'Toronto',
    region: 'ON',
    postcode: 'M5H 2N2',
    country: 'CA',
    calling: '1',
    salesRegion: 'North America',
    lat: '43.650700',
    lng: '-79.383200',
  },
  {
    locality: 'London',
    region: 'England',
    postcode: 'EC1A 1BB',
    country: 'GB',
    calling: '44',
    salesRegion: 'EMEA',
    lat: '51.520100',
    lng: '-0.097800',
  },
  {
    locality: 'Berlin',
    region: 'Berlin',
    postcode: '10115',
    country: 'DE',
    calling: '49',
    salesRegion: 'EMEA',
    lat: '52.532000',
    lng: '13.384900',
  },
  {
    locality: 'Paris',
    region: 'Île-de-France',
    postcode: '75001',
    country: 'FR',
    calling: '33',
    salesRegion: 'EMEA',
    lat: '48.863300',
    lng: '2.336700',
  },
  {
    locality: 'Amsterdam',
    region: 'North Holland',
    postcode: '1012 JS',
    country: 'NL',
    calling: '31',
    salesRegion: 'EMEA',
    lat: '52.373100',
    lng: '4.892200',
  },
  {
    locality: 'Dublin',
    region: 'Leinster',
    postcode: 'D02 X285',
    country: 'IE',
    calling: '353',
    salesRegion: 'EMEA',
    lat: '53.343400',
    lng: '-6.267600',
  },
  {
    locality: 'Sydney',
    region: 'NSW',
    postcode: '2000',
    country: 'AU',
    calling: '61',
    salesRegion: 'APAC',
    lat: '-33.868800',
    lng: '151.209300',
  },
  {
    locality: 'Singapore',
    region: null,
    postcode: '018956',
    country: 'SG',
    calling: '65',
    salesRegion: 'APAC',
    lat: '1.279300',
    lng: '103.854300',
  },
  {
    locality: 'São Paulo',
    region: 'SP',
    postcode: '01310-100',
    country: 'BR',
    calling: '55',
    salesRegion: 'LATAM',
    lat: '-23.561400',
    lng: '-46.655900',
  },
  {
    locality: 'Mexico City',
    region: 'CDMX',
    postcode: '06600',
    country: 'MX',
    calling: '52',
    salesRegion: 'LATAM',
    lat: '19.426900',
    lng: '-99.167500',
  },
];

interface CompanySeed {
  name: string;
  domain: string;
  industry: Industry;
  employees: number;
  categories: string[];
  city: string;
  description: string;
  customer?: boolean;
}

const FEATURED_COMPANIES: CompanySeed[] = [
  {
    name: 'Acme Corp',
    domain: 'acme.com',
    industry: 'Technology',
    employees: 2500,
    categories: ['SaaS', 'B2B', 'Enterprise'],
    city: 'San Francisco',
    description: 'Acme Corp builds workflow automation software for mid-market and enterprise operations teams.',
    customer: true,
  },
  {
    name: 'Globex Corporation',
    domain: 'globex.com',
    industry: 'Manufacturing',
    employees: 12000,
    categories: ['Hardware', 'B2B'],
    city: 'Chicago',
    description: 'Globex manufactures industrial sensors and runs twelve plants across North America.',
  },
  {
    name: 'Initech',
    domain: 'initech.com',
    industry: 'Technology',
    employees: 1800,
    categories: ['SaaS', 'B2B'],
    city: 'Austin',
    description: 'Initech sells banking back-office software and consulting.',
    customer: true,
  },
  {
    name: 'Hooli',
    domain: 'hooli.com',
    industry: 'Technology',
    employees: 8500,
    categories: ['Consumer', 'AI', 'Enterprise'],
    city: 'Seattle',
    description: 'Hooli runs search, cloud and consumer hardware businesses.',
    customer: true,
  },
  {
    name: 'Cyberdyne Systems',
    domain: 'cyberdyne.io',
    industry: 'Technology',
    employees: 3100,
    categories: ['AI', 'Hardware'],
    city: 'Boston',
    description: 'Cyberdyne Systems develops robotics and defense-grade AI platforms.',
  },
  {
    name: 'Umbrella Health',
    domain: 'umbrellahealth.com',
    industry: 'Healthcare',
    employees: 4200,
    categories: ['Health Care', 'B2B'],
    city: 'New York',
    description: 'Umbrella Health operates outpatient clinics and a patient engagement platform.',
  },
  {
    name: 'Quantum Ledger',
    domain: 'quantumledger.io',
    industry: 'Finance',
    employees: 1450,
    categories: ['Fintech', 'B2B'],
    city: 'London',
    description: 'Quantum Ledger provides reconciliation and compliance tooling for banks.',
  },
  {
    name: 'Northwind Capital',
    domain: 'northwindcapital.com',
    industry: 'Finance',
    employees: 950,
    categories: ['Fintech'],
    city: 'New York',
    description: 'Northwind Capital is a mid-sized asset manager.',
    customer: true,
  },
  {
    name: 'Pied Piper',
    domain: 'piedpiper.com',
    industry: 'Technology',
    employees: 140,
    categories: ['SaaS', 'AI'],
    city: 'San Francisco',
    description: 'Pied Piper builds a decentralized compression platform.',
  },
  {
    name: 'Vandelay Industries',
    domain: 'vandelay.com',
    industry: 'Retail',
    employees: 320,
    categories: ['E-commerce', 'Logistics'],
    city: 'New York',
    description: 'Vandelay Industries imports and distributes latex goods.',
  },
  {
    name: 'Brightwave Energy',
    domain: 'brightwaveenergy.com',
    industry: 'Energy',
    employees: 1300,
    categories: ['Clean Energy', 'B2B'],
    city: 'Berlin',
    description: 'Brightwave Energy develops offshore wind and grid storage projects.',
  },
  {
    name: 'Lumina Education',
    domain: 'luminaedu.com',
    industry: 'Education',
    employees: 410,
    categories: ['Education', 'SaaS'],
    city: 'Toronto',
    description: 'Lumina Education runs an online learning platform for universities.',
  },
  {
    name: 'Blue Harbor Media',
    domain: 'blueharbormedia.com',
    industry: 'Media',
    employees: 220,
    categories: ['Media', 'B2C'],
    city: 'Paris',
    description: 'Blue Harbor Media publishes podcasts and documentary series.',
  },
  {
    name: 'Tyrell Biotech',
    domain: 'tyrellbio.com',
    industry: 'Healthcare',
    employees: 760,
    categories: ['Health Care', 'AI'],
    city: 'Amsterdam',
    description: 'Tyrell Biotech designs synthetic proteins for therapeutics.',
  },
];

const NAME_PREFIXES = [
  'Apex',
  'Bluefin',
  'Cedar',
  'Delta',
  'Ember',
  'Falcon',
  'Granite',
  'Harbor',
  'Ironwood',
  'Juniper',
  'Keystone',
  'Lattice',
  'Maple',
  'Nimbus',
  'Orbit',
  'Pinnacle',
  'Quartz',
  'Redwood',
  'Summit',
  'Tidal',
  'Unity',
  'Vertex',
  'Willow',
  'Zenith',
  'Aurora',
  'Beacon',
  'Cobalt',
  'Driftwood',
  'Evergreen',
  'Forge',
  'Helix',
  'Indigo',
  'Kestrel',
  'Meridian',
  'Nova',
  'Onyx',
  'Polaris',
  'Sierra',
  'Vista',
  'Silverline',
];
const NAME_SUFFIXES: Record<Industry, string[]> = {
  Technology: ['Labs', 'Software', 'Systems', 'Cloud', 'Analytics', 'Data'],
  Healthcare: ['Health', 'Medical', 'Therapeutics', 'Clinics'],
  Finance: ['Capital', 'Financial', 'Partners', 'Payments'],
  Retail: ['Goods', 'Outfitters', 'Market', 'Brands'],
  Manufacturing: ['Industries', 'Manufacturing', 'Works', 'Fabrication'],
  Energy: ['Energy', 'Power', 'Solar', 'Renewables'],
  Education: ['Learning', 'Academy', 'Education'],
  Media: ['Media', 'Studios', 'Publishing'],
};
const INDUSTRY_CATEGORIES: Record<Industry, string[]> = {
  Technology: ['SaaS', 'AI', 'B2B', 'Enterprise'],
  Healthcare: ['Health Care', 'B2B'],
  Finance: ['Fintech', 'B2B'],
  Retail: ['E-commerce', 'Consumer', 'Marketplace'],
  Manufacturing: ['Hardware', 'Logistics', 'B2B'],
  Energy: ['Clean Energy', 'B2B'],
  Education: ['Education', 'B2C'],
  Media: ['Media', 'Consumer'],
};

const FIRST_NAMES = [
  'Alice',
  'Ben',
  'Chloe',
  'Daniel',
  'Elena',
  'Farah',
  'George',
  'Hana',
  'Isaac',
  'Julia',
  'Kenji',
  'Laura',
  'Mateo',
  'Nina',
  'Omar',
  'Paula',
  'Quinn',
  'Rosa',
  'Samuel',
  'Tara',
  'Umar',
  'Vera',
  'William',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Amir',
  'Beatriz',
  'Caleb',
  'Divya',
  'Erik',
  'Fatima',
  'Gabriel',
  'Helen',
  'Ivan',
  'Jasmine',
  'Kofi',
  'Leila',
  'Marcus',
  'Noor',
];
const LAST_NAMES = [
  'Johnson',
  'Carter',
  'Nguyen',
  'Schmidt',
  'Rossi',
  'Okafor',
  'Patel',
  'Kim',
  'Garcia',
  'Müller',
  'Dubois',
  'Silva',
  'Cohen',
  'Andersen',
  'Tanaka',
  'Walsh',
  'Haddad',
  'Kowalski',
  'Moreau',
  'Fischer',
  'Lopez',
  'Brown',
  'Ivanova',
  'Mensah',
  'Novak',
  "O'Brien",
  'Park',
  'Reyes',
  'Sato',
  'Turner',
];
const JOB_TITLES = [
  'CEO',
  'CTO',
  'CFO',
  'VP Engineering',
  'VP Sales',
  'Head of Procurement',
  'Head of Operations',
  'Director of IT',
  'Product Manager',
  'Engineering Manager',
  'Account Executive',
  'Data Scientist',
  'Operations Manager',
  'Chief Marketing Officer',
  'Security Lead',
  'Finance Director',
];
const PRODUCTS = [
  'Annual subscription',
  'Expansion',
  'Pilot',
  'Renewal',
  'Professional services',
  'Premium support',
  'Team plan',
  'Analytics add-on',
  'Onboarding package',
  'Multi-year agreement',
];

const MEMBERS: Omit<WorkspaceMember, 'id' | 'created_at'>[] = [
  { first_name: 'Dana', last_name: 'Demo', avatar_url: null, email_address: DEMO_MEMBER_EMAIL, access_level: 'admin' },
  {
    first_name: 'Sam',
    last_name: 'Rivera',
    avatar_url: null,
    email_address: 'sam.rivera@example.com',
    access_level: 'member',
  },
  {
    first_name: 'Priya',
    last_name: 'Shah',
    avatar_url: null,
    email_address: 'priya.shah@example.com',
    access_level: 'member',
  },
  {
    first_name: 'Marcus',
    last_name: 'Lee',
    avatar_url: null,
    email_address: 'marcus.lee@example.com',
    access_level: 'admin',
  },
  {
    first_name: 'Jordan',
    last_name: 'Blake',
    avatar_url: null,
    email_address: 'jordan.blake@example.com',
    access_level: 'suspended',
  },
];

interface Schema {
  companies: ObjectDef;
  people: ObjectDef;
  deals: ObjectDef;
  companyInteraction: AttributeDef;
  personInteraction: AttributeDef;
  pipeline: ListDef;
}

const DEMO_CONFIG: SeedConfig = {
  seed: 0x5eed_a771,
  workspace: { ...DEMO_WORKSPACE, logo_url: null },
  schemaCreatedAt: SCHEMA_CREATED_AT,
  customCreatedAt: CUSTOM_CREATED_AT,
  // Monotonic creation times from March 2025 to about November 2025.
  clockStart: '2025-03-03T08:00:00Z',
  clockStep: (rng) => rng.int(360, 2160) * 60_000,
};

class SeedBuilder extends WorkspaceSeedBuilder {
  constructor(webUrlBase: string) {
    super(DEMO_CONFIG, webUrlBase);
  }

  demoMember(): WorkspaceMember {
    return this.member(0);
  }

  activeMembers(): WorkspaceMember[] {
    return this.members.filter((m) => m.access_level !== 'suspended');
  }
}

function seedSchema(b: SeedBuilder): Schema {
  const store = b.store;
  const companies = b.defineObject({ slug: 'companies', singular: 'Company', plural: 'Companies' });
  const people = b.defineObject({ slug: 'people', singular: 'Person', plural: 'People' });
  const deals = b.defineObject({ slug: 'deals', singular: 'Deal', plural: 'Deals' });
  const c: ParentRef = { kind: 'object', id: companies.id };
  const p: ParentRef = { kind: 'object', id: people.id };
  const d: ParentRef = { kind: 'object', id: deals.id };

  // Companies (standard attributes, then custom ones).
  b.systemAttributes(c, 'record_id');
  b.attribute(c, STANDARD_ATTRIBUTES.domains);
  b.attribute(c, STANDARD_ATTRIBUTES.companyName);
  b.attribute(c, STANDARD_ATTRIBUTES.description);
  const team = b.attribute(c, { ...STANDARD_ATTRIBUTES.team, allowedObjectIds: [people.id] });
  b.attribute(c, {
    title: 'Categories',
    slug: 'categories',
    type: 'select',
    system: true,
    multi: true,
    options: CATEGORIES,
  });
  b.attribute(c, { title: 'Primary location', slug: 'primary_location', type: 'location', system: true });
  b.attribute(c, {
    title: 'Estimated ARR',
    slug: 'estimated_arr_usd',
    enriched: true,
    type: 'select',
    system: true,
    options: ARR_RANGES,
  });
  b.attribute(c, {
    title: 'Employee range',
    slug: 'employee_range',
    enriched: true,
    type: 'select',
    system: true,
    options: EMPLOYEE_RANGES,
  });
  b.attribute(c, {
    title: 'Funding raised',
    slug: 'funding_raised_usd',
    enriched: true,
    type: 'currency',
    system: true,
    currency: 'USD',
  });
  b.attribute(c, { title: 'Foundation date', slug: 'foundation_date', type: 'date', system: true, enriched: true });
  b.attribute(c, { title: 'LinkedIn', slug: 'linkedin', type: 'text', system: true });
  b.attribute(c, { title: 'Twitter', slug: 'twitter', type: 'text', system: true });
  const companyDeals = b.attribute(c, {
    title: 'Associated deals',
    slug: 'associated_deals',
    type: 'record-reference',
    system: true,
    multi: true,
    allowedObjectIds: [deals.id],
  });
  const companyInteraction = b.attribute(c, {
    title: 'Last interaction',
    slug: 'last_interaction',
    type: 'interaction',
    system: true,
    writable: false,
  });
  b.attribute(c, {
    title: 'Industry',
    slug: 'industry',
    type: 'select',
    system: false,
    options: [...INDUSTRIES],
    description: 'Primary industry of the company.',
  });
  b.attribute(c, {
    title: 'Employee count',
    slug: 'employee_count',
    type: 'number',
    system: false,
    description: 'Number of employees.',
  });
  b.attribute(c, {
    title: 'Annual revenue',
    slug: 'annual_revenue_eur',
    type: 'currency',
    system: false,
    currency: 'EUR',
  });
  b.attribute(c, { title: 'Customer', slug: 'is_customer', type: 'checkbox', system: false });
  b.attribute(c, { title: 'Account health', slug: 'account_health', type: 'rating', system: false });
  b.trailingSystemAttributes(c);

  // People.
  b.systemAttributes(p, 'record_id');
  b.attribute(p, STANDARD_ATTRIBUTES.personName);
  b.attribute(p, STANDARD_ATTRIBUTES.emailAddresses);
  b.attribute(p, STANDARD_ATTRIBUTES.description);
  const company = b.attribute(p, { ...STANDARD_ATTRIBUTES.company, allowedObjectIds: [companies.id] });
  b.attribute(p, STANDARD_ATTRIBUTES.jobTitle);
  b.attribute(p, { title: 'Phone numbers', slug: 'phone_numbers', type: 'phone-number', system: true, multi: true });
  b.attribute(p, { title: 'Primary location', slug: 'primary_location', type: 'location', system: true });
  b.attribute(p, { title: 'LinkedIn', slug: 'linkedin', type: 'text', system: true });
  b.attribute(p, { title: 'Twitter', slug: 'twitter', type: 'text', system: true });
  const personDeals = b.attribute(p, {
    title: 'Associated deals',
    slug: 'associated_deals',
    type: 'record-reference',
    system: true,
    multi: true,
    allowedObjectIds: [deals.id],
  });
  const personInteraction = b.attribute(p, {
    title: 'Last interaction',
    slug: 'last_interaction',
    type: 'interaction',
    system: true,
    writable: false,
  });
  b.trailingSystemAttributes(p);

  // Deals.
  b.systemAttributes(d, 'record_id');
  b.attribute(d, { title: 'Deal name', slug: 'name', type: 'text', system: true, required: true });
  b.attribute(d, {
    title: 'Deal stage',
    slug: 'stage',
    type: 'status',
    system: true,
    required: true,
    statuses: DEAL_STAGES,
  });
  b.attribute(d, { title: 'Deal owner', slug: 'owner', type: 'actor-reference', system: true, required: true });
  b.attribute(d, { title: 'Deal value', slug: 'value', type: 'currency', system: true, currency: 'USD' });
  const dealPeople = b.attribute(d, {
    title: 'Associated people',
    slug: 'associated_people',
    type: 'record-reference',
    system: true,
    multi: true,
    allowedObjectIds: [people.id],
  });
  const dealCompany = b.attribute(d, {
    title: 'Associated company',
    slug: 'associated_company',
    type: 'record-reference',
    system: true,
    allowedObjectIds: [companies.id],
  });
  b.attribute(d, {
    title: 'Close date',
    slug: 'close_date',
    type: 'date',
    system: false,
    description: 'Expected or actual close date.',
  });
  b.attribute(d, {
    title: 'Probability',
    slug: 'probability',
    type: 'number',
    system: false,
    description: 'Win probability in percent.',
  });
  b.attribute(d, { title: 'Region', slug: 'region', type: 'select', system: false, options: REGIONS });
  b.attribute(d, { title: 'Setup fee', slug: 'setup_fee_gbp', type: 'currency', system: false, currency: 'GBP' });
  b.trailingSystemAttributes(d);

  relate(team, company);
  relate(companyDeals, dealCompany);
  relate(personDeals, dealPeople);

  // The "Sales pipeline" list on deals, with its own stage status.
  const pipeline = defineList(store, b.rng, {
    slug: 'sales_pipeline',
    name: 'Sales pipeline',
    parentObjectId: deals.id,
    createdBy: memberActor(b.demoMember()),
    createdAt: CUSTOM_CREATED_AT,
  });
  const l: ParentRef = { kind: 'list', id: pipeline.id };
  b.systemAttributes(l, 'entry_id');
  b.attribute(l, {
    title: 'Stage',
    slug: 'stage',
    type: 'status',
    system: false,
    statuses: [
      { title: 'Prospecting' },
      { title: 'Qualified' },
      { title: 'Proposal' },
      { title: 'Negotiation', targetTime: 'P14D' },
      { title: 'Closed won', celebration: true },
    ],
  });
  b.attribute(l, {
    title: 'Priority',
    slug: 'priority',
    type: 'select',
    system: false,
    options: ['High', 'Medium', 'Low'],
  });
  b.attribute(l, { title: 'Next step', slug: 'next_step', type: 'text', system: false });
  b.trailingSystemAttributes(l);

  return { companies, people, deals, companyInteraction, personInteraction, pipeline };
}

function employeeRange(count: number): string {
  const bounds = [10, 50, 250, 1000, 5000, 10_000, 50_000, 100_000];
  const index = bounds.findIndex((b) => count <= b);
  return EMPLOYEE_RANGES[index < 0 ? EMPLOYEE_RANGES.length - 1 : index] ?? '100K+';
}

function arrRange(employees: number): string {
  const revenue = employees * 180_000; // rough revenue per employee
  const bounds = [1e6, 1e7, 5e7, 1e8, 2.5e8, 5e8, 1e9, 1e10, 1e11];
  const index = bounds.findIndex((x) => revenue <= x);
  return ARR_RANGES[index < 0 ? ARR_RANGES.length - 1 : index] ?? '$100B+';
}

function cityNamed(name: string): City {
  const city = CITIES.find((c) => c.locality === name);
  if (!city) throw new Error(`unknown city ${name}`);
  return city;
}

function locationValue(city: City, line1: string | null): Record<string, string | null> {
  return {
    line_1: line1,
    line_2: null,
    line_3: null,
    line_4: null,
    locality: city.locality,
    region: city.region,
    postcode: city.postcode,
    country_code: city.country,
    latitude: city.lat,
    longitude: city.lng,
  };
}

function phoneFor(b: SeedBuilder, city: City): string {
  if (city.calling === '1')
    return `+1${city.country === 'US' ? '415' : '416'}555${String(b.rng.int(100, 9999)).padStart(4, '0')}`;
  const digits = Array.from({ length: 9 }, () => String(b.rng.int(0, 9))).join('');
  return `+${city.calling}${b.rng.int(1, 9)}${digits}`;
}

function setInteraction(b: SeedBuilder, attribute: AttributeDef, record: RecordRow): void {
  const type = b.rng.pick<InteractionType>(['email', 'meeting', 'call', 'calendar-event']);
  const owner = b.rng.pick(b.activeMembers());
  const at = toAttioTimestamp(new Date(Date.parse('2025-04-01T14:00:00Z') + b.rng.int(0, 240) * 86_400_000));
  b.store.setValues(
    record,
    attribute,
    [{ type: 'interaction', interaction_type: type, interacted_at: at, owner_actor: memberActor(owner) }],
    { now: at, actor: { type: 'system', id: null } },
  );
}

function seedCompanies(b: SeedBuilder, schema: Schema): RecordRow[] {
  const seeds: CompanySeed[] = [...FEATURED_COMPANIES];
  const usedNames = new Set(seeds.map((s) => s.name));
  while (seeds.length < 56) {
    const industry = b.rng.pick(INDUSTRIES);
    const name = `${b.rng.pick(NAME_PREFIXES)} ${b.rng.pick(NAME_SUFFIXES[industry])}`;
    if (usedNames.has(name)) continue;
    usedNames.add(name);
    const employees = Math.round(Math.exp(b.rng.float() * Math.log(20_000 / 8)) * 8);
    const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}${b.rng.pick(['.com', '.io', '.co'])}`;
    const city = b.rng.pick(CITIES);
    seeds.push({
      name,
      domain,
      industry,
      employees,
      categories: b.rng.sample(INDUSTRY_CATEGORIES[industry], b.rng.int(1, 2)),
      city: city.locality,
      description: `${name} is a ${industry.toLowerCase()} company based in ${city.locality}.`,
      customer: b.rng.chance(0.3),
    });
  }
  return seeds.map((seed) => {
    const city = cityNamed(seed.city);
    const founded = `${b.rng.int(1975, 2021)}-${String(b.rng.int(1, 12)).padStart(2, '0')}-${String(b.rng.int(1, 28)).padStart(2, '0')}`;
    const slugName = seed.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const values: Record<string, unknown> = {
      name: seed.name,
      domains: [seed.domain],
      description: seed.description,
      categories: seed.categories,
      primary_location: locationValue(
        city,
        `${b.rng.int(1, 999)} ${b.rng.pick(['Market', 'Main', 'King', 'Harbor', 'Station'])} Street`,
      ),
      estimated_arr_usd: arrRange(seed.employees),
      employee_range: employeeRange(seed.employees),
      foundation_date: founded,
      linkedin: `https://www.linkedin.com/company/${slugName}`,
      industry: seed.industry,
      employee_count: seed.employees,
      annual_revenue_eur: Math.round(seed.employees * b.rng.int(90, 260)) * 1000,
      is_customer: seed.customer ?? false,
    };
    if (b.rng.chance(0.5)) values.funding_raised_usd = b.rng.int(2, 400) * 500_000;
    if (seed.customer) values.account_health = b.rng.int(2, 5);
    if (b.rng.chance(0.4)) values.twitter = `@${slugName.replace(/-/g, '')}`;
    const record = b.createRecord(schema.companies, values, b.ctx(b.rng.pick(b.activeMembers())));
    if (b.rng.chance(0.7)) setInteraction(b, schema.companyInteraction, record);
    return record;
  });
}

function seedPeople(b: SeedBuilder, schema: Schema, companies: RecordRow[]): RecordRow[] {
  const people: RecordRow[] = [];
  const usedEmails = new Set<string>();
  const fixed: { company: string; first: string; last: string; title: string }[] = [
    { company: 'Acme Corp', first: 'Alice', last: 'Johnson', title: 'VP Engineering' },
    { company: 'Acme Corp', first: 'Ben', last: 'Carter', title: 'Head of Procurement' },
    { company: 'Acme Corp', first: 'Chloe', last: 'Nguyen', title: 'CTO' },
    { company: 'Globex Corporation', first: 'Hank', last: 'Scorpio', title: 'CEO' },
    { company: 'Initech', first: 'Bill', last: 'Lumbergh', title: 'Director of IT' },
    { company: 'Umbrella Health', first: 'Alexia', last: 'Ashford', title: 'Chief Medical Officer' },
  ];
  const companyByName = new Map(companies.map((c) => [b.store.recordText(c), c]));
  const addPerson = (companyRecord: RecordRow, first: string, last: string, title: string): void => {
    const domainValue = [...companyRecord.values.values()].flat().find((v) => v.data.type === 'domain')?.data;
    const domain = domainValue?.type === 'domain' ? domainValue.domain : 'example.com';
    let local = `${first}.${last}`
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z.]/g, '');
    let suffix = 2;
    while (usedEmails.has(`${local}@${domain}`))
      local = `${first}.${last}${suffix++}`
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9.]/g, '');
    const email = `${local}@${domain}`;
    usedEmails.add(email);
    const locationValueRaw = [...companyRecord.values.values()].flat().find((v) => v.data.type === 'location')?.data;
    const cityName = locationValueRaw?.type === 'location' ? locationValueRaw.locality : null;
    const city = CITIES.find((c) => c.locality === cityName) ?? b.rng.pick(CITIES);
    const values: Record<string, unknown> = {
      name: { first_name: first, last_name: last, full_name: `${first} ${last}` },
      email_addresses: [email],
      job_title: title,
      company: companyRecord.id,
      primary_location: locationValue(city, null),
      phone_numbers: [phoneFor(b, city)],
    };
    if (b.rng.chance(0.5)) values.linkedin = `https://www.linkedin.com/in/${local.replace(/\./g, '-')}`;
    const record = b.createRecord(schema.people, values, b.ctx(b.rng.pick(b.activeMembers())));
    if (b.rng.chance(0.6)) setInteraction(b, schema.personInteraction, record);
    people.push(record);
  };
  for (const f of fixed) {
    const companyRecord = companyByName.get(f.company);
    if (companyRecord) addPerson(companyRecord, f.first, f.last, f.title);
  }
  let index = 0;
  while (people.length < 120) {
    const companyRecord = companies[index % companies.length];
    index++;
    if (!companyRecord) break;
    addPerson(companyRecord, b.rng.pick(FIRST_NAMES), b.rng.pick(LAST_NAMES), b.rng.pick(JOB_TITLES));
  }
  return people;
}

interface DealSeed {
  company: string;
  product: string;
  value: number;
  stage: string;
  close: string;
  ownerEmail?: string;
}

const FEATURED_DEALS: DealSeed[] = [
  {
    company: 'Acme Corp',
    product: 'Enterprise license',
    value: 120_000,
    stage: 'In Progress',
    close: '2026-11-15',
    ownerEmail: DEMO_MEMBER_EMAIL,
  },
  {
    company: 'Acme Corp',
    product: 'Premium support',
    value: 18_000,
    stage: 'Won 🎉',
    close: '2026-02-27',
    ownerEmail: DEMO_MEMBER_EMAIL,
  },
  {
    company: 'Globex Corporation',
    product: 'Factory analytics rollout',
    value: 85_000,
    stage: 'Lead',
    close: '2027-02-10',
    ownerEmail: 'sam.rivera@example.com',
  },
  {
    company: 'Initech',
    product: 'Platform renewal',
    value: 64_000,
    stage: 'Won 🎉',
    close: '2026-03-31',
    ownerEmail: 'priya.shah@example.com',
  },
  {
    company: 'Hooli',
    product: 'Data residency add-on',
    value: 45_000,
    stage: 'Nurture',
    close: '2026-09-01',
    ownerEmail: 'marcus.lee@example.com',
  },
  {
    company: 'Umbrella Health',
    product: 'Patient portal',
    value: 210_000,
    stage: 'In Progress',
    close: '2027-01-20',
    ownerEmail: DEMO_MEMBER_EMAIL,
  },
  {
    company: 'Cyberdyne Systems',
    product: 'Security audit',
    value: 38_000,
    stage: 'Lost',
    close: '2026-02-14',
    ownerEmail: 'sam.rivera@example.com',
  },
  {
    company: 'Quantum Ledger',
    product: 'Compliance suite',
    value: 150_000,
    stage: 'Nurture',
    close: '2027-06-30',
    ownerEmail: 'priya.shah@example.com',
  },
  {
    company: 'Northwind Capital',
    product: 'Pilot',
    value: 12_000,
    stage: 'Lead',
    close: '2026-05-15',
    ownerEmail: 'marcus.lee@example.com',
  },
  {
    company: 'Brightwave Energy',
    product: 'Grid monitoring',
    value: 97_500,
    stage: 'In Progress',
    close: '2026-12-05',
    ownerEmail: 'sam.rivera@example.com',
  },
];

const PROBABILITY: Record<string, number> = { Lead: 10, 'In Progress': 50, 'Won 🎉': 100, Lost: 0, Nurture: 20 };

function seedDeals(b: SeedBuilder, schema: Schema, companies: RecordRow[]): RecordRow[] {
  const seeds: DealSeed[] = [...FEATURED_DEALS];
  const stageBag = [
    'Lead',
    'Lead',
    'In Progress',
    'In Progress',
    'In Progress',
    'Won 🎉',
    'Won 🎉',
    'Lost',
    'Lost',
    'Nurture',
    'Nurture',
  ];
  const start = Date.parse('2026-01-01T00:00:00Z');
  const span = Date.parse('2027-12-31T00:00:00Z') - start;
  const usedNames = new Set(seeds.map((s) => `${s.company} — ${s.product}`));
  while (seeds.length < 60) {
    const companyRecord = b.rng.pick(companies);
    const company = b.store.recordText(companyRecord);
    const product = b.rng.pick(PRODUCTS);
    if (usedNames.has(`${company} — ${product}`)) continue;
    usedNames.add(`${company} — ${product}`);
    // Log-uniform between $5k and $250k, rounded to $500: mostly small deals, a few large ones.
    const value = Math.round(Math.exp(Math.log(5_000) + b.rng.float() * Math.log(50)) / 500) * 500;
    seeds.push({
      company,
      product,
      value,
      stage: b.rng.pick(stageBag),
      close: new Date(start + Math.floor(b.rng.float() * span)).toISOString().slice(0, 10),
    });
  }
  const companyByName = new Map(companies.map((c) => [b.store.recordText(c), c]));
  const teamAttribute = b.store.findAttribute({ kind: 'object', id: schema.companies.id }, 'team');
  return seeds.map((seed) => {
    const companyRecord = companyByName.get(seed.company);
    if (!companyRecord || !teamAttribute) throw new Error(`unknown company ${seed.company}`);
    const owner = seed.ownerEmail ? b.store.memberByEmail(seed.ownerEmail) : b.rng.pick(b.activeMembers());
    const team = b.store.referenceTargets(companyRecord, teamAttribute);
    const location = [...companyRecord.values.values()].flat().find((v) => v.data.type === 'location')?.data;
    const city = CITIES.find((c) => location?.type === 'location' && c.locality === location.locality);
    const values: Record<string, unknown> = {
      name: `${seed.company} — ${seed.product}`,
      stage: seed.stage,
      owner: owner?.email_address ?? DEMO_MEMBER_EMAIL,
      value: seed.value,
      associated_company: { target_object: 'companies', target_record_id: companyRecord.id },
      associated_people: b.rng
        .sample(team, b.rng.int(1, 2))
        .map((id) => ({ target_object: 'people', target_record_id: id })),
      close_date: seed.close,
      probability: PROBABILITY[seed.stage] ?? 0,
      region: city?.salesRegion ?? b.rng.pick(REGIONS),
    };
    if (b.rng.chance(0.25)) values.setup_fee_gbp = b.rng.int(2, 40) * 250;
    return b.createRecord(schema.deals, values, b.ctx(owner));
  });
}

function seedPipeline(b: SeedBuilder, schema: Schema, deals: RecordRow[]): void {
  const stageAttribute = b.store.findAttribute({ kind: 'object', id: schema.deals.id }, 'stage');
  const stageOf = (deal: RecordRow): string => {
    const value = stageAttribute ? b.store.valuesOf(stageAttribute, deal)[0]?.data : undefined;
    return value?.type === 'status'
      ? (stageAttribute?.statuses.find((s) => s.id === value.status_id)?.title ?? '')
      : '';
  };
  const nextSteps = [
    'Send proposal',
    'Schedule demo',
    'Security review',
    'Legal redlines',
    'Intro to champion',
    'Pricing call',
  ];
  for (const deal of deals) {
    const stage = stageOf(deal);
    if (stage === 'Lost') continue;
    const listStage =
      stage === 'Lead'
        ? b.rng.pick(['Prospecting', 'Qualified'])
        : stage === 'In Progress'
          ? b.rng.pick(['Proposal', 'Negotiation'])
          : stage === 'Won 🎉'
            ? 'Closed won'
            : 'Qualified';
    const values: Record<string, unknown> = { stage: listStage, priority: b.rng.pick(['High', 'Medium', 'Low']) };
    if (listStage !== 'Closed won') values.next_step = b.rng.pick(nextSteps);
    b.createEntry(schema.pipeline, deal, values, b.ctx(b.demoMember()));
  }
}

function seedNotesAndTasks(
  b: SeedBuilder,
  schema: Schema,
  companies: RecordRow[],
  people: RecordRow[],
  deals: RecordRow[],
): void {
  const byName = (rows: RecordRow[], name: string): RecordRow => {
    const row = rows.find((r) => b.store.recordText(r) === name);
    if (!row) throw new Error(`seed record ${name} not found`);
    return row;
  };
  const acme = byName(companies, 'Acme Corp');
  const acmeDeal = byName(deals, 'Acme Corp — Enterprise license');
  const umbrellaDeal = byName(deals, 'Umbrella Health — Patient portal');
  const alice = byName(people, 'Alice Johnson');
  const globex = byName(companies, 'Globex Corporation');
  const quantumDeal = byName(deals, 'Quantum Ledger — Compliance suite');
  const notes: { parent: RecordRow; object: ObjectDef; title: string; markdown: string }[] = [
    {
      parent: acme,
      object: schema.companies,
      title: 'Quarterly business review',
      markdown:
        '## QBR summary\n- Usage up **35%** quarter over quarter\n- Wants SSO and audit logs before expanding\n- Renewal owner: Ben Carter',
    },
    {
      parent: acmeDeal,
      object: schema.deals,
      title: 'Pricing discussion',
      markdown: 'Alice asked for a **multi-year discount**. We offered 12% for a 3-year term; waiting on procurement.',
    },
    {
      parent: alice,
      object: schema.people,
      title: 'Intro call',
      markdown: 'Alice leads a team of 40 engineers and is the technical champion for the Enterprise license.',
    },
    {
      parent: umbrellaDeal,
      object: schema.deals,
      title: 'Security questionnaire',
      markdown: 'Sent the HIPAA questionnaire back on Friday. Open items:\n1. Data retention policy\n2. BAA signature',
    },
    {
      parent: globex,
      object: schema.companies,
      title: 'Plant visit',
      markdown: 'Visited the Chicago plant. They run ~4,000 sensors per line and want *real-time* dashboards.',
    },
    {
      parent: quantumDeal,
      object: schema.deals,
      title: 'Moved to nurture',
      markdown: 'Budget frozen until the next fiscal year. Check back in Q1.',
    },
  ];
  for (const note of notes) {
    const ctx = b.ctx(b.demoMember());
    const id = b.rng.uuid();
    b.store.notes.set(id, {
      id,
      parent_object_id: note.object.id,
      parent_record_id: note.parent.id,
      title: note.title,
      content_markdown: note.markdown,
      content_plaintext: markdownToPlaintext(note.markdown),
      created_by_actor: ctx.actor,
      created_at: ctx.now,
    });
  }
  const tasks: { content: string; deadline: string | null; done: boolean; links: RecordRow[]; assignee: string }[] = [
    {
      content: 'Send the revised Enterprise license proposal to Acme',
      deadline: '2026-12-04T17:00:00.000000000Z',
      done: false,
      links: [acme, acmeDeal],
      assignee: DEMO_MEMBER_EMAIL,
    },
    {
      content: 'Book a follow-up call with Alice Johnson',
      deadline: '2026-12-01T15:00:00.000000000Z',
      done: false,
      links: [alice],
      assignee: DEMO_MEMBER_EMAIL,
    },
    {
      content: 'Answer the Umbrella Health security questionnaire',
      deadline: '2026-11-20T17:00:00.000000000Z',
      done: true,
      links: [umbrellaDeal],
      assignee: 'priya.shah@example.com',
    },
    {
      content: 'Prepare the Globex plant analytics demo',
      deadline: '2026-12-15T16:00:00.000000000Z',
      done: false,
      links: [globex],
      assignee: 'sam.rivera@example.com',
    },
    {
      content: "Check in with Quantum Ledger about next year's budget",
      deadline: '2027-01-11T10:00:00.000000000Z',
      done: false,
      links: [quantumDeal],
      assignee: 'priya.shah@example.com',
    },
    { content: 'Update the Q1 forecast', deadline: null, done: false, links: [], assignee: 'marcus.lee@example.com' },
  ];
  for (const task of tasks) {
    const ctx = b.ctx(b.demoMember());
    const id = b.rng.uuid();
    const assignee = b.store.memberByEmail(task.assignee);
    b.store.tasks.set(id, {
      id,
      content_plaintext: task.content,
      deadline_at: task.deadline,
      is_completed: task.done,
      completed_at: task.done ? ctx.now : null,
      linked_records: task.links.map((r) => ({ target_object_id: r.object_id, target_record_id: r.id })),
      assignees: assignee ? [{ referenced_actor_type: 'workspace-member', referenced_actor_id: assignee.id }] : [],
      created_by_actor: ctx.actor,
      created_at: ctx.now,
    });
  }
}

/** Builds a fresh store holding the demo workspace. */
export function createSeedStore(options: { webUrlBase?: string } = {}): Store {
  const b = new SeedBuilder(options.webUrlBase ?? 'https://app.attio.com');
  b.seedMembers(MEMBERS, '2025-01-06T09:00:00Z', 1);
  const schema = seedSchema(b);
  const companies = seedCompanies(b, schema);
  const people = seedPeople(b, schema, companies);
  const deals = seedDeals(b, schema, companies);
  seedPipeline(b, schema, deals);
  seedNotesAndTasks(b, schema, companies, people, deals);
  // Last, so every ID above stays as it was.
  seedSalesActivity(b);
  return b.store;
}
