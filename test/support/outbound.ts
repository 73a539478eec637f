/**
 * Client ID Metadata Documents served to the Worker under test in place of the internet: the
 * Workers-runtime tests route the Worker's outbound requests for these hosts here (see
 * `outboundService` in vitest.config.ts); everything else goes out for real (the stand-in).
 */
export const CIMD_DOCUMENTS: Record<string, Record<string, unknown>> = {
  'https://claude.example/oauth/mcp-oauth-client-metadata': {
    client_id: 'https://claude.example/oauth/mcp-oauth-client-metadata',
    client_name: 'Claude',
    client_uri: 'https://claude.example',
    redirect_uris: ['https://claude.example/api/mcp/auth_callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  // Claude.ai's and ChatGPT's real metadata document URLs, with the shapes their clients publish.
  'https://claude.ai/oauth/mcp-oauth-client-metadata': {
    client_id: 'https://claude.ai/oauth/mcp-oauth-client-metadata',
    client_name: 'Claude',
    client_uri: 'https://claude.ai',
    redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  'https://chatgpt.com/oauth/client.json': {
    client_id: 'https://chatgpt.com/oauth/client.json',
    client_name: 'ChatGPT',
    client_uri: 'https://chatgpt.com',
    redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // ChatGPT offers both: the library holds it to public-client rules and lets it use `none`.
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
    jwks_uri: 'https://chatgpt.com/oauth/jwks.json',
  },
  'https://evil.example/client.json': {
    client_id: 'https://evil.example/client.json',
    client_name: '<img src=x onerror=alert(1)>',
    redirect_uris: ['javascript:alert(1)'],
    token_endpoint_auth_method: 'none',
  },
};

export function serveCimd(request: Request): Response | undefined {
  const document = CIMD_DOCUMENTS[request.url];
  if (document) return Response.json(document, { headers: { 'Cache-Control': 'max-age=60' } });
  const host = new URL(request.url).hostname;
  if (host.endsWith('.example') || host === 'claude.ai' || host === 'chatgpt.com') {
    return new Response('not found', { status: 404 });
  }
  return undefined;
}

/** Sends one of the Worker's outbound requests (a Miniflare `Request`) out with Node's fetch. */
export async function forward(request: Request): Promise<Response> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? await request.arrayBuffer() : undefined,
    redirect: 'manual',
  });
}
