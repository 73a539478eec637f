/**
 * A short-lived cache of the access-token records the OAuth library reads from KV.
 *
 * The library's bearer check reads the token's KV record on every MCP request. Here that record
 * is kept for a few seconds (`TOKEN_CACHE_SECONDS`, default 10, 0 turns it off) in the Worker
 * instance that read it, so the calls of a busy session read KV once per interval, not once per
 * call. What is kept is the record exactly as KV stores it: the grant's props in it stay
 * encrypted with a key only the token itself unwraps, and the library still checks the token's
 * expiry and audience on every request. Nothing is cached for a token KV does not know.
 *
 * Revocation: a write or delete made through this instance drops the entries it touches at once
 * (a token revoked at /token, a grant revoked on a replayed code or by the upstream, a refresh);
 * a revocation made by another instance is seen here within the interval. KV itself takes up to
 * 60 seconds to show a delete in other locations, which is why the setting stops at 60.
 */

interface Entry {
  text: string;
  /** When it was read from KV: the reader's interval decides whether that is recent enough. */
  fetched: number;
}

/** Token records by KV key (`token:<user>:<grant>:<hash of the token>`), shared by this isolate's requests. */
export class TokenRecordCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Bumped by every forget, so a read that started before a revocation cannot put the old record back. */
  #generation = 0;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 1_000; // records are about 1 KB: at most ~1 MB per isolate
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The record's text if read less than `ttlMs` ago, else from `load` (a missing record is not kept). */
  async read(key: string, ttlMs: number, load: () => Promise<string | null>): Promise<string | null> {
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.fetched < ttlMs) return entry.text;
    if (entry) this.#entries.delete(key);
    const generation = this.#generation;
    const text = await load();
    if (text !== null && ttlMs > 0 && generation === this.#generation) {
      // Map order is insertion order: the oldest entry goes first when the cache is full.
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(key, { text, fetched: now });
    }
    return text;
  }

  /** Drops what a write to `key` makes stale: that token, or every token of a grant. */
  forget(key: string): void {
    this.#generation++;
    if (key.startsWith('token:')) {
      this.#entries.delete(key);
    } else if (key.startsWith('grant:')) {
      const prefix = `token:${key.slice('grant:'.length)}:`;
      for (const cached of this.#entries.keys()) if (cached.startsWith(prefix)) this.#entries.delete(cached);
    }
  }
}

/** One cache per isolate: the Worker and its Durable Objects share it where they share an isolate. */
const isolateCache = new TokenRecordCache();

/**
 * `kv` with its token records cached for `ttlMs`: JSON reads of `token:` keys go through the
 * cache, writes and deletes of `token:` and `grant:` keys forget what they change, and every
 * other call goes to KV unchanged.
 */
export function withTokenCache(kv: KVNamespace, ttlMs: number, cache = isolateCache): KVNamespace {
  if (ttlMs <= 0) return kv;
  const get = async (key: unknown, options?: unknown): Promise<unknown> => {
    if (typeof key !== 'string' || !key.startsWith('token:') || !asksForJson(options)) {
      return (kv.get as (key: unknown, options?: unknown) => Promise<unknown>)(key, options);
    }
    const text = await cache.read(key, ttlMs, () => kv.get(key, 'text'));
    return text === null ? null : JSON.parse(text);
  };
  /** A write that forgets what it changes, before and after: a read racing it must not keep the old record. */
  const writeThrough = async (key: string, write: () => Promise<void>): Promise<void> => {
    cache.forget(key);
    try {
      await write();
    } finally {
      cache.forget(key);
    }
  };
  const put: KVNamespace['put'] = (key, ...rest) => writeThrough(key, () => kv.put(key, ...rest));
  const remove: KVNamespace['delete'] = (key) => writeThrough(key, () => kv.delete(key));
  return new Proxy(kv, {
    get(target, property) {
      if (property === 'get') return get;
      if (property === 'put') return put;
      if (property === 'delete') return remove;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function asksForJson(options: unknown): boolean {
  if (options === 'json') return true;
  return typeof options === 'object' && options !== null && (options as { type?: unknown }).type === 'json';
}

/**
 * `env` whose OAUTH_KV caches token records. A caller serving many requests keeps the result (the
 * library keeps its helpers on the env it is given).
 */
export function withCachedTokens(env: Env, ttlMs: number): Env {
  return ttlMs <= 0 ? env : { ...env, OAUTH_KV: withTokenCache(env.OAUTH_KV, ttlMs) };
}
