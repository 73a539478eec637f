import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type InputRequiredResult,
  inputRequired,
  type McpServer,
  type ServerContext,
  type StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import {
  AnswerInNextRound,
  type CallLane,
  confirmForm,
  runToolCall,
  saidYes,
  type ToolPolicyHost,
} from './register-tools';
import type { AnyToolDefinition, Confirm } from './tool';
import type { ToolScopes } from './tool-scopes';
import type { VerifiedCall } from './verified-call';

/**
 * Registers a tool pack on an SDK v2 MCP server that serves one 2026-07-28 request, for the
 * verified call that request carries. The same definitions and the same policy as the session
 * lane (`runToolCall`); what differs is how the lane talks to the client: a question to the user
 * is a multi-round-trip result (`InputRequiredResult`), and progress goes on the request's own
 * response stream.
 */
export function registerStatelessTools<Context>(
  server: McpServer,
  tools: readonly AnyToolDefinition<Context>[],
  scopes: ToolScopes,
  call: VerifiedCall,
  host: ToolPolicyHost<Context>,
): void {
  for (const tool of tools) {
    const schemas = objectSchemasOf(tool);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: schemas.input,
        outputSchema: schemas.output,
        annotations: tool.annotations,
      },
      async (input: Record<string, unknown>, ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
        try {
          return await runToolCall(tool, input, call, scopes, host, laneOf(ctx));
        } catch (error) {
          if (error instanceof AnswerInNextRound) return askFirst(error);
          throw error;
        }
      },
    );
  }
}

/** The key of the one question in `inputRequests`: the answer counts only for the question it answers. */
async function questionKey(question: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(question));
  const hex = [...new Uint8Array(digest).slice(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `confirm-${hex}`;
}

function laneOf(ctx: ServerContext): CallLane {
  return {
    confirm: confirmByRoundTrip(ctx),
    signal: ctx.mcpReq.signal,
    async announce(message) {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      if (progressToken === undefined) return;
      await ctx.mcpReq
        .notify({ method: 'notifications/progress', params: { progressToken, progress: 0, message } })
        .catch(() => undefined); // progress is a courtesy; the answer matters
    },
  };
}

/**
 * A yes/no question the 2026-07-28 way (multi round-trip requests): the first call ends with the
 * question as an `InputRequiredResult`; the client asks the user and calls again with the answer
 * in `inputResponses`, and this `confirm` then reads it. A client that did not declare form
 * elicitation in this request's capabilities is never asked (MRTR forbids it): `unsupported`.
 */
function confirmByRoundTrip(ctx: ServerContext): Confirm {
  return async (question) => {
    const answer = ctx.mcpReq.inputResponses?.[await questionKey(question)];
    if (answer !== undefined) return saidYes(ElicitAnswer.catch({}).parse(answer)) ? 'confirmed' : 'declined';
    if (!asksByForm(ctx)) return 'unsupported';
    throw new AnswerInNextRound(question);
  };
}

/** An elicitation answer as far as `saidYes` reads it; anything else reads as no. */
const ElicitAnswer = z.object({ action: z.unknown(), content: z.unknown() }).partial();

/** Whether this request's client capabilities (its `_meta` envelope) include form elicitation. */
function asksByForm(ctx: ServerContext): boolean {
  const envelope: Record<string, unknown> = { ...ctx.mcpReq.envelope };
  const parsed = DeclaredElicitation.safeParse(envelope[CLIENT_CAPABILITIES_META_KEY]);
  const elicitation = parsed.success ? parsed.data.elicitation : undefined;
  // An empty `elicitation` object means form mode (MCP 2025-11-25 onwards).
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}

const DeclaredElicitation = z.object({
  elicitation: z.object({ form: z.unknown().optional(), url: z.unknown().optional() }).optional(),
});

async function askFirst(pending: AnswerInNextRound): Promise<InputRequiredResult> {
  return inputRequired({
    inputRequests: { [await questionKey(pending.question)]: inputRequired.elicit(confirmForm(pending.question)) },
  });
}

/**
 * The tool's zod shapes as objects, made once per tool and kept for the isolate: the SDK builds a
 * server per request and would otherwise wrap each shape, and convert it to JSON Schema (for
 * `tools/list`, and for each `tools/call`'s header and result checks), again on every request.
 * Validation stays zod's own; only the JSON Schema, a pure function of the schema, is kept.
 */
type ObjectSchema = StandardSchemaWithJSON<Record<string, unknown>>;

const objectSchemas = new WeakMap<object, { input: ObjectSchema; output: ObjectSchema }>();

function objectSchemasOf<Context>(tool: AnyToolDefinition<Context>) {
  let schemas = objectSchemas.get(tool);
  if (!schemas) {
    schemas = {
      input: keptJsonSchema(z.object(tool.inputSchema)),
      output: keptJsonSchema(z.object(tool.outputSchema)),
    };
    objectSchemas.set(tool, schemas);
  }
  return schemas;
}

function keptJsonSchema(schema: z.ZodObject): ObjectSchema {
  const standard = schema['~standard'];
  const kept = new Map<string, Record<string, unknown>>();
  const once =
    (io: 'input' | 'output') =>
    (options: { target: string }): Record<string, unknown> => {
      const key = `${io} ${options.target}`;
      let json = kept.get(key);
      if (!json) {
        json = standard.jsonSchema[io](options);
        kept.set(key, json);
      }
      return json;
    };
  return { '~standard': { ...standard, jsonSchema: { input: once('input'), output: once('output') } } };
}
