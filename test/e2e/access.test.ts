import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessStack } from '../../scripts/lib/stack.ts';
import type { AccessStandin, TamperMode } from '../standins/access/server.ts';
import { StoppedAtPage } from '../support/oauth-client';
import { signInAt, standardFlow } from './upstream-flow';

/**
 * UPSTREAM=access: the real `wrangler dev` signing people in through a certified OpenID Provider
 * (oidc-provider) shaped like Cloudflare Access for SaaS, with an allowlist of email domains.
 */

let stack: { origin: string; access: AccessStandin; stop(): Promise<void> };

beforeAll(async () => {
  stack = await startAccessStack({ vars: { ALLOWED_EMAIL_DOMAINS: 'example.com' } });
});
afterAll(() => stack?.stop());

describe('Cloudflare Access as the upstream', () => {
  it('passes the shared flow: sign-in, tools over both transports, refresh', async () => {
    await standardFlow(stack.origin, {
      identity: 'alice@example.com',
      tools: ['whoami'],
      expectIdentity: (whoami) =>
        expect(whoami).toMatchObject({
          email: 'alice@example.com',
          name: 'Alice Admin',
          groups: ['engineering', 'admins'],
          scopes: expect.arrayContaining(['mcp:read']),
        }),
    });
  });

  it('refuses a person the allowlist does not admit, with a page and no grant', async () => {
    const attempt = signInAt(stack.origin, { email: 'bob@contractor.test' });
    const stopped = await attempt.catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(StoppedAtPage);
    expect((stopped as StoppedAtPage).status).toBe(403);
    expect((stopped as StoppedAtPage).html).toContain('bob@contractor.test is not allowed to use this server');
  });

  it('tells the client access_denied when the person denies at the provider', async () => {
    const { redirect } = await signInAt(stack.origin, { email: 'alice@example.com', upstreamDecision: 'deny' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBeTruthy();
    expect(redirect.searchParams.get('code')).toBeNull();
  });

  for (const mode of ['audience', 'signature', 'issuer', 'expired', 'nonce', 'alg-none'] satisfies TamperMode[]) {
    it(`refuses an ID token with a wrong ${mode}`, async () => {
      stack.access.tamperNextIdToken(mode);
      const stopped = await signInAt(stack.origin, { email: 'alice@example.com' }).catch((error: unknown) => error);
      expect(stopped).toBeInstanceOf(StoppedAtPage);
      expect((stopped as StoppedAtPage).status).toBe(502);
      expect((stopped as StoppedAtPage).html).toContain('could not verify');
    });
  }

  it('signs in again normally after the forgeries', async () => {
    const { redirect, exchange } = await signInAt(stack.origin, { email: 'carol@example.com' });
    expect(redirect.searchParams.get('code')).toBeTruthy();
    expect((await exchange()).access_token).toBeTruthy();
  });
});
