import type { z } from 'zod';
import type { AnyToolDefinition, SessionServices } from '../mcp/tool';
import type { Scope } from '../scopes';

/**
 * The upstream identity provider and API a deployment signs users in with. This interface is
 * the only thing the rest of the server knows about a provider. Adding one touches:
 * - `upstreams/<name>.ts`: its settings (checked at start-up, reported on /health), sign-in,
 *   identity, token upkeep, and which tools each person gets — one file, implementing this;
 * - `upstreams/index.ts`: one line in `UPSTREAMS`;
 * - its tool pack, `tools/<name>/` (tools, props schema, tool context), and its API client, if it
 *   has one worth a module (`attio/`, `github/`);
 * - for `npm run dev` and the tests, which need no accounts: a stand-in under `test/standins/<name>/`
 *   and one entry in `scripts/lib/standins.ts`.
 * Sessions, scopes, step-up, the consent page and the audit log need no change.
 */
export interface Upstream<Props extends { upstream: string }, Context> {
  /** As in `UPSTREAMS` (index.ts) and the grant's props: `attio`, `github`, `access`. */
  id: string;
  /** Shown to the user: "Continue to Attio". */
  displayName: string;
  /** Validates the grant's props wherever they are read back (the MCP session). */
  propsSchema: z.ZodType<Props>;
  /** What the MCP server tells the model about its tools (`instructions`). */
  instructions: string;
  /** What the consent page says each scope allows here. */
  scopeDescriptions: Record<Scope, string>;

  /**
   * Data to keep server-side (encrypted, browser-bound) between the redirect and the callback,
   * such as a PKCE verifier or an OIDC nonce. Never sent to the provider as is.
   */
  prepareSignIn(): Promise<Record<string, string>>;
  /** The provider's authorize URL for this sign-in. `state` comes from the OAuth library. */
  authorizeUrl(input: { state: string; callbackUrl: string; data: Record<string, string> }): Promise<string>;
  /**
   * Turns the provider's callback code into the grant: a stable user id (no `:`), a label for
   * the grant list, and the props stored encrypted with it. Throws `SignInRefused` when the
   * provider or our policy says no.
   */
  completeSignIn(input: { code: string; callbackUrl: string; data: Record<string, string> }): Promise<{
    userId: string;
    label: string;
    props: Props;
  }>;
  /**
   * Runs when the MCP client refreshes its token. Return new props, or nothing to keep them.
   * Throw `OAuthError('invalid_grant')` when the provider revoked access (the grant is then
   * revoked), `OAuthError('temporarily_unavailable')` on a transient failure.
   */
  refreshProps(props: Props): Promise<Props | undefined>;

  /** Every tool this upstream has (the step-up check needs each one's scope). */
  tools: AnyToolDefinition<Context>[];
  /** The tools this user's session offers: all, or fewer when some are reserved for some identities. */
  toolsFor(props: Props): AnyToolDefinition<Context>[];
  /** The narrow context tool handlers get. */
  toolContext(props: Props, scopes: readonly string[], session: SessionServices): Context;
  /** Who the grant's person is, as this provider verified it (per-user policy, a backend's identity headers). */
  identity(props: Props): Identity;
}

/**
 * A person as their upstream verified them, in one shape for every upstream: what per-user
 * policy matches on and what a backend MCP server is told. Fields a provider does not know are
 * `null` or empty; lists are lower case, as configuration lists are.
 */
export interface Identity {
  email: string | null;
  name: string | null;
  /** Cloudflare Access or OpenID Connect groups. */
  groups: string[];
  /** GitHub login and organisations. */
  login: string | null;
  orgs: string[];
}

/** What every upstream's configuration holds: this deployment's OAuth client at the provider. */
export interface UpstreamClientConfig {
  /** Longest wait for one upstream request before it counts as failed (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  clientId: string;
  clientSecret: string;
}

/** A provider that is an OAuth app and an API (Attio, GitHub): its three URLs. */
export interface OAuthAppConfig extends UpstreamClientConfig {
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
}

/** The provider, or our policy, refused this sign-in; `message` is safe to show the user. */
export class SignInRefused extends Error {
  override readonly name = 'SignInRefused';
  /** 403 when our policy refuses the user, 502 when the provider failed. */
  constructor(
    message: string,
    readonly status: 403 | 502 = 502,
  ) {
    super(message);
  }
}

/**
 * The code-for-token exchange every upstream makes at the callback: a form POST with the
 * deployment's timeout. Answers the JSON body whatever the status (GitHub answers errors with
 * HTTP 200), and refuses the sign-in when the provider cannot be reached.
 */
export async function exchangeCode(request: {
  provider: string;
  url: string;
  fields: Record<string, string>;
  timeoutMs: number;
  headers?: Record<string, string>;
}): Promise<{ ok: boolean; body: unknown }> {
  const response = await fetch(request.url, {
    signal: AbortSignal.timeout(request.timeoutMs),
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...request.headers },
    body: new URLSearchParams(request.fields),
  }).catch(() => undefined);
  if (!response) {
    throw new SignInRefused(`${request.provider} could not be reached to finish signing in. Try again in a moment.`);
  }
  return { ok: response.ok, body: await response.json().catch(() => undefined) };
}

/**
 * A stable user id for the grant that reveals nothing: the library puts the user id in every
 * authorization code and token it issues, which pass through browsers and client logs.
 */
export async function opaqueUserId(upstream: string, identity: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${upstream}/${identity}`));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${upstream}-${hex}`;
}

// `any` only erases which upstream it is: code that holds an `AnyUpstream` passes props from its
// own `propsSchema` back to its own methods, so the pairing stays sound.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyUpstream = Upstream<any, any>;

/** Comma lists from configuration are lower case; so are the identities compared with them. */
export function isListed(list: readonly string[], value: string | null | undefined): boolean {
  return value !== null && value !== undefined && list.includes(value.toLowerCase());
}
