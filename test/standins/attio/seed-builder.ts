// The machinery both seeded workspaces (seed.ts, seed-fresh.ts) are built with: a PRNG
// with the workspace's fixed seed, its Store, a monotonic clock for creation times, and
// writes through the API's write path (values.ts). Each workspace brings only its own
// seed, workspace, clock rule, schema times, members and data. Every ID comes from the
// PRNG in call order, so a seed stays identical only while its calls keep their order.
import type {
  Actor,
  AttributeDef,
  EntryRow,
  ListDef,
  ObjectDef,
  ParentRef,
  RecordRow,
  Row,
  Workspace,
  WorkspaceMember,
  WriteContext,
} from './model.ts';
import { type AttributeSpec, defineAttribute, defineObject } from './schema.ts';
import { Store } from './store.ts';
import { Rng, toAttioTimestamp } from './util.ts';
import { applyValues } from './values.ts';

export interface SeedConfig {
  /** The PRNG seed; the workspace ID comes from a second PRNG seeded with `seed ^ 0xffff`. */
  seed: number;
  workspace: Omit<Workspace, 'id'>;
  /** When the standard objects and attributes were created. */
  schemaCreatedAt: string;
  /** When custom objects and attributes (`system: false`) were created. */
  customCreatedAt: string;
  /** The clock before the first write, as an ISO date. */
  clockStart: string;
  /** How far the clock moves before each write, in milliseconds. */
  clockStep: (rng: Rng) => number;
}

export type MemberSpec = Omit<WorkspaceMember, 'id' | 'created_at'>;

export type AttributeInput = Omit<AttributeSpec, 'createdAt'> & { createdAt?: string };

/** Attio's standard attributes on companies and people that every workspace has (references: add `allowedObjectIds`). */
export const STANDARD_ATTRIBUTES = {
  domains: { title: 'Domains', slug: 'domains', type: 'domain', system: true, unique: true, multi: true },
  companyName: { title: 'Name', slug: 'name', type: 'text', system: true },
  description: { title: 'Description', slug: 'description', type: 'text', system: true },
  team: { title: 'Team', slug: 'team', type: 'record-reference', system: true, multi: true },
  personName: { title: 'Name', slug: 'name', type: 'personal-name', system: true },
  emailAddresses: {
    title: 'Email addresses',
    slug: 'email_addresses',
    type: 'email-address',
    system: true,
    unique: true,
    multi: true,
  },
  jobTitle: { title: 'Job title', slug: 'job_title', type: 'text', system: true },
  company: { title: 'Company', slug: 'company', type: 'record-reference', system: true },
} satisfies Record<string, AttributeInput>;

export interface ObjectSpec {
  slug: string;
  singular: string;
  plural: string;
  /** A custom object: created at `customCreatedAt`. */
  custom?: boolean;
}

export class WorkspaceSeedBuilder {
  readonly rng: Rng;
  readonly store: Store;
  readonly members: WorkspaceMember[] = [];
  readonly schemaCreatedAt: string;
  readonly customCreatedAt: string;
  readonly #clockStep: (rng: Rng) => number;
  #clock: number;

  constructor(config: SeedConfig, webUrlBase: string) {
    this.rng = new Rng(config.seed);
    const { name, slug, logo_url } = config.workspace;
    this.store = new Store({ id: new Rng(config.seed ^ 0xffff).uuid(), name, slug, logo_url }, webUrlBase);
    this.schemaCreatedAt = config.schemaCreatedAt;
    this.customCreatedAt = config.customCreatedAt;
    this.#clockStep = config.clockStep;
    this.#clock = Date.parse(config.clockStart);
  }

