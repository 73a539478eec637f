import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { get, ORIGIN, sendToWorker } from '../support/worker';

/** Calls the Worker with a broken configuration, as a deployment that forgot something would. */
function callWith(overrides: Record<string, unknown>, path: string, init: RequestInit = {}) {
  const broken = { ...env, ...overrides } as Env;
  const request = new Request(`${ORIGIN}${path}`, init) as Request<unknown, IncomingRequestCfProperties>;
  return worker.fetch(request, broken, createExecutionContext());
}

describe('configuration that cannot crash the Worker', () => {
  it('/health says ok with a boolean per setting when everything is configured', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.status).toBe('ok');
    expect(Object.values(body.checks).every((value) => value === true)).toBe(true);
    expect(Object.keys(body.checks)).toEqual(
      expect.arrayContaining(['PUBLIC_URL', 'CONSENT_SECRET', 'ATTIO_CLIENT_SECRET', 'OAUTH_KV']),
    );
  });

  it('a missing secret shows as false in /health, never with a value', async () => {
    const response = await callWith({ ATTIO_CLIENT_SECRET: undefined, CONSENT_SECRET: 'short' }, '/health');
    expect(response.status).toBe(503);
    const text = await response.text();
    const body = JSON.parse(text) as { status: string; checks: Record<string, boolean> };
    expect(body.status).toBe('not_configured');
    expect(body.checks.ATTIO_CLIENT_SECRET).toBe(false);
    expect(body.checks.CONSENT_SECRET).toBe(false);
    expect(body.checks.ATTIO_CLIENT_ID).toBe(true);
    expect(text).not.toContain('dev-attio-client');
    expect(text).not.toContain('short');
  });

  it('a missing KV binding or a wrong public URL is reported, and the OAuth pages explain it', async () => {
    const health = (await (
      await callWith({ OAUTH_KV: undefined, PUBLIC_URL: 'mcp.example.com/' }, '/health')
    ).json()) as {
      checks: Record<string, boolean>;
    };
    expect(health.checks.OAUTH_KV).toBe(false);
    expect(health.checks.PUBLIC_URL).toBe(false);
    const page = await callWith({ OAUTH_KV: undefined }, '/authorize?client_id=x', {
      headers: { Accept: 'text/html' },
    });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('not configured');
    const api = await callWith({ OAUTH_KV: undefined }, '/mcp', { method: 'POST' });
    expect(api.status).toBe(503);
    expect(((await api.json()) as { error: string }).error).toBe('server_not_configured');
  });

  it('an http public URL that is not loopback is refused (OAuth needs https)', async () => {
    const health = (await (await callWith({ PUBLIC_URL: 'http://mcp.example.com' }, '/health')).json()) as {
      checks: Record<string, boolean>;
    };
    expect(health.checks.PUBLIC_URL).toBe(false);
  });
});

describe('requests on another origin than PUBLIC_URL', () => {
  it('a browser is redirected to the same page on the public URL', async () => {
    const response = await sendToWorker(
      new Request('https://other.example.com/authorize?client_id=x&state=1', { redirect: 'manual' }),
    );
    expect(response.status).toBe(308);
    expect(response.headers.get('Location')).toBe(`${ORIGIN}/authorize?client_id=x&state=1`);
  });

  it('an MCP client gets 421 naming the URL to use, and /health shows the mismatch', async () => {
    const response = await sendToWorker(new Request('https://other.example.com/mcp', { method: 'POST', body: '{}' }));
    expect(response.status).toBe(421);
    expect(((await response.json()) as { error_description: string }).error_description).toContain(`${ORIGIN}/mcp`);
    const health = (await (await sendToWorker(new Request('https://other.example.com/health'))).json()) as {
      checks: Record<string, boolean>;
    };
    expect(health.checks.PUBLIC_URL_MATCHES_REQUEST).toBe(false);
    expect(
      ((await (await get('/health')).json()) as { checks: Record<string, boolean> }).checks.PUBLIC_URL_MATCHES_REQUEST,
    ).toBe(true);
  });
});
