// OAuth scopes per endpoint. Each row is one operation of Attio's OpenAPI document
// (the `security: [{ oauth2: [...] }]` block of that operation, also repeated as
// "Required scopes: …" in its description), for every /v2 route this stand-in serves.
// Derived once by reading the document's `paths.*.*.security`; re-derive when Attio's
// document changes. An Attio app's scopes are chosen at build.attio.com; every token the
// app gets carries them, and `GET /v2/self` reports them in `scope`, space-separated.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './auth.ts';
import { AttioError } from './errors.ts';
import { matchOperation } from './openapi.ts';

/** Every scope Attio's OpenAPI document declares (`components.securitySchemes.oauth2`). */
export const KNOWN_SCOPES = [
  'user_management:read',
  'user_management:read-write',
  'record_permission:read',
  'record_permission:read-write',
  'object_configuration:read',
  'object_configuration:read-write',
  'list_entry:read',
  'list_entry:read-write',
  'list_configuration:read',
  'list_configuration:read-write',
  'public_collection:read',
  'public_collection:read-write',
  'private_collection:read',
  'private_collection:read-write',
  'comment:read',
  'comment:read-write',
  'task:read',
  'task:read-write',
  'note:read',
  'note:read-write',
  'meeting:read',
  'meeting:read-write',
  'call_recording:read',
  'call_recording:read-write',
  'webhook:read',
  'webhook:read-write',
  'file:read',
  'file:read-write',
  'scim_management:read',
  'scim_management:read-write',
] as const;

/** What the stand-in's app is configured with by default: enough for every route it serves. */
export const DEFAULT_SCOPES: readonly string[] = [
  'record_permission:read-write',
  'object_configuration:read',
  'list_entry:read-write',
  'list_configuration:read',
  'note:read-write',
  'task:read-write',
  'user_management:read',
  'comment:read-write',
  'meeting:read',
  'call_recording:read',
];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** [method, path template, required scopes] from Attio's OpenAPI `security` blocks. */
export const ROUTE_SCOPES: readonly (readonly [Method, string, readonly string[]])[] = [
  ['GET', '/v2/workspace_members', ['user_management:read']],
  ['GET', '/v2/workspace_members/{workspace_member_id}', ['user_management:read']],
  ['GET', '/v2/objects', ['object_configuration:read']],
  ['GET', '/v2/objects/{object}', ['object_configuration:read']],
  ['GET', '/v2/{target}/{identifier}/attributes', ['object_configuration:read']],
  ['GET', '/v2/{target}/{identifier}/attributes/{attribute}', ['object_configuration:read']],
  ['GET', '/v2/{target}/{identifier}/attributes/{attribute}/options', ['object_configuration:read']],
  ['GET', '/v2/{target}/{identifier}/attributes/{attribute}/statuses', ['object_configuration:read']],
  ['POST', '/v2/objects/{object}/records/query', ['record_permission:read', 'object_configuration:read']],
  ['POST', '/v2/objects/records/search', ['record_permission:read', 'object_configuration:read']],
  ['POST', '/v2/objects/{object}/records', ['record_permission:read-write', 'object_configuration:read']],
  ['PUT', '/v2/objects/{object}/records', ['record_permission:read-write', 'object_configuration:read']],
  ['GET', '/v2/objects/{object}/records/{record_id}', ['record_permission:read', 'object_configuration:read']],
  ['PATCH', '/v2/objects/{object}/records/{record_id}', ['record_permission:read-write', 'object_configuration:read']],
  ['PUT', '/v2/objects/{object}/records/{record_id}', ['record_permission:read-write', 'object_configuration:read']],
  ['DELETE', '/v2/objects/{object}/records/{record_id}', ['object_configuration:read', 'record_permission:read-write']],
  [
    'GET',
    '/v2/objects/{object}/records/{record_id}/attributes/{attribute}/values',
    ['record_permission:read', 'object_configuration:read'],
  ],
  [
    'GET',
    '/v2/objects/{object}/records/{record_id}/entries',
    ['record_permission:read', 'object_configuration:read', 'list_entry:read'],
  ],
  ['GET', '/v2/lists', ['list_configuration:read']],
  ['GET', '/v2/lists/{list}', ['list_configuration:read']],
  ['GET', '/v2/lists/{list}/views', ['list_configuration:read']],
  ['POST', '/v2/lists/{list}/entries/query', ['list_entry:read', 'list_configuration:read']],
  ['POST', '/v2/lists/{list}/entries', ['list_entry:read-write', 'list_configuration:read']],
  ['PUT', '/v2/lists/{list}/entries', ['list_entry:read-write', 'list_configuration:read']],
  ['GET', '/v2/lists/{list}/entries/{entry_id}', ['list_entry:read', 'list_configuration:read']],
  ['PATCH', '/v2/lists/{list}/entries/{entry_id}', ['list_entry:read-write', 'list_configuration:read']],
  ['PUT', '/v2/lists/{list}/entries/{entry_id}', ['list_entry:read-write', 'list_configuration:read']],
  ['DELETE', '/v2/lists/{list}/entries/{entry_id}', ['list_entry:read-write', 'list_configuration:read']],
  [
    'GET',
    '/v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values',
    ['list_entry:read', 'list_configuration:read'],
  ],
  ['GET', '/v2/notes', ['note:read', 'object_configuration:read', 'record_permission:read']],
  ['POST', '/v2/notes', ['note:read-write', 'object_configuration:read', 'record_permission:read']],
  ['GET', '/v2/notes/{note_id}', ['note:read', 'object_configuration:read', 'record_permission:read']],
  ['DELETE', '/v2/notes/{note_id}', ['note:read-write']],
  ['GET', '/v2/tasks', ['task:read', 'object_configuration:read', 'record_permission:read', 'user_management:read']],
  [
    'POST',
    '/v2/tasks',
    ['task:read-write', 'object_configuration:read', 'record_permission:read', 'user_management:read'],
  ],
  [
    'GET',
    '/v2/tasks/{task_id}',
    ['task:read', 'object_configuration:read', 'record_permission:read', 'user_management:read'],
  ],
  [
    'PATCH',
    '/v2/tasks/{task_id}',
    ['task:read-write', 'object_configuration:read', 'record_permission:read', 'user_management:read'],
  ],
  ['DELETE', '/v2/tasks/{task_id}', ['task:read-write']],
  // Threads and comments also need the scopes of what they are on (checked in comments.ts).
  ['GET', '/v2/threads', ['comment:read']],
  ['GET', '/v2/threads/{thread_id}', ['comment:read']],
  ['POST', '/v2/comments', ['comment:read-write']],
  ['GET', '/v2/comments/{comment_id}', ['comment:read']],
  ['GET', '/v2/meetings', ['meeting:read', 'record_permission:read']],
  ['GET', '/v2/meetings/{meeting_id}', ['meeting:read', 'record_permission:read']],
  ['GET', '/v2/meetings/{meeting_id}/call_recordings', ['meeting:read', 'call_recording:read']],
  ['GET', '/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}', ['meeting:read', 'call_recording:read']],
  [
    'GET',
    '/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript',
    ['meeting:read', 'call_recording:read'],
  ],
  ['GET', '/v2/self', []],
];

