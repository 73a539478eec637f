import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolResult,
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { audit, type ToolCallOutcome } from '../audit';
import { UpstreamError } from '../http/upstream-error';
import { type AnyToolDefinition, type CallServices, type Confirm, ToolError } from './tool';
import type { ToolScopes } from './tool-scopes';
import type { VerifiedCall } from './verified-call';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * What a server that offers a tool pack provides for each call, whatever the SDK that serves it:
 * the context the pack's handlers get, and revocation of the call's grant.
 */
export interface ToolPolicyHost<Context> {
  /** The context the pack's handlers get for this call, with what its lane offers. */
  contextFor(call: VerifiedCall, services: CallServices): Context;
  /** The upstream refused the call's token for good: revoke its grant, so the client signs in again. */
  revokeGrant(call: VerifiedCall): Promise<void>;
}

/**
 * A session (`McpSession`, SDK v1) as a host: it also finds the verified call in each request
 * (see `VerifiedCall`); `undefined` refuses the call.
 */
export interface ToolCallHost<Context> extends ToolPolicyHost<Context> {
  callOf(extra: Extra): VerifiedCall | undefined;
}

/**
 * How one lane talks to the client during a call: how it asks the user (`confirm`; only tools
 * that declare `asksUser` get it), how it says the call has started when the client asked for
 * progress (`announce`), and when the client has given the call up (`signal`).
 */
export interface CallLane extends CallServices {
  announce(message: string): Promise<void>;
}

/** A tool result both SDKs accept as is. */
export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: true;
}

/**
 * Thrown by a lane's `confirm` when the answer can only come in a later request (MCP 2026-07-28
 * multi-round-trip results): the policy lets it through untouched, and the lane answers with the
 * question. The client asks the user and calls the tool again with the answer, and the handler
 * runs again from the start, so a tool that asks must be safe to run up to its question twice.
 */
export class AnswerInNextRound extends Error {
  override readonly name = 'AnswerInNextRound';
  constructor(readonly question: string) {
    super('The user is asked in the next round trip.');
  }
}

/**
 * Registers a tool pack on an SDK v1 MCP server (the session lane). The policy is `runToolCall`'s.
 */
export function registerTools<Context>(
  server: McpServer,
  tools: readonly AnyToolDefinition<Context>[],
  scopes: ToolScopes,
  host: ToolCallHost<Context>,
): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        // The title once, at the top level (MCP 2025-06-18): clients read it before `annotations.title`.
        annotations: tool.annotations,
      },
      (input: Record<string, unknown>, extra: Extra): Promise<CallToolResult> =>
        runToolCall(tool, input, host.callOf(extra), scopes, host, {
          confirm: confirmThrough(server, extra),
          announce: (message) => announceThrough(extra, message),
          signal: extra.signal,
        }),
    );
  }
}

/**
 * One tool call under the policy every lane shares, once: the scope check (from the same
 * `ToolScopes` table as the Worker's step-up), a progress event when the client asks for one, the
 * audit line for every call, revoking the grant when the upstream says access is gone, and
 * turning every failure into a tool result with `isError` that says how to recover, so the model
 * sees a readable error rather than a protocol failure. Only `AnswerInNextRound` passes through.
 * A call the client gave up is recorded as `cancelled`; its answer goes nowhere.
 */
export async function runToolCall<Context>(
  tool: AnyToolDefinition<Context>,
  input: Record<string, unknown>,
  call: VerifiedCall | undefined,
  scopes: ToolScopes,
  host: ToolPolicyHost<Context>,
  lane: CallLane,
): Promise<ToolResult> {
  const started = Date.now();
  const record = (outcome: ToolCallOutcome) =>
    audit({
      event: 'tool_call',
      user: call?.userId ?? 'unknown',
      client: call?.clientId ?? 'unknown',
      tool: tool.name,
      outcome,
      ms: Date.now() - started,
    });
  const finish = (outcome: Exclude<ToolCallOutcome, 'asked'>, result: ToolResult) => {
    record(outcome);
    return result;
  };
  if (!call) {
    return finish('refused', errorResult('This request did not come through the server. Reconnect and try again.'));
  }
  const missing = scopes.missing(tool.name, call.scopes);
  if (missing) {
    return finish(
      'refused',
      errorResult(
        `${tool.name} needs the "${missing}" permission, which this connection was not granted. Reconnect this server and allow it on the consent page.`,
      ),
    );
  }
  try {
    const context = host.contextFor(call, { confirm: tool.asksUser ? lane.confirm : cannotAsk, signal: lane.signal });
    await lane.announce(`${tool.title}: working…`);
    const answer = await tool.handler(input, context);
    return finish('ok', { content: [{ type: 'text', text: answer.text }], structuredContent: answer.structured });
  } catch (error) {
    if (error instanceof AnswerInNextRound) {
      record('asked');
      throw error;
    }
    if (lane.signal.aborted) return finish('cancelled', errorResult('The call was cancelled.'));
    if (error instanceof UpstreamError && error.revoked) {
      await host.revokeGrant(call).catch(() => undefined); // best effort: the answer below still tells the user
    }
    return finish(error instanceof ToolError ? 'refused' : 'error', errorResult(describeFailure(error, tool.name)));
  }
}

