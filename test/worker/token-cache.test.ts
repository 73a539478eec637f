import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { TokenRecordCache, withTokenCache } from '../../src/auth/token-cache';
import worker from '../../src/index';
import { sendSafely } from '../support/attack';
import { mcpHttpRequest, openWireSession } from '../support/mcp-http';
import { Browser, signIn, tokenRequest } from '../support/oauth-client';
import { ORIGIN } from '../support/worker';

/** The real KV binding, counting the token-record reads that reach it. */
function countingKv(kv: KVNamespace) {
  const counts = { tokenReads: 0 };
  const counted = new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property !== 'get') return typeof value === 'function' ? value.bind(target) : value;
      return (key: string, options: unknown) => {
        if (typeof key === 'string' && key.startsWith('token:')) counts.tokenReads++;
        return (target.get as (key: string, options: unknown) => Promise<unknown>)(key, options);
      };
    },
  });
  return { kv: counted, counts };
}

/** A `ping` in an open session, through the Worker with `overrides` in its env; answers the status. */
async function ping(token: string, sessionId: string, overrides: Record<string, unknown>): Promise<number> {
  const request = mcpHttpRequest(
    'POST',
    { jsonrpc: '2.0', id: 1, method: 'ping' },
    { token, sessionId, protocolVersion: '2025-06-18' },
  );
  const response = await worker.fetch(request, { ...env, ...overrides } as Env, createExecutionContext());
  await response.body?.cancel();
  return response.status;
}

async function signedInSession(email: string) {
  const { client, tokens } = await signIn(new Browser(ORIGIN, sendSafely), { email });
  return { client, token: tokens.access_token, sessionId: await openWireSession(tokens.access_token) };
}

describe('token checks in a Worker instance', () => {
  it("a session's repeated requests read the token from KV once per interval, and every time with TOKEN_CACHE_SECONDS=0", async () => {
    const { token, sessionId } = await signedInSession('cache-reads@example.com');

    const cached = countingKv(env.OAUTH_KV);
    for (let i = 0; i < 3; i++) expect(await ping(token, sessionId, { OAUTH_KV: cached.kv })).toBe(200);
    expect(cached.counts.tokenReads).toBeLessThanOrEqual(1); // 0 when the session's opening read is still fresh

    const uncached = countingKv(env.OAUTH_KV);
    for (let i = 0; i < 3; i++) {
      expect(await ping(token, sessionId, { OAUTH_KV: uncached.kv, TOKEN_CACHE_SECONDS: '0' })).toBe(200);
    }
    expect(uncached.counts.tokenReads).toBe(3);
  });

  it('a token revoked at /token through this instance is refused at once, though its check was cached', async () => {
    const { client, token, sessionId } = await signedInSession('cache-revoke-here@example.com');
    expect(await ping(token, sessionId, {})).toBe(200);
    const revoke = await tokenRequest(sendSafely, ORIGIN, { token, client_id: client.client_id });
    expect(revoke.status).toBe(200);
    expect(await ping(token, sessionId, {})).toBe(401);
  });

  it('a token revoked by another instance is refused once TOKEN_CACHE_SECONDS has passed', async () => {
    const { token, sessionId } = await signedInSession('cache-revoke-elsewhere@example.com');
    const settings = { TOKEN_CACHE_SECONDS: '2' }; // the token was last read from KV as the session opened
    expect(await ping(token, sessionId, settings)).toBe(200);

    // Another instance revokes: the records go from KV without passing through this instance.
    const [userId, grantId] = token.split(':');
    const { keys } = await env.OAUTH_KV.list({ prefix: `token:${userId}:${grantId}:` });
    expect(keys.length).toBeGreaterThan(0);
    for (const { name } of keys) await env.OAUTH_KV.delete(name);

    expect(await ping(token, sessionId, settings)).toBe(200); // within the interval: the documented window
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await ping(token, sessionId, settings)).toBe(401);
  });
});

