/**
 * Which browser origins may use this server from a web page: its own origin (PUBLIC_URL) and the
 * ones configured in ALLOWED_ORIGINS (for example MCP Inspector's web UI). Requests without an
 * `Origin` header come from non-browser clients (Claude.ai's and ChatGPT's servers, mcp-remote,
 * SDKs) and are not affected.
 */
export class BrowserOrigins {
  readonly #allowed: ReadonlySet<string>;

  constructor(publicUrl: string, configured: readonly string[]) {
    this.#allowed = new Set([publicUrl, ...configured]);
  }

  /** `undefined` without an `Origin` header (not a browser), else whether it is allowed. */
  check(request: Request): { origin: string; allowed: boolean } | undefined {
    const origin = request.headers.get('Origin');
    if (origin === null) return undefined;
    return { origin, allowed: this.#allowed.has(origin) };
  }
}

/** The MCP transports: a page on a foreign origin must not reach them (DNS rebinding). */
export function isMcpPath(pathname: string): boolean {
  return pathname === '/mcp' || pathname.startsWith('/mcp/') || pathname === '/sse' || pathname.startsWith('/sse/');
}

/** Endpoints browser OAuth clients call with fetch: tokens, registration, discovery. */
export function isOAuthApiPath(pathname: string): boolean {
  return pathname === '/token' || pathname === '/register' || pathname.startsWith('/.well-known/');
}

/**
 * MCP requires servers to validate `Origin` against DNS rebinding: a page on another origin
 * (a rebound hostname, a malicious site) gets 403 and no CORS headers, so it can neither act
 * nor read.
 */
export function foreignOriginResponse(origin: string): Response {
  return Response.json(
    {
      error: 'forbidden_origin',
      error_description: `Requests from web pages on ${origin} are not allowed. The server's administrator can add the origin to ALLOWED_ORIGINS.`,
    },
    { status: 403, headers: { Vary: 'Origin' } },
  );
}

/**
 * The OAuth library reflects any `Origin` in CORS headers; for origins not allowed here they are
 * removed, so the browser keeps the response from the page (the request itself carries no
 * ambient credential). A preflight from such an origin is refused outright.
 */
export function withoutCors(response: Response): Response {
  const trimmed = new Response(response.body, response);
  for (const name of [...trimmed.headers.keys()]) {
    if (name.toLowerCase().startsWith('access-control-')) trimmed.headers.delete(name);
  }
  return trimmed;
}
