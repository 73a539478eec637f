import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  ErrorCode,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  McpError,
  type Progress,
  ReadResourceResultSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { audit, type ToolCallOutcome } from '../audit';
import type { VerifiedCall } from '../mcp/verified-call';
import type { Identity } from '../upstreams/upstream';
import { type BackendConnection, BackendUnavailable } from './connection';
import { identityHeaders } from './identity-headers';
import type { BackendConfig } from './settings';

/** Who makes one request, and how it reaches the backend (global fetch, a service binding, a container). */
export interface BackendCaller {
  call: VerifiedCall;
  identity: Identity;
  upstream: string;
  fetch: FetchLike;
}

/** The requests passed through as they are, to everyone signed in, with the backend's result schema. */
export const PASSED_THROUGH = {
  'resources/list': ListResourcesResultSchema,
  'resources/templates/list': ListResourceTemplatesResultSchema,
  'resources/read': ReadResourceResultSchema,
  'prompts/list': ListPromptsResultSchema,
  'prompts/get': GetPromptResultSchema,
} as const;
export type PassedThrough = keyof typeof PASSED_THROUGH;

/**
 * A backend MCP server's tools, resources and prompts under the deployment's policy, whatever
 * serves them to the client (a session, SDK v1, or the 2026-07-28 lane, SDK v2): per-user policy
 * decides which tools each person sees and may call (`ToolPolicy`), scopes apply as to our own
 * tools, each call is audited, the backend's progress is passed on, and a backend that is down is
 * a tool error. It talks to the backend through one `BackendConnection` (the SDK's `Client`),
 * whose requests carry the caller's identity headers and the Worker's backend credential, and
 * never anything of the client's.
 */
export class BackendProxy {
  #tools: Promise<Tool[]> | undefined;

  /** `tools`: the backend's tool list as an earlier proxy loaded it, still fresh. */
  constructor(
    readonly config: BackendConfig,
    readonly connection: BackendConnection,
    tools?: Promise<Tool[]>,
  ) {
    this.#tools = tools;
  }

  /** The tool list as loaded (or loading), for a cache that outlives this proxy. */
  get loadedTools(): Promise<Tool[]> | undefined {
    return this.#tools;
  }

  /** The backend's tool list may have changed (it said so, or a new backend session began). */
  toolsChanged(): void {
    this.#tools = undefined;
  }

  /** Before each request: the headers and route of the call it serves. */
  begin(caller: BackendCaller): void {
    const { call, identity, upstream } = caller;
    this.connection.serve({
      fetch: caller.fetch,
      headers: {
        ...identityHeaders({ userId: call.userId, upstream, identity, scopes: call.scopes }),
        ...(this.config.token ? { Authorization: `Bearer ${this.config.token}` } : {}),
      },
    });
  }

  /** The tools this person may see. */
  async listTools(identity: Identity): Promise<Tool[]> {
    return (await orUnavailable(this.#allTools())).filter((tool) => this.config.policy.allows(tool.name, identity));
  }

  /**
   * One tool call under the policy: a tool the policy hides is answered exactly as one that does
   * not exist (`Tool … not found`), a missing scope is a tool error, and the audit line says how
   * it ended. `onprogress` gets the backend's progress; `signal` is the client giving the call up.
   */
  async callTool(
    caller: BackendCaller,
    request: { name: string; arguments?: Record<string, unknown> },
    options: { signal: AbortSignal; onprogress?: (progress: Progress) => void },
  ): Promise<{ result: CallToolResult; tool: Tool }> {
    const started = Date.now();
    const { call, identity } = caller;
    const { name } = request;
    const record = (outcome: ToolCallOutcome) =>
      audit({
        event: 'tool_call',
        user: call.userId,
        client: call.clientId,
        tool: name,
        outcome,
        ms: Date.now() - started,
      });
    const tool = (await orUnavailable(this.#allTools())).find((candidate) => candidate.name === name);
    if (!tool || !this.config.policy.allows(name, identity)) {
      record('refused');
      throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    }
    const finish = (outcome: ToolCallOutcome, result: CallToolResult) => {
      record(outcome);
      return { result, tool };
    };
    const scope = this.config.policy.scopeFor(name, tool.annotations);
    if (!call.scopes.includes(scope)) {
      return finish(
        'refused',
        errorResult(
          `${name} needs the "${scope}" permission, which this connection was not granted. Reconnect this server and allow it on the consent page.`,
        ),
      );
    }
    try {
      const result = await this.connection.run((client) =>
        client.request({ method: 'tools/call', params: { name, arguments: request.arguments } }, CallToolResultSchema, {
          signal: options.signal,
          timeout: this.config.timeoutMs,
          resetTimeoutOnProgress: true,
          onprogress: options.onprogress,
        }),
      );
      return finish(result.isError ? 'error' : 'ok', result as CallToolResult);
    } catch (error) {
      if (options.signal.aborted) return finish('cancelled', errorResult('The call was cancelled.'));
      if (error instanceof McpError && !isTransportFailure(error)) throw error;
      // A request that may have reached the backend may have changed something: say so.
      const unsure = !(error instanceof BackendUnavailable) && tool.annotations?.readOnlyHint !== true;
      return finish(
        'error',
        errorResult(
          `${unavailable(error)}${unsure ? ' The change may or may not have been made: check before trying again, so it is not made twice.' : ''}`,
        ),
      );
    }
  }

  /** A list or read passed through as is; a backend that is down is a protocol error saying so. */
  forward(method: PassedThrough, params: Record<string, unknown> | undefined) {
    const schema = PASSED_THROUGH[method];
    return orUnavailable(this.connection.run((client: Client) => client.request({ method, params }, schema)));
  }

  /** Every tool of the backend, all pages, until its list changes. */
  #allTools(): Promise<Tool[]> {
    if (!this.#tools) {
      const loading = this.connection.run(async (client) => {
        const found: Tool[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.request({ method: 'tools/list', params: { cursor } }, ListToolsResultSchema);
          found.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      });
      this.#tools = loading;
      loading.catch(() => {
        if (this.#tools === loading) this.#tools = undefined;
      });
    }
    return this.#tools;
  }
}

function orUnavailable<T>(pending: Promise<T>): Promise<T> {
  return pending.catch((error: unknown) => {
    throw error instanceof McpError && !isTransportFailure(error)
      ? error
      : new McpError(ErrorCode.InternalError, unavailable(error));
  });
}

/** The SDK's own failures of the exchange (not an answer from the backend). */
function isTransportFailure(error: McpError): boolean {
  return error.code === ErrorCode.ConnectionClosed || error.code === ErrorCode.RequestTimeout;
}

function unavailable(error: unknown): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return 'The backend MCP server did not answer in time.';
  }
  return 'The backend MCP server is not answering right now. Try again in a moment.';
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