/** A KV namespace in memory, whose reads can be held back to race them against writes. */
function memoryKv() {
  const values = new Map<string, string>();
  const reads: string[] = [];
  let gate: Promise<void> | undefined;
  const kv = {
    async get(key: string, options?: unknown) {
      reads.push(key);
      const text = values.get(key) ?? null;
      await gate; // the answer is read, but not yet back
      const json = options === 'json' || (options as { type?: string } | undefined)?.type === 'json';
      return json && text !== null ? JSON.parse(text) : text;
    },
    async put(key: string, value: string) {
      values.set(key, value);
    },
    async delete(key: string) {
      values.delete(key);
    },
  } as unknown as KVNamespace;
  return {
    kv,
    values,
    reads,
    hold() {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('the token record cache', () => {
  const TOKEN = 'token:user1:grant1:hash1';

  it('serves a record from memory until it is older than the interval, then reads KV again', async () => {
    let now = 1_000;
    const store = memoryKv();
    const kv = withTokenCache(store.kv, 10_000, new TokenRecordCache({ now: () => now }));
    store.values.set(TOKEN, JSON.stringify({ id: 'hash1' }));
    expect(await kv.get(TOKEN, { type: 'json' })).toEqual({ id: 'hash1' });
    now += 9_999;
    expect(await kv.get(TOKEN, { type: 'json' })).toEqual({ id: 'hash1' });
    expect(store.reads).toEqual([TOKEN]);
    now += 1;
    await kv.get(TOKEN, { type: 'json' });
    expect(store.reads).toEqual([TOKEN, TOKEN]);
  });

  it('each hit is a fresh copy: a caller changing what it got does not change the next answer', async () => {
    const store = memoryKv();
    const kv = withTokenCache(store.kv, 10_000, new TokenRecordCache());
    store.values.set(TOKEN, JSON.stringify({ scope: ['mcp:read'] }));
    const first = (await kv.get(TOKEN, { type: 'json' })) as { scope: string[] };
    first.scope.push('mcp:admin');
    expect(await kv.get(TOKEN, { type: 'json' })).toEqual({ scope: ['mcp:read'] });
  });

  it('a write or delete of the token, or of its grant, drops it; other grants stay cached', async () => {
    const store = memoryKv();
    const kv = withTokenCache(store.kv, 10_000, new TokenRecordCache());
    const other = 'token:user1:grant2:hash2';
    for (const key of [TOKEN, other]) store.values.set(key, JSON.stringify({ key }));

    await kv.get(TOKEN, 'json');
    await kv.delete(TOKEN);
    expect(await kv.get(TOKEN, 'json')).toBeNull();

    store.values.set(TOKEN, JSON.stringify({ key: TOKEN }));
    await kv.get(TOKEN, 'json');
    await kv.get(other, 'json');
    await kv.put('grant:user1:grant1', '{}');
    store.reads.length = 0;
    await kv.get(TOKEN, 'json');
    await kv.get(other, 'json');
    expect(store.reads).toEqual([TOKEN]);
  });

  it('a read that started before a revocation does not put the revoked record back', async () => {
    const store = memoryKv();
    const kv = withTokenCache(store.kv, 10_000, new TokenRecordCache());
    store.values.set(TOKEN, JSON.stringify({ id: 'hash1' }));
    const release = store.hold();
    const racing = kv.get(TOKEN, 'json'); // reads the record, held before it returns
    await kv.delete(TOKEN);
    release();
    expect(await racing).toEqual({ id: 'hash1' }); // what KV answered when asked
    expect(await kv.get(TOKEN, 'json')).toBeNull();
  });

  it('keeps nothing for unknown tokens, other keys or text reads, and at most maxEntries records', async () => {
    const store = memoryKv();
    const cache = new TokenRecordCache({ maxEntries: 2 });
    const kv = withTokenCache(store.kv, 10_000, cache);
    await kv.get('token:user1:grant1:unknown', 'json');
    store.values.set('grant:user1:grant1', '{}');
    await kv.get('grant:user1:grant1', 'json');
    store.values.set(TOKEN, '{}');
    await kv.get(TOKEN, 'text');
    expect(cache.size).toBe(0);

    for (const n of [1, 2, 3]) {
      store.values.set(`token:u:g:${n}`, '{}');
      await kv.get(`token:u:g:${n}`, 'json');
    }
    expect(cache.size).toBe(2);
    store.reads.length = 0;
    await kv.get('token:u:g:1', 'json'); // the oldest went first
    await kv.get('token:u:g:3', 'json');
    expect(store.reads).toEqual(['token:u:g:1']);
  });

  it('an interval of 0 leaves the binding as it is', () => {
    const store = memoryKv();
    expect(withTokenCache(store.kv, 0, new TokenRecordCache())).toBe(store.kv);
  });
});
