import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { StoppedAtPage } from '../support/oauth-client';
import { callTool, connect, signInAt, standardFlow } from './upstream-flow';

/**
 * UPSTREAM=attio, the product as a user runs it: `wrangler dev` and the Attio stand-in as real
 * processes on loopback, and the official MCP SDK client with its OAuth client provider doing
 * discovery from the 401, dynamic registration, PKCE, the consent page and sign-in, tokens and
 * refresh — the same flow as the GitHub and Access upstreams (upstream-flow.ts).
 */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

describe('Attio as the upstream, against the real `wrangler dev` and stand-in', () => {
  it('passes the shared flow, and its CRM tools answer', async () => {
    const provider = await standardFlow(stack.origin, {
      identity: 'demo@example.com',
      tools: ['whoami', 'health', 'search_records', 'query_records'],
      expectIdentity: (whoami) =>
        expect(whoami).toMatchObject({ member: { email: 'demo@example.com' }, workspace: { slug: 'demo-workspace' } }),
    });
    const client = await connect(stack.origin, provider, 'streamable-http');
    const search = await callTool(client, 'search_records', { query: 'Acme' });
    expect(search.isError).toBe(false);
    expect(JSON.stringify(search.structured)).toContain('Acme');
    expect((await callTool(client, 'health')).structured.attio).toBe('ok');
    await client.close();
  });

  it('tells the client access_denied when the person denies at Attio', async () => {
    const { redirect } = await signInAt(stack.origin, { email: 'demo@example.com', upstreamDecision: 'deny' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
  });

  it('a sign-in that Attio does not confirm stops at a page, with no grant', async () => {
    await fetch(`${stack.standinUrl}/_standin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 3, pathPrefix: '/v2/self' }),
    });
    const stopped = await signInAt(stack.origin, { email: 'demo@example.com' }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(StoppedAtPage);
    expect((stopped as StoppedAtPage).status).toBe(502);
  });
});
