// The stand-in's workspaces: "Demo Workspace" (seed.ts) and "Fresh Start" (seed-fresh.ts),
// each its own Store. A member signs in by email; the email picks the workspace, and the
// token belongs to that workspace, so every /v2 route serves the token's store.
import type { AccessToken } from './auth.ts';
import type { WorkspaceMember } from './model.ts';
import { createSeedStore } from './seed.ts';
import { createFreshSeedStore, FRESH_EMAIL_DOMAIN } from './seed-fresh.ts';
import type { Store } from './store.ts';

export class Workspaces {
  readonly #webUrlBase: string;
  #demo: Store;
  #fresh: Store;

  constructor(webUrlBase: string) {
    this.#webUrlBase = webUrlBase;
    this.#demo = createSeedStore({ webUrlBase });
    this.#fresh = createFreshSeedStore({ webUrlBase });
  }

  /** The first workspace, "Demo Workspace" (where unknown emails sign in). */
  get demo(): Store {
    return this.#demo;
  }

  /** The second workspace, "Fresh Start" (emails at @fresh.example). */
  get fresh(): Store {
    return this.#fresh;
  }

  get all(): Store[] {
    return [this.#demo, this.#fresh];
  }

  /** Restores both seeds. */
  reset(): void {
    this.#demo = createSeedStore({ webUrlBase: this.#webUrlBase });
    this.#fresh = createFreshSeedStore({ webUrlBase: this.#webUrlBase });
  }

  byId(workspaceId: string): Store | undefined {
    return this.all.find((s) => s.workspace.id === workspaceId);
  }

  bySlug(slug: string): Store | undefined {
    return this.all.find((s) => s.workspace.slug === slug);
  }

  memberByEmail(email: string): { store: Store; member: WorkspaceMember } | undefined {
    for (const store of this.all) {
      const member = store.memberByEmail(email);
      if (member) return { store, member };
    }
    return undefined;
  }

  /** Where an email signs in: its member's workspace, else Fresh Start for @fresh.example, else Demo. */
  storeForEmail(email: string): Store {
    const known = this.memberByEmail(email);
    if (known) return known.store;
    return email.trim().toLowerCase().endsWith(`@${FRESH_EMAIL_DOMAIN}`) ? this.#fresh : this.#demo;
  }

  /** The workspace of a token: the one it was issued for, else the one holding its member, else Demo. */
  storeForToken(token: AccessToken): Store {
    if (token.workspaceId !== undefined) {
      const store = this.byId(token.workspaceId);
      if (store) return store;
    }
    return this.all.find((s) => s.members.has(token.memberId)) ?? this.#demo;
  }
}
