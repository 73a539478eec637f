import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_PUBLIC_URL } from './test/support/constants.ts';
import { forward, serveCimd } from './test/support/outbound.ts';

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
            miniflare: {
              // The Worker's outbound requests: CIMD documents of test clients are answered
              // here; the rest (the Attio stand-in on loopback) goes out over real HTTP.
              outboundService: (request: Request) => serveCimd(request) ?? forward(request),
              bindings: {
                PUBLIC_URL: TEST_PUBLIC_URL,
                UPSTREAM: 'attio',
                CONSENT_SECRET: 'test-consent-secret-0123456789-abcdefghijklmnop',
                ATTIO_CLIENT_ID: 'dev-attio-client',
                ATTIO_CLIENT_SECRET: 'dev-attio-secret',
                ATTIO_AUTHORIZE_URL: `${inject<string>('attioStandinUrl')}/authorize`,
                ATTIO_TOKEN_URL: `${inject<string>('attioStandinUrl')}/oauth/token`,
                ATTIO_API_URL: inject<string>('attioStandinUrl'),
                ATTIO_STANDIN_URL: inject<string>('attioStandinUrl'),
                // A browser-based client's page (MCP Inspector's web UI), allowed to call /mcp.
                ALLOWED_ORIGINS: 'http://localhost:6274',
                // Every test signs in many times from one address; rate limits are tested end to
                // end against wrangler dev (test/e2e/rate-limits.test.ts).
                RATE_LIMITS: 'off',
                // Short, so the timeout tests do not wait 10 s per attempt.
                UPSTREAM_TIMEOUT_MS: '2000',
              },
            },
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
