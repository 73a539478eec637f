import type { z } from 'zod';
import { callCancelled, UpstreamError } from './upstream-error';

export interface RetryPolicy {
  /**
   * Retries before giving up: after a rate limit for every request, and after a 5xx, a timeout or
   * a dropped connection for reads only. Each waits as the upstream says, capped.
   */
  maxRetries: number;
  /** Longest single wait, in milliseconds: a longer `Retry-After` is reported, not waited out. */
  maxRetryDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, maxRetryDelayMs: 5_000 };
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface JsonRequest<T> {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  schema: z.ZodType<T>;
  /**
   * A request that changes nothing (default: GET and HEAD; a POST query or search says so). Only a
   * read is retried after a 5xx or no answer: a write may have been made, and a second attempt
   * could make it twice. A 429 is retried for both: the upstream did not process the request.
   */
  read?: boolean;
}

export interface UpstreamApi {
  /** Shown to people in errors: "Attio". */
  name: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Longest wait for one attempt; a slower answer counts as the upstream not answering. */
  timeoutMs: number;
  /**
   * The tool call's cancellation (the client gave it up): the request in flight is aborted, no
   * retry follows, and the call fails with `cancelled`.
   */
  signal?: AbortSignal;
  /** The upstream's error for a non-2xx answer, from its error body and headers. */
  toError(response: Response): Promise<UpstreamError>;
}

/**
 * One JSON request to an upstream API, the same way for every upstream: parse the answer with a
 * zod schema, retry within a bound honouring `Retry-After` (rate limits always; 5xx and no answer
 * only for reads), stop when the call is cancelled, and turn every failure into an `UpstreamError`.
 */
export async function requestJson<T>(api: UpstreamApi, request: JsonRequest<T>): Promise<T> {
  const path = new URL(request.url).pathname;
  const read = request.read ?? (request.method === 'GET' || request.method === 'HEAD');
  const cancelled = api.signal;
  for (let attempt = 0; ; attempt++) {
    // Before an attempt nothing of it was sent: a write cancelled here was not made.
    if (cancelled?.aborted) throw cancelledError(api.name, true);
    const retriesLeft = attempt < api.retry.maxRetries;
    let response: Response;
    let timedOut = false;
    try {
      const timeout = AbortSignal.timeout(api.timeoutMs);
      timeout.addEventListener('abort', () => {
        timedOut = true;
      });
      response = await api.fetch(request.url, {
        signal: cancelled ? AbortSignal.any([timeout, cancelled]) : timeout,
        method: request.method,
        headers: {
          Accept: 'application/json',
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch {
      if (cancelled?.aborted) throw cancelledError(api.name, read);
      if (read && retriesLeft) {
        await sleep(backoff(attempt, api.retry.maxRetryDelayMs), cancelled);
        continue;
      }
      const error = timedOut
        ? new UpstreamError(api.name, 0, 'timeout', `${api.name} did not answer within ${api.timeoutMs / 1000} s.`)
        : new UpstreamError(api.name, 0, 'unreachable', `${api.name} could not be reached.`);
      throw read ? error : error.asUnconfirmedWrite();
    }
    if (response.ok) {
      const body: unknown = await response.json().catch(() => undefined);
      if (body === undefined && cancelled?.aborted) throw cancelledError(api.name, read);
      const parsed = request.schema.safeParse(body);
      if (!parsed.success) {
        // Which fields broke the contract (paths only, never values), so an operator can see the API changed.
        console.warn(
          JSON.stringify({
            event: 'upstream_unexpected_shape',
            upstream: api.name,
            method: request.method,
            path,
            issues: parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.')),
          }),
        );
        throw new UpstreamError(
          api.name,
          502,
          'unexpected_shape',
          `${api.name} answered ${request.method} ${path} in an unexpected shape.`,
        );
      }
      return parsed.data;
    }
    const error = await api.toError(response);
    const retryable = error.kind === 'rate_limit' || (read && error.kind === 'unavailable');
    if (retryable && retriesLeft) {
      const wait =
        error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : backoff(attempt, api.retry.maxRetryDelayMs);
      if (wait <= api.retry.maxRetryDelayMs) {
        await sleep(wait, cancelled);
        continue;
      }
    }
    throw !read && error.kind === 'unavailable' ? error.asUnconfirmedWrite() : error;
  }
}

/**
 * One path segment from a value a tool passes: percent-encoded, and refused when it is empty,
 * `.` or `..`, which encoding leaves as they are and URL parsing then resolves, so an id of `..`
 * would address another endpoint (`PATCH /v2/objects/companies/records/..` is `PATCH
 * /v2/objects/companies/`). Tools validate ids for what they are; this holds whatever they pass.
 */
export function pathSegment(upstream: string, value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new UpstreamError(
      upstream,
      400,
      'invalid_path_segment',
      `"${value}" is not a valid id or name.`,
      undefined,
      'input',
    );
  }
  return encodeURIComponent(value);
}

function backoff(attempt: number, cap: number): number {
  return Math.min(cap, 250 * 2 ** attempt);
}

/** Waits `ms`, or less when `signal` aborts (the loop then stops before its next attempt). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** `notAWrite`: a read, or nothing sent yet; otherwise the write may have been made. */
function cancelledError(upstream: string, notAWrite: boolean): UpstreamError {
  const error = callCancelled(upstream);
  return notAWrite ? error : error.asUnconfirmedWrite();
}
