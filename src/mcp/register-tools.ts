import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolResult,
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { audit } from '../audit';
import { UpstreamError } from '../http/upstream-error';
import { type AnyToolDefinition, type Confirm, ToolError } from './tool';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What the MCP layer knows about one tool call, to open the session's view of it. */
export interface ToolCallInfo {
  confirm: Confirm;
  /** The request the call arrived with, as the transport delivered it (auth info, headers). */
  extra: Extra;
}

/** One tool call's context and the grant it runs under. */
export interface ToolCallSession<Context> {
  context: Context;
  scopes: readonly string[];
  /** For the audit log: the grant's opaque user id and the OAuth client. */
  user: string;
  client: string;
  revokeGrant(): Promise<void>;
}

/**
 * Registers a tool pack on an MCP server. All policy lives here, once: the scope check, a
 * progress event when the client asks for one, the audit line for every call, revoking the grant
 * when the upstream says access is gone, and turning every failure into a tool result with
 * `isError` that says how to recover, so the model sees a readable error rather than a protocol
 * failure.
 */
export function registerTools<Context>(
  server: McpServer,
  tools: readonly AnyToolDefinition<Context>[],
  openCall: (call: ToolCallInfo) => ToolCallSession<Context>,
): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (input: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
        const started = Date.now();
        let session: ToolCallSession<Context> | undefined;
        const finish = (outcome: 'ok' | 'error' | 'refused', result: CallToolResult) => {
          audit({
            event: 'tool_call',
            user: session?.user ?? 'unknown',
            client: session?.client ?? 'unknown',
            tool: tool.name,
            outcome,
            ms: Date.now() - started,
          });
          return result;
        };
        try {
          session = openCall({ confirm: tool.asksUser ? confirmThrough(server, extra) : cannotAsk, extra });
          if (!session.scopes.includes(tool.scope)) {
            return finish(
              'refused',
              errorResult(
                `${tool.name} needs the "${tool.scope}" permission, which this connection was not granted. Reconnect this server and allow it on the consent page.`,
              ),
            );
          }
          await announceStart(extra, tool.title);
          const answer = await tool.handler(input, session.context);
          return finish('ok', {
            content: [{ type: 'text', text: answer.text }],
            structuredContent: answer.structured,
          });
        } catch (error) {
          if (error instanceof UpstreamError && error.revoked) {
            await session?.revokeGrant().catch(() => undefined); // best effort: the answer below still tells the user
          }
          return finish(
            error instanceof ToolError ? 'refused' : 'error',
            errorResult(describeFailure(error, tool.name)),
          );
        }
      },
    );
  }
}

/**
 * When the client asked for progress (a `progressToken` in `_meta`), say the call has started:
 * upstream calls can take seconds (retries after a rate limit), and a client can show it. The
 * event also gives a dropped stream an id to resume from (`Last-Event-ID`).
 */
async function announceStart(extra: Extra, title: string): Promise<void> {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return;
  await extra
    .sendNotification({
      method: 'notifications/progress',
      params: { progressToken, progress: 0, message: `${title}: working…` },
    })
    .catch(() => undefined); // progress is a courtesy; the answer matters
}

/**
 * A yes/no question through MCP elicitation, sent on the stream of the tool call that asks it.
 * The request is built directly (not `elicitInput`) so the one boolean is checked here rather
 * than by a JSON Schema compiler that Workers cannot run.
 */
function confirmThrough(server: McpServer, extra: Extra): Confirm {
  return async (message) => {
    if (!server.server.getClientCapabilities()?.elicitation) return 'unsupported';
    const result = await server.server.request(
      {
        method: 'elicitation/create',
        params: {
          mode: 'form',
          message,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Yes, go ahead', default: false } },
            required: ['confirm'],
          },
        },
      },
      ElicitResultSchema,
      { relatedRequestId: extra.requestId },
    );
    return result.action === 'accept' && result.content?.confirm === true ? 'confirmed' : 'declined';
  };
}

/** For tools that do not declare `asksUser`: their call may be answered as JSON, with no stream to ask on. */
const cannotAsk: Confirm = async () => 'unsupported';

function errorResult(text: string): CallToolResult {
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
