import { withCachedTokens } from './auth/token-cache';
import { type ConfigReport, readConfig } from './config';
import { BrowserOrigins } from './http/browser-origins';
import { type Deployment, serveAtEdge } from './http/edge';
import { healthResponse } from './http/health';
import { notConfiguredResponse } from './http/not-configured';
import { wrongOriginResponse } from './http/wrong-origin';
import { createProvider, type LaneExtras } from './provider';

export { BackendContainer } from './backend/container';
export { McpSession } from './mcp/session';

/**
 * The configuration, and the provider, origin policy and token-caching env built from it, once
 * per env object: an isolate reuses its env across requests (and the library caches its helpers
 * on it), so none of them is redone per request.
 */
type Deployments = WeakMap<object, { report: ConfigReport; ready?: Deployment }>;

function deploymentFor(deployments: Deployments, env: Env) {
  let deployment = deployments.get(env);
  if (!deployment) {
    deployment = { report: readConfig(env) };
    deployments.set(env, deployment);
  }
  return deployment;
}

/**
 * The Worker. `extras` is for test entries only (test/conformance/worker.ts adds the conformance
 * suite's fixtures to the 2026-07-28 lane, as its session subclass does to the sessions).
 */
export function createWorker(extras: LaneExtras = {}) {
  const deployments: Deployments = new WeakMap();
  return {
    fetch: (request, env, ctx) => serve(deploymentFor(deployments, env), extras, request, env, ctx),
  } satisfies ExportedHandler<Env>;
}

export default createWorker();

async function serve(
  deployment: ReturnType<typeof deploymentFor>,
  extras: LaneExtras,
  request: Request<unknown, IncomingRequestCfProperties>,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const { report } = deployment;
  const url = new URL(request.url);
  if (url.pathname === '/health') return healthResponse(report, url.origin);
  if (!report.ok) return notConfiguredResponse(request, report);
  // Tokens are bound to PUBLIC_URL: a client on another origin (127.0.0.1 for localhost, a
  // workers.dev name for a custom domain) could sign in but never use its token.
  if (url.origin !== report.config.publicUrl) return wrongOriginResponse(request, report.config.publicUrl);
  deployment.ready ??= {
    config: report.config,
    provider: createProvider(report.config, extras),
    origins: new BrowserOrigins(report.config.publicUrl, report.config.allowedOrigins),
    env: withCachedTokens(env, report.config.tokenCacheMs),
  };
  return serveAtEdge(request, ctx, deployment.ready);
}
