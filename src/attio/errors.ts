import { z } from 'zod';
import { parseRetryAfter, UpstreamError } from '../http/upstream-error';

/** Attio's error body, `{ status_code, type, code, message }` on every non-2xx answer. */
export const AttioErrorBody = z.object({
  status_code: z.number(),
  type: z.string(),
  code: z.string(),
  message: z.string(),
});

/** A failed Attio call; `kind` says who can fix it (see `UpstreamError`). */
export class AttioError extends UpstreamError {
  override readonly name = 'AttioError';
  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super('Attio', status, code, message, retryAfterSeconds);
  }
}

export async function toAttioError(response: Response): Promise<AttioError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  const parsed = AttioErrorBody.safeParse(await response.json().catch(() => undefined));
  return parsed.success
    ? new AttioError(response.status, parsed.data.code, parsed.data.message, retryAfterSeconds)
    : new AttioError(
        response.status,
        String(response.status),
        `Attio answered HTTP ${response.status}.`,
        retryAfterSeconds,
      );
}
