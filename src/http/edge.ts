import type { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { audit } from '../audit';
import type { Config } from '../config';
import { type BrowserOrigins, foreignOriginResponse, isMcpPath, isOAuthApiPath, withoutCors } from './browser-origins';
import { oauthRateKey, tooManyRequests, withinLimit } from './rate-limits';
import { MAX_IDENTIFIER_LENGTH, refuseTokenRequest } from './request-guards';
import { unavailableResponse } from './unavailable';

export interface Deployment {
  config: Config;
  provider: OAuthProvider<Env>;
  origins: BrowserOrigins;
  /** The Worker's env with token records cached (see token-cache.ts): one object for every request. */
  env: Env;
}

/**
 * The edge around the OAuth library, in order: keep foreign web pages out, count sign-in
 * requests, refuse token requests no client of ours could send, then let the library (and the
 * MCP session behind it) answer; afterwards, record revocations and withhold CORS from pages
 * that may not read the answer. Storage failing inside is a 503, never a 500.
 */
export async function serveAtEdge(
  request: Request<unknown, IncomingRequestCfProperties>,
  ctx: ExecutionContext,
  { config, provider, origins, env }: Deployment,
): Promise<Response> {
  const url = new URL(request.url);
  const browser = origins.check(request);
  const foreign = browser && !browser.allowed;
  if (foreign && isMcpPath(url.pathname)) {
    audit({ event: 'origin_refused', path: url.pathname, origin: browser.origin });
    return foreignOriginResponse(browser.origin);
  }
  if (foreign && isOAuthApiPath(url.pathname) && request.method === 'OPTIONS') {
    return withoutCors(foreignOriginResponse(browser.origin));
  }

  // A /token POST is read once, here, for the rate-limit key, the guards and the audit log.
  const tokenForm =
    url.pathname === '/token' && request.method === 'POST'
      ? await request
          .clone()
          .formData()
          .catch(() => undefined)
      : undefined;

  if (config.rateLimits) {
    const key = oauthRateKey(request, url, tokenForm);
    if (key && !(await withinLimit(env.OAUTH_LIMITER, key))) {
      audit({ event: 'rate_limited', limiter: 'oauth', path: url.pathname });
      return tooManyRequests('sign-in requests');
    }
  }
  const refusal = tokenForm && refuseTokenRequest(tokenForm);
  if (refusal) return refusal.status === 200 ? new Response(null, { status: 200 }) : oauthError(refusal);

  let response: Response;
  try {
    response = await provider.fetch(withUsableBearer(request, url.pathname), env, ctx);
  } catch (error) {
    return unavailableResponse(request, error);
  }
  if (tokenForm) auditRevocation(tokenForm, response);
  return foreign && isOAuthApiPath(url.pathname) ? withoutCors(response) : response;
}

/** RFC 7009 revocations share /token with token requests; they carry `token` and no `grant_type`. */
function auditRevocation(form: FormData, response: Response): void {
  if (!form.has('token') || form.has('grant_type')) return;
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
