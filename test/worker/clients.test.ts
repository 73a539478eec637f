import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { connectMcp } from '../support/mcp-client';
import { mcpRequest, openWireSession, readEvents } from '../support/mcp-http';
import { authorizeInBrowser, pkcePair, registerClient, tokenRequest } from '../support/oauth-client';
import { get, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

/**
 * The connector flows of the clients our users have, emulated with their real parameters (from
 * their docs and public threads; see DESIGN.md §4) against the real Worker.
 */

const CLAUDE_CALLBACKS = ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'];
const CHATGPT_CALLBACK = 'https://chatgpt.com/connector_platform_oauth_redirect';

/** Consent and sign-in as the person would, then the code exchange the client's backend does. */
async function connectorSignIn(options: {
  clientId: string;
  redirectUri: string;
  scope?: string;
  resource?: string;
  email: string;
}) {
  const { verifier, challenge } = await pkcePair();
  const { redirect, consentShown } = await authorizeInBrowser(newBrowser(), {
    ...options,
    challenge,
    state: 'connector-state',
  });
  expect(redirect.toString().startsWith(options.redirectUri)).toBe(true);
  expect(redirect.searchParams.get('state')).toBe('connector-state');
  expect(redirect.searchParams.get('iss')).toBe(ORIGIN); // RFC 9207: which server answered
  const response = await tokenRequest(sendToWorker, ORIGIN, {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code') ?? '',
    redirect_uri: options.redirectUri,
    client_id: options.clientId,
    code_verifier: verifier,
    ...(options.resource ? { resource: options.resource } : {}),
  });
  expect(response.status).toBe(200);
  const tokens = (await response.json()) as { access_token: string; refresh_token: string; scope: string };
  return { tokens, consentShown };
}

async function listTools(token: string): Promise<string[]> {
  const client = await connectMcp({ origin: ORIGIN, token, transport: 'streamable-http', send: sendToWorker });
  const { tools } = await client.listTools();
  await client.close();
  return tools.map((t) => t.name);
}

describe('Claude.ai connectors', () => {
  it('with dynamic registration, both callback hosts, scope=claudeai and a resource: the default grant, tools, refresh', async () => {
    const client = await registerClient(sendToWorker, ORIGIN, {
      client_name: 'Claude',
      redirect_uris: CLAUDE_CALLBACKS,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    for (const redirectUri of CLAUDE_CALLBACKS) {
      const { tokens } = await connectorSignIn({
        clientId: client.client_id,
        redirectUri,
        scope: 'claudeai',
        resource: ORIGIN,
        email: 'claude-dcr@example.com',
      });
      expect(tokens.scope.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);
      expect(await listTools(tokens.access_token)).toContain('query_records');
      const refreshed = await tokenRequest(sendToWorker, ORIGIN, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: client.client_id,
        resource: ORIGIN,
      });
      expect(refreshed.status).toBe(200);
      expect(await listTools(((await refreshed.json()) as { access_token: string }).access_token)).toContain('whoami');
    }
  });

  it('with its Client ID Metadata Document: no registration, the verified domain on the consent page', async () => {
    const clientId = 'https://claude.ai/oauth/mcp-oauth-client-metadata';
    const { challenge } = await pkcePair();
    const page = await get(
      `/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}&redirect_uri=${encodeURIComponent(CLAUDE_CALLBACKS[0] ?? '')}&code_challenge=${challenge}&code_challenge_method=S256&state=s&scope=claudeai`,
      { headers: { Accept: 'text/html' } },
    );
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Published by <strong>claude.ai</strong>');
    const { tokens } = await connectorSignIn({
      clientId,
      redirectUri: CLAUDE_CALLBACKS[1] ?? '',
      scope: 'claudeai',
      email: 'claude-cimd@example.com',
    });
    expect(await listTools(tokens.access_token)).toContain('search_records');
  });

  it('a token request from a client this server forgot answers 401 invalid_client, so Claude registers again', async () => {
    const response = await tokenRequest(sendToWorker, ORIGIN, {
      grant_type: 'refresh_token',
      refresh_token: 'x:y:z',
      client_id: 'forgotten-client',
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });
});

describe('ChatGPT connectors', () => {
  it('discovers from the protected-resource metadata, registers, asks no scope, and gets the default grant and search/fetch', async () => {
    const resource = (await (await get('/.well-known/oauth-protected-resource')).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    const issuer = resource.authorization_servers[0] ?? '';
    const metadata = (await (
      await sendToWorker(new Request(`${issuer}/.well-known/oauth-authorization-server`))
    ).json()) as {
      registration_endpoint: string;
      authorization_endpoint: string;
    };
    expect(metadata.registration_endpoint).toBe(`${ORIGIN}/register`);
    const client = await registerClient(sendToWorker, ORIGIN, {
      client_name: 'ChatGPT',
      redirect_uris: [CHATGPT_CALLBACK],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    const { tokens } = await connectorSignIn({
      clientId: client.client_id,
      redirectUri: CHATGPT_CALLBACK,
      resource: resource.resource, // ChatGPT echoes the metadata's resource
      email: 'chatgpt@example.com',
    });
    expect(tokens.scope.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);
    const mcp = await connectMcp({
      origin: ORIGIN,
      token: tokens.access_token,
      transport: 'streamable-http',
      send: sendToWorker,
    });
    const found = (await mcp.callTool({ name: 'search', arguments: { query: 'Acme' } })) as CallToolResult;
    const [item] = found.content;
    expect(item?.type).toBe('text');
    const { results } = JSON.parse(item?.type === 'text' ? item.text : '{}') as { results: { id: string }[] };
    const fetched = (await mcp.callTool({ name: 'fetch', arguments: { id: results[0]?.id } })) as CallToolResult;
    expect(fetched.isError).toBeFalsy();
    await mcp.close();
  });

  it('with its metadata document offering private_key_jwt and none: held to public-client rules (PKCE, no secret)', async () => {
    const { tokens } = await connectorSignIn({
      clientId: 'https://chatgpt.com/oauth/client.json',
      redirectUri: CHATGPT_CALLBACK,
      email: 'chatgpt-cimd@example.com',
    });
    expect(await listTools(tokens.access_token)).toEqual(expect.arrayContaining(['search', 'fetch']));
  });
});

describe('the OpenAI Responses API', () => {
  it('calls tools with a bearer token in a header, no browser and no cookies', async () => {
    const client = await registerClient(sendToWorker, ORIGIN, { client_name: 'Developer app' });
    const { tokens } = await connectorSignIn({
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      email: 'responses-api@example.com',
    });
    // What the `mcp` tool does with `server_url` and `authorization`: plain JSON-RPC over HTTP.
    const sessionId = await openWireSession(tokens.access_token);
    const list = await mcpRequest(
      'POST',
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { token: tokens.access_token, sessionId, protocolVersion: '2025-06-18' },
    );
    const [listed] = await readEvents(list, () => true);
    if (!listed) throw new Error('no answer to tools/list');
    const names = (listed.data as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    expect(names).toContain('query_records');
    const call = await mcpRequest(
      'POST',
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'query_records', arguments: { object: 'deals', filter: { stage: 'Nurture' }, limit: 3 } },
      },
      { token: tokens.access_token, sessionId, protocolVersion: '2025-06-18' },
    );
    const events = await readEvents(call, (event) => (event.data as { id?: number }).id === 2);
    const answer = events.at(-1)?.data as { result: CallToolResult };
    expect(answer.result.isError).toBeFalsy();
    expect((answer.result.structuredContent as { rows: unknown[] }).rows).toHaveLength(3);
  });
});
