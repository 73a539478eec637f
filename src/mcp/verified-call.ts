import type { OAuthResourceContext } from '@cloudflare/workers-oauth-provider';
import { z } from 'zod';

/**
 * Who is calling, for one MCP request: what the OAuth library verified about the bearer token
 * (its user, grant, client and scopes — never the token itself) and the grant's props, which the
 * library decrypted with it. Built once in the Worker (`verifiedCall`), it is the only identity a
 * session or a tool ever sees: every tool call runs with the props of the grant whose token sent
 * it, so a refreshed or re-authorized grant is used at once and no upstream token is kept.
 */
export const VerifiedCall = z.object({
  userId: z.string().min(1),
  grantId: z.string().min(1),
  clientId: z.string(),
  scopes: z.array(z.string()),
  props: z.record(z.string(), z.unknown()),
});
export type VerifiedCall = z.infer<typeof VerifiedCall>;

/**
 * The header that carries a `VerifiedCall` from the Worker to the session's Durable Object (it
 * reaches each tool call as `extra.requestInfo.headers`). The Worker always sets it, over any
 * value a client sent, and the Durable Objects are reachable only through the Worker.
 */
export const VERIFIED_CALL_HEADER = 'x-mcp-verified-call';

/** What the library verified for this request; `undefined` if it named no user or grant. */
export function verifiedCall(ctx: OAuthResourceContext<Record<string, unknown>>): VerifiedCall | undefined {
  const { auth, props } = ctx;
  // The library's token format is `userId:grantId:secret`; only the ids are kept.
  const grantId = auth.token.split(':')[1];
  if (!auth.userId || !grantId) return undefined;
  return { userId: auth.userId, grantId, clientId: auth.clientId ?? 'unknown', scopes: auth.scope, props };
}

/**
 * Reads the verified call from a session request's headers: parsed once per distinct header
 * (the calls of one session mostly repeat it verbatim), `undefined` when absent or malformed.
 */
export class VerifiedCallReader {
  #last?: { raw: string; call: VerifiedCall | undefined };

  read(headers: Record<string, string | string[] | undefined> | undefined): VerifiedCall | undefined {
    const raw = headers?.[VERIFIED_CALL_HEADER];
    if (typeof raw !== 'string') return undefined;
    if (raw !== this.#last?.raw) this.#last = { raw, call: parse(raw) };
    return this.#last.call;
  }
}

function parse(raw: string): VerifiedCall | undefined {
  try {
    const parsed = VerifiedCall.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
