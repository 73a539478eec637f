import type { ConfigReport } from './config';

/**
 * `/health`: one boolean per setting and binding, never a value, so an operator can see what
 * is missing without the page leaking a secret. 503 while anything is missing.
 */
export function healthResponse(report: ConfigReport): Response {
  return Response.json(
    { status: report.ok ? 'ok' : 'not_configured', checks: report.checks },
    { status: report.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}

/** Every other route while the configuration is incomplete: say so, in the client's language. */
export function notConfiguredResponse(request: Request, report: Extract<ConfigReport, { ok: false }>): Response {
  console.error(
    JSON.stringify({
      event: 'not_configured',
      missing: Object.entries(report.checks)
        .filter(([, ok]) => !ok)
        .map(([name]) => name),
    }),
  );
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
