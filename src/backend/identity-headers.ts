import type { Identity } from '../upstreams/upstream';

/**
 * The verified identity a backend MCP server receives with every request, in headers the Worker
 * sets itself: the backend's requests are made by the session, so nothing a client sent (its
 * token, or a forged `X-MCP-User-*` header) ever reaches the backend. Names and groups may hold
 * any character and headers only ASCII, so those values are percent-encoded (UTF-8).
 */
export const IDENTITY_HEADERS = {
  /** The grant's stable, opaque user id (the same as in the audit log). */
  user: 'X-MCP-User-Id',
  /** Percent-encoded only when it holds a character outside printable ASCII. */
  email: 'X-MCP-User-Email',
  /** Percent-encoded. */
  name: 'X-MCP-User-Name',
  /** Comma-separated, each percent-encoded: Access / OpenID groups. */
  groups: 'X-MCP-User-Groups',
  /** GitHub login. */
  login: 'X-MCP-User-Login',
  /** Comma-separated GitHub organisations. */
  orgs: 'X-MCP-User-Orgs',
  /** Which sign-in verified them: `access`, `github`, `attio`. */
  upstream: 'X-MCP-User-Upstream',
  /** Space-separated scopes this connection was granted. */
  scopes: 'X-MCP-User-Scopes',
} as const;

export function identityHeaders(call: {
  userId: string;
  upstream: string;
  identity: Identity;
  scopes: readonly string[];
}): Record<string, string> {
  const { identity } = call;
  const headers: Record<string, string> = {
    [IDENTITY_HEADERS.user]: call.userId,
    [IDENTITY_HEADERS.upstream]: call.upstream,
    [IDENTITY_HEADERS.scopes]: call.scopes.join(' '),
  };
  if (identity.email) headers[IDENTITY_HEADERS.email] = asciiOrEncoded(identity.email);
  if (identity.name) headers[IDENTITY_HEADERS.name] = encodeURIComponent(identity.name);
  if (identity.groups.length) headers[IDENTITY_HEADERS.groups] = identity.groups.map(encodeURIComponent).join(',');
  if (identity.login) headers[IDENTITY_HEADERS.login] = identity.login;
  if (identity.orgs.length) headers[IDENTITY_HEADERS.orgs] = identity.orgs.map(encodeURIComponent).join(',');
  return headers;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
function asciiOrEncoded(value: string): string {
  return PRINTABLE_ASCII.test(value) ? value : encodeURIComponent(value);
}
