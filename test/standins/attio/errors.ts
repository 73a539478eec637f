// Attio's error envelope: { status_code, type, code, message, validation_errors? }.
import type { ZodError } from 'zod';
import { describeType, isPlainObject } from './util.ts';

export type AttioErrorType = 'invalid_request_error' | 'auth_error' | 'rate_limit_error' | 'api_error';

export interface ValidationIssue {
  code: string;
  path: (string | number)[];
  message: string;
  expected?: string;
  received?: string;
}

export class AttioError extends Error {
  readonly status: number;
  readonly type: AttioErrorType;
  readonly code: string;
  readonly validationErrors: ValidationIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: AttioErrorType,
    code: string,
    message: string,
    validationErrors?: ValidationIssue[],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AttioError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.validationErrors = validationErrors;
    this.headers = headers;
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      status_code: this.status,
      type: this.type,
      code: this.code,
      message: this.message,
    };
    if (this.validationErrors) body.validation_errors = this.validationErrors;
    return body;
  }

  toResponse(): Response {
    return jsonResponse(this.toBody(), this.status, this.headers);
  }
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function notFound(message: string): AttioError {
  return new AttioError(404, 'invalid_request_error', 'not_found', message);
}

export function validationError(message: string, issues?: ValidationIssue[]): AttioError {
  return new AttioError(400, 'invalid_request_error', 'validation_type', message, issues);
}

export function valueNotFound(message: string): AttioError {
  return new AttioError(400, 'invalid_request_error', 'value_not_found', message);
}

export function filterError(message: string): AttioError {
  return new AttioError(400, 'invalid_request_error', 'filter_error', message);
}

export function missingValue(message: string): AttioError {
  return new AttioError(400, 'invalid_request_error', 'missing_value', message);
}

export function unauthorized(message: string): AttioError {
  return new AttioError(401, 'auth_error', 'unauthorized', message);
}

export function invalidAttributeValue(slug: string, issues: ValidationIssue[]): AttioError {
  return validationError(`An invalid value was passed to attribute with slug "${slug}".`, issues);
}

export function endpointNotFound(method: string, path: string): AttioError {
  return notFound(`Could not find endpoint "${method} ${path}".`);
}

function valueAtPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isPlainObject(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}

/** Maps zod issues to Attio's `validation_errors` entries ("Body payload validation error."). */
export function zodToAttioError(
  error: ZodError,
  input: unknown,
  message = 'Body payload validation error.',
): AttioError {
  const issues: ValidationIssue[] = error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
    const received = describeType(valueAtPath(input, path));
    const out: ValidationIssue = {
      code: issue.code,
      path,
      message: received === 'undefined' ? 'Required' : issue.message,
    };
    if (issue.code === 'invalid_type') {
      out.expected = String(issue.expected);
      out.received = received;
    }
    return out;
  });
  return validationError(message, issues);
}
