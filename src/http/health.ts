import type { ConfigReport } from '../config';

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
