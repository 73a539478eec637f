import { describe, expect, it } from 'vitest';
import { identityHeaders } from './identity-headers';

describe('identity headers for a backend', () => {
  it('carries every field a provider verified, as values a header can hold', () => {
    const headers = identityHeaders({
      userId: 'access-0123',
      upstream: 'access',
      scopes: ['mcp:read', 'mcp:write'],
      identity: {
        email: 'zoë@exämple.com',
        name: 'Zoë Ōtsuka, PhD',
        groups: ['r&d', 'admins'],
        login: null,
        orgs: [],
      },
    });
    expect(headers).toEqual({
      'X-MCP-User-Id': 'access-0123',
      'X-MCP-User-Upstream': 'access',
      'X-MCP-User-Scopes': 'mcp:read mcp:write',
      'X-MCP-User-Email': 'zo%C3%AB%40ex%C3%A4mple.com',
      'X-MCP-User-Name': 'Zo%C3%AB%20%C5%8Ctsuka%2C%20PhD',
      'X-MCP-User-Groups': 'r%26d,admins',
    });
    // Every value is a valid header value (the Headers class throws on anything else).
    expect(() => new Headers(headers)).not.toThrow();
    expect(decodeURIComponent(headers['X-MCP-User-Name'] ?? '')).toBe('Zoë Ōtsuka, PhD');
  });

  it('sends a plain email as it is, and leaves out what the provider does not know', () => {
    const headers = identityHeaders({
      userId: 'github-1',
      upstream: 'github',
      scopes: ['mcp:read'],
      identity: { email: 'cat@github.test', name: null, groups: [], login: 'octocat', orgs: ['acme', 'octo-org'] },
    });
    expect(headers['X-MCP-User-Email']).toBe('cat@github.test');
    expect(headers['X-MCP-User-Login']).toBe('octocat');
    expect(headers['X-MCP-User-Orgs']).toBe('acme,octo-org');
    expect(Object.keys(headers)).not.toContain('X-MCP-User-Name');
    expect(Object.keys(headers)).not.toContain('X-MCP-User-Groups');
  });
});
