import { describe, expect, it } from 'vitest';
import { signIn } from '../support/oauth-client';
import { newBrowser, ORIGIN, sendToWorker } from '../support/worker';

/** Requests a confused or hostile client might send. None may produce a 5xx. */
const cases: [string, () => Request][] = [
  ['GET /authorize with a bare ?', () => new Request(`${ORIGIN}/authorize?`)],
  [
    'GET /authorize with repeated client_id',
    () => new Request(`${ORIGIN}/authorize?client_id=a&client_id=b&response_type=code`),
  ],
  [
    'GET /authorize with a 10 KB state',
    () => new Request(`${ORIGIN}/authorize?client_id=x&state=${'s'.repeat(10_000)}`),
  ],
  ['POST /authorize with an empty body', () => new Request(`${ORIGIN}/authorize`, { method: 'POST' })],
  [
    'POST /authorize with a multipart body',
    () => {
      const form = new FormData();
      form.set('handle', 'x');
      form.set('decision', 'approve');
      return new Request(`${ORIGIN}/authorize`, { method: 'POST', body: form });
    },
  ],
  [
    'POST /authorize with an unknown decision',
    () =>
      new Request(`${ORIGIN}/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'handle=x&decision=maybe',
      }),
  ],
  ['GET /callback without state', () => new Request(`${ORIGIN}/callback?code=abc`)],
  ['GET /callback with an upstream error and no state', () => new Request(`${ORIGIN}/callback?error=access_denied`)],
  ['POST /register with invalid JSON', () => new Request(`${ORIGIN}/register`, { method: 'POST', body: '{not json' })],
  [
    'POST /register with a 1 MB client name',
    () =>
      new Request(`${ORIGIN}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'x'.repeat(1_000_000), redirect_uris: ['https://a.example/cb'] }),
      }),
  ],
  ['POST /token with no body', () => new Request(`${ORIGIN}/token`, { method: 'POST' })],
  [
    'POST /token with an unknown grant type',
    () =>
      new Request(`${ORIGIN}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=a&password=b',
      }),
  ],
  ['GET /token', () => new Request(`${ORIGIN}/token`)],
  [
    'POST /mcp with a malformed bearer',
    () => new Request(`${ORIGIN}/mcp`, { method: 'POST', headers: { Authorization: 'Bearer ::::' } }),
  ],
  [
    'GET /sse with a Basic credential',
    () => new Request(`${ORIGIN}/sse`, { headers: { Authorization: 'Basic YTpi' } }),
  ],
  ['GET /no/such/page', () => new Request(`${ORIGIN}/no/such/page`)],
];

describe('hostile or confused requests never produce a 5xx', () => {
  for (const [name, request] of cases) {
    it(name, async () => {
      const response = await sendToWorker(request());
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(500);
    });
  }

  it('malformed JSON-RPC on an authenticated session is a 4xx, not a crash', async () => {
    const { tokens } = await signIn(newBrowser());
    const headers = {
      Authorization: `Bearer ${tokens.access_token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    };
    for (const body of ['{', '[]', '{"jsonrpc":"2.0","method":"tools/list","id":1}', '"just a string"']) {
      const response = await sendToWorker(new Request(`${ORIGIN}/mcp`, { method: 'POST', headers, body }));
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
    }
  });
});
