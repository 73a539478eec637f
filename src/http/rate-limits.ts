/**
 * Rate limits on the Workers rate-limiting bindings declared in wrangler.jsonc: each binding
 * counts calls per key over its period (60 s here). The binding does not say when the window
 * ends, so `Retry-After` is the period: a client that waits that long is always let through.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Whether `key` is still under the binding's limit. A missing binding (not configured) limits nothing. */
export async function withinLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key })).success;
  } catch {
    return true; // the limiter failing must not take the server down with it
  }
}

export function tooManyRequests(what: string): Response {
  return Response.json(
    {
      error: 'rate_limited',
      error_description: `Too many ${what}. Try again in ${RATE_LIMIT_PERIOD_SECONDS} seconds.`,
    },
    { status: 429, headers: { 'Retry-After': String(RATE_LIMIT_PERIOD_SECONDS) } },
  );
}

/**
 * The key an OAuth endpoint request is counted under: the client for `/authorize` and `/token`,
 * the address for `/register` (no client exists yet). Cloudflare sets `CF-Connecting-IP`; a
 * client cannot forge it there. `tokenForm` is the already-read form of a `/token` POST.
 */
export function oauthRateKey(request: Request, url: URL, tokenForm: FormData | undefined): string | undefined {
  const address = request.headers.get('CF-Connecting-IP') ?? 'unknown';
  if (url.pathname === '/register' && request.method === 'POST') return `register:${address}`;
  if (url.pathname === '/authorize') return `authorize:${url.searchParams.get('client_id') ?? address}`;
  if (tokenForm) {
    const clientId = tokenForm.get('client_id');
    return `token:${typeof clientId === 'string' && clientId ? clientId : address}`;
  }
  return undefined;
}
