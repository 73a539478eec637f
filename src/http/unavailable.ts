/**
 * What an uncaught failure inside the OAuth library or the MCP transport becomes — in practice
 * storage (KV, Durable Objects) failing: 503 with `Retry-After` and words a person or a client can
 * act on, never a bare 500. Only the error's name is logged: its message could quote a token.
 */
export function unavailableResponse(request: Request, error: unknown): Response {
  console.error(
    JSON.stringify({
      event: 'request_failed',
      path: new URL(request.url).pathname,
      error: error instanceof Error ? error.name : 'unknown',
    }),
  );
  const message = 'This server cannot reach its storage right now. Try again in a minute.';
  const headers = { 'Retry-After': '30', 'Cache-Control': 'no-store' };
  if ((request.headers.get('Accept') ?? '').includes('text/html')) {
    return new Response(
      `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Temporarily unavailable</title><h1>Temporarily unavailable</h1><p>${message}</p>`,
      { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } },
    );
  }
  return Response.json({ error: 'temporarily_unavailable', error_description: message }, { status: 503, headers });
}
