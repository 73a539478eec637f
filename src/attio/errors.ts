import { z } from 'zod';

/** Attio's error body, `{ status_code, type, code, message }` on every non-2xx answer. */
export const AttioErrorBody = z.object({
  status_code: z.number(),
  type: z.string(),
  code: z.string(),
  message: z.string(),
});

/**
 * A failed Attio call. `kind` says who can fix it: the model (bad input), the user
 * (reconnect), or nobody right now (rate limit, outage).
 */
export class AttioError extends Error {
  override readonly name = 'AttioError';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get kind(): 'input' | 'auth' | 'rate_limit' | 'unavailable' {
    if (this.status === 401 || this.status === 403) return 'auth';
    if (this.status === 429) return 'rate_limit';
    if (this.status >= 500 || this.status === 0) return 'unavailable';
    return 'input';
  }
}
