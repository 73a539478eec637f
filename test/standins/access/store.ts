// An in-memory oidc-provider adapter whose storage belongs to one stand-in instance, so that
// `reset()` can forget every session, grant, interaction, code and token at once. (oidc-provider's
// built-in MemoryAdapter is development-only and warns on start.)
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export class ProviderStore {
  readonly #entries = new Map<string, Entry>();
  readonly #index = new Map<string, string>();
  readonly #grants = new Map<string, Set<string>>();

  clear(): void {
    this.#entries.clear();
    this.#index.clear();
    this.#grants.clear();
  }

  /** Counts per model, e.g. `{ Session: 1, Grant: 1 }` (expired entries excluded). */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const key of this.#entries.keys()) {
      if (this.#get(key) === undefined) continue;
      const model = key.slice(0, key.indexOf(':'));
      counts[model] = (counts[model] ?? 0) + 1;
    }
    return counts;
  }

  adapterFor(model: string): Adapter {
    const key = (id: string): string => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
        this.#entries.set(key(id), { payload, expiresAt });
        if (model === 'Session' && payload.uid) this.#index.set(`sessionUid:${payload.uid}`, id);
        if (payload.userCode) this.#index.set(`userCode:${payload.userCode}`, id);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = this.#grants.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          this.#grants.set(payload.grantId, members);
        }
      },
      find: async (id) => this.#get(key(id)),
      findByUid: async (uid) => {
        const id = this.#index.get(`sessionUid:${uid}`);
        return id === undefined ? undefined : this.#get(key(id));
      },
      findByUserCode: async (userCode) => {
        const id = this.#index.get(`userCode:${userCode}`);
        return id === undefined ? undefined : this.#get(key(id));
      },
      consume: async (id) => {
        const payload = this.#get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.#entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const member of this.#grants.get(grantId) ?? []) this.#entries.delete(member);
        this.#grants.delete(grantId);
      },
    };
  }

  #get(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }
}