/**
 * When the client asked for progress (a `progressToken` in `_meta`), say the call has started:
 * upstream calls can take seconds (retries after a rate limit), and a client can show it. The
 * event also gives a dropped stream an id to resume from (`Last-Event-ID`).
 */
async function announceThrough(extra: Extra, message: string): Promise<void> {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return;
  await extra
    .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 0, message } })
    .catch(() => undefined); // progress is a courtesy; the answer matters
}

/** The one yes/no question a tool asks, as an elicitation form (both lanes ask it alike). */
export function confirmForm(message: string) {
  return {
    mode: 'form' as const,
    message,
    requestedSchema: {
      type: 'object' as const,
      properties: { confirm: { type: 'boolean' as const, title: 'Yes, go ahead', default: false } },
      required: ['confirm'],
    },
  };
}

/** Whether an elicitation answer says yes to `confirmForm`: accepted, with `confirm: true`. */
export function saidYes(result: { action?: unknown; content?: unknown }): boolean {
  return (
    result.action === 'accept' &&
    typeof result.content === 'object' &&
    result.content !== null &&
    (result.content as { confirm?: unknown }).confirm === true
  );
}

/**
 * A yes/no question through MCP elicitation, sent on the stream of the tool call that asks it.
 * Through the SDK server, not McpAgent's `elicitInput`: the client's declared capability is
 * checked first, the one boolean is checked here (not by a JSON Schema compiler that Workers
 * cannot run), and the stateless lane asks the same question (`confirmForm`) its own way.
 */
function confirmThrough(server: McpServer, extra: Extra): Confirm {
  return async (message) => {
    if (!server.server.getClientCapabilities()?.elicitation) return 'unsupported';
    const result = await server.server.request(
      { method: 'elicitation/create', params: confirmForm(message) },
      ElicitResultSchema,
      { relatedRequestId: extra.requestId },
    );
    return saidYes(result) ? 'confirmed' : 'declined';
  };
}

/** For tools that do not declare `asksUser`: they never ask. */
const cannotAsk: Confirm = async () => 'unsupported';

function errorResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Says who can fix a failure. Only messages we or the upstream wrote for people are passed on. */
function describeFailure(error: unknown, toolName: string): string {
  if (error instanceof ToolError) return error.message;
  if (error instanceof UpstreamError) {
    const { upstream } = error;
    if (error.unconfirmedWrite) {
      const why = error.status === 0 ? error.message : `${upstream} answered HTTP ${error.status}.`;
      return `${why} The change may or may not have been made: look the item up (for example with a read tool) before trying again, so it is not made twice.`;
    }
    switch (error.kind) {
      case 'auth':
        return error.revoked
          ? `${upstream} refused this connection’s access (it may have been revoked). Reconnect this server in your MCP client to sign in again.`
          : `${upstream} refused this request: ${error.message}`;
      case 'rate_limit':
        return `${upstream} is rate limiting requests${error.retryAfterSeconds !== undefined ? `; try again in ${error.retryAfterSeconds} s` : ''}.`;
      case 'unavailable':
        return error.code === 'timeout'
          ? `${error.message} Try again in a moment.`
          : `${upstream} is not answering right now. Try again in a moment.`;
      case 'input':
        return `${upstream} rejected the request: ${error.message}`;
    }
  }
  console.error(
    JSON.stringify({ event: 'tool_failed', tool: toolName, error: error instanceof Error ? error.name : 'unknown' }),
  );
  return `${toolName} failed unexpectedly. Try again; if it keeps failing, tell the server's administrator.`;
}
