// Attio's v2 operations, read from attio-ts-sdk: its zod schemas are generated from
// Attio's published OpenAPI document, but the package exports only the operation
// functions, not the schemas. Each operation function hands its HTTP method, URL
// template and request/response validators to `options.client`, so calling it with a
// recording client yields them through the public API. SCIM operations are left out.
import * as attioSdk from 'attio-ts-sdk';
import type { MiddlewareHandler } from 'hono';
import { ZodError } from 'zod';
import type { AppEnv } from './auth.ts';
import { zodToAttioError } from './errors.ts';
import { readJson } from './http.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a request validator checks: the JSON body, the path parameters and the query. */
export interface RequestParts {
  body?: unknown;
  path?: Record<string, string>;
  query?: Record<string, unknown>;
}

export interface AttioOperation {
  /** The SDK's function name, e.g. `postV2ObjectsByObjectRecordsQuery`. */
  name: string;
  method: HttpMethod;
  /** e.g. `/v2/objects/{object}/records/query`. */
  template: string;
  /** Resolves to the parsed parts; rejects with a ZodError. */
  validateRequest: (parts: RequestParts) => Promise<unknown>;
  /** Validates a 2xx body; rejects with a ZodError. */
  validateResponse: (body: unknown) => Promise<unknown>;
}

export interface OperationMatch {
  operation: AttioOperation;
  /** Decoded path parameters, keyed by the template's names. */
  params: Record<string, string>;
}

type Validator = (data: unknown) => Promise<unknown>;
type Segment = { literal: string } | { param: string };
interface CompiledOperation {
  operation: AttioOperation;
  segments: Segment[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function isFunction(value: unknown): value is (options: { client: unknown }) => unknown {
  return typeof value === 'function';
}

function isValidator(value: unknown): value is Validator {
  return typeof value === 'function';
}

/** A client whose methods return the request options an operation passes them. */
const recordingClient = Object.fromEntries(
  METHODS.map((method) => [method, (options: object) => ({ ...options, method: method.toUpperCase() })]),
);

function isMethod(value: unknown): value is HttpMethod {
  return METHODS.some((method) => method.toUpperCase() === value);
}

function readOperation(name: string, fn: (options: { client: unknown }) => unknown): AttioOperation | undefined {
  const captured: unknown = fn({ client: recordingClient });
  if (typeof captured !== 'object' || captured === null) return undefined;
  const { method, url, requestValidator, responseValidator } = captured as Record<string, unknown>;
  if (typeof url !== 'string' || !url.startsWith('/v2/') || !isMethod(method)) return undefined;
  const noValidation: Validator = async (data) => data;
  return {
    name,
    method,
    template: url,
    validateRequest: isValidator(requestValidator) ? requestValidator : noValidation,
    validateResponse: isValidator(responseValidator) ? responseValidator : noValidation,
  };
}

function compile(operation: AttioOperation): CompiledOperation {
  const segments = operation.template
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const param = /^\{(.+)\}$/.exec(part)?.[1];
      return param === undefined ? { literal: part } : { param };
    });
  return { operation, segments };
}

/** Every /v2 operation attio-ts-sdk exports (SCIM excluded). */
export const ATTIO_OPERATIONS: readonly AttioOperation[] = Object.entries(attioSdk)
  .filter(([name]) => /^(get|post|put|patch|delete)V2[A-Z]/.test(name))
  .map(([name, fn]) => (isFunction(fn) ? readOperation(name, fn) : undefined))
  .filter((op): op is AttioOperation => op !== undefined);

const COMPILED = ATTIO_OPERATIONS.map(compile);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Literal segments win over parameters, earliest segment first (`/objects/records/search` over `/objects/{object}/…`). */
function moreSpecific(a: Segment[], b: Segment[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const aLiteral = 'literal' in (a[i] ?? {});
    const bLiteral = 'literal' in (b[i] ?? {});
    if (aLiteral !== bLiteral) return aLiteral;
  }
  return false;
}

