import { audit } from '../audit';

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
 * The address a request is counted under. Cloudflare sets `CF-Connecting-IP` and a client cannot
 * forge it there. An IPv6 address counts by its /64: one host usually holds a whole /64, and
 * would otherwise escape a per-address limit by changing address.
 */
export function clientAddress(request: Request): string {
  const ip = request.headers.get('CF-Connecting-IP') ?? 'unknown';
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const OAUTH_ENDPOINTS = new Set(['/authorize', '/callback', '/token', '/register']);

/** The keys one OAuth endpoint request counts under, one per binding. */
export interface OAuthRateKeys {
  /** `OAUTH_ADDRESS_LIMITER`: every sign-in request from one address, whatever client it names. */
  address: string;
  /** `OAUTH_LIMITER`: one endpoint, from one address, for the client the request names. */
  addressAndClient: string;
}

/**
 * What a request to `/authorize`, `/callback`, `/token` or `/register` is counted under. Nothing in
 * it is verified yet: the client id is only a claim (a CIMD client id is public, shared by every
 * user of that app), so no key is the client alone, which would let anyone exhaust a client's
 * budget and lock its real users out of sign-in and refresh. Per address, one address can neither
 * lock out others nor escape the limit by varying the client id (each variation may cost a
 * metadata-document fetch); per address and client, it cannot spend its whole budget on one client.
 * `tokenClientId` is the client id a `/token` POST names (form or Basic credentials).
 */
export function oauthRateKeys(request: Request, url: URL, tokenClientId?: string): OAuthRateKeys | undefined {
  if (!OAUTH_ENDPOINTS.has(url.pathname) || request.method === 'OPTIONS') return undefined;
  const address = clientAddress(request);
  const claimed = url.pathname === '/authorize' ? url.searchParams.get('client_id') : tokenClientId;
  // Bounded: the key is only a counter's name, and an over-long client id is refused later anyway.
  const client = (claimed ?? '').slice(0, 256);
  return { address: `oauth:${address}`, addressAndClient: `${url.pathname.slice(1)}:${address}:${client}` };
}

/** Reads a client's registration (the OAuth library's `lookupClient`). */
export type LookupClient = (clientId: string) => Promise<{ tokenEndpointAuthMethod?: string } | null>;

/** Whether a registered client is confidential, per isolate: a client's auth method never changes. */
const confidentialClients = new Map<string, boolean>();
const MAX_REMEMBERED_CLIENTS = 1_000;

/**
 * The `MCP_CLIENT_LIMITER` key for a token's client, or `undefined` when its requests count per
 * user only. A client's budget is shared by all its users, so it is kept for clients whose tokens
 * only the app itself holds: confidential clients, which authenticate with a secret. Anyone who
 * can sign in can get a token for a public client (every CIMD client id is public; a DCR client
 * without a secret), so a few accounts could spend that client's budget and lock all its users
 * out; those are bounded by `MCP_USER_LIMITER` alone.
 */
export async function mcpClientRateKey(
  clientId: string | undefined,
  lookup: LookupClient | undefined,
): Promise<string | undefined> {
  if (!clientId || !lookup || URL.canParse(clientId)) return undefined; // a URL: a CIMD client
  let confidential = confidentialClients.get(clientId);
  if (confidential === undefined) {
    const client = await lookup(clientId).catch(() => undefined);
    if (client === undefined) return undefined; // storage failed: count per user only, this once
    confidential = client !== null && client.tokenEndpointAuthMethod !== 'none';
    if (confidentialClients.size >= MAX_REMEMBERED_CLIENTS) confidentialClients.clear();
    confidentialClients.set(clientId, confidential);
  }
  return confidential ? `client:${clientId}` : undefined;
}

/**
 * Counts one MCP request against its user's limit, and against its client's when the client is
 * confidential (see `mcpClientRateKey`): the 429 to answer once either is passed.
 */
export async function limitMcpRequest(
  env: Env,
  call: { userId: string; clientId: string },
  path: string,
): Promise<Response | undefined> {
  const limited = await limitMcpUser(env, call.userId, path, 1);
  if (limited) return limited;
  const oauth = (env as { OAUTH_PROVIDER?: { lookupClient: LookupClient } }).OAUTH_PROVIDER;
  const clientKey = await mcpClientRateKey(call.clientId, oauth && ((id) => oauth.lookupClient(id)));
  if (clientKey && !(await withinLimit(env.MCP_CLIENT_LIMITER, clientKey))) {
    audit({ event: 'rate_limited', limiter: 'mcp_client', path });
    return tooManyRequests('requests from this app');
  }
  return undefined;
}

/**
 * Counts `times` more requests against the user's limit (the further tool calls of a batch: a
 * request counts what it makes the server do): the 429 to answer once that passes it.
 */
export async function limitMcpUser(
  env: Env,
  userId: string,
  path: string,
  times: number,
): Promise<Response | undefined> {
  const key = `user:${userId}`;
  const counted = await Promise.all(Array.from({ length: times }, () => withinLimit(env.MCP_USER_LIMITER, key)));
  if (counted.every(Boolean)) return undefined;
  audit({ event: 'rate_limited', limiter: 'mcp_user', path });
  return tooManyRequests('requests from your account');
}
