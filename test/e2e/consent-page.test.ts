import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { LoopbackCallback, launchChromium, shouldRunBrowserTests } from '../support/chromium.ts';
import {
  authorizeUrl,
  pkcePair,
  type RegisteredClient,
  registerClient,
  type TokenResponse,
  tokenRequest,
} from '../support/oauth-client';

/**
 * The consent page in a real browser (Debian's Chromium, driven by Playwright) against the real
 * `wrangler dev` and the Attio stand-in: what a person sees and does between an MCP client
 * opening `/authorize` and the client's loopback redirect URI receiving a code or an error.
 */

/*
 * What the functions passed to `page.evaluate` use of Chromium's globals. The project's
 * TypeScript has no DOM library (it would clash with the Workers types), so the few used are
 * declared here, for this module only; in the page they are the real ones.
 */
interface PageNode {
  nodeType: number;
  textContent: string | null;
}
interface PageElement extends PageNode {
  tagName: string;
  lang: string;
  name: string;
  type: string;
  value: string;
  method: string;
  action: string;
  scrollWidth: number;
  clientWidth: number;
  childNodes: Iterable<PageNode>;
  parentElement: PageElement | null;
  offsetParent: PageElement | null;
  style: { background: string };
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  getBoundingClientRect(): { height: number };
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  append(child: PageElement): void;
  remove(): void;
  submit(): void;
}
declare const document: {
  activeElement: PageElement | null;
  body: PageElement;
  documentElement: PageElement;
  scrollingElement: PageElement | null;
  createElement(tag: string): PageElement;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
};
declare function getComputedStyle(element: PageElement): {
  backgroundColor: string;
  color: string;
  fontSize: string;
  fontWeight: string;
  outlineStyle: string;
  outlineWidth: string;
};

const RUN = shouldRunBrowserTests('the consent page tests in a real browser');
const ARTIFACTS = 'test-results';
const BOTH = 'mcp:read mcp:write';
const NOT_VALID = 'This sign-in link is not valid';

let stack: Stack;
let browser: Browser;
const callback = new LoopbackCallback();

beforeAll(async () => {
  if (!RUN) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium(); // first: in CI a missing browser fails before wrangler starts
  await callback.start();
  stack = await startStack();
});

afterAll(async () => {
  await browser?.close();
  await callback.stop();
  await stack?.stop();
});

interface Authorization {
  client: RegisteredClient;
  url: string;
  state: string;
  verifier: string;
}

function register(clientName = 'Consent E2E client', redirectUri = callback.redirectUri): Promise<RegisteredClient> {
  return registerClient((request) => fetch(request), stack.origin, {
    client_name: clientName,
    redirect_uris: [redirectUri],
  });
}

/** An authorization request as an MCP client builds it: PKCE, a fresh state, both scopes. */
async function authorization(
  client: RegisteredClient,
  options: { scope?: string; prompt?: string } = {},
): Promise<Authorization> {
  const { verifier, challenge } = await pkcePair();
  const state = `state-${randomBytes(12).toString('hex')}`;
  const url = new URL(
    authorizeUrl(stack.origin, {
      clientId: client.client_id,
      redirectUri: client.redirect_uris[0] ?? '',
      challenge,
      state,
      scope: options.scope ?? BOTH,
    }),
  );
  if (options.prompt) url.searchParams.set('prompt', options.prompt);
  return { client, url: url.toString(), state, verifier };
}

async function newPage(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  return { context, page: await context.newPage() };
}

/** Opens `/authorize` and expects our consent page (not a redirect past it). */
async function openConsent(page: Page, auth: Authorization): Promise<void> {
  const response = await page.goto(auth.url);
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/authorize');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Allow');
}

/** The Attio stand-in's pages: email, Continue, then its own Allow. */
async function signInAtAttio(page: Page): Promise<void> {
  await page.waitForURL((url) => url.origin === stack.standinUrl);
  await page.getByLabel('Work email').fill('demo@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
}

/** Waits until the browser lands on the client's redirect URI; returns the query it got. */
async function clientRedirect(page: Page): Promise<URLSearchParams> {
  await page.waitForURL((url) => url.href.startsWith(callback.redirectUri));
  return new URL(page.url()).searchParams;
}

async function exchange(auth: Authorization, code: string): Promise<TokenResponse> {
  const response = await tokenRequest((request) => fetch(request), stack.origin, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: auth.client.redirect_uris[0] ?? '',
    client_id: auth.client.client_id,
    code_verifier: auth.verifier,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as TokenResponse;
}

/** Requests the page makes to the upstream (the Attio stand-in). */
function upstreamRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(stack.standinUrl)) seen.push(request.url());
  });
  return seen;
}

