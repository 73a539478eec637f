/**
 * A browserless OAuth client for tests: registers, runs PKCE, walks the consent page, the
 * Attio stand-in's sign-in and the callback with cookies handled as a browser would, and
 * exchanges codes and refresh tokens. Runs in workerd and in Node.
 */

export type Send = (request: Request) => Promise<Response>;

/** Cookies per host, as a browser keeps them (enough for `__Host-` cookies and sessions). */
export class CookieJar {
  readonly #byHost = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.#byHost.get(host) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    this.#byHost.set(host, jar);
  }

  header(url: string): string | undefined {
    const jar = this.#byHost.get(new URL(url).host);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  names(url: string): string[] {
    return [...(this.#byHost.get(new URL(url).host)?.keys() ?? [])];
  }
}

/** A browser-ish user agent: one cookie jar, requests routed to the Worker or the network. */
export class Browser {
  readonly jar = new CookieJar();
  // Plain fields, not parameter properties: Node's type stripping (scripts) cannot run those.
  readonly workerOrigin: string;
  readonly sendToWorker: Send;
  readonly sendElsewhere: Send;
  constructor(workerOrigin: string, sendToWorker: Send, sendElsewhere: Send = (request) => fetch(request)) {
    this.workerOrigin = workerOrigin;
    this.sendToWorker = sendToWorker;
    this.sendElsewhere = sendElsewhere;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.jar.header(url);
    if (cookie) headers.set('Cookie', cookie);
    if (!headers.has('Accept')) headers.set('Accept', 'text/html');
    const request = new Request(url, { ...init, headers, redirect: 'manual' });
    const send = new URL(url).origin === this.workerOrigin ? this.sendToWorker : this.sendElsewhere;
    const response = await send(request);
    this.jar.store(url, response);
    return response;
  }

  postForm(url: string, fields: [string, string][]): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(url).origin },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

export interface HtmlForm {
  action: string;
  method: string;
  /** Hidden and text inputs, and checked checkboxes, in document order. */
  fields: [string, string][];
  checkboxes: [string, string][];
  buttons: [string, string][];
}

/** Reads the forms of a page the way a browser would submit them (no JavaScript needed). */
export function parseForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = match[1] ?? '';
    const body = match[2] ?? '';
    const action = new URL(decodeEntities(attr(attributes, 'action') ?? ''), pageUrl).toString();
    const form: HtmlForm = {
      action,
      method: (attr(attributes, 'method') ?? 'get').toLowerCase(),
      fields: [],
      checkboxes: [],
      buttons: [],
    };
    for (const input of body.matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const tag = (input[1] ?? '').toLowerCase();
      const a = input[2] ?? '';
      const name = attr(a, 'name');
      if (!name) continue;
      const value = decodeEntities(attr(a, 'value') ?? '');
      const type = (attr(a, 'type') ?? (tag === 'button' ? 'submit' : 'text')).toLowerCase();
      if (tag === 'button' || type === 'submit') form.buttons.push([name, value]);
      else if (type === 'checkbox') {
        if (/\bchecked\b/i.test(a)) form.checkboxes.push([name, value]);
      } else form.fields.push([name, value]);
    }
    forms.push(form);
  }
  return forms;
}

function attr(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attributes);
  return match ? (match[2] ?? match[3] ?? match[4]) : undefined;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

