import { SessionCache } from './session-cache';

/**
 * What a session keeps for its tools (the workspace schema and members: `SessionCache`), kept
 * without a session: one cache per grant, in the Worker isolate, for the 2026-07-28 lane's
 * requests. Keyed by grant, never by anything the client sends, so a grant only ever reads what
 * its own token loaded. Bounded: the grants used least recently are dropped first, and what each
 * keeps expires on its own (`SCHEMA_TTL_MS`). An isolate that has not seen a grant loads its
 * schema again, as a new session would.
 */
export class GrantCaches {
  readonly #byGrant = new Map<string, SessionCache>();
  readonly #maxGrants: number;

  constructor(maxGrants = 256) {
    this.#maxGrants = maxGrants;
  }

  get size(): number {
    return this.#byGrant.size;
  }

  for(grantId: string): SessionCache {
    let cache = this.#byGrant.get(grantId);
    if (cache) {
      this.#byGrant.delete(grantId); // re-inserted below: Map order is recency order
    } else {
      cache = new SessionCache();
      if (this.#byGrant.size >= this.#maxGrants) {
        const oldest = this.#byGrant.keys().next();
        if (!oldest.done) this.#byGrant.delete(oldest.value);
      }
    }
    this.#byGrant.set(grantId, cache);
    return cache;
  }

  /** The grant was revoked: nothing it loaded is kept. */
  forget(grantId: string): void {
    this.#byGrant.delete(grantId);
  }
}
