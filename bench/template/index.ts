/**
 * A stock remote MCP server, the yardstick of `npm run bench`: OAuthProvider in front, a plain
 * approve page, and an McpAgent with one tool, served on `/mcp` (streamable HTTP) and `/sse`
 * (legacy SSE). Everything as the library documentation shows it, nothing tuned.
 */

import { env } from 'cloudflare:workers';
import { type AuthRequest, type OAuthHelpers, OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpAgent } from 'agents/mcp';
import { Hono } from 'hono';

type Props = { user: string };

export class MyMcp extends McpAgent<Env, unknown, Props> {
  server = new McpServer({ name: 'stock-template', version: '1.0.0' });

  async init() {
    this.server.registerTool('whoami', { description: 'Who is signed in.' }, async () => ({
      content: [{ type: 'text', text: `You are ${this.props?.user ?? 'nobody'}.` }],
    }));
  }
}

const app = new Hono<{ Bindings: Env & { OAUTH_PROVIDER: OAuthHelpers } }>();

const html = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

app.get('/authorize', async (c) => {
  const oauth = c.env.OAUTH_PROVIDER;
  const authRequest: AuthRequest = await oauth.parseAuthRequest(c.req.raw);
  const details = await oauth.describeConsent(authRequest);
  const consent = await oauth.beginConsent(authRequest);
  consent.headers.set('Content-Type', 'text/html; charset=utf-8');
  const page = `<!doctype html>
<meta charset="utf-8">
<title>Sign in</title>
<h1>Allow ${html(details.clientName)} to act for you?</h1>
<p>Access will be sent to <strong>${html(details.redirectHost)}</strong>.</p>
<form method="post">
  <input type="hidden" name="handle" value="${html(consent.handle)}">
  <label>Your name <input type="text" name="user" value="demo@example.com"></label>
  <button name="decision" value="approve">Approve</button>
  <button name="decision" value="deny">Deny</button>
</form>`;
  return new Response(page, { headers: consent.headers });
});

app.post('/authorize', async (c) => {
  const oauth = c.env.OAUTH_PROVIDER;
  const form = await c.req.formData();
  const handle = String(form.get('handle'));
  if (form.get('decision') !== 'approve') {
    const denied = await oauth.denyConsent(c.req.raw, handle);
    return new Response(null, { status: 302, headers: denied.headers });
  }
  const user = String(form.get('user') || 'demo@example.com');
  const approved = await oauth.approveConsent(c.req.raw, handle);
  const { redirectTo } = await oauth.completeAuthorization({
    request: approved.request,
    userId: user,
    metadata: {},
    scope: approved.request.scope,
    props: { user } satisfies Props,
  });
  approved.headers.set('Location', redirectTo);
  return new Response(null, { status: 302, headers: approved.headers });
});

export default new OAuthProvider({
  apiHandlers: {
    '/mcp': MyMcp.serve('/mcp'),
    '/sse': MyMcp.serveSSE('/sse'),
  },
  defaultHandler: app,
  authorizeEndpoint: '/authorize',
  tokenEndpoint: '/token',
  clientRegistrationEndpoint: '/register',
  resourceMetadata: { resource: env.MCP_RESOURCE },
});
