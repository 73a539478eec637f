/**
 * The scope catalogue this server grants. `mcp:read` is the baseline every session needs;
 * `mcp:write` unlocks tools that change data upstream. Published as `scopesSupported`.
 */
export const SCOPES = {
  'mcp:read': 'Read your CRM data: records, notes, tasks and lists',
  'mcp:write': 'Create, change and delete CRM data on your behalf',
} as const;

export type Scope = keyof typeof SCOPES;

export const SCOPES_SUPPORTED = Object.keys(SCOPES) as Scope[];
export const BASELINE_SCOPES: Scope[] = ['mcp:read'];
/** What a client that asks for nothing we know (ChatGPT: no scope; Claude.ai: `claudeai`) is offered. */
export const DEFAULT_GRANT: Scope[] = ['mcp:read', 'mcp:write'];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

/**
 * The scopes to offer on the consent page: the known scopes the client asked for, or the
 * default grant when it asked for none we know. Unknown scopes are dropped, never an error.
 */
export function scopesToOffer(requested: readonly string[]): Scope[] {
  const known = requested.filter(isScope);
  return known.length > 0 ? [...new Set(known)] : DEFAULT_GRANT;
}
