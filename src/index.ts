import type { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { type ConfigReport, readConfig } from './config';
import { healthResponse, notConfiguredResponse, wrongOriginResponse } from './health';
import { createProvider } from './provider';

export { McpSession } from './mcp/agent';

/**
 * The configuration and the provider built from it, once per env object: an isolate reuses its
 * env across requests (and the library caches its helpers on it), so neither is redone per request.
 */
const deployments = new WeakMap<object, { report: ConfigReport; provider?: OAuthProvider<Env> }>();

function deploymentFor(env: Env) {
  let deployment = deployments.get(env);
  if (!deployment) {
    deployment = { report: readConfig(env) };
    deployments.set(env, deployment);
  }
  return deployment;
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const deployment = deploymentFor(env);
    const { report } = deployment;
    const url = new URL(request.url);
    if (url.pathname === '/health') return healthResponse(report, url.origin);
    if (!report.ok) return notConfiguredResponse(request, report);
    // Tokens are bound to PUBLIC_URL: a client on another origin (127.0.0.1 for localhost, a
    // workers.dev name for a custom domain) could sign in but never use its token.
    if (url.origin !== report.config.publicUrl) return wrongOriginResponse(request, report.config.publicUrl);
    deployment.provider ??= createProvider(report.config);
    return deployment.provider.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
