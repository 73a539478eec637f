import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { BACKEND_TEST_TOKEN } from './test/backends/bridge-setup.ts';
import { TEST_PUBLIC_URL } from './test/support/constants.ts';
import { forward, serveCimd } from './test/support/outbound.ts';

/**
 * The Worker's outbound requests in the Workers-runtime tests: CIMD documents of test clients are
 * answered here; the rest (the stand-ins on loopback) goes out over real HTTP.
 */
const outboundService = (request: Request) => serveCimd(request) ?? forward(request);

/** The Worker's settings in the Workers-runtime tests: Attio, through its stand-in on loopback. */
function attioBindings(inject: <T>(key: 'attioStandinUrl') => T) {
  const standin = inject<string>('attioStandinUrl');
  return {
    PUBLIC_URL: TEST_PUBLIC_URL,
    UPSTREAM: 'attio',
    CONSENT_SECRET: 'test-consent-secret-0123456789-abcdefghijklmnop',
    ATTIO_CLIENT_ID: 'dev-attio-client',
    ATTIO_CLIENT_SECRET: 'dev-attio-secret',
    ATTIO_AUTHORIZE_URL: `${standin}/authorize`,
    ATTIO_TOKEN_URL: `${standin}/oauth/token`,
    ATTIO_API_URL: standin,
    ATTIO_STANDIN_URL: standin,
    // A browser-based client's page (MCP Inspector's web UI), allowed to call /mcp.
    ALLOWED_ORIGINS: 'http://localhost:6274',
    // Every test signs in many times from one address; rate limits are tested end to end
    // against wrangler dev (test/e2e/rate-limits.test.ts).
    RATE_LIMITS: 'off',
    // Short, so the timeout tests do not wait 10 s per attempt.
    UPSTREAM_TIMEOUT_MS: '2000',
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        // Fast tests of pure logic, beside the code they pin (filters, value rendering, retry policy).
        test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node' },
      },
      {
        // The stand-ins held to the upstreams' published descriptions (Attio: attio-ts-sdk's schemas).
        test: { name: 'standins', include: ['test/standins/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
      },
      {
        // Tests that run inside the Workers runtime (workerd) against the real Worker, with the
        // Attio stand-in as a real HTTP server on loopback, started by the global setup.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: { outboundService, bindings: attioBindings(inject) },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          globalSetup: ['test/support/standin-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The Worker with a backend MCP server as its tool source (BACKEND=service): the bridge in
        // front of a stdio server, on loopback, reached through a service binding; and the way the
        // Worker reaches a container (test/backends/worker.ts).
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './test/backends/wrangler.jsonc' },
            miniflare: {
              outboundService,
              bindings: {
                ...attioBindings(inject),
                BACKEND: 'service',
                BACKEND_TOKEN: BACKEND_TEST_TOKEN,
                BACKEND_POLICY: JSON.stringify({ tools: { save_note: { allow: ['email:jordan@example.com'] } } }),
                BRIDGE_URL: inject<string>('bridgeUrl'),
              },
              serviceBindings: {
                // Another Worker, as far as the product can tell: the bridge answers.
                BACKEND_SERVICE: (request: Request) => {
                  const url = new URL(request.url);
                  return fetch(new URL(url.pathname + url.search, inject<string>('bridgeUrl')), request);
                },
              },
            },
          })),
        ],
        test: {
          name: 'backend',
          include: ['test/backends/**/*.test.ts'],
          globalSetup: ['test/support/standin-setup.ts', 'test/backends/bridge-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // End-to-end: the real `wrangler dev` and stand-in as processes, driven by the SDK client.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
