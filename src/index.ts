import type { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { type ConfigReport, readConfig } from './config';
import { healthResponse, notConfiguredResponse, wrongOriginResponse } from './health';
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
    const url = new URL(request.url);
    if (url.pathname === '/health') return healthResponse(report, url.origin);
    if (!report.ok) return notConfiguredResponse(request, report);
    // Tokens are bound to PUBLIC_URL: a client on another origin (127.0.0.1 for localhost, a
    // workers.dev name for a custom domain) could sign in but never use its token.
    if (url.origin !== report.config.publicUrl) return wrongOriginResponse(request, report.config.publicUrl);
    return providerFor(report).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
