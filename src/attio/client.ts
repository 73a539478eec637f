import type { z } from 'zod';
import { AttioError, AttioErrorBody } from './errors';
import { RecordSearchResponse, RecordsResponse, SelfResponse, WorkspaceMemberResponse } from './schemas';

export interface AttioClientOptions {
  apiUrl: string;
  token: string;
  /** Retries after a 429 or a 5xx before giving up; each waits as Attio's `Retry-After` says, capped. */
  maxRetries?: number;
  /** Longest single wait for a retry, in milliseconds. */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_DELAY_MS = 5_000;

/**
 * A small typed client for Attio's REST API v2. Every response is parsed with a zod schema
 * before use; every failure is an `AttioError`. The token never appears in an error message.
 */
export class AttioClient {
  readonly #apiUrl: string;
  readonly #token: string;
  readonly #maxRetries: number;
  readonly #maxRetryDelayMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: AttioClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** `GET /v2/self`: the token's workspace and the member who authorized it. */
  self() {
    return this.request('GET', '/v2/self', SelfResponse);
  }

  workspaceMember(memberId: string) {
    return this.request('GET', `/v2/workspace_members/${encodeURIComponent(memberId)}`, WorkspaceMemberResponse);
  }

  /** `POST /v2/objects/records/search`: fuzzy search by name, domain, email… (Attio: limit ≤ 25). */
  searchRecords(body: { query: string; objects: string[]; limit: number }) {
    return this.request('POST', '/v2/objects/records/search', RecordSearchResponse, {
      ...body,
      request_as: { type: 'workspace' },
    });
  }

  /** `POST /v2/objects/{object}/records/query` with Attio's filter language. */
  queryRecords(object: string, body: { filter?: unknown; sorts?: unknown; limit?: number; offset?: number }) {
    return this.request('POST', `/v2/objects/${encodeURIComponent(object)}/records/query`, RecordsResponse, body);
  }

  async request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.#fetch(`${this.#apiUrl}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${this.#token}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch {
        if (attempt < this.#maxRetries) {
          await sleep(backoff(attempt, this.#maxRetryDelayMs));
          continue;
        }
        throw new AttioError(0, 'network_error', 'unreachable', 'Attio could not be reached.');
      }
      if (response.ok) {
        const parsed = schema.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) {
          throw new AttioError(
            502,
            'invalid_response',
            'unexpected_shape',
            `Attio answered ${method} ${path} in an unexpected shape.`,
          );
        }
        return parsed.data;
      }
      const error = await toAttioError(response);
      const retryable = error.status === 429 || error.status >= 500;
      if (retryable && attempt < this.#maxRetries) {
        const wait =
          error.retryAfterSeconds !== undefined
            ? error.retryAfterSeconds * 1000
            : backoff(attempt, this.#maxRetryDelayMs);
        if (wait <= this.#maxRetryDelayMs) {
          await sleep(wait);
          continue;
        }
      }
      throw error;
    }
  }
}

async function toAttioError(response: Response): Promise<AttioError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  const parsed = AttioErrorBody.safeParse(await response.json().catch(() => undefined));
  if (parsed.success) {
    const { type, code, message } = parsed.data;
    return new AttioError(response.status, type, code, message, retryAfterSeconds);
  }
  return new AttioError(
    response.status,
    'http_error',
    String(response.status),
    `Attio answered HTTP ${response.status}.`,
    retryAfterSeconds,
  );
}

/** `Retry-After` is an HTTP date at Attio, but seconds are allowed by RFC 9110 too. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function backoff(attempt: number, cap: number): number {
  return Math.min(cap, 250 * 2 ** attempt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
