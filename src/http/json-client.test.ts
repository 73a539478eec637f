import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type JsonRequest, pathSegment, requestJson, type UpstreamApi } from './json-client';
import { UpstreamError } from './upstream-error';

/** An upstream that answers from a script, one entry per attempt, and counts the attempts. */
function scripted(answers: ((init?: RequestInit) => Response | Promise<Response>)[], timeoutMs = 50) {
  const calls: string[] = [];
  const api: UpstreamApi = {
    name: 'Example',
    retry: { maxRetries: 2, maxRetryDelayMs: 20 },
    timeoutMs,
    fetch: async (input, init) => {
      calls.push(`${init?.method} ${String(input)}`);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (!answer) throw new Error('no answer scripted');
      return answer(init);
    },
    toError: async (response) =>
      new UpstreamError('Example', response.status, String(response.status), `HTTP ${response.status}`),
  };
  return { api, calls };
}

const ok = () => Response.json({ ok: true });
const status = (code: number) => () => new Response('{}', { status: code });
/** No answer until the client gives up, as `fetch` behaves when its signal aborts. */
const hang = (init?: RequestInit) =>
  new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
const request = (method: string, extra: Partial<JsonRequest<unknown>> = {}): JsonRequest<unknown> => ({
  method,
  url: 'https://api.example.com/v2/things',
  headers: {},
  schema: z.object({ ok: z.literal(true) }),
  ...extra,
});

describe('retry policy', () => {
  it('retries a read after a 5xx', async () => {
    const { api, calls } = scripted([status(503), ok]);
    await expect(requestJson(api, request('GET'))).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('retries a POST that only reads (a query) after a 5xx', async () => {
    const { api, calls } = scripted([status(502), ok]);
    await expect(requestJson(api, request('POST', { read: true, body: {} }))).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('never retries a write after a 5xx, and says the change may or may not have been made', async () => {
    const { api, calls } = scripted([status(500), ok]);
    const error = await requestJson(api, request('POST', { body: { name: 'x' } })).catch((e: unknown) => e);
    expect(calls).toHaveLength(1);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).unconfirmedWrite).toBe(true);
  });

  it('never retries a write that timed out', async () => {
    const { api, calls } = scripted([hang, ok]);
    const error = (await requestJson(api, request('PATCH', { body: {} })).catch((e: unknown) => e)) as UpstreamError;
    expect(calls).toHaveLength(1);
    expect(error.code).toBe('timeout');
    expect(error.unconfirmedWrite).toBe(true);
  });

  it('retries a read that timed out, then reports the timeout', async () => {
    const { api, calls } = scripted([hang]);
    const error = (await requestJson(api, request('GET')).catch((e: unknown) => e)) as UpstreamError;
    expect(calls).toHaveLength(3);
    expect(error.code).toBe('timeout');
    expect(error.unconfirmedWrite).toBe(false);
  });

  it('retries a write after a 429: the upstream did not process it', async () => {
    const { api, calls } = scripted([status(429), ok]);
    await expect(requestJson(api, request('DELETE'))).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('gives up after the bounded number of retries', async () => {
    const { api, calls } = scripted([status(429)]);
    const error = (await requestJson(api, request('GET')).catch((e: unknown) => e)) as UpstreamError;
    expect(calls).toHaveLength(3);
    expect(error.kind).toBe('rate_limit');
  });

  it('does not wait out a Retry-After longer than the cap', async () => {
    const { api, calls } = scripted([() => new Response('{}', { status: 429, headers: { 'Retry-After': '60' } })]);
    api.toError = async () => new UpstreamError('Example', 429, 'rate_limited', 'slow down', 60);
    await expect(requestJson(api, request('GET'))).rejects.toMatchObject({ retryAfterSeconds: 60 });
    expect(calls).toHaveLength(1);
  });

  it('does not retry a 4xx', async () => {
    const { api, calls } = scripted([status(400), ok]);
    await expect(requestJson(api, request('GET'))).rejects.toMatchObject({ kind: 'input' });
    expect(calls).toHaveLength(1);
  });

  it('reports an answer in an unexpected shape as 502, without its values', async () => {
    const { api } = scripted([() => Response.json({ ok: 'secret-value' })]);
    const error = (await requestJson(api, request('GET')).catch((e: unknown) => e)) as UpstreamError;
    expect(error.status).toBe(502);
    expect(error.message).not.toContain('secret-value');
  });
});

describe('cancellation (the client gave the call up)', () => {
  /** An upstream that never answers, cancelled by the call once the request is in flight. */
  function cancelledInFlight() {
    const call = new AbortController();
    const { api, calls } = scripted(
      [
        (init) => {
          queueMicrotask(() => call.abort());
          return hang(init);
        },
        ok,
      ],
      5_000,
    );
    api.signal = call.signal;
    return { api, calls };
  }

  it('aborts the read in flight at once, without waiting for the timeout or retrying', async () => {
    const { api, calls } = cancelledInFlight();
    const started = Date.now();
    const error = (await requestJson(api, request('GET')).catch((e: unknown) => e)) as UpstreamError;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ code: 'cancelled', unconfirmedWrite: false });
  });

  it('a write cancelled in flight may have been made, and says so', async () => {
    const { api, calls } = cancelledInFlight();
    const error = (await requestJson(api, request('POST', { body: {} })).catch((e: unknown) => e)) as UpstreamError;
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ code: 'cancelled', unconfirmedWrite: true });
  });

  it('a call already cancelled sends nothing', async () => {
    const { api, calls } = scripted([ok]);
    api.signal = AbortSignal.abort();
    await expect(requestJson(api, request('DELETE'))).rejects.toMatchObject({
      code: 'cancelled',
      unconfirmedWrite: false,
    });
    expect(calls).toHaveLength(0);
  });

  it('stops waiting out a retry when cancelled, and sends no further attempt', async () => {
    const call = new AbortController();
    const { api, calls } = scripted([
      () => {
        setTimeout(() => call.abort(), 5);
        return new Response('{}', { status: 503 });
      },
      ok,
    ]);
    api.retry = { maxRetries: 2, maxRetryDelayMs: 60_000 };
    api.toError = async () => new UpstreamError('Example', 503, 'unavailable', 'busy', 30);
    api.signal = call.signal;
    const started = Date.now();
    await expect(requestJson(api, request('GET'))).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toHaveLength(1);
  });
});

describe('a path segment from a tool', () => {
  it('is percent-encoded, so a slash or an encoded dot stays inside the segment', () => {
    expect(pathSegment('Example', 'a/b')).toBe('a%2Fb');
    expect(pathSegment('Example', '%2e%2e')).toBe('%252e%252e');
    expect(pathSegment('Example', '...')).toBe('...');
  });

  it('is refused when empty, "." or "..", which URL parsing would resolve into another endpoint', () => {
    for (const value of ['', '.', '..']) {
      let error: unknown;
      try {
        pathSegment('Example', value);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).kind).toBe('input');
    }
  });
});
