import { z } from 'zod';
import type { Scope } from '../scopes';
import type { Identity } from '../upstreams/upstream';

/**
 * Who may see and call which of a backend MCP server's tools (`BACKEND_POLICY`, JSON):
 *
 *   { "tools": {
 *       "delete_*":   { "allow": ["group:admins"], "scope": "mcp:write" },
 *       "get_report": { "allow": ["domain:example.com", "login:octocat", "org:acme"] },
 *       "*":          { "allow": ["*"] } } }
 *
 * A tool takes the first pattern, in the order written, that matches its name (`*` matches any
 * run of characters); a tool no pattern matches is open to everyone signed in. A hidden tool is
 * absent from `tools/list` and refused on `tools/call` as if it did not exist. `scope` overrides
 * the scope a tool needs, which is otherwise `mcp:read` when the backend marks it read-only
 * (`readOnlyHint`) and `mcp:write` when not.
 */

const MATCHER = /^(\*|(email|domain|group|login|org):.+)$/;

const Rule = z.strictObject({
  allow: z
    .array(
      z.string().trim().toLowerCase().regex(MATCHER, 'use "*", "email:…", "domain:…", "group:…", "login:…" or "org:…"'),
    )
    .optional(),
  scope: z.enum(['mcp:read', 'mcp:write']).optional(),
});

export const ToolPolicyJson = z.strictObject({ tools: z.record(z.string().min(1), Rule) });

interface CompiledRule {
  pattern: RegExp;
  allow: string[] | undefined;
  scope: Scope | undefined;
}

export class ToolPolicy {
  readonly #rules: CompiledRule[];

  constructor(policy: z.infer<typeof ToolPolicyJson> = { tools: {} }) {
    this.#rules = Object.entries(policy.tools).map(([pattern, rule]) => ({
      pattern: globPattern(pattern),
      allow: rule.allow,
      scope: rule.scope,
    }));
  }

  #ruleFor(tool: string): CompiledRule | undefined {
    return this.#rules.find((rule) => rule.pattern.test(tool));
  }

  /** Whether `identity` may see and call `tool`. */
  allows(tool: string, identity: Identity): boolean {
    const allow = this.#ruleFor(tool)?.allow;
    return allow === undefined || allow.some((matcher) => matches(matcher, identity));
  }

  /** The scope a call of `tool` needs: the policy's, else read-only tools `mcp:read`, the rest `mcp:write`. */
  scopeFor(tool: string, annotations: { readOnlyHint?: boolean } | undefined): Scope {
    return this.#ruleFor(tool)?.scope ?? (annotations?.readOnlyHint === true ? 'mcp:read' : 'mcp:write');
  }
}

function matches(matcher: string, identity: Identity): boolean {
  if (matcher === '*') return true;
  const colon = matcher.indexOf(':');
  const kind = matcher.slice(0, colon);
  const value = matcher.slice(colon + 1);
  switch (kind) {
    case 'email':
      return identity.email === value;
    case 'domain':
      return identity.email?.split('@')[1] === value;
    case 'group':
      return identity.groups.includes(value);
    case 'login':
      return identity.login === value;
    case 'org':
      return identity.orgs.includes(value);
    default:
      return false;
  }
}

/** `save_*` → /^save_.*$/: only `*` is special; tool names are matched whole. */
function globPattern(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