/** The operation serving `method path` (a concrete path such as `/v2/objects/people/records/query`), if any. */
export function matchOperation(method: string, path: string): OperationMatch | undefined {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  let best: { compiled: CompiledOperation; params: Record<string, string> } | undefined;
  for (const compiled of COMPILED) {
    if (compiled.operation.method !== method.toUpperCase() || compiled.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = compiled.segments.every((segment, i) => {
      const part = parts[i] ?? '';
      if ('literal' in segment) return segment.literal === part;
      params[segment.param] = decode(part);
      return part !== '';
    });
    if (matches && (!best || moreSpecific(compiled.segments, best.compiled.segments))) best = { compiled, params };
  }
  return best && { operation: best.compiled.operation, params: best.params };
}

/** The operation with that method and URL template (e.g. `GET /v2/objects/{object}`), for tests. */
export function operationFor(method: HttpMethod, template: string): AttioOperation | undefined {
  return ATTIO_OPERATIONS.find((op) => op.method === method && op.template === template);
}

// ---- request validation ------------------------------------------------------

type Part = 'body' | 'path' | 'query';

const MESSAGES: Record<Part, string> = {
  body: 'Body payload validation error.',
  query: 'Query parameter validation error.',
  path: 'Path parameter validation error.',
};

/** A query string value as a schema wanting a number, boolean or null would take it. */
function coerce(raw: unknown): unknown {
  if (Array.isArray(raw)) return raw.map(coerce);
  if (typeof raw !== 'string') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/**
 * Attio's schema types each entry of `values` / `entry_values` as an array, but its own
 * description of them (and its example) says "a single value (for single-select
 * attributes), or an array of values": a single value is checked as a one-element array.
 */
function withValueArrays(body: unknown): unknown {
  if (!isRecord(body) || !isRecord(body.data)) return body;
  const data: Record<string, unknown> = { ...body.data };
  for (const key of ['values', 'entry_values']) {
    const values = data[key];
    if (!isRecord(values)) continue;
    data[key] = Object.fromEntries(
      Object.entries(values).map(([slug, value]) => [slug, Array.isArray(value) ? value : [value]]),
    );
  }
  return { ...body, data };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function issuesOf(operation: AttioOperation, parts: RequestParts): Promise<ZodError | undefined> {
  try {
    await operation.validateRequest(parts);
    return undefined;
  } catch (error) {
    if (error instanceof ZodError) return error;
    throw error;
  }
}

/**
 * Validates a request against its operation's request schema. Query values arrive as
 * strings: a key the schema rejects is tried again coerced ("10" → 10, "true" → true).
 * Unknown query parameters are ignored, as zod objects ignore unknown keys.
 */
export async function checkRequest(
  operation: AttioOperation,
  parts: RequestParts,
): Promise<{ part: Part; error: ZodError; input: unknown } | undefined> {
  let current = { ...parts, body: withValueArrays(parts.body) };
  let error = await issuesOf(operation, current);
  if (error && current.query) {
    const failing = new Set(
      error.issues.filter((i) => i.path[0] === 'query' && i.path.length > 1).map((i) => String(i.path[1])),
    );
    const query = Object.fromEntries(
      Object.entries(current.query).map(([key, value]) => [key, failing.has(key) ? coerce(value) : value]),
    );
    // An operation that takes no query parameters rejects the query as a whole: ignore it.
    const rejectsAll = error.issues.some((i) => i.path.length === 1 && i.path[0] === 'query');
    current = { ...current, query: rejectsAll ? undefined : query };
    error = await issuesOf(operation, current);
  }
  if (!error) return undefined;
  const first = error.issues[0]?.path[0];
  const part: Part = first === 'path' || first === 'query' ? first : 'body';
  const issues = error.issues.filter((i) => i.path[0] === part).map((i) => ({ ...i, path: i.path.slice(1) }));
  return { part, error: new ZodError(issues), input: current[part] };
}

/**
 * Holds every /v2 request that names an Attio operation to that operation's request
 * schema (body, path and query), answering Attio's 400 `validation_type` error on a
 * mismatch. Requests for no operation pass on to the routes (and their 404).
 */
export function openApiRequestValidation(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = matchOperation(c.req.method, c.req.path);
    if (!match) return next();
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'DELETE' && c.req.method !== 'HEAD';
    const queries = c.req.queries();
    const query = Object.fromEntries(
      Object.entries(queries).map(([key, values]) => [key, values.length === 1 ? values[0] : values]),
    );
    const parts: RequestParts = {
      body: hasBody ? await readJson(c) : undefined,
      path: Object.keys(match.params).length > 0 ? match.params : undefined,
      query: Object.keys(query).length > 0 ? query : undefined,
    };
    const failure = await checkRequest(match.operation, parts);
    if (failure) throw zodToAttioError(failure.error, failure.input, MESSAGES[failure.part]);
    return next();
  };
}
