import type { Scope } from '../scopes';

/**
 * Which scope each tool needs, from the tool definitions. The one table both checks read: the
 * Worker's step-up (a 403 naming the missing scope before the call reaches a session) and the
 * tool policy in `registerTools` (a tool error, for transports without a scope challenge).
 */
export class ToolScopes {
  readonly #byTool: ReadonlyMap<string, Scope>;
  /** Every scope some tool needs: a token holding all of them needs no per-call lookup. */
  readonly inUse: ReadonlySet<Scope>;

  constructor(tools: readonly { name: string; scope: Scope }[]) {
    this.#byTool = new Map(tools.map((tool) => [tool.name, tool.scope]));
    this.inUse = new Set(this.#byTool.values());
  }

  /** The scope `tool` needs that `granted` lacks; `undefined` when it may run (or is not ours). */
  missing(tool: string, granted: readonly string[]): Scope | undefined {
    const scope = this.#byTool.get(tool);
    return scope !== undefined && !granted.includes(scope) ? scope : undefined;
  }

  /** Whether `granted` covers every tool, so no call needs looking at. */
  coversAll(granted: readonly string[]): boolean {
    for (const scope of this.inUse) if (!granted.includes(scope)) return false;
    return true;
  }
}
