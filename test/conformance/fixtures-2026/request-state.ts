import { createRequestStateCodec, type RequestStateCodec, type ServerContext } from '@modelcontextprotocol/server';

/** What a multi-round fixture keeps between rounds, in `requestState`. */
export interface FlowState {
  /** The tool that minted it: state is never accepted by another tool. */
  tool: string;
  round: number;
  name?: string;
}

let codec: RequestStateCodec<FlowState> | undefined;

/**
 * `requestState` sealed with HMAC-SHA256 (the SDK's codec): it round-trips through the client, so
 * it must come back unaltered. The key is random, made on first use (a Worker may not draw random
 * values at global scope) and kept for the isolate: `wrangler dev` serves every round from one.
 */
function stateCodec(): RequestStateCodec<FlowState> {
  codec ??= createRequestStateCodec<FlowState>({
    key: crypto.getRandomValues(new Uint8Array(32)),
    bind: (ctx) => ctx.mcpReq.method,
  });
  return codec;
}

export function mintState(state: FlowState, ctx: ServerContext): Promise<string> {
  return stateCodec().mint(state, ctx);
}

/**
 * The lane's `requestState` hook (worker.ts): every echoed state is verified before a handler
 * runs, and one that fails (altered, expired, minted for another method) is refused with the
 * protocol's -32602. A handler then reads the decoded payload.
 */
export const requestStateCheck = {
  verify: (state: string, ctx: ServerContext) => stateCodec().verify(state, ctx),
};

/** The state this round carries, already verified by the hook: `undefined` when it carries none. */
export function verifiedState(tool: string, ctx: ServerContext): FlowState | undefined {
  const state = ctx.mcpReq.requestState<FlowState>();
  if (state === undefined) return undefined;
  // Sealed by this isolate's key, but by another fixture tool: not this tool's to continue.
  if (typeof state !== 'object' || state.tool !== tool) throw new Error('requestState belongs to another tool');
  return state;
}
