import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Scope } from '../scopes';
import type { SessionCache } from './session-cache';

/**
 * A tool is a value: name, schemas, annotations, the scope it needs, and a handler that gets a
 * narrow context (never the SDK server or the whole env), so scope checks and error handling
 * happen in one place (`registerTools`) and cannot be bypassed.
 */
export interface ToolDefinition<Context, Input extends z.ZodRawShape, Output extends z.ZodRawShape> {
  /** snake_case, verb first. */
  name: string;
  title: string;
  /** What the model reads to decide when to call it: say what it answers, and its limits. */
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolAnnotations;
  /** The grant must include this scope or the call is refused. */
  scope: Scope;
  /**
   * The handler may ask the user (`context.confirm`, MCP elicitation) before it answers. Without
   * it, `confirm` answers `unsupported`: a tool that never asks cannot start a question.
   */
  asksUser?: true;
  handler: (input: z.infer<z.ZodObject<Input>>, context: Context) => Promise<ToolAnswer<z.infer<z.ZodObject<Output>>>>;
}

/** What a handler returns: structured content matching `outputSchema`, and a short text form. */
export interface ToolAnswer<Structured> {
  structured: Structured;
  text: string;
}

/** An error the model or user can act on; its message is shown as the tool result. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

// `any` here only erases the per-tool type parameters so tools of one pack fit in one array;
// each tool is still checked against its own schemas where it is defined.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyToolDefinition<Context> = ToolDefinition<Context, any, any>;

export function defineTool<Context, Input extends z.ZodRawShape, Output extends z.ZodRawShape>(
  tool: ToolDefinition<Context, Input, Output>,
): ToolDefinition<Context, Input, Output> {
  return tool;
}

/**
 * Asks the user a yes/no question through MCP elicitation. `unsupported` when the client did
 * not declare elicitation (then a tool must ask for an explicit argument instead).
 */
export type Confirm = (message: string) => Promise<'confirmed' | 'declined' | 'unsupported'>;

/** What the lane serving a tool call offers it: a question to the user, and cancellation. */
export interface CallServices {
  confirm: Confirm;
  /**
   * Aborted when the client gives the call up: it closed the call's response stream (MCP
   * 2026-07-28: that is the cancellation) or sent `notifications/cancelled` (2025). The call's
   * upstream requests stop with it.
   */
  signal: AbortSignal;
}

/** What a tool call gets beside the grant's props and scopes: its lane's services and a cache. */
export interface SessionServices extends CallServices {
  cache: SessionCache;
}
