import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { backendFetch } from '../../src/backend/reach';
import { checkBackend } from '../../src/backend/settings';
import { call, openSession } from '../support/session';
import { get } from '../support/worker';

/**
 * BACKEND=service, inside workerd: the Worker reaches the backend (the bridge in front of the
 * fixture stdio server, on loopback) through the `BACKEND_SERVICE` service binding, signed in
 * with Attio: a backend works with any upstream.
 */

describe('a backend reached through a service binding', () => {
  it('reports the backend settings on /health', async () => {
    const health = (await (await get('/health')).json()) as { checks: Record<string, boolean> };
    expect(health.checks).toMatchObject({
      BACKEND: true,
      BACKEND_SERVICE: true,
      BACKEND_POLICY: true,
      BACKEND_TOKEN: true,
    });
  });

  it('serves the backend’s tools to an Attio user, with the identity Attio verified', async () => {
    const client = await openSession('streamable-http', { email: 'demo@example.com' });
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['whoami_env', 'add_numbers']));
    expect(names).not.toContain('search_records'); // the backend replaces the Attio pack
    expect(names).not.toContain('save_note'); // reserved for jordan@example.com by the policy
    const whoami = await call(client, 'whoami_env');
    expect(JSON.stringify(whoami.structured)).toContain('demo@example.com');
    expect(JSON.stringify(whoami.structured)).toContain('attio');
    await client.close();
  });

  it('offers a reserved tool to the person the policy names', async () => {
    const client = await openSession('streamable-http', { email: 'jordan@example.com' });
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('save_note');
    const saved = await call(client, 'save_note', { text: 'kept by the backend' });
    expect(saved.isError).toBe(false);
    await client.close();
  });
});

/** This project's own bindings (test/backends/wrangler.jsonc), beside the product's `Env`. */
const bindings = env as unknown as { BACKEND_CONTAINER: unknown; BACKEND_TOKEN: string };

describe('how the Worker reaches a container', () => {
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  const open = async (per: 'deployment' | 'user', userId: string) => {
    const report = checkBackend({
      BACKEND: 'container',
      BACKEND_CONTAINER: bindings.BACKEND_CONTAINER,
      BACKEND_CONTAINER_PER: per,
    });
    if (!report.config) throw new Error(report.problems.join('; '));
    const send = backendFetch(report.config, env, userId);
    const response = await send(report.config.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        Authorization: `Bearer ${bindings.BACKEND_TOKEN}`,
        'X-MCP-User-Id': userId,
      },
      body: JSON.stringify(initialize),
    });
    await response.body?.cancel();
    return { status: response.status, object: response.headers.get('X-Container-Object') };
  };

  it('starts the bridge in one container for the deployment, or one per person', async () => {
    const [a, b] = [await open('deployment', 'user-a'), await open('deployment', 'user-b')];
    expect(a.status).toBe(200); // the bridge behind the container's object answered `initialize`
    expect(a.object).toBe(b.object);
    const [c, d] = [await open('user', 'user-a'), await open('user', 'user-b')];
    expect(c.status).toBe(200);
    expect(c.object).not.toBe(d.object);
    expect(c.object).not.toBe(a.object);
  });
});
