import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { Browser, followAuthorization } from '../support/oauth-client';
import { InMemoryOAuthProvider } from '../support/sdk-oauth-provider';

/**
 * The product as a user runs it: `wrangler dev` and the Attio stand-in as real processes on
 * loopback, and the official MCP SDK client with its OAuth client provider doing discovery from
 * the 401, dynamic registration, PKCE, the consent page and sign-in, tokens and refresh.
 */

const REDIRECT_URI = 'http://127.0.0.1:33419/callback';

/** The person in this test is the cookie-handling test Browser, following the pages' forms. */
class TestOAuthProvider extends InMemoryOAuthProvider {
  authorizationCode?: string;
  constructor(private readonly browser: Browser) {
    super(REDIRECT_URI, 'E2E SDK client');
  }
  async redirectToAuthorization(url: URL) {
    const { redirect } = await followAuthorization(this.browser, url.toString(), {
      redirectUri: REDIRECT_URI,
      email: 'demo@example.com',
    });
    this.authorizationCode = redirect.searchParams.get('code') ?? undefined;
  }
}

let stack: Stack;
let origin = '';

beforeAll(async () => {
  stack = await startStack();
  origin = stack.origin;
});

afterAll(() => stack?.stop());

async function connect(provider: TestOAuthProvider, kind: 'streamable-http' | 'sse'): Promise<Client> {
  const make = () =>
    kind === 'streamable-http'
      ? new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { authProvider: provider })
      : new SSEClientTransport(new URL(`${origin}/sse`), { authProvider: provider });
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

describe('a new client against the real `wrangler dev` and stand-in', () => {
  const provider = () => new TestOAuthProvider(new Browser(origin, (request) => fetch(request)));
  let shared: TestOAuthProvider;

  it('discovers from the 401, registers, signs in, and calls tools over streamable HTTP', async () => {
    shared = provider();
    const client = await connect(shared, 'streamable-http');
    expect(shared.clientInfo?.client_id).toBeTruthy();
    expect(shared.savedTokens?.refresh_token).toBeTruthy();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['whoami', 'health', 'search_records']));
    const whoami = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect((whoami.structuredContent as { member: { email: string } }).member.email).toBe('demo@example.com');
    const search = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(search.isError).toBeFalsy();
    expect(JSON.stringify(search.structuredContent)).toContain('Acme');
    await client.close();
  });

  it('uses the same tokens over legacy SSE', async () => {
    const client = await connect(shared, 'sse');
    const whoami = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect((whoami.structuredContent as { workspace: { slug: string } }).workspace.slug).toBe('demo-workspace');
    await client.close();
  });

  it('refreshes an expired access token with its refresh token and carries on', async () => {
    const before = shared.savedTokens;
    shared.saveTokens({ ...(before as OAuthTokens), access_token: 'expired-or-revoked' });
    const client = await connect(shared, 'streamable-http');
    expect(shared.savedTokens?.access_token).not.toBe('expired-or-revoked');
    expect(shared.savedTokens?.refresh_token).not.toBe(before?.refresh_token);
    const health = (await client.callTool({ name: 'health', arguments: {} })) as CallToolResult;
    expect((health.structuredContent as { attio: string }).attio).toBe('ok');
    await client.close();
  });
});
