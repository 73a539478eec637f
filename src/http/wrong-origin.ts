/**
 * A request on an origin other than PUBLIC_URL: browsers are sent to the same path on the right
 * origin; API clients get 421 (Misdirected Request) naming the URL to use.
 */
export function wrongOriginResponse(request: Request, publicUrl: string): Response {
  const url = new URL(request.url);
  if (request.method === 'GET' || request.method === 'HEAD') {
    return new Response(null, { status: 308, headers: { Location: `${publicUrl}${url.pathname}${url.search}` } });
  }
  return Response.json(
    { error: 'wrong_origin', error_description: `This MCP server is at ${publicUrl}; connect to ${publicUrl}/mcp.` },
    { status: 421 },
  );
}
