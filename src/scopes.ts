/**
 * The scope catalogue this server grants, published as `scopesSupported`. `mcp:read` is the
 * baseline every session needs; `mcp:write` unlocks tools that change data upstream.
 */
export const SCOPES_SUPPORTED = ['mcp:read', 'mcp:write'] as const;
export type Scope = (typeof SCOPES_SUPPORTED)[number];

export const BASELINE_SCOPES: Scope[] = ['mcp:read'];
/** What a client that asks for nothing we know (ChatGPT: no scope; Claude.ai: `claudeai`) is offered. */
export const DEFAULT_GRANT: Scope[] = ['mcp:read', 'mcp:write'];

/**
 * What the 401 challenge and the resource metadata ask clients for. Clients request exactly the
 * challenge's scope (MCP's scope selection), so asking for the baseline alone would leave every
 * such client read-only until a step-up, which some clients cannot finish (the MCP SDK 1.32
 * refreshes instead of re-authorizing). So the challenge asks for the default grant, and the
 * consent page still lets the person untick writing.
 */
export const CHALLENGE_SCOPES: Scope[] = DEFAULT_GRANT;

export function isScope(value: string): value is Scope {
  return (SCOPES_SUPPORTED as readonly string[]).includes(value);
}

/**
 * The scopes to offer on the consent page: the known scopes the client asked for, or the
 * default grant when it asked for none we know. Unknown scopes are dropped, never an error.
 */
export function scopesToOffer(requested: readonly string[]): Scope[] {
  const known = requested.filter(isScope);
  return known.length > 0 ? [...new Set(known)] : DEFAULT_GRANT;
}
