import { describe, expect, it } from 'vitest';
import { clientAddress, mcpClientRateKey, oauthRateKeys } from './rate-limits';

const ORIGIN = 'https://mcp.example.com';

function keys(path: string, address: string, init: RequestInit = {}, tokenClientId?: string) {
  const url = new URL(`${ORIGIN}${path}`);
  const headers = new Headers(init.headers);
  headers.set('CF-Connecting-IP', address);
  return oauthRateKeys(new Request(url, { ...init, headers }), url, tokenClientId);
}

describe('clientAddress', () => {
  const at = (ip: string) => clientAddress(new Request(ORIGIN, { headers: { 'CF-Connecting-IP': ip } }));

  it('counts an IPv4 address as itself', () => {
    expect(at('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    expect(at('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(at('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(at('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(at('::1')).toBe('0:0:0:0::/64');
  });

  it('counts a request without an address under one key', () => {
    expect(clientAddress(new Request(ORIGIN))).toBe('unknown');
  });
});

describe('oauthRateKeys', () => {
  it('keys /authorize by address, and by address + the client it names, never by the client alone', () => {
    const from = (address: string) => keys('/authorize?client_id=https%3A%2F%2Fclaude.ai%2Fclient', address);
    expect(from('198.51.100.1')).toEqual({
      address: 'oauth:198.51.100.1',
      addressAndClient: 'authorize:198.51.100.1:https://claude.ai/client',
    });
    // Another address naming the same client is counted apart: one cannot lock the other out.
    expect(from('198.51.100.2')?.addressAndClient).not.toBe(from('198.51.100.1')?.addressAndClient);
  });

  it('counts every client id one address names under the same address key (no escape by varying it)', () => {
    const a = keys('/authorize?client_id=https%3A%2F%2Fa.example%2Fc', '198.51.100.1');
    const b = keys('/token', '198.51.100.1', { method: 'POST' }, 'https://b.example/c');
    expect(a?.address).toBe(b?.address);
  });

  it('keys /token by the client it names (form or Basic), /register, /callback and the consent POST by address', () => {
    expect(keys('/token', '192.0.2.1', { method: 'POST' }, 'abc')?.addressAndClient).toBe('token:192.0.2.1:abc');
    expect(keys('/register', '192.0.2.1', { method: 'POST' })?.addressAndClient).toBe('register:192.0.2.1:');
    expect(keys('/callback?state=x', '192.0.2.1')?.addressAndClient).toBe('callback:192.0.2.1:');
    expect(keys('/authorize', '192.0.2.1', { method: 'POST' })?.addressAndClient).toBe('authorize:192.0.2.1:');
  });

  it('bounds the client part of a key', () => {
    const key = keys(`/authorize?client_id=${'c'.repeat(5000)}`, '192.0.2.1')?.addressAndClient ?? '';
    expect(key.length).toBeLessThan(300);
  });

  it('does not count discovery, CORS preflights or MCP requests as sign-in requests', () => {
    expect(keys('/.well-known/oauth-authorization-server', '192.0.2.1')).toBeUndefined();
    expect(keys('/token', '192.0.2.1', { method: 'OPTIONS' })).toBeUndefined();
    expect(keys('/mcp', '192.0.2.1', { method: 'POST' })).toBeUndefined();
  });
});

describe('mcpClientRateKey', () => {
  const registry: Record<string, { tokenEndpointAuthMethod: string }> = {
    confidentialAAAA: { tokenEndpointAuthMethod: 'client_secret_basic' },
    publicAAAAAAAAAA: { tokenEndpointAuthMethod: 'none' },
  };
  let lookups = 0;
  const lookup = async (id: string) => {
    lookups++;
    return registry[id] ?? null;
  };

  it('counts a confidential client across its users', async () => {
    expect(await mcpClientRateKey('confidentialAAAA', lookup)).toBe('client:confidentialAAAA');
  });

  it('does not count a public client (anyone who signs in can hold its tokens) nor a CIMD client', async () => {
    expect(await mcpClientRateKey('publicAAAAAAAAAA', lookup)).toBeUndefined();
    expect(await mcpClientRateKey('https://claude.ai/oauth/mcp-oauth-client-metadata', lookup)).toBeUndefined();
    expect(await mcpClientRateKey(undefined, lookup)).toBeUndefined();
  });

  it('looks a client up once per isolate', async () => {
    const before = lookups;
    await mcpClientRateKey('confidentialAAAA', lookup);
    await mcpClientRateKey('publicAAAAAAAAAA', lookup);
    expect(lookups).toBe(before);
  });
});