const SCOPES_BY_OPERATION = new Map(
  ROUTE_SCOPES.map(([method, template, scopes]) => [`${method} ${template}`, scopes]),
);

/**
 * The attribute routes serve objects and lists (`{target}`). Their `security` blocks name only
 * `object_configuration:read`, but the operations' descriptions (attio-ts-sdk 2.3.0, docs page
 * "Get an attribute") say: "When `target` is `lists`, the required scopes are
 * `list_configuration:read`."
 */
const LIST_ATTRIBUTE_SCOPES: readonly string[] = ['list_configuration:read'];

/** The scopes an operation needs, or undefined for a path the table does not know (it 404s). */
export function requiredScopes(method: string, path: string): readonly string[] | undefined {
  const match = matchOperation(method, path);
  if (match?.operation.template.startsWith('/v2/{target}/') && path.split('/')[2] === 'lists') {
    return LIST_ATTRIBUTE_SCOPES;
  }
  return match && SCOPES_BY_OPERATION.get(`${match.operation.method} ${match.operation.template}`);
}

/** `x:read` is satisfied by `x:read` or `x:read-write` ("View, and optionally write"). */
export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  return required.endsWith(':read') && granted.includes(`${required}-write`);
}

export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((scope) => !hasScope(granted, scope));
}

/**
 * 403 for a token without the scopes of the operation. Attio's document declares no body for
 * this case (its only documented 403s are `auth_error` with `billing_error`/`quota_exceeded`), so
 * the stand-in answers in the same envelope: `auth_error`, code `missing_scopes`, the scopes named.
 */
export function missingScopesError(missing: readonly string[]): AttioError {
  const list = missing.join(', ');
  return new AttioError(
    403,
    'auth_error',
    'missing_scopes',
    `The access token is missing the scope${missing.length === 1 ? '' : 's'} this endpoint requires: ${list}. Add ${missing.length === 1 ? 'it' : 'them'} to the app's scopes and authorize again.`,
  );
}

/** After the token check: refuses a request whose token lacks the operation's scopes. */
export function requireScopes(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = c.get('token');
    const required = requiredScopes(c.req.method, c.req.path);
    if (token && required && required.length > 0) {
      const missing = missingScopes(token.scopes, required);
      if (missing.length > 0) throw missingScopesError(missing);
    }
    return next();
  };
}
