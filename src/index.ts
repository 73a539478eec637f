import type { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { audit } from './audit';
import { type ConfigReport, readConfig } from './config';
import { healthResponse, notConfiguredResponse, wrongOriginResponse } from './health';
import { BrowserOrigins, foreignOriginResponse, isMcpPath, isOAuthApiPath, withoutCors } from './http/browser-origins';
import { oauthRateKey, tooManyRequests, withinLimit } from './http/rate-limits';
import { MAX_IDENTIFIER_LENGTH, refuseTokenRequest } from './http/request-guards';
import { unavailableResponse } from './http/unavailable';
import { createProvider } from './provider';

export { McpSession } from './mcp/agent';

/**
 * The configuration and the provider built from it, once per env object: an isolate reuses its
 * env across requests (and the library caches its helpers on it), so neither is redone per request.
 */
const deployments = new WeakMap<
  object,
  { report: ConfigReport; provider?: OAuthProvider<Env>; origins?: BrowserOrigins }
>();

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
    deployment.origins ??= new BrowserOrigins(report.config.publicUrl, report.config.allowedOrigins);
    const browser = deployment.origins.check(request);
    if (browser && !browser.allowed) {
      if (isMcpPath(url.pathname)) {
        audit({ event: 'origin_refused', path: url.pathname, origin: browser.origin });
        return foreignOriginResponse(browser.origin);
      }
      if (isOAuthApiPath(url.pathname) && request.method === 'OPTIONS') {
        return withoutCors(foreignOriginResponse(browser.origin));
      }
    }
    if (report.config.rateLimits) {
      const key = await oauthRateKey(request, url.pathname);
      if (key && !(await withinLimit(env.OAUTH_LIMITER, key))) {
        audit({ event: 'rate_limited', limiter: 'oauth', path: url.pathname });
        return tooManyRequests('sign-in requests');
      }
    }
    deployment.provider ??= createProvider(report.config);
    const tokenRequest = url.pathname === '/token' && request.method === 'POST' ? request.clone() : undefined;
    if (tokenRequest) {
      const form = await request
        .clone()
        .formData()
        .catch(() => undefined);
      const refusal = form && refuseTokenRequest(form);
      if (refusal) return refusal.status === 200 ? new Response(null, { status: 200 }) : oauthError(refusal);
    }
    let response: Response;
    try {
      response = await deployment.provider.fetch(withUsableBearer(request, url.pathname), env, ctx);
    } catch (error) {
      return unavailableResponse(request, error);
    }
    if (tokenRequest) await auditRevocation(tokenRequest, response);
    return browser && !browser.allowed && isOAuthApiPath(url.pathname) ? withoutCors(response) : response;
  },
} satisfies ExportedHandler<Env>;

/** RFC 7009 revocations share /token with token requests; they carry `token` and no `grant_type`. */
async function auditRevocation(request: Request, response: Response): Promise<void> {
  const form = await request
    .clone()
    .formData()
    .catch(() => undefined);
  if (!form?.has('token') || form.has('grant_type')) return;
  const client = form.get('client_id');
  audit({
    event: 'token_revocation',
    client: typeof client === 'string' ? client : 'unknown',
    status: response.status,
  });
}

function oauthError({ status, error }: { status: number; error: string }): Response {
  return Response.json(
    { error, error_description: 'The request names a client, code or token this server cannot have issued.' },
    { status, headers: { 'Cache-Control': 'no-store' } },
  );
}

/**
 * A bearer token too long to be one of ours is swapped for a well-formed one that cannot match,
 * so the library answers its usual 401 `invalid_token` challenge instead of failing on the
 * over-long KV key it would derive.
 */
function withUsableBearer<R extends Request>(request: R, pathname: string): R {
  if (!isMcpPath(pathname)) return request;
  const header = request.headers.get('Authorization') ?? '';
  if (header.length <= MAX_IDENTIFIER_LENGTH + 'Bearer '.length) return request;
  const headers = new Headers(request.headers);
  headers.set('Authorization', 'Bearer invalid:invalid:invalid');
  return new Request(request, { headers }) as R;
}