/** Where focus is, and whether it is visibly indicated (an outline of at least 2 px). */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return undefined;
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      type: element.getAttribute('type'),
      value: element.getAttribute('value'),
      focusVisible: element.matches(':focus-visible'),
      outline: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/**
 * Text whose contrast against its background is below WCAG AA (4.5:1, 3:1 for large text), as
 * rendered: the background is the nearest opaque one, or the canvas of the colour scheme.
 */
function contrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (value: string): number[] => {
      const parts = value.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const probe = document.createElement('div');
    probe.style.background = 'Canvas';
    document.body.append(probe);
    const canvas = rgba(getComputedStyle(probe).backgroundColor);
    probe.remove();
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element: PageElement | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const color = rgba(getComputedStyle(node).backgroundColor);
        if ((color[3] ?? 0) > 0.5) return color;
      }
      return canvas;
    };
    const failures: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const hasText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent?.trim());
      if (!hasText || !element.offsetParent) continue;
      const style = getComputedStyle(element);
      const bg = background(element);
      const fg = rgba(style.color);
      const alpha = fg[3] ?? 1;
      const blended = [0, 1, 2].map((i) => (fg[i] ?? 0) * alpha + (bg[i] ?? 0) * (1 - alpha));
      const [light, dark] = [luminance(blended), luminance(bg)].sort((a, b) => b - a);
      const ratio = ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        failures.push(`${element.tagName} "${element.textContent?.trim().slice(0, 40)}": ${ratio.toFixed(2)}:1`);
      }
    }
    return failures;
  });
}

