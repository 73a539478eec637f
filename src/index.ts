import type { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { type ConfigReport, readConfig } from './config';
import { healthResponse, notConfiguredResponse } from './health';
import { createProvider } from './provider';

export { McpSession } from './mcp/agent';

// The provider is built once per isolate from the configuration (the library caches its
// helpers on the shared env), and rebuilt only if the configuration changes.
let built: { key: string; provider: OAuthProvider<Env> } | undefined;

function providerFor(report: Extract<ConfigReport, { ok: true }>): OAuthProvider<Env> {
  const key = JSON.stringify(report.config);
  if (built?.key !== key) built = { key, provider: createProvider(report.config) };
  return built.provider;
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const report = readConfig(env);
    const { pathname } = new URL(request.url);
    if (pathname === '/health') return healthResponse(report);
    if (!report.ok) return notConfiguredResponse(request, report);
    return providerFor(report).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
