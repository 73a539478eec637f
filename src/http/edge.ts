import type { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { audit } from '../audit';
import type { Config } from '../config';
import { type BrowserOrigins, foreignOriginResponse, isMcpPath, isOAuthApiPath, withoutCors } from './browser-origins';
import { oauthRateKeys, tooManyRequests, withinLimit } from './rate-limits';
import { basicClientId, fitsTokenKeys, refuseTokenRequest, withoutRedundantClientId } from './request-guards';
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
  const tokenClient = tokenForm && claimedClientId(tokenForm, request.headers);

  if (config.rateLimits) {
    const keys = oauthRateKeys(request, url, tokenClient);
    if (keys) {
      const limiter = !(await withinLimit(env.OAUTH_ADDRESS_LIMITER, keys.address))
        ? 'oauth_address'
        : !(await withinLimit(env.OAUTH_LIMITER, keys.addressAndClient))
          ? 'oauth'
          : undefined;
      if (limiter) {
        audit({ event: 'rate_limited', limiter, path: url.pathname });
        return tooManyRequests('sign-in requests');
      }
    }
  }
  const refusal = tokenForm && refuseTokenRequest(tokenForm, request.headers);
  if (refusal) {
    return refusal.status === 200 ? new Response(null, { status: 200 }) : oauthError(refusal, request.headers);
  }

  let response: Response;
  try {
    const forwarded =
      (tokenForm && withoutRedundantClientId(request, tokenForm)) ?? withUsableBearer(request, url.pathname);
    response = await provider.fetch(forwarded, env, ctx);
  } catch (error) {
    return unavailableResponse(request, error);
  }
  if (tokenForm) auditRevocation(tokenForm, tokenClient, response);
  return foreign && isOAuthApiPath(url.pathname) ? withoutCors(response) : response;
}

/** RFC 7009 revocations share /token with token requests; they carry `token` and no `grant_type`. */
function auditRevocation(form: FormData, client: string | undefined, response: Response): void {
  if (!form.has('token') || form.has('grant_type')) return;
  audit({ event: 'token_revocation', client: client || 'unknown', status: response.status });
}

/** The client a token request names (not yet verified): the form's `client_id`, else HTTP Basic's. */
function claimedClientId(form: FormData, headers: Headers): string | undefined {
  const field = form.get('client_id');
  return (typeof field === 'string' && field) || basicClientId(headers.get('Authorization'));
}

function oauthError({ status, error }: { status: number; error: string }, requestHeaders: Headers): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  // RFC 6749 §5.2: a 401 to a client that tried HTTP Basic names the scheme it must use.
  if (status === 401 && basicClientId(requestHeaders.get('Authorization')) !== undefined) {
    headers.set('WWW-Authenticate', 'Basic realm="OAuth"');
  }
  return Response.json(
    { error, error_description: 'The request names a client, code or token this server cannot have issued.' },
    { status, headers },
  );
}

/**
 * A bearer token whose KV key could not fit (too long to be one of ours) is swapped for a
 * well-formed one that cannot match, so the library answers its usual 401 `invalid_token`
 * challenge instead of failing on the over-long key it would derive.
 */
function withUsableBearer<R extends Request>(request: R, pathname: string): R {
  if (!isMcpPath(pathname)) return request;
  const header = request.headers.get('Authorization') ?? '';
  if (fitsTokenKeys(header.replace(/^bearer\s+/i, ''))) return request;
  const headers = new Headers(request.headers);
  headers.set('Authorization', 'Bearer invalid:invalid:invalid');
  return new Request(request, { headers }) as R;
}
