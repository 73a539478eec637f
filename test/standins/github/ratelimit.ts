// Primary rate limit bookkeeping for the x-ratelimit-* headers: per user (or the
// anonymous caller) and resource, in GitHub's windows. Counted, never enforced:
// a test that wants an exhausted limit injects a 403/429 fault instead.

export type RateResource = 'core' | 'search';

export interface RateStatus {
  limit: number;
  remaining: number;
  used: number;
  /** UTC epoch seconds. */
  reset: number;
  resource: RateResource;
}

const LIMITS: Record<RateResource, { authenticated: number; anonymous: number; windowSeconds: number }> = {
  core: { authenticated: 5000, anonymous: 60, windowSeconds: 3600 },
  search: { authenticated: 30, anonymous: 10, windowSeconds: 60 },
};

export function resourceFor(path: string): RateResource {
  return path.startsWith('/search/') ? 'search' : 'core';
}

export class RateLimits {
  readonly #buckets = new Map<string, { used: number; resetAt: number }>();
  now: () => number = () => Date.now();

  #bucket(caller: number | null, resource: RateResource): { used: number; resetAt: number } {
    const key = `${caller ?? 'anonymous'}:${resource}`;
    const nowSeconds = Math.floor(this.now() / 1000);
    let bucket = this.#buckets.get(key);
    if (!bucket || bucket.resetAt <= nowSeconds) {
      bucket = { used: 0, resetAt: nowSeconds + LIMITS[resource].windowSeconds };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** The status without counting a request (GET /rate_limit). */
  peek(caller: number | null, resource: RateResource): RateStatus {
    const bucket = this.#bucket(caller, resource);
    const limit = caller === null ? LIMITS[resource].anonymous : LIMITS[resource].authenticated;
    return {
      limit,
      remaining: Math.max(0, limit - bucket.used),
      used: bucket.used,
      reset: bucket.resetAt,
      resource,
    };
  }

  /** Counts one request and returns the status after it. */
  hit(caller: number | null, resource: RateResource): RateStatus {
    this.#bucket(caller, resource).used += 1;
    return this.peek(caller, resource);
  }

  clear(): void {
    this.#buckets.clear();
  }
}

export function rateHeaders(status: RateStatus): Record<string, string> {
  return {
    'x-ratelimit-limit': String(status.limit),
    'x-ratelimit-remaining': String(status.remaining),
    'x-ratelimit-reset': String(status.reset),
    'x-ratelimit-used': String(status.used),
    'x-ratelimit-resource': status.resource,
  };
}
