import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { useEveryAttioTool } from '../support/attio-every-tool';
import { textOf } from '../support/mcp-client-v2';
import { Browser } from '../support/oauth-client';
import { BrowserOAuthProviderV2, connectV2WithOAuth } from '../support/sdk-v2-oauth-provider';
import { BrowserOAuthProvider, callTool, connect } from './upstream-flow';

/**
 * The official SDK v2 client (`@modelcontextprotocol/client`), pinned to MCP 2026-07-28, against
 * the real `wrangler dev` and Attio stand-in: it discovers the server from the 401, registers,
 * sends the person through consent and Attio's sign-in, checks the authorization response's
 * `iss` (RFC 9207) before redeeming the code, and uses every tool statelessly, including a delete
 * the user confirms through a multi-round-trip result. A 2025 client then still gets a session on
 * the same URL.
 */

const REDIRECT_URI = 'http://127.0.0.1:33420/callback';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

function provider(identity: string): BrowserOAuthProviderV2 {
  return new BrowserOAuthProviderV2({
    browser: new Browser(stack.origin, (request) => fetch(request)),
    identity,
    redirectUri: REDIRECT_URI,
  });
}

async function use(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  return { structured: result.structuredContent, text: textOf(result), isError: result.isError === true };
}

describe('an SDK v2 client speaking MCP 2026-07-28', () => {
  it('signs in (DCR, PKCE, iss checked) and uses every tool', async () => {
    const signedIn = provider('demo@example.com');
    const client = await connectV2WithOAuth(stack.origin, signedIn);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(signedIn.savedTokens?.refresh_token).toBeTruthy();
    const { answered, failed } = await useEveryAttioTool((name, args) => use(client, name, args));
    expect(Object.fromEntries(failed)).toEqual({});
    const { tools } = await client.listTools();
    expect([...answered].sort()).toEqual(tools.map((tool) => tool.name).sort());
    await client.close();
  });

  it('a delete the user confirms, asked by a multi-round-trip result', async () => {
    const questions: string[] = [];
    const client = await connectV2WithOAuth(stack.origin, provider('demo@example.com'), {
      onElicit: (params) => {
        questions.push(params.message);
        return { action: 'accept', content: { confirm: true } };
      },
    });
    const made = await use(client, 'create_record', { object: 'companies', values: { name: 'E2E Round Trip Ltd' } });
    const id = (made.structured as { record: { id: string } }).record.id;
    const deleted = await use(client, 'delete_record', { object: 'companies', record_id: id });
    expect(deleted.structured).toMatchObject({ deleted: true });
    expect(questions).toEqual(['Delete the company "E2E Round Trip Ltd" from Attio? This cannot be undone.']);
    expect((await use(client, 'get_record', { object: 'companies', record_id: id })).isError).toBe(true);
    await client.close();
  });

  it('refreshes an expired access token and goes on', async () => {
    const signedIn = provider('demo@example.com');
    await (await connectV2WithOAuth(stack.origin, signedIn)).close();
    const before = signedIn.savedTokens;
    if (!before) throw new Error('no tokens');
    signedIn.saveTokens({ ...before, access_token: 'expired-or-revoked' });
    const client = await connectV2WithOAuth(stack.origin, signedIn);
    expect(signedIn.savedTokens?.access_token).not.toBe('expired-or-revoked');
    expect((await use(client, 'whoami')).isError).toBe(false);
    await client.close();
  });

  it('a 2025 client on the same URL still gets a session', async () => {
    const legacy = await connect(
      stack.origin,
      new BrowserOAuthProvider(stack.origin, 'demo@example.com'),
      'streamable-http',
    );
    const whoami = await callTool(legacy, 'whoami');
    expect(whoami.isError).toBe(false);
    await legacy.close();
  });
});
