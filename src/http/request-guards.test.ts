import { describe, expect, it } from 'vitest';
import {
  basicClientId,
  fitsClientKey,
  fitsTokenKeys,
  isPrivateClientIdUrl,
  refuseTokenRequest,
  withoutRedundantClientId,
} from './request-guards';

describe('isPrivateClientIdUrl', () => {
  // Each host form `fetch` would dial inside a private network, written every way a URL allows.
  const PRIVATE: [string, string][] = [
    ['https://127.0.0.1/c.json', 'IPv4 loopback'],
    ['https://127.1/c.json', 'IPv4 short form'],
    ['https://2130706433/c.json', 'IPv4 as one decimal number'],
    ['https://0x7f000001/c.json', 'IPv4 as one hex number'],
    ['https://0x7f.0.0.1/c.json', 'IPv4 with a hex part'],
    ['https://0177.0.0.1/c.json', 'IPv4 with an octal part'],
    ['https://127.0.0.1./c.json', 'IPv4 with a trailing dot'],
    ['https://0/c.json', '0.0.0.0'],
    ['https://10.0.0.1/c.json', 'a private IPv4 network'],
    ['https://169.254.169.254/latest/meta-data', 'cloud metadata'],
    ['https://[::1]/c.json', 'IPv6 loopback'],
    ['https://[::ffff:127.0.0.1]/c.json', 'IPv4-mapped IPv6'],
    ['https://[::ffff:7f00:1]/c.json', 'IPv4-mapped IPv6 in hex'],
    ['https://[fe80::1]/c.json', 'IPv6 link-local'],
    ['https://[fd00::1]/c.json', 'IPv6 unique local'],
    ['https://localhost/c.json', 'localhost'],
    ['https://LOCALHOST/c.json', 'localhost in capitals'],
    ['https://localhost./c.json', 'localhost with a trailing dot'],
    ['https://localhost../c.json', 'localhost with two trailing dots'],
    ['https://localhost\u3002/c.json', 'localhost with an ideographic full stop (IDNA)'],
    ['https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/c.json', 'full-width localhost (IDNA)'],
    ['https://%6c%6f%63%61%6c%68%6f%73%74/c.json', 'percent-encoded localhost'],
    ['https://app.localhost/c.json', 'a .localhost name'],
    ['https://printer.local./c.json', 'an mDNS name with a trailing dot'],
    ['https://metadata.google.internal/c.json', 'an .internal name'],
    ['https://nas.localdomain/c.json', 'a .localdomain name'],
    ['https://wiki.corp/c.json', 'a .corp name'],
    ['https://router.home.arpa/c.json', 'a home.arpa name'],
    ['https://1.0.0.127.in-addr.arpa/c.json', 'a reverse-lookup name'],
    ['https://intranet/c.json', 'a single-label name (resolved through search domains)'],
    ['https://user:pass@127.0.0.1/c.json', 'userinfo before a private host'],
    ['https://claude.ai@127.0.0.1/c.json', 'a public name as userinfo'],
    ['HTTPS://localhost/c.json', 'the scheme in capitals'],
    ['https://127.0.0.1:8443/c.json', 'a private host with a port'],
  ];
  for (const [url, what] of PRIVATE) {
    it(`refuses ${what}: ${url}`, () => expect(isPrivateClientIdUrl(url)).toBe(true));
  }

  const PUBLIC: [string, string][] = [
    ['https://claude.ai/oauth/mcp-oauth-client-metadata', "Claude's document"],
    ['https://chatgpt.com/oauth/client.json', "ChatGPT's document"],
    ['https://xn--clude-6ve.ai/client.json', 'an IDNA name (public, shown as punycode)'],
    ['https://127.0.0.1.example.com/c.json', 'a public name that starts like an address'],
    ['not-a-url', 'a registered client id'],
    ['http://localhost/c.json', 'a non-https URL (the library refuses it before any fetch)'],
  ];
  for (const [url, what] of PUBLIC) {
    it(`lets the library judge ${what}: ${url}`, () => expect(isPrivateClientIdUrl(url)).toBe(false));
  }
});

