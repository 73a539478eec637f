import {
  AuthorizationError,
  type AuthRequest,
  authorizationErrorRedirect,
  CimdFetchError,
  type OAuthHelpers,
} from '@cloudflare/workers-oauth-provider';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { audit } from '../audit';
import type { Config } from '../config';
import { fitsClientKey, isCrossSiteFormPost, isPrivateClientIdUrl } from '../http/request-guards';
import { isScope, scopesToOffer } from '../scopes';
import { activeUpstream } from '../upstreams';
import { SignInRefused } from '../upstreams/upstream';
import { ConsentPage, HomePage, MessagePage } from './pages';

type AuthEnv = { Bindings: Env & { OAUTH_PROVIDER: OAuthHelpers } };

/** How long an approval the person chose to remember skips the consent page (the library's default). */
const REMEMBER_DAYS = 30;

const UpstreamData = z.record(z.string(), z.string());

/**
 * The OAuth provider's default handler: the consent page at `/authorize`, the hand-off to the
 * upstream identity provider, and its `/callback`. CSRF, browser binding, single use and
 * anti-framing are the library's (`beginConsent`, `approveConsent`, `beginUpstream`,
 * `finishUpstream`); this file only decides what to show and where to go.
 */
export function createAuthApp(config: Config) {
  const upstream = activeUpstream(config.upstream);
  const callbackUrl = `${config.publicUrl}/callback`;
  const remember = { secret: config.consentSecret, maxAgeSeconds: REMEMBER_DAYS * 24 * 60 * 60 };
  const app = new Hono<AuthEnv>();

  /** After consent (given now or remembered): send the browser to the upstream's sign-in. */
  async function startUpstreamSignIn(oauth: OAuthHelpers, request: AuthRequest, headers: Headers) {
    const data = await upstream.prepareSignIn();
    const transaction = await oauth.beginUpstream(request, { data, headers });
    transaction.headers.set('Location', await upstream.authorizeUrl({ state: transaction.state, callbackUrl, data }));
    return new Response(null, { status: 302, headers: transaction.headers });
  }

  app.get('/', (c) => c.html(<HomePage publicUrl={config.publicUrl} upstreamName={upstream.displayName} />));

  app.get('/authorize', async (c) => {
    const clientId = c.req.query('client_id') ?? '';
    if (!fitsClientKey(clientId)) {
      return showMessage(400, 'This sign-in link is not valid', 'The app’s client id is not one this server accepts.');
    }
    if (isPrivateClientIdUrl(clientId)) {
      return showMessage(
        400,
        'This app could not be verified',
        'Its client metadata document is on a private network address.',
      );
    }
    const oauth = c.env.OAUTH_PROVIDER;
    const parsed = await oauth.parseAuthRequest(c.req.raw);
    // A scope we don't know (Claude.ai's `claudeai`) or none (ChatGPT) gets the default grant.
    const request: AuthRequest = { ...parsed, scope: scopesToOffer(parsed.scope) };
    const details = await oauth.describeConsent(request); // first: a failed lookup leaves nothing in KV
    // `prompt=consent` (Claude sends it) asks to show the page even when an approval is remembered.
    const forceConsent = c.req.query('prompt')?.split(' ').includes('consent') ?? false;
    if (!forceConsent && (await oauth.isConsentRemembered(c.req.raw, request, remember))) {
      return startUpstreamSignIn(oauth, request, new Headers());
    }
    const consent = await oauth.beginConsent(request);
    const page = (
      <ConsentPage
        details={details}
        handle={consent.handle}
        offered={details.scope.filter(isScope)}
        rememberDays={REMEMBER_DAYS}
        scopeDescriptions={upstream.scopeDescriptions}
        serverName={config.publicUrl.replace(/^https?:\/\//, '')}
        upstreamName={upstream.displayName}
      />
    );
    consent.headers.set('Content-Type', 'text/html; charset=utf-8');
    return new Response(`<!doctype html>${page}`, { headers: consent.headers });
  });

  app.post('/authorize', async (c) => {
    if (isCrossSiteFormPost(c.req.raw, config.publicUrl)) {
      // Only our own consent page may submit this form (with its browser-bound handle).
      return showMessage(
        403,
        'This form was sent from another site',
        'Go back to your app and start connecting again.',
      );
    }
    const oauth = c.env.OAUTH_PROVIDER;
    const form = await c.req.raw.formData().catch(() => undefined);
    const handle = form?.get('handle');
    const decision = form?.get('decision');
    if (typeof handle !== 'string' || (decision !== 'approve' && decision !== 'deny')) {
      return showMessage(400, 'This form is incomplete', 'Go back to your app and start connecting again.');
    }
    if (decision === 'deny') {
      const denied = await oauth.denyConsent(c.req.raw, handle);
      audit({ event: 'consent_denied', client: denied.request.clientId });
      return new Response(null, { status: 302, headers: denied.headers });
    }
    const scope = (form?.getAll('scope') ?? []).map(String).filter(isScope);
    if (scope.length === 0) {
      return showMessage(
        400,
        'Choose at least one permission',
        'Go back, tick what the app may do, and press Allow again.',
      );
    }
    // Remembered only when the person ticked the box (off by default: see ConsentPage).
    const chosen = form?.get('remember') === 'yes';
    const approved = await oauth.approveConsent(c.req.raw, handle, { scope, ...(chosen ? { remember } : {}) });
    return startUpstreamSignIn(oauth, approved.request, approved.headers);
  });

  app.get('/callback', async (c) => {
    const oauth = c.env.OAUTH_PROVIDER;
    const resumed = await oauth.finishUpstream(c.req.raw);
    const code = c.req.query('code');
    if (c.req.query('error') !== undefined || !code) {
      // The user declined at the provider, or it failed: tell the client, with its state and iss.
      audit({ event: 'upstream_denied', upstream: upstream.id, client: resumed.request.clientId });
      resumed.headers.set('Location', authorizationErrorRedirect(resumed.request, 'access_denied'));
      return new Response(null, { status: 302, headers: resumed.headers });
    }
    const data = UpstreamData.parse(resumed.data ?? {});
    const signIn = await upstream.completeSignIn({ code, callbackUrl, data });
    const { redirectTo } = await oauth.completeAuthorization({
      request: resumed.request,
      userId: signIn.userId,
      metadata: { label: signIn.label, upstream: upstream.id },
      scope: resumed.request.scope,
      props: signIn.props,
    });
    audit({
      event: 'sign_in',
      upstream: upstream.id,
      user: signIn.userId,
      client: resumed.request.clientId,
      scopes: resumed.request.scope,
    });
    resumed.headers.set('Location', redirectTo);
    return new Response(null, { status: 302, headers: resumed.headers });
  });

  app.notFound(() => showMessage(404, 'Not found', 'This server answers MCP at /mcp and /sse.'));

  // One place for every failure, per the library's table (docs/consent-page.md): redirect to
  // the client only when the library says it is safe, otherwise render a page. Never a 500 for
  // something the client or user sent.
  app.onError((error) => {
    if (error instanceof AuthorizationError && error.redirectTo) {
      return new Response(null, { status: 302, headers: { Location: error.redirectTo } });
    }
    if (error instanceof AuthorizationError) {
      // The library cannot tell a page used or expired in this browser (its cookie is gone after
      // use) from one opened in another browser: say both rather than blame the wrong one.
      const description = /not started in this browser/.test(error.description)
        ? 'This page has expired or was already used, or it was opened in a different browser.'
        : error.description;
      return showMessage(
        400,
        'This sign-in link is not valid',
        description,
        'Go back to your app and start connecting again.',
      );
    }
    if (error instanceof CimdFetchError) {
      return showMessage(
        400,
        'This app could not be verified',
        'Its client metadata document could not be fetched or is invalid.',
      );
    }
    if (error instanceof SignInRefused) {
      audit({
        event: 'sign_in_refused',
        upstream: upstream.id,
        reason: error.status === 403 ? 'policy' : 'provider',
        status: error.status,
      });
      return showMessage(error.status, `${upstream.displayName} sign-in did not complete`, error.message);
    }
    console.error(JSON.stringify({ event: 'auth_page_failed', error: error.name }));
    return showMessage(
      503,
      'Something went wrong on our side',
      'Try again in a moment. If it keeps happening, tell the server’s administrator.',
    );
  });

  return app;
}

function showMessage(status: number, title: string, message: string, hint?: string): Response {
  const page: Child = <MessagePage title={title} message={message} hint={hint} />;
  return new Response(`<!doctype html>${page}`, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
    },
  });
}
