// Search is eventually consistent: "results returned from this endpoint are eventually consistent.
// For results which are guaranteed to be up to date, please use the record query endpoint instead"
// (OpenAPI POST /v2/objects/records/search). The stand-in hides a record from search until
// `ms` milliseconds after it was created or after one of its searched values (name, domains,
// email addresses, phone numbers) last changed. Default 1000 ms; 0 turns the lag off.
//   POST /_standin/search-delay { ms }  → { ms }      GET /_standin/search-delay → { ms }
import type { Hono } from 'hono';
import { z } from 'zod';
import { AttioError, jsonResponse } from './errors.ts';

export const DEFAULT_SEARCH_DELAY_MS = 1000;

export class SearchDelay {
  ms: number;

  constructor(ms: number = DEFAULT_SEARCH_DELAY_MS) {
    this.ms = SearchDelay.check(ms);
  }

  static check(ms: number): number {
    if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
      throw new Error(`search delay must be an integer number of milliseconds in 0..600000, got ${ms}`);
    }
    return ms;
  }

  /** From an environment variable's text; empty or absent → the default. */
  static fromEnv(raw: string | undefined): number {
    if (raw === undefined || raw.trim() === '') return DEFAULT_SEARCH_DELAY_MS;
    return SearchDelay.check(Number(raw));
  }
}

const bodySchema = z.object({ ms: z.number().int().min(0).max(600_000) });

export function registerSearchDelayRoutes(app: Hono, delay: SearchDelay): void {
  app.get('/_standin/search-delay', () => jsonResponse({ ms: delay.ms }));
  app.post('/_standin/search-delay', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      raw = undefined;
    }
    const parsed = bodySchema.safeParse(raw);
    if (!parsed.success) {
      return new AttioError(
        400,
        'invalid_request_error',
        'validation_type',
        'Body must be { "ms": integer 0..600000 }.',
      ).toResponse();
    }
    delay.ms = parsed.data.ms;
    return jsonResponse({ ms: delay.ms });
  });
}
