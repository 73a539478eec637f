/**
 * A small in-memory cache that lives as long as one MCP session's Durable Object instance.
 * Values are promises, so concurrent tool calls share one upstream request; a failed load is
 * forgotten at once so the next call tries again.
 */
export class SessionCache {
  readonly #entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(readonly now: () => number = Date.now) {}

  remember<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    const value = load();
    this.#entries.set(key, { expires: this.now() + ttlMs, value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  /** Drops every key that starts with `prefix`, after a change that makes them stale. */
  forget(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}
