/**
 * Cheap checks on what a request names, before the OAuth library sees it. Each stops a failure
 * or an attack the library would otherwise meet deeper down.
 */

/**
 * KV refuses keys over 512 bytes with an error that would surface as a 503 "storage unavailable".
 * The OAuth library builds its keys from what a request names: `client:<client id>`, and for a
 * code, refresh or access token `user:grant:secret`, `grant:<user>:<grant>` and
 * `token:<user>:<grant>:<64-hex hash>`. An identifier whose key could not fit is refused here,
 * with the error an unknown one gets, before the library looks it up. Real values are far shorter.
 */
const KV_KEY_MAX_BYTES = 512;
const TOKEN_HASH_HEX_LENGTH = 64;
const utf8 = new TextEncoder();

/** Whether `client:<clientId>` fits in a KV key. */
export function fitsClientKey(clientId: string): boolean {
  return utf8.encode(`client:${clientId}`).byteLength <= KV_KEY_MAX_BYTES;
}

/**
 * Whether the KV keys the library derives from a code or token fit. Only the library's
 * `user:grant:secret` form is looked up (anything else is refused without a read), and its
 * longest key is `token:<user>:<grant>:<hash>`.
 */
export function fitsTokenKeys(token: string): boolean {
  const parts = token.split(':');
  if (parts.length !== 3) return true;
  const [user, grant] = parts;
  return utf8.encode(`token:${user}:${grant}:`).byteLength + TOKEN_HASH_HEX_LENGTH <= KV_KEY_MAX_BYTES;
}

/** Host name endings that only resolve inside a private network (RFC 6761, RFC 8375, common practice). */
const PRIVATE_SUFFIXES = [
  '.localhost',
  '.local',
  '.localdomain',
  '.internal',
  '.intranet',
  '.lan',
  '.home',
  '.corp',
  '.private',
  '.arpa', // home.arpa, and reverse-lookup names such as 1.0.0.127.in-addr.arpa
  '.test',
  '.invalid',
  '.onion',
];

/**
 * A Client ID Metadata Document URL that points into a private network: fetching it would let
 * anyone who can open /authorize or POST /token make this server call inside the network (SSRF).
 * Judged on the host as `fetch` would dial it, after WHATWG URL parsing: IPv4 in decimal, octal,
 * hex or short forms becomes a dotted quad, percent-encoded and IDNA hosts (full-width letters,
 * `。`) are decoded, userinfo is dropped, the scheme's case ignored. Refused: every IP literal
 * (v4 and v6, IPv4-mapped included), single-label names (`localhost`, `intranet`, resolved through
 * search domains), private-only suffixes, each with or without trailing dots. A public name that
 * resolves to a private address is left to the `global_fetch_strictly_public` flag in production.
 */
export function isPrivateClientIdUrl(clientId: string): boolean {
  if (!URL.canParse(clientId)) return false;
  const url = new URL(clientId);
  if (url.protocol !== 'https:') return false; // the library refuses other schemes before fetching
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  return (
    host.startsWith('[') || // IPv6 literal, including ::ffff:127.0.0.1
    /^\d+(\.\d+){3}$/.test(host) || // IPv4 literal, in whatever form it was written
    !host.includes('.') ||
    PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix))
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

/** The client id of an HTTP Basic `Authorization` header, decoded as the library does (RFC 6749 §2.3.1). */
export function basicClientId(header: string | null): string | undefined {
  const match = /^basic[ \t]+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  try {
    const credentials = atob(match[1]);
    const colon = credentials.indexOf(':');
    return colon === -1 ? undefined : decodeURIComponent(credentials.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The unverified `iss` of a client assertion (a JWT): the library's client id when no other is sent. */
function assertionIssuer(assertion: string): string | undefined {
  try {
    const payload = assertion.split('.')[1] ?? '';
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const iss = typeof json === 'object' && json !== null ? (json as { iss?: unknown }).iss : undefined;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A token request naming a client, code or token whose KV key cannot fit, or a private CIMD
 * client id: the OAuth error to answer instead of passing it to the library, or `undefined` when
 * it is fine. The client id is every one the library may look up: the form's, the Basic
 * credentials', a client assertion's issuer.
 */
export function refuseTokenRequest(form: FormData, headers: Headers): { status: number; error: string } | undefined {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const clientIds = [field('client_id'), basicClientId(headers.get('Authorization')) ?? ''];
  if (field('client_assertion')) clientIds.push(assertionIssuer(field('client_assertion')) ?? '');
  if (clientIds.some((clientId) => !fitsClientKey(clientId) || isPrivateClientIdUrl(clientId))) {
    return { status: 401, error: 'invalid_client' };
  }
  if (['code', 'refresh_token'].some((name) => !fitsTokenKeys(field(name)))) {
    return { status: 400, error: 'invalid_grant' };
  }
  // RFC 7009: revoking a token the server does not know is not an error.
  if (!fitsTokenKeys(field('token')) && !form.has('grant_type')) return { status: 200, error: '' };
  return undefined;
}

/**
 * The official Python MCP client (PyPI `mcp`) authenticates with HTTP Basic and also sends
 * `client_id` in the form, as RFC 6749 §3.2.1 allows: identification, not a second
 * authentication method (§2.3). The OAuth library refuses any body `client_id` beside Basic, so
 * exactly that field is dropped when it equals the Basic credentials' client id. Anything else
 * (a body `client_secret` beside Basic, a different `client_id`) reaches the library unchanged,
 * which refuses it. Returns the request to send on, or `undefined` to send the original.
 */
export function withoutRedundantClientId(request: Request, form: FormData): Request | undefined {
  const contentType = request.headers.get('Content-Type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) return undefined;
  const basic = basicClientId(request.headers.get('Authorization'));
  const bodyIds = form.getAll('client_id');
  if (basic === undefined || bodyIds.length !== 1 || bodyIds[0] !== basic) return undefined;
  const body = new URLSearchParams();
  for (const [name, value] of form) if (name !== 'client_id' && typeof value === 'string') body.append(name, value);
  const headers = new Headers(request.headers);
  headers.delete('Content-Length');
  return new Request(request, { headers, body: body.toString() });
}
