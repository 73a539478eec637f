// Request helpers shared by the /v2 route modules.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './auth.ts';
import { validationError, zodToAttioError } from './errors.ts';
import type { WriteContext } from './model.ts';
import type { Store } from './store.ts';
import { nowTimestamp } from './util.ts';

/** What route modules need: the store of the request's workspace (the token's; replaced by /_standin/reset). */
export interface RouteDeps {
  store: (c: Context<AppEnv>) => Store;
  appIdOf: (clientId: string) => string;
  /** How long a new or changed record stays out of search results (ms); absent = 0. */
  searchDelayMs?: () => number;
}

export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw validationError('Could not parse the request body as JSON.');
  }
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw zodToAttioError(result.error, input);
  return result.data;
}

export async function parseBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c));
}

/** Writes made with an OAuth token are attributed to the app. */
export function writeContext(c: Context<AppEnv>, deps: RouteDeps): WriteContext {
  const token = c.get('token');
  return { now: nowTimestamp(), actor: { type: 'app', id: deps.appIdOf(token.clientId) } };
}

/** A path parameter (for routes whose pattern is built at runtime, so Hono cannot type it). */
export function param(c: Context<AppEnv>, name: string): string {
  const value = c.req.param(name);
  if (typeof value !== 'string') throw new Error(`missing path parameter ${name}`);
  return value;
}

export function queryInt(
  c: Context<AppEnv>,
  name: string,
  options: { fallback: number; min: number; max?: number },
): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return options.fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < options.min || (options.max !== undefined && value > options.max)) {
    const range = options.max === undefined ? `>= ${options.min}` : `between ${options.min} and ${options.max}`;
    throw validationError(`Query parameter validation error: "${name}" must be an integer ${range}.`, [
      {
        code: 'invalid_type',
        path: [name],
        message: `Expected an integer ${range}`,
        expected: 'number',
        received: raw,
      },
    ]);
  }
  return value;
}

export function queryBool(c: Context<AppEnv>, name: string): boolean | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw validationError(`Query parameter validation error: "${name}" must be "true" or "false".`);
}

export function paginate<T>(items: T[], offset: number, limit: number): T[] {
  return items.slice(offset, offset + limit);
}
