import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { audit } from '../audit';
import { withCachedTokens } from '../auth/token-cache';
import type { Config } from '../config';
import { registerConformanceFixtures } from '../conformance/fixtures';
import { oauthHelpers } from '../provider';
import type { AnyUpstream } from '../upstreams/upstream';
import { type Extra, registerTools } from './register-tools';
import type { RequestAuth } from './session-auth';
import type { SessionCache } from './session-cache';
import { ToolError } from './tool';

export const SERVER_INFO = { name: 'remote-mcp', version: '0.1.0' } as const;

/** What one tool call runs under, as its transport delivered it. */
export interface CallGrant {
  /** What the Worker verified about the token that made this call; `undefined` if it did not say. */
  auth: RequestAuth | undefined;
  /** The grant's props (identity and upstream token), decrypted by the OAuth library. */
  props: unknown;
  /** The user who opened the session. */
  owner: string | undefined;
}

/**
 * A session unused for a day is deleted with its storage, on both transports; its client then
 * gets 404 and, as MCP requires, opens a new session. Its last use is written at most once an
 * hour, so an active session costs no storage write per request.
 */
export const SESSION_IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;
export const TOUCH_EVERY_MS = 60 * 60 * 1000;

/**
 * The tools a session offers, chosen once from the props of the grant that opens it: all of the
 * upstream's, or fewer for some identities (`toolsFor`).
 */
export function sessionToolNames(upstream: AnyUpstream, props: unknown): string[] {
  const opening = upstream.propsSchema.safeParse(props);
  return (opening.success ? upstream.toolsFor(opening.data) : upstream.tools).map((tool) => tool.name);
}

/** The MCP server of one session, the same for both transports (streamable HTTP and legacy SSE). */
export function newSessionServer(upstream: AnyUpstream | undefined): McpServer {
  return new McpServer(SERVER_INFO, { instructions: upstream?.instructions });
}

/**
 * Registers the upstream's tool pack on a session's server: the tools named in `toolNames` (see
 * `sessionToolNames`); `grantOf` finds, for each call, the token's scopes and the grant it runs
 * under. Returns the names of the tools that never ask the user (see `SessionTransport`).
 */
export function registerSessionTools(
  server: McpServer,
  session: {
    env: Env;
    config: Config;
    upstream: AnyUpstream;
    cache: SessionCache;
    toolNames: readonly string[];
    grantOf: (extra: Extra) => CallGrant;
  },
): ReadonlySet<string> {
  const { env, config, upstream, cache } = session;
  // The same props object comes back with every call of a grant (see McpHttpSession): checked once.
  const checkedProps = new WeakMap<object, unknown>();
  const propsOf = (props: unknown) => {
    if (typeof props !== 'object' || props === null) return upstream.propsSchema.parse(props);
    if (!checkedProps.has(props)) checkedProps.set(props, upstream.propsSchema.parse(props));
    return checkedProps.get(props) as Parameters<typeof upstream.toolContext>[0];
  };
  if (config.conformanceFixtures) registerConformanceFixtures(server);
  const offered = new Set(session.toolNames);
  const tools = upstream.tools.filter((tool) => offered.has(tool.name));
  registerTools(server, tools, ({ confirm, extra }) => {
    const { auth, props, owner } = session.grantOf(extra);
    // A session id is a bearer secret too: a token of another user must not use this session.
    if (!auth || !owner || auth.userId !== owner) {
      throw new ToolError('This MCP session belongs to another sign-in. Reconnect to start a new session.');
    }
    return {
      context: upstream.toolContext(propsOf(props), auth.scopes, { cache, confirm }),
      scopes: auth.scopes,
      user: auth.userId ?? 'unknown',
      client: auth.clientId ?? 'unknown',
      // The upstream no longer accepts this grant's token: revoke the grant, so the client's
      // next request gets 401 and it signs the user in again, instead of failing forever
      // (through the token cache, so this isolate forgets the grant's tokens at once).
      async revokeGrant() {
        if (!auth.userId || !auth.grantId) return;
        await oauthHelpers(config, withCachedTokens(env, config.tokenCacheMs)).revokeGrant(auth.grantId, auth.userId);
        audit({ event: 'grant_revoked', upstream: upstream.id, user: auth.userId, reason: 'upstream_unauthorized' });
      },
    };
  });
  return new Set(tools.filter((tool) => !tool.asksUser).map((tool) => tool.name));
}
