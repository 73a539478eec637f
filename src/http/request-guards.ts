/**
 * Cheap checks on what a request names, before the OAuth library sees it. Each stops a failure
 * or an attack the library would otherwise meet deeper down.
 */

/**
 * Longest client id, code or token accepted. The library turns them into KV keys, and KV refuses
 * keys over 512 bytes with an error that would surface as a 503; real values are far shorter.
 */
export const MAX_IDENTIFIER_LENGTH = 512;

/**
 * A Client ID Metadata Document URL that points into a private network (an IP literal,
 * localhost, an internal or link-local name): fetching it would let anyone who can open
 * /authorize make this server call inside the network (SSRF). Production also has the
 * `global_fetch_strictly_public` flag; this refuses before any fetch, in development too.
 */
export function isPrivateClientIdUrl(clientId: string): boolean {
  if (!clientId.startsWith('https://') || !URL.canParse(clientId)) return false;
  const host = new URL(clientId).hostname.toLowerCase();
  return (
    host.startsWith('[') || // IPv6 literal
    /^\d+(\.\d+){3}$/.test(host) || // IPv4 literal
    /^0x[0-9a-f]+$|^\d+$/.test(host) || // numeric host forms browsers and fetch accept
    host === 'localhost' ||
    ['.localhost', '.local', '.internal', '.home.arpa', '.lan'].some((suffix) => host.endsWith(suffix))
  );
}

/**
 * A form post from another site (the consent form replayed by a page on another origin). The
 * browser says so with `Sec-Fetch-Site` or `Origin`; `Origin: null` is what our own page sends,
 * because it asks for no referrer.
 */
export function isCrossSiteFormPost(request: Request, publicUrl: string): boolean {
  const site = request.headers.get('Sec-Fetch-Site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.get('Origin');
  return origin !== null && origin !== 'null' && origin !== publicUrl;
}

/**
 * A token request naming an over-long or private client id, code or token: the OAuth error to
 * answer instead of passing it to the library, or `undefined` when it is fine.
 */
export function refuseTokenRequest(form: FormData): { status: number; error: string } | undefined {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const clientId = field('client_id');
  if (clientId.length > MAX_IDENTIFIER_LENGTH || isPrivateClientIdUrl(clientId)) {
    return { status: 401, error: 'invalid_client' };
  }
  if (['code', 'refresh_token'].some((name) => field(name).length > MAX_IDENTIFIER_LENGTH)) {
    return { status: 400, error: 'invalid_grant' };
  }
  // RFC 7009: revoking a token the server does not know is not an error.
  if (field('token').length > MAX_IDENTIFIER_LENGTH && !form.has('grant_type')) return { status: 200, error: '' };
  return undefined;
}
