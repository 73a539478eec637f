import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { type AuthorizeOptions, authorizeNewClient, Browser, followAuthorization } from '../support/oauth-client';
import { InMemoryOAuthProvider } from '../support/sdk-oauth-provider';

/**
 * The end-to-end flow every upstream must pass, against the real `wrangler dev`: the official MCP
 * SDK client discovers from the 401, registers, sends the person through consent and the
 * upstream's sign-in (the test Browser follows the pages' forms), lists and calls tools over
 * streamable HTTP and SSE with the same tokens, and refreshes an expired access token.
 */

const REDIRECT_URI = 'http://127.0.0.1:33419/callback';

/** The person is the cookie-handling test Browser, signing in at the upstream as `identity`. */
export class BrowserOAuthProvider extends InMemoryOAuthProvider {
  authorizationCode?: string;
  readonly browser: Browser;
  readonly identity: string;
  /** Scopes the person unticks on the consent page. */
  readonly untick: string[];
  constructor(origin: string, identity: string, untick: string[] = []) {
    super(REDIRECT_URI, 'E2E SDK client');
    this.browser = new Browser(origin, (request) => fetch(request));
    this.identity = identity;
    this.untick = untick;
  }
  async redirectToAuthorization(url: URL) {
    const { redirect } = await followAuthorization(this.browser, url.toString(), {
      redirectUri: REDIRECT_URI,
      email: this.identity,
      untick: this.untick,
    });
    this.authorizationCode = redirect.searchParams.get('code') ?? undefined;
  }
}

export type Transport = 'streamable-http' | 'sse';

/** Connects as the SDK does: a 401, the browser journey, `finishAuth`, then a fresh transport. */
export async function connect(
  origin: string,
  provider: BrowserOAuthProvider,
  kind: Transport,
  requestInit?: RequestInit,
): Promise<Client> {
  const make = () =>
    kind === 'streamable-http'
      ? new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { authProvider: provider, requestInit })
      : new SSEClientTransport(new URL(`${origin}/sse`), { authProvider: provider, requestInit });
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  let transport = make();
  try {
    await client.connect(transport);
    return client;
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || !provider.authorizationCode) throw error;
    await transport.finishAuth(provider.authorizationCode);
    provider.authorizationCode = undefined;
  }
  transport = make();
  await client.connect(transport);
  return client;
}

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { result, structured: result.structuredContent as Record<string, unknown>, isError: result.isError === true };
}

/**
 * The shared flow. `expectIdentity` checks whoami's structured answer names the person who
 * signed in; `tools` are names the session must list. Returns the provider for more checks.
 */
export async function standardFlow(
  origin: string,
  options: { identity: string; tools: string[]; expectIdentity: (whoami: Record<string, unknown>) => void },
): Promise<BrowserOAuthProvider> {
  const provider = new BrowserOAuthProvider(origin, options.identity);
  const http = await connect(origin, provider, 'streamable-http');
  expect(provider.savedTokens?.refresh_token).toBeTruthy();
  const { tools } = await http.listTools();
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(options.tools));
  const viaHttp = await callTool(http, 'whoami');
  expect(viaHttp.isError).toBe(false);
  options.expectIdentity(viaHttp.structured);
  // The upstream's token never reaches the client.
  expect(JSON.stringify(viaHttp.result)).not.toMatch(/token/i);
  await http.close();

  const sse = await connect(origin, provider, 'sse');
  options.expectIdentity((await callTool(sse, 'whoami')).structured);
  await sse.close();

  const before = provider.savedTokens as OAuthTokens;
  provider.saveTokens({ ...before, access_token: 'expired-or-revoked' });
  const refreshed = await connect(origin, provider, 'streamable-http');
  expect(provider.savedTokens?.access_token).not.toBe('expired-or-revoked');
  expect(provider.savedTokens?.refresh_token).not.toBe(before.refresh_token);
  options.expectIdentity((await callTool(refreshed, 'whoami')).structured);
  await refreshed.close();
  return provider;
}

/** A browserless sign-in through consent and the upstream: the client's redirect, or a thrown `StoppedAtPage`. */
export async function signInAt(
  origin: string,
  options: Pick<AuthorizeOptions, 'email' | 'upstreamDecision' | 'beforeCallback'>,
) {
  const { redirect, exchange } = await authorizeNewClient(new Browser(origin, (request) => fetch(request)), options);
  return { redirect, exchange: async () => (await (await exchange()).json()) as Record<string, string> };
}
