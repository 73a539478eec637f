import type { ConfigReport } from './config';

/**
 * `/health`: one boolean per setting and binding, never a value, so an operator can see what
 * is missing without the page leaking a secret. 503 while anything is missing.
 */
export function healthResponse(report: ConfigReport, requestOrigin: string): Response {
  const checks = {
    ...report.checks,
    PUBLIC_URL_MATCHES_REQUEST: report.ok && report.config.publicUrl === requestOrigin,
  };
  return Response.json(
    { status: report.ok ? 'ok' : 'not_configured', checks },
    { status: report.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}

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

/** Every other route while the configuration is incomplete: say so, in the client's language. */
export function notConfiguredResponse(request: Request, report: Extract<ConfigReport, { ok: false }>): Response {
  // What to fix, in words an operator can act on; the messages name settings, never values.
  console.error(JSON.stringify({ event: 'not_configured', problems: report.problems }));
  const message = 'This MCP server is not configured yet. Its administrator can see what is missing at /health.';
  if ((request.headers.get('Accept') ?? '').includes('text/html')) {
    const body = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not configured</title><h1>Not configured</h1><p>${message}</p>`;
    return new Response(body, {
      status: 503,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return Response.json({ error: 'server_not_configured', error_description: message }, { status: 503 });
}
