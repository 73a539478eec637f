// The stand-in's user table. Access itself has no user table of its own (it relays whatever the
// team's identity provider says); here any email signs in, the seeded ones with a name and groups.
import { createHash } from 'node:crypto';

export interface AccessUser {
  /** Stable subject: a UUID derived from the email, like Access's per-user UUIDs. */
  sub: string;
  email: string;
  name?: string;
  groups: string[];
}

export interface SeedUser {
  email: string;
  name?: string;
  groups: string[];
  /** A fixed subject (Supabase: the auth.users id); default: derived from the email. */
  sub?: string;
}

export const SEED_USERS: readonly SeedUser[] = [
  { email: 'alice@example.com', name: 'Alice Admin', groups: ['engineering', 'admins'] },
  { email: 'bob@contractor.test', name: 'Bob Builder', groups: ['contractors'] },
  // No name on purpose: relying parties must cope with an ID token without `name`.
  { email: 'carol@example.com', groups: ['sales'] },
];

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Deterministic UUID-shaped subject for an email (same email, same sub, on every start). */
export function subFor(email: string): string {
  const hex = createHash('sha256')
    .update(`access-standin:${normalizeEmail(email)}`)
    .digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 254;
}

export class UserDirectory {
  readonly #byEmail = new Map<string, AccessUser>();
  readonly #seed: readonly SeedUser[];
  readonly #unknown: 'sign-up' | 'refuse';

  /** `unknown`: whether an email not in the table signs in as a new user (Access) or is refused (Supabase). */
  constructor(seed: readonly SeedUser[] = SEED_USERS, unknown: 'sign-up' | 'refuse' = 'sign-up') {
    this.#seed = seed;
    this.#unknown = unknown;
    this.reset();
  }

  /** Forget users added since start (unknown emails that signed in, `upsert` calls). */
  reset(): void {
    this.#byEmail.clear();
    for (const user of this.#seed) this.upsert(user);
  }

  /** Add or replace a user (by email); returns the stored user. */
  upsert(user: SeedUser): AccessUser {
    const email = normalizeEmail(user.email);
    const stored: AccessUser = { sub: user.sub ?? subFor(email), email, groups: [...user.groups] };
    if (user.name !== undefined) stored.name = user.name;
    this.#byEmail.set(email, stored);
    return stored;
  }

  findBySub(sub: string): AccessUser | undefined {
    return [...this.#byEmail.values()].find((user) => user.sub === sub);
  }

  findByEmail(email: string): AccessUser | undefined {
    return this.#byEmail.get(normalizeEmail(email));
  }

  /** The user signing in with this email: a known one, a new user with no groups, or none when unknown ones are refused. */
  signIn(email: string): AccessUser | undefined {
    const known = this.findByEmail(email);
    if (known || this.#unknown === 'refuse') return known;
    return this.upsert({ email, groups: [] });
  }

  list(): AccessUser[] {
    return [...this.#byEmail.values()];
  }
}
