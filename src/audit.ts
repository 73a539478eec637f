/**
 * The audit log: one JSON line per security-relevant event, on the Worker's log (Workers Logs
 * indexes JSON fields). Fields are ids and outcomes only — the types below have no place for a
 * token, a secret or a person's data. `user` is the grant's opaque user id (a hash, never the
 * upstream's id or email); `client` is the OAuth client id.
 *
 * | event               | when                                                  | fields                              |
 * | ------------------- | ----------------------------------------------------- | ----------------------------------- |
 * | `sign_in`           | a grant was made after consent and upstream sign-in   | upstream, user, client, scopes      |
 * | `sign_in_refused`   | our policy (allowlists) or the provider refused       | upstream, reason, status            |
 * | `consent_denied`    | the person pressed Deny on the consent page           | client                              |
 * | `upstream_denied`   | the provider redirected back with an error            | upstream, client                    |
 * | `grant_revoked`     | the upstream no longer accepts the grant's token      | upstream, user, reason              |
 * | `token_revocation`  | a client revoked a token (RFC 7009)                   | client, status                      |
 * | `tool_call`         | an MCP tool ran                                       | user, client, tool, outcome, ms     |
 * | `rate_limited`      | a request was refused by a rate limit                 | limiter, path                       |
 * | `origin_refused`    | a web page on a foreign origin called /mcp            | path, origin                        |
 */
export type AuditEvent =
  | { event: 'sign_in'; upstream: string; user: string; client: string; scopes: string[] }
  | { event: 'sign_in_refused'; upstream: string; reason: 'policy' | 'provider'; status: number }
  | { event: 'consent_denied'; client: string }
  | { event: 'upstream_denied'; upstream: string; client: string }
  | { event: 'grant_revoked'; upstream: string; user: string; reason: 'upstream_unauthorized' | 'refresh_refused' }
  | { event: 'token_revocation'; client: string; status: number }
  | {
      event: 'tool_call';
      user: string;
      client: string;
      tool: string;
      outcome: ToolCallOutcome;
      ms: number;
    }
  | { event: 'rate_limited'; limiter: 'mcp_user' | 'mcp_client' | 'oauth' | 'oauth_address'; path: string }
  | { event: 'origin_refused'; path: string; origin: string };

/**
 * How a tool call ended. `asked`: the 2026-07-28 lane ended this round with a question to the
 * user (the call comes again). `cancelled`: the client gave the call up, and its upstream
 * requests were stopped.
 */
export type ToolCallOutcome = 'ok' | 'error' | 'refused' | 'asked' | 'cancelled';

export function audit(entry: AuditEvent): void {
  console.log(JSON.stringify({ audit: entry.event, at: new Date().toISOString(), ...entry }));
}
