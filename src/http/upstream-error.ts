/** Who can fix a failed upstream call: the model (bad input), the user (reconnect), or nobody right now. */
export type UpstreamErrorKind = 'input' | 'auth' | 'rate_limit' | 'unavailable';

/**
 * A failed call to an upstream API (Attio, GitHub, …). Tools throw it; tool registration turns
 * it into a readable tool error naming the upstream. The message is the upstream's own, safe
 * to show; the token never appears in it.
 */
export class UpstreamError extends Error {
  override readonly name: string = 'UpstreamError';
  constructor(
    /** Shown to people: "Attio", "GitHub". */
    readonly upstream: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    kind?: UpstreamErrorKind,
  ) {
    super(message);
    this.kind = kind ?? kindOfStatus(status);
  }

  readonly kind: UpstreamErrorKind;

  /**
   * A write that got no answer or a 5xx: the upstream may or may not have made the change (only a
   * 429 is documented as "not processed"), so the caller must check before trying again.
   */
  unconfirmedWrite = false;

  asUnconfirmedWrite(): this {
    this.unconfirmedWrite = true;
    return this;
  }

  /** The upstream no longer accepts the grant's token: the grant should go. */
  get revoked(): boolean {
    return this.status === 401;
  }
}

/** The tool call was given up by its client (see `CallServices.signal`) while it used `upstream`. */
export function callCancelled(upstream: string): UpstreamError {
  return new UpstreamError(upstream, 0, 'cancelled', 'The call was cancelled.', undefined, 'unavailable');
}

function kindOfStatus(status: number): UpstreamErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status >= 500 || status === 0) return 'unavailable';
  return 'input';
}

/** `Retry-After` is an HTTP date at Attio, seconds elsewhere; RFC 9110 allows both. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
