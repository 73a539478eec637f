import type { ConfigReport } from '../config';

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