describe('KV key bounds', () => {
  it('fits a client id while client:<id> is at most 512 bytes, counting UTF-8 bytes', () => {
    expect(fitsClientKey('c'.repeat(505))).toBe(true);
    expect(fitsClientKey('c'.repeat(506))).toBe(false);
    expect(fitsClientKey('\u00e9'.repeat(253))).toBe(false); // 506 bytes in 253 characters
  });

  it('fits a user:grant:secret token while token:<user>:<grant>:<64-hex hash> is at most 512 bytes', () => {
    expect(fitsTokenKeys(`${'u'.repeat(424)}:${'g'.repeat(16)}:secret`)).toBe(true);
    expect(fitsTokenKeys(`${'u'.repeat(425)}:${'g'.repeat(16)}:secret`)).toBe(false);
    expect(fitsTokenKeys('u'.repeat(5000))).toBe(true); // not the library's form: never looked up
  });
});

const basic = (id: string, secret = 's3cret') =>
  `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;

describe('refuseTokenRequest', () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.set(name, value);
    return data;
  };

  it('refuses an over-long client id in the form, in Basic credentials or as a client assertion issuer', () => {
    const none = new Headers();
    expect(refuseTokenRequest(form({ client_id: 'c'.repeat(506) }), none)).toEqual({
      status: 401,
      error: 'invalid_client',
    });
    expect(refuseTokenRequest(form({}), new Headers({ Authorization: basic('c'.repeat(506)) }))?.status).toBe(401);
    const payload = btoa(JSON.stringify({ iss: 'c'.repeat(600) })).replace(/=+$/, '');
    expect(refuseTokenRequest(form({ client_assertion: `e30.${payload}.sig` }), none)?.status).toBe(401);
  });

  it('refuses a code or refresh token whose KV keys cannot fit with invalid_grant; answers a revocation 200', () => {
    const long = `${'u'.repeat(500)}:g:s`;
    expect(refuseTokenRequest(form({ code: long }), new Headers())).toEqual({ status: 400, error: 'invalid_grant' });
    expect(refuseTokenRequest(form({ refresh_token: long }), new Headers())?.error).toBe('invalid_grant');
    expect(refuseTokenRequest(form({ token: long }), new Headers())?.status).toBe(200);
  });
});

describe('basicClientId', () => {
  it('decodes the client id as RFC 6749 §2.3.1 encodes it', () => {
    expect(basicClientId(basic('a b:c'))).toBe('a b:c');
    expect(basicClientId('Bearer x')).toBeUndefined();
    expect(basicClientId('Basic !!!')).toBeUndefined();
  });
});

describe('withoutRedundantClientId', () => {
  const request = (authorization: string, body: string) =>
    new Request('https://mcp.example.com/token', {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
  const rewrite = async (authorization: string, body: string) => {
    const original = request(authorization, body);
    const form = await original.clone().formData();
    return withoutRedundantClientId(original, form);
  };

  it('drops a body client_id equal to the Basic client id, and nothing else', async () => {
    const sent = await rewrite(basic('client1'), 'grant_type=refresh_token&refresh_token=a%3Ab%3Ac&client_id=client1');
    expect(await sent?.text()).toBe('grant_type=refresh_token&refresh_token=a%3Ab%3Ac');
    expect(sent?.headers.get('Authorization')).toBe(basic('client1'));
  });

  it('leaves a different client_id, a repeated one, a request without Basic, or a body secret to the library', async () => {
    expect(await rewrite(basic('client1'), 'grant_type=x&client_id=client2')).toBeUndefined();
    expect(await rewrite(basic('client1'), 'client_id=client1&client_id=client1')).toBeUndefined();
    expect(await rewrite('', 'grant_type=x&client_id=client1')).toBeUndefined();
    const withSecret = await rewrite(basic('client1'), 'client_id=client1&client_secret=s3cret');
    expect(await withSecret?.text()).toBe('client_secret=s3cret'); // still two methods: the library refuses it
  });
});
