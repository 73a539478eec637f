import { type MockInstance, vi } from 'vitest';
import { type Send, type TokenResponse, tokenRequest } from './oauth-client';
import { ORIGIN, sendToWorker } from './worker';

/**
 * Helpers for the attack suite (test/worker/attacks.test.ts). The Worker, its Durable Objects and
 * these tests share one isolate under @cloudflare/vitest-plugin, so spies on `console` and on
 * `globalThis.fetch` see what the Worker logs and every request it makes to the outside world.
 */

/** The deployment's secrets, as set in vitest.config.ts. */
export const SECRETS = {
  CONSENT_SECRET: 'test-consent-secret-0123456789-abcdefghijklmnop',
  ATTIO_CLIENT_SECRET: 'dev-attio-secret',
} as const;

/** Longest a request may take before it counts as a hang. */
export const ANSWER_WITHIN_MS = 10_000;

/**
 * The Worker's answer as a client would get it in production: an exception that escapes the
 * Worker becomes a 500 (workerd's "Worker threw exception"), and no answer within
 * `ANSWER_WITHIN_MS` fails the test as a hang. Redirects are never followed (the test runtime
 * would otherwise follow one back into the Worker, whatever its host, and hide it).
 */
export async function send(request: Request, ms = ANSWER_WITHIN_MS): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${request.method} ${request.url.slice(0, 80)}: no answer in ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([
      sendToWorker(new Request(request, { redirect: 'manual' })).catch(
        (error: unknown) => new Response(`uncaught exception: ${String(error)}`, { status: 500 }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `send` for the OAuth client helpers (`tokenRequest`, `registerClient`, `Browser`). */
export const sendSafely: Send = (request) => send(request);

export function exchangeCode(fields: {
  code: string;
  clientId: string;
  redirectUri: string;
  verifier?: string;
  resource?: string;
}): Promise<Response> {
  return tokenRequest(sendSafely, ORIGIN, {
    grant_type: 'authorization_code',
    code: fields.code,
    redirect_uri: fields.redirectUri,
    client_id: fields.clientId,
    ...(fields.verifier === undefined ? {} : { code_verifier: fields.verifier }),
    ...(fields.resource === undefined ? {} : { resource: fields.resource }),
  });
}

export function refresh(clientId: string, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest(sendSafely, ORIGIN, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    ...extra,
  });
}

export async function tokensOf(response: Response): Promise<TokenResponse> {
  if (response.status !== 200) throw new Error(`expected tokens, got ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

export async function oauthError(response: Response): Promise<string | undefined> {
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  return body.error;
}

/** One request the Worker made to the outside world. */
export interface Outbound {
  url: string;
  method: string;
  headers: Headers;
  /** The body when it was given as a string or form (the Worker's own calls); else ''. */
  body: string;
}

/**
 * Records every `fetch` the Worker makes (CIMD documents, Attio's token endpoint and API).
 * `stub` may answer a request in place of the network (return `undefined` to let it through),
 * so hostile documents need no server and private addresses are never really dialled.
 */
export function spyOnOutbound(stub?: (request: Outbound) => Response | Promise<Response> | undefined): {
  calls: Outbound[];
  spy: MockInstance<typeof fetch>;
} {
  const calls: Outbound[] = [];
  const real = globalThis.fetch.bind(globalThis);
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const isRequest = input instanceof Request;
    const url = isRequest ? input.url : String(input);
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    const body = typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? String(init.body) : '';
    const call = { url, method: init?.method ?? (isRequest ? input.method : 'GET'), headers, body };
    calls.push(call);
    return (await stub?.(call)) ?? real(input, init);
  });
  return { calls, spy };
}

/** Everything the Worker (and this test) wrote to the console while the capture ran. */
export function captureConsole(): { text(): string; restore(): void } {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const spies = methods.map((method) => vi.spyOn(console, method));
  return {
    text: () =>
      spies
        .flatMap((spy) => spy.mock.calls)
        .map((args) => args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' '))
        .join('\n'),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return value instanceof Error ? `${value.name}: ${value.message}\n${value.stack ?? ''}` : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * A `Send` that keeps what the client saw of every Worker response (status, headers, body).
 * Bodies are read from a clone; a response that is a long-lived event stream is read for at
 * most `streamMs`.
 */
export function recordingSend(streamMs = 2_000): { send: Send; seen(): Promise<string> } {
  const pending: Promise<string>[] = [];
  return {
    send: async (request) => {
      const response = await send(request);
      const head = `${request.method} ${request.url} → ${response.status}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
      pending.push(readFor(response.clone(), streamMs).then((body) => `${head}\n\n${body}`));
      return response;
    },
    seen: async () => (await Promise.all(pending)).join('\n\n'),
  };
}

/** The text of a response body, giving up on an open stream after `ms` (or when it is aborted). */
export async function readFor(response: Response, ms: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<{ done: true; value: undefined }>((resolve) => {
        timer = setTimeout(() => resolve({ done: true, value: undefined }), Math.max(1, deadline - Date.now()));
      });
      const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // The client closed the stream (an SDK client's standalone GET stream): what arrived counts.
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

/** A request body of `size` bytes sent as a stream, so the request has no Content-Length. */
export function chunkedBody(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
        controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
      }
      controller.close();
    },
  });
}
