import { insufficientScope, type OAuthResourceAuth } from '@cloudflare/workers-oauth-provider';
import { z } from 'zod';
import { BASELINE_SCOPES } from '../scopes';
import { messagesOf } from './json-rpc';
import type { ToolScopes } from './tool-scopes';

const ToolCall = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string() }) });

/** The tool names a body calls (a batch may call many). */
export function toolCallsIn(body: unknown): string[] {
  const names: string[] = [];
  for (const message of messagesOf(body)) {
    const call = ToolCall.safeParse(message);
    if (call.success) names.push(call.data.params.name);
  }
  return names;
}

/**
 * MCP's scope challenge: a `tools/call` for a tool whose scope the token lacks gets the library's
 * 403 `insufficient_scope`, naming the scopes to ask for (those held, the baseline and the
 * missing ones), so the client can ask the user for more and retry.
 */
export function stepUpChallenge(
  toolNames: readonly string[],
  auth: OAuthResourceAuth,
  scopes: ToolScopes,
): Response | undefined {
  const needed = new Set<string>();
  for (const name of toolNames) {
    const missing = scopes.missing(name, auth.scope);
    if (missing) needed.add(missing);
  }
  if (needed.size === 0) return undefined;
  return insufficientScope(
    auth,
    [...new Set([...BASELINE_SCOPES, ...auth.scope, ...needed])],
    `This action needs ${[...needed].join(', ')}.`,
  );
}