/** A dynamic client registration (RFC 7591) of a public client; `metadata` replaces any default. */
export function registrationRequest(origin: string, metadata: Record<string, unknown> = {}): Request {
  return new Request(`${origin}/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Test MCP client',
      redirect_uris: ['http://127.0.0.1:33418/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      ...metadata,
    }),
  });
}

export async function registerClient(
  send: Send,
  origin: string,
  metadata: Record<string, unknown> = {},
): Promise<RegisteredClient> {
  const response = await send(registrationRequest(origin, metadata));
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as RegisteredClient;
}

export interface AuthorizeOptions {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope?: string;
  resource?: string;
  state?: string;
  email?: string;
  /** What the user does on our consent page. */
  consent?: 'approve' | 'deny';
  /** Scopes to untick on the consent page. */
  untick?: string[];
  /** Ticks "Remember this approval" on the consent page (off there by default). */
  remember?: boolean;
  /** What the user does at the upstream's stand-in. */
  upstreamDecision?: 'allow' | 'deny';
  /** Runs with the upstream's redirect to our /callback before the browser follows it. */
  beforeCallback?: (callback: URL) => Promise<void>;
}

export interface AuthorizeResult {
  /** The client's redirect URI with `code` or `error`, `state` and `iss`. */
  redirect: URL;
  /** Whether the consent page was shown (not remembered). */
  consentShown: boolean;
}

export function authorizeUrl(origin: string, options: AuthorizeOptions): string {
  const url = new URL(`${origin}/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('code_challenge', options.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', options.state ?? 'state-123');
  if (options.scope !== undefined) url.searchParams.set('scope', options.scope);
  if (options.resource !== undefined) url.searchParams.set('resource', options.resource);
  return url.toString();
}

/** Follows the whole browser journey from `/authorize` to the client's redirect URI. */
export async function authorizeInBrowser(browser: Browser, options: AuthorizeOptions): Promise<AuthorizeResult> {
  return followAuthorization(browser, authorizeUrl(browser.workerOrigin, options), options);
}

/** The same journey from an authorize URL a client built (the SDK's `redirectToAuthorization`). */
export async function followAuthorization(
  browser: Browser,
  url: string,
  options: Pick<
    AuthorizeOptions,
    'email' | 'consent' | 'untick' | 'remember' | 'upstreamDecision' | 'beforeCallback'
  > & {
    redirectUri: string;
  },
): Promise<AuthorizeResult> {
  const origin = browser.workerOrigin;
  let response = await browser.request(url);
  let consentShown = false;
  if (response.status === 200) {
    consentShown = true;
    const html = await response.text();
    const [form] = parseForms(html, `${origin}/authorize`);
    if (!form) throw new Error(`no consent form on the page: ${html.slice(0, 300)}`);
    const untick = new Set(options.untick ?? []);
    const scopes = form.checkboxes.filter(([, value]) => !untick.has(value));
    response = await browser.postForm(form.action, [
      ...form.fields,
      ...scopes,
      ...(options.remember ? [['remember', 'yes'] as [string, string]] : []),
      ['decision', options.consent ?? 'approve'],
    ]);
  }
  expectRedirect(response, 'after consent');
  let location = new URL(response.headers.get('Location') ?? '', origin);
  if (location.origin !== origin && !location.toString().startsWith(options.redirectUri)) {
    location = await signInAtUpstream(browser, location, options);
    await options.beforeCallback?.(location);
    // Our /callback: a redirect to the client, or a page when the sign-in was refused.
    response = await browser.request(location.toString());
    if (response.status !== 302 && response.status !== 303) {
      throw new StoppedAtPage(response.status, await response.text());
    }
    location = new URL(response.headers.get('Location') ?? '', origin);
  }
  return { redirect: location, consentShown };
}

/** The journey ended on a page (a refusal or an error) instead of redirecting back to the client. */
export class StoppedAtPage extends Error {
  // Plain fields, not parameter properties: Node's type stripping (scripts) cannot run those.
  readonly status: number;
  readonly html: string;
  constructor(status: number, html: string) {
    super(
      `stopped at a page (HTTP ${status}): ${html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 200)}`,
    );
    this.status = status;
    this.html = html;
  }
}

/**
 * The person at the upstream's pages (the Attio, GitHub and Access stand-ins): each form gets the
 * identity (`email` or `login`) and the decision (allow or deny) until the upstream redirects
 * back to this server. Pages differ per upstream (one page or two, login or email); the steps
 * are the same.
 */
async function signInAtUpstream(
  browser: Browser,
  start: URL,
  options: Pick<AuthorizeOptions, 'email' | 'upstreamDecision'>,
): Promise<URL> {
  const origin = browser.workerOrigin;
  let pageUrl = start;
  let response = await browser.request(start.toString());
  for (let step = 0; step < 12; step++) {
    if (response.status === 302 || response.status === 303) {
      pageUrl = new URL(response.headers.get('Location') ?? '', pageUrl);
      if (pageUrl.origin === origin) return pageUrl;
      response = await browser.request(pageUrl.toString());
      continue;
    }
    const html = await response.text();
    const [form] = parseForms(html, pageUrl.toString());
    if (!form) throw new StoppedAtPage(response.status, html);
    const identity = form.fields.find(([name]) => name === 'email' || name === 'login')?.[0];
    const decision = form.buttons.find(([name]) => name === 'decision');
    pageUrl = new URL(form.action);
    response = await browser.postForm(form.action, [
      ...form.fields.filter(([name]) => name !== identity),
      ...(identity ? [[identity, options.email ?? 'demo@example.com'] as [string, string]] : []),
      ...(decision ? [['decision', options.upstreamDecision ?? 'allow'] as [string, string]] : []),
    ]);
  }
  throw new Error('the upstream sign-in did not finish in 12 steps');
}

function expectRedirect(response: Response, where: string): void {
  if (response.status !== 302 && response.status !== 303) {
    throw new Error(`expected a redirect ${where}, got HTTP ${response.status}`);
  }
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
  resource?: string;
}

export async function tokenRequest(send: Send, origin: string, fields: Record<string, string>): Promise<Response> {
  return send(
    new Request(`${origin}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

/**
 * A new client (dynamic registration) sent through the whole browser journey: its redirect
 * (with `code`, or `error`), and the code exchange to run when the test wants it.
 */
export async function authorizeNewClient(browser: Browser, overrides: Partial<AuthorizeOptions> = {}) {
  const origin = browser.workerOrigin;
  const client = await registerClient(browser.sendToWorker, origin);
  const redirectUri = client.redirect_uris[0] ?? '';
  const { verifier, challenge } = await pkcePair();
  const { redirect } = await authorizeInBrowser(browser, {
    clientId: client.client_id,
    redirectUri,
    challenge,
    ...overrides,
  });
  const exchange = () =>
    tokenRequest(browser.sendToWorker, origin, {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      client_id: client.client_id,
      code_verifier: verifier,
    });
  return { client, redirect, exchange };
}

/** Registers a client and signs in all the way to tokens; the shortest path to a session. */
export async function signIn(
  browser: Browser,
  overrides: Partial<AuthorizeOptions> = {},
): Promise<{ client: RegisteredClient; tokens: TokenResponse }> {
  const { client, redirect, exchange } = await authorizeNewClient(browser, overrides);
  if (!redirect.searchParams.get('code')) throw new Error(`no code: ${redirect}`);
  const response = await exchange();
  if (!response.ok) throw new Error(`token exchange failed: ${response.status} ${await response.text()}`);
  return { client, tokens: (await response.json()) as TokenResponse };
}