describe.runIf(RUN)('the consent page in a real browser', () => {
  it('Allow, then the Attio sign-in: the client gets a code with its state and iss, worth tokens with both scopes', async () => {
    const { context, page } = await newPage();
    const auth = await authorization(await register());
    await openConsent(page, auth);
    expect(await page.getByRole('checkbox', { name: /mcp:read/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /mcp:write/ }).isChecked()).toBe(true);
    // Remembering is offered, and off unless the person ticks it.
    expect(await page.getByRole('checkbox', { name: /Remember this approval for 30 days/ }).isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Allow' }).click();
    await signInAtAttio(page);
    const query = await clientRedirect(page);
    expect(query.get('state')).toBe(auth.state);
    expect(query.get('iss')).toBe(stack.origin);
    expect(query.get('error')).toBeNull();
    const code = query.get('code');
    if (!code) throw new Error(`no code in ${page.url()}`);
    // The client's own listener got exactly this, once.
    expect(callback.hitsFor(auth.state).map((hit) => hit.get('code'))).toEqual([code]);

    const tokens = await exchange(auth, code);
    expect(tokens.scope.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    await context.close();
  });

  it('Deny: the client gets error=access_denied with its state, no code, and the upstream is never asked', async () => {
    const { context, page } = await newPage();
    const upstream = upstreamRequests(page);
    const auth = await authorization(await register());
    await openConsent(page, auth);
    await page.getByRole('button', { name: 'Deny' }).focus();
    await page.screenshot({ path: `${ARTIFACTS}/consent-deny.png` });
    await page.getByRole('button', { name: 'Deny' }).click();
    const query = await clientRedirect(page);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(auth.state);
    expect(query.get('iss')).toBe(stack.origin);
    expect(query.get('code')).toBeNull();
    expect(callback.hitsFor(auth.state).every((hit) => !hit.has('code'))).toBe(true);
    expect(upstream).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/consent-deny-client.png` });
    await context.close();
  });

  it('unticking "mcp:write" grants a token with mcp:read only', async () => {
    const { context, page } = await newPage();
    const auth = await authorization(await register());
    await openConsent(page, auth);
    await page.getByRole('checkbox', { name: /mcp:write/ }).uncheck();
    await page.getByRole('button', { name: 'Allow' }).click();
    await signInAtAttio(page);
    const query = await clientRedirect(page);
    const code = query.get('code');
    if (!code) throw new Error(`no code in ${page.url()}`);
    const tokens = await exchange(auth, code);
    expect(tokens.scope).toBe('mcp:read');
    await context.close();
  });

  it('an approval the person chose to remember skips the consent page for the same client and scopes; prompt=consent shows it again', async () => {
    const { context, page } = await newPage();
    const client = await register();
    const first = await authorization(client);
    await openConsent(page, first);
    await page.getByRole('checkbox', { name: /Remember this approval for 30 days/ }).check();
    await page.getByRole('button', { name: 'Allow' }).click();
    await signInAtAttio(page);
    expect((await clientRedirect(page)).get('code')).toBeTruthy();

    // Same browser, same client and scopes: straight to Attio's sign-in, no page of ours.
    const second = await authorization(client);
    const response = await page.goto(second.url);
    expect(new URL(page.url()).origin).toBe(stack.standinUrl);
    const hop = response?.request().redirectedFrom();
    expect(hop?.url()).toBe(second.url);
    expect((await hop?.response())?.status()).toBe(302);
    await signInAtAttio(page);
    const query = await clientRedirect(page);
    expect(query.get('state')).toBe(second.state);
    const code = query.get('code');
    if (!code) throw new Error(`no code in ${page.url()}`);
    expect((await exchange(second, code)).scope.split(' ').sort()).toEqual(['mcp:read', 'mcp:write']);

    // prompt=consent (Claude sends it) shows the page although the approval is remembered.
    await openConsent(page, await authorization(client, { prompt: 'consent' }));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Consent E2E client');

    // The approval belongs to that browser: another one is asked.
    const other = await newPage();
    await openConsent(other.page, await authorization(client));
    await other.context.close();
    await context.close();
  });

  it('an approval the person did not choose to remember is not remembered: the same browser is asked again', async () => {
    const { context, page } = await newPage();
    const client = await register();
    const first = await authorization(client);
    await openConsent(page, first);
    await page.getByRole('button', { name: 'Allow' }).click();
    await signInAtAttio(page);
    expect((await clientRedirect(page)).get('code')).toBeTruthy();

    await openConsent(page, await authorization(client));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Consent E2E client');
    await context.close();
  });

  it('a consent form submitted twice, or from an expired page, is refused with "not valid" (HTTP 400) and no code', async () => {
    const { context, page } = await newPage();
    const auth = await authorization(await register());
    await openConsent(page, auth);
    await page.getByRole('checkbox', { name: /Remember this approval for 30 days/ }).check();
    const handle = await page.locator('input[name="handle"]').inputValue();
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === `${stack.origin}/authorize`);
    await page.getByRole('button', { name: 'Allow' }).click();
    const post = await posted;
    const sent = await post.allHeaders();
    await page.waitForURL((url) => url.origin === stack.standinUrl);

    // Back does not bring the used form back: the page is no-store, so Chromium asks /authorize
    // again, which (the approval now remembered) sends it on to Attio with a fresh transaction.
    const back = await page.goBack();
    expect(new URL(page.url()).origin).toBe(stack.standinUrl);
    expect((await back?.request().redirectedFrom()?.response())?.status()).toBe(302);
    await signInAtAttio(page);
    const query = await clientRedirect(page);
    expect(query.get('state')).toBe(auth.state);
    expect(query.get('code')).toBeTruthy();

    // 1. The same form submitted again from this browser (a page of the same origin re-posting it).
    await page.goto(`${stack.origin}/`);
    const resubmitted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url() === `${stack.origin}/authorize`,
    );
    await page.evaluate(
      ({ handle }) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = '/authorize';
        for (const [name, value] of [
          ['handle', handle],
          ['scope', 'mcp:read'],
          ['scope', 'mcp:write'],
          ['decision', 'approve'],
        ] as const) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      },
      { handle },
    );
    const again = await resubmitted;
    await page.waitForLoadState();
    expect(again.status()).toBe(400);
    expect(await again.headerValue('location')).toBeNull();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(NOT_VALID);
    await page.screenshot({ path: `${ARTIFACTS}/consent-reused.png` });

    // 2. The exact POST replayed with the cookies it carried (the binding cookie included): the
    // handle was consumed on the server, not merely forgotten by the browser.
    const replay = await fetch(`${stack.origin}/authorize`, {
      method: 'POST',
      headers: { cookie: sent.cookie ?? '', 'content-type': sent['content-type'] ?? '', origin: stack.origin },
      body: post.postData() ?? '',
      redirect: 'manual',
    });
    const replayPage = await replay.text();
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(replayPage).toContain(NOT_VALID);
    expect(replayPage).toContain('expired or was already used');
    expect(callback.hitsFor(auth.state)).toHaveLength(1);
    await context.close();
  });

  it('an old consent page is refused the same way: its binding cookie expired, or its handle expired on the server', async () => {
    // The handle lives ten minutes (the library's TRANSACTION_TTL_SECONDS): the binding cookie's
    // Max-Age and the KV record's TTL. Both expiries are simulated rather than waited for.
    const { context, page } = await newPage();
    const upstream = upstreamRequests(page);

    // 1. After ten minutes the browser has dropped the __Host-oauth-consent-… cookie.
    const first = await authorization(await register());
    await openConsent(page, first);
    const bindingCookies = (await context.cookies(stack.origin)).filter((c) =>
      c.name.startsWith('__Host-oauth-consent-'),
    );
    expect(bindingCookies).toHaveLength(1);
    expect(bindingCookies[0]?.expires).toBeGreaterThan(Date.now() / 1000 + 500);
    expect(bindingCookies[0]?.expires).toBeLessThanOrEqual(Date.now() / 1000 + 601);
    await context.clearCookies({ name: /^__Host-oauth-consent-/ });
    let refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Allow' }).click();
    expect((await refused).status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(NOT_VALID);
    expect(await page.locator('main').textContent()).toContain(
      'has expired or was already used, or it was opened in a different browser',
    );
    await page.screenshot({ path: `${ARTIFACTS}/consent-expired.png` });

    // 2. The cookie is still there but KV has dropped the record: a handle the server never had
    // (or no longer has), with a binding cookie that matches it.
    const second = await authorization(await register());
    await openConsent(page, second);
    const stale = randomBytes(32).toString('base64url');
    const hash = createHash('sha256').update(stale).digest('hex');
    await context.addCookies([
      {
        name: `__Host-oauth-consent-${hash.slice(0, 16)}`,
        value: hash,
        domain: new URL(stack.origin).hostname, // not `url`: Playwright drops Secure for http URLs
        path: '/',
        expires: Math.floor(Date.now() / 1000) + 600,
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ]);
    await page.locator('input[name="handle"]').evaluate((input: PageElement, value) => {
      input.value = value;
    }, stale);
    refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Allow' }).click();
    expect((await refused).status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(NOT_VALID);
    expect(await page.locator('main').textContent()).toContain('expired or was already used');

    expect(upstream).toEqual([]);
    expect(callback.hitsFor(first.state)).toEqual([]);
    expect(callback.hitsFor(second.state)).toEqual([]);
    await context.close();
  });

  it('works with the keyboard alone: Tab reaches each box and button with a visible focus ring, Space and Enter operate them', async () => {
    const { context, page } = await newPage();
    const auth = await authorization(await register());
    await openConsent(page, auth);

    await page.keyboard.press('Tab');
    expect(await focused(page)).toEqual({
      tag: 'input',
      type: 'checkbox',
      value: 'mcp:read',
      focusVisible: true,
      outline: true,
    });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ value: 'mcp:write', focusVisible: true, outline: true });
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox', { name: /mcp:write/ }).isChecked()).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/consent-keyboard-checkbox.png` });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ type: 'checkbox', value: 'yes', focusVisible: true, outline: true });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'button', value: 'approve', focusVisible: true, outline: true });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'button', value: 'deny', focusVisible: true, outline: true });
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ value: 'approve' });
    await page.screenshot({ path: `${ARTIFACTS}/consent-keyboard.png` });
    await page.keyboard.press('Enter');
    await signInAtAttio(page);
    const code = (await clientRedirect(page)).get('code');
    if (!code) throw new Error(`no code in ${page.url()}`);
    expect((await exchange(auth, code)).scope).toBe('mcp:read');

    // Deny with the keyboard, in another browser (no remembered approval).
    const other = await newPage();
    const denied = await authorization(await register());
    await openConsent(other.page, denied);
    for (let i = 0; i < 5; i++) await other.page.keyboard.press('Tab');
    expect(await focused(other.page)).toMatchObject({ value: 'deny', focusVisible: true, outline: true });
    await other.page.keyboard.press('Space');
    const query = await clientRedirect(other.page);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(denied.state);
    await other.context.close();
    await context.close();
  });

  it('fits a phone: no horizontal scroll at 375×740, 44 px targets, 16 px text, AA contrast in light and dark', async () => {
    const client = await register('Claude Desktop');
    const phone = await newPage({
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const { page } = phone;
    await openConsent(page, await authorization(client));
    const layout = await page.evaluate(() => {
      const scroller = document.scrollingElement ?? document.documentElement;
      const heights = (selector: string) =>
        [...document.querySelectorAll(selector)].map((element) => element.getBoundingClientRect().height);
      const sizes = [...document.body.querySelectorAll('*')]
        .filter((element) => [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent?.trim()))
        .map((element) => Number.parseFloat(getComputedStyle(element).fontSize));
      return {
        scrollWidth: scroller.scrollWidth,
        clientWidth: scroller.clientWidth,
        buttons: heights('button'),
        labels: heights('label'),
        bodyFont: Number.parseFloat(getComputedStyle(document.body).fontSize),
        smallestText: Math.min(...sizes),
        lang: document.documentElement.lang,
        headings: document.querySelectorAll('h1').length,
      };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.buttons).toHaveLength(2);
    for (const height of [...layout.buttons, ...layout.labels]) expect(height).toBeGreaterThanOrEqual(44);
    expect(layout.bodyFont).toBeGreaterThanOrEqual(16);
    expect(layout.smallestText).toBeGreaterThanOrEqual(14);
    expect(layout.lang).toBe('en');
    expect(layout.headings).toBe(1);
    // The loopback warning is on screen, and each box is named by its label.
    expect(await page.getByText('This sends access to an app on your computer').isVisible()).toBe(true);
    expect(await contrastFailures(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/consent-phone.png`, fullPage: true });
    // Tapping the label's text toggles its box.
    await page.getByText('(mcp:write)').tap();
    expect(await page.getByRole('checkbox', { name: /mcp:write/ }).isChecked()).toBe(false);

    // A long name without spaces still wraps instead of widening the page.
    await openConsent(page, await authorization(await register(`Unbroken${'x'.repeat(150)}`)));
    expect(
      await page.evaluate(() => {
        const scroller = document.scrollingElement ?? document.documentElement;
        return scroller.scrollWidth - scroller.clientWidth;
      }),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/consent-phone-long-name.png`, fullPage: true });
    await phone.context.close();

    const desktop = await newPage({ viewport: { width: 1280, height: 800 } });
    await openConsent(desktop.page, await authorization(client));
    expect(await contrastFailures(desktop.page)).toEqual([]);
    await desktop.page.screenshot({ path: `${ARTIFACTS}/consent-desktop.png`, fullPage: true });
    await desktop.context.close();

    const dark = await newPage({ viewport: { width: 375, height: 740 }, colorScheme: 'dark', isMobile: true });
    await openConsent(dark.page, await authorization(client));
    expect(await contrastFailures(dark.page)).toEqual([]);
    await dark.page.screenshot({ path: `${ARTIFACTS}/consent-dark.png`, fullPage: true });
    await dark.context.close();
  });

  it('warns about an app on this computer only when the redirect URI is loopback', async () => {
    const { context, page } = await newPage();
    await openConsent(
      page,
      await authorization(await register('Web client', 'https://app.example.com/oauth/callback')),
    );
    expect(await page.locator('main').textContent()).toContain('Access will be sent to app.example.com');
    expect(await page.getByText('This sends access to an app on your computer').count()).toBe(0);
    await context.close();
  });

  it('shows a hostile client name as text: no dialog, no injected element', async () => {
    const name = '<img src=x onerror=alert(1)>Evil';
    const { context, page } = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const auth = await authorization(await register(name));
    const response = await page.goto(auth.url);
    expect(response?.status()).toBe(200);
    expect(await response?.text()).toContain('&lt;img src=x onerror=alert(1)&gt;Evil');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(name);
    expect(await page.locator('h1 strong').textContent()).toBe(name);
    expect(await page.title()).toContain(name);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('[onerror]').count()).toBe(0);
    await page.waitForTimeout(300); // an injected image would have failed to load and fired by now
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/consent-hostile-name.png` });
    await context.close();
  });
});
