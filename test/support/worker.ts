import { env, exports } from 'cloudflare:workers';
import { TEST_PUBLIC_URL } from './constants';
import { Browser, type Send } from './oauth-client';

/** Calls the real Worker (OAuthProvider, Hono app, Durable Objects) inside workerd. */
export const sendToWorker: Send = (request) => exports.default.fetch(request);

export const ORIGIN = TEST_PUBLIC_URL;

/** The Attio stand-in's URL, a real HTTP server on loopback started by the global setup. */
export function standinUrl(): string {
  const url = (env as unknown as Record<string, unknown>).ATTIO_STANDIN_URL;
  if (typeof url !== 'string') throw new Error('ATTIO_STANDIN_URL binding missing');
  return url;
}

export function newBrowser(): Browser {
  return new Browser(ORIGIN, sendToWorker);
}

export function get(path: string, init: RequestInit = {}): Promise<Response> {
  return sendToWorker(new Request(`${ORIGIN}${path}`, init));
}

/** Tells the stand-in to do something (revoke tokens, inject faults, reset). */
export async function controlStandin(path: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${standinUrl()}/_standin/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`stand-in control ${path}: ${response.status}`);
}

/** How many requests the stand-in has had for `route` (`METHOD /path`) since its counts were reset. */
export async function standinRequests(route: string): Promise<number> {
  const counts = (await (await fetch(`${standinUrl()}/_standin/requests`)).json()) as {
    byRoute: Record<string, number>;
  };
  return counts.byRoute[route] ?? 0;
}

/** Polls `check` until it holds; fails saying `what` did not happen within `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
