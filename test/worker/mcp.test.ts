import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { connectMcp, type TransportKind } from '../support/mcp-client';
import { signIn } from '../support/oauth-client';
import { controlStandin, newBrowser, ORIGIN, sendToWorker } from '../support/worker';

/** Signs a new user in and opens an MCP session with the official SDK client. */
async function openSession(transport: TransportKind, overrides: Parameters<typeof signIn>[1] = {}) {
  const { tokens } = await signIn(newBrowser(), overrides);
  return connectMcp({ origin: ORIGIN, token: tokens.access_token, transport, send: sendToWorker });
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

for (const transport of ['streamable-http', 'sse'] as TransportKind[]) {
  describe(`MCP over ${transport} with the signed-in user's props`, () => {
    it('lists the Attio tools with honest annotations', async () => {
      const client = await openSession(transport);
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name).sort();
      expect(names).toEqual(['health', 'search_records', 'whoami']);
      for (const tool of tools) {
        expect(tool.annotations?.readOnlyHint).toBe(true);
        expect(tool.outputSchema).toBeDefined();
      }
      await client.close();
    });

    it('whoami answers the workspace and the member who signed in', async () => {
      const client = await openSession(transport, { email: 'demo@example.com' });
      const result = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as {
        workspace: { slug: string };
        member: { email: string };
        scopes: string[];
      };
      expect(structured.workspace.slug).toBe('demo-workspace');
      expect(structured.member.email).toBe('demo@example.com');
      expect(structured.scopes.sort()).toEqual(['mcp:read', 'mcp:write']);
      // The upstream token is never in tool output.
      expect(JSON.stringify(result)).not.toMatch(/attioToken|access_token/);
      await client.close();
    });

    it('search_records finds a company in the demo CRM', async () => {
      const client = await openSession(transport);
      const result = (await client.callTool({
        name: 'search_records',
        arguments: { query: 'Acme', objects: ['companies'] },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const { results } = result.structuredContent as { results: { name: string; object: string; id: string }[] };
      expect(results.some((r) => r.name.includes('Acme') && r.object === 'companies')).toBe(true);
      expect(text(result)).toContain('Acme');
      await client.close();
    });

    it('bad tool input is a tool error the model can read, not a protocol failure', async () => {
      const client = await openSession(transport);
      const result = (await client.callTool({
        name: 'search_records',
        arguments: { query: '', limit: 500 },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      await client.close();
    });

    it('health reports that Attio answers', async () => {
      const client = await openSession(transport);
      const result = (await client.callTool({ name: 'health', arguments: {} })) as CallToolResult;
      expect((result.structuredContent as { attio: string }).attio).toBe('ok');
      await client.close();
    });
  });
}

describe('session tokens', () => {
  it('a made-up bearer token gets 401 with the challenge', async () => {
    const response = await sendToWorker(
      new Request(`${ORIGIN}/mcp`, { method: 'POST', headers: { Authorization: 'Bearer a:b:c' }, body: '{}' }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });
});

describe('when Attio struggles', () => {
  it('a 429 with Retry-After is waited out and retried, and the tool still answers', async () => {
    const client = await openSession('streamable-http');
    await controlStandin('faults', {
      status: 429,
      count: 1,
      retryAfterSeconds: 1,
      pathPrefix: '/v2/objects/records/search',
    });
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('Acme Corp');
    await client.close();
  });

  it('an outage that outlasts the retries is a tool error saying so, not a protocol failure', async () => {
    const client = await openSession('streamable-http');
    await controlStandin('faults', { status: 503, count: 3, pathPrefix: '/v2/objects/records/search' });
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Attio is not answering right now');
    await client.close();
  });

  it('a revoked Attio token is a tool error telling the user to reconnect', async () => {
    const client = await openSession('streamable-http', { email: 'revoked-in-session@example.com' });
    await controlStandin('revoke', { email: 'revoked-in-session@example.com' });
    const result = (await client.callTool({ name: 'search_records', arguments: { query: 'Acme' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Reconnect this server');
    await client.close();
  });
});
