import { describe, expect, it } from 'vitest';
import { REGISTRATION_LIMITS, refuseClientMetadata } from './client-metadata';

const CLAUDE = {
  client_name: 'Claude',
  redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

describe('refuseClientMetadata', () => {
  it('lets a real client register', () => {
    expect(refuseClientMetadata(CLAUDE)).toBeUndefined();
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['a 900 KB client_name', { client_name: 'N'.repeat(900_000) }, /larger than 16 KB/],
    ['a 201-character client_name', { client_name: 'N'.repeat(201) }, /client_name is longer than 200/],
    ['a long localized name', { 'client_name#fr': 'N'.repeat(201) }, /client_name#fr is longer than 200/],
    [
      '11 redirect URIs',
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) },
      /more than 10/,
    ],
    ['a 3 KB redirect URI', { redirect_uris: [`https://a.example/${'p'.repeat(3000)}`] }, /longer than 2048/],
    ['a 3 KB logo_uri', { logo_uri: `https://a.example/${'p'.repeat(3000)}` }, /logo_uri is longer than 2048/],
    ['6 contacts', { contacts: Array.from({ length: 6 }, (_, i) => `a${i}@example.com`) }, /more than 5/],
    ['a 300-character contact', { contacts: [`${'a'.repeat(300)}@example.com`] }, /longer than 254/],
    ['a long software_id', { software_id: 'x'.repeat(300) }, /software_id is longer than 256/],
    ['11 grant types', { grant_types: Array.from({ length: 11 }, (_, i) => `g${i}`) }, /more than 10/],
    [
      '21 localized fields',
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`client_name#l${i}`, 'N'])),
      /More than 20 localized/,
    ],
  ];
  for (const [what, extra, message] of refusals) {
    it(`refuses ${what} with 400 invalid_client_metadata`, () => {
      const refusal = refuseClientMetadata({ ...CLAUDE, ...extra });
      expect(refusal).toMatchObject({ code: 'invalid_client_metadata', status: 400 });
      expect(refusal?.description).toMatch(message);
    });
  }

  it('publishes its limits', () => {
    expect(REGISTRATION_LIMITS.redirectUris).toBe(10);
  });
});