  /** Monotonic, deterministic creation times. */
  tick(): string {
    this.#clock += this.#clockStep(this.rng);
    return toAttioTimestamp(new Date(this.#clock));
  }

  /** A write at the next tick, by `member` (the first member, the owner, by default). */
  ctx(member?: WorkspaceMember): WriteContext {
    return { now: this.tick(), actor: memberActor(member ?? this.member(0)) };
  }

  /** Adds the members in order, the first created at `firstCreatedAt`, each next `spacingDays` later. */
  seedMembers(specs: readonly MemberSpec[], firstCreatedAt: string, spacingDays: number): void {
    const first = Date.parse(firstCreatedAt);
    for (const [index, spec] of specs.entries()) {
      const member: WorkspaceMember = {
        id: this.rng.uuid(),
        created_at: toAttioTimestamp(new Date(first + index * spacingDays * 86_400_000)),
        ...spec,
      };
      this.members.push(member);
      this.store.members.set(member.id, member);
    }
  }

  member(index: number): WorkspaceMember {
    const member = this.members[index];
    if (!member) throw new Error('members not seeded');
    return member;
  }

  defineObject(spec: ObjectSpec): ObjectDef {
    const { custom, ...nouns } = spec;
    return defineObject(this.store, this.rng, {
      ...nouns,
      createdAt: custom ? this.customCreatedAt : this.schemaCreatedAt,
    });
  }

  /** An object with its attributes: the leading system attribute, those `body` adds, the trailing ones. */
  object(spec: ObjectSpec, body: (parent: ParentRef) => void): ObjectDef {
    const object = this.defineObject(spec);
    const parent: ParentRef = { kind: 'object', id: object.id };
    this.systemAttributes(parent, 'record_id');
    body(parent);
    this.trailingSystemAttributes(parent);
    return object;
  }

  /** Created at schema time, or at custom time where `system: false`, unless `createdAt` says. */
  attribute(parent: ParentRef, spec: AttributeInput): AttributeDef {
    return defineAttribute(this.store, this.rng, parent, {
      createdAt: spec.system === false ? this.customCreatedAt : this.schemaCreatedAt,
      ...spec,
    });
  }

  /** The system attribute Attio puts first: record_id on objects, entry_id on lists. */
  systemAttributes(parent: ParentRef, idSlug: 'record_id' | 'entry_id'): void {
    this.attribute(parent, {
      title: idSlug === 'record_id' ? 'Record ID' : 'Entry ID',
      slug: idSlug,
      type: 'text',
      system: true,
      writable: false,
      unique: true,
      virtual: idSlug,
    });
  }

  /** The system attributes Attio puts last: created_at, created_by. */
  trailingSystemAttributes(parent: ParentRef): void {
    this.attribute(parent, {
      title: 'Created at',
      slug: 'created_at',
      type: 'timestamp',
      system: true,
      writable: false,
      virtual: 'created_at',
    });
    this.attribute(parent, {
      title: 'Created by',
      slug: 'created_by',
      type: 'actor-reference',
      system: true,
      writable: false,
      virtual: 'created_by',
    });
  }

  createRecord(object: ObjectDef, values: Record<string, unknown>, ctx: WriteContext): RecordRow {
    const { now: created_at, actor: created_by } = ctx;
    const record = { id: this.rng.uuid(), object_id: object.id, created_at, created_by, values: new Map() };
    return this.#create(this.store.records, { kind: 'object', id: object.id }, record, values, ctx);
  }

  createEntry(list: ListDef, record: RecordRow, values: Record<string, unknown>, ctx: WriteContext): EntryRow {
    const { now: created_at, actor: created_by } = ctx;
    const { object_id: parent_object_id, id: parent_record_id } = record;
    const entry = {
      id: this.rng.uuid(),
      list_id: list.id,
      parent_object_id,
      parent_record_id,
      created_at,
      created_by,
      values: new Map(),
    };
    return this.#create(this.store.entries, { kind: 'list', id: list.id }, entry, values, ctx);
  }

  /** Stores the row, then writes its values as a create through the API's write path. */
  #create<T extends Row>(
    rows: Map<string, T>,
    parent: ParentRef,
    row: T,
    values: Record<string, unknown>,
    ctx: WriteContext,
  ): T {
    rows.set(row.id, row);
    applyValues(this.store, parent, row, values, 'create', ctx);
    return row;
  }
}

export function memberActor(member: WorkspaceMember): Actor {
  return { type: 'workspace-member', id: member.id };
}
