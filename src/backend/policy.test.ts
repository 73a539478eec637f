import { describe, expect, it } from 'vitest';
import type { Identity } from '../upstreams/upstream';
import { ToolPolicy, ToolPolicyJson } from './policy';
import { checkBackend } from './settings';

const person = (overrides: Partial<Identity> = {}): Identity => ({
  email: 'alice@example.com',
  name: 'Alice',
  groups: ['engineering'],
  login: null,
  orgs: [],
  ...overrides,
});

const policy = (tools: Record<string, unknown>) => new ToolPolicy(ToolPolicyJson.parse({ tools }));

describe('per-user tool policy', () => {
  it('opens a tool no pattern names to everyone signed in', () => {
    expect(policy({ 'admin_*': { allow: ['group:admins'] } }).allows('search', person())).toBe(true);
    expect(new ToolPolicy().allows('anything', person())).toBe(true);
  });

  it('matches by email, email domain, group, GitHub login and organisation, ignoring case', () => {
    const rules = policy({
      by_email: { allow: ['email:Alice@Example.com'] },
      by_domain: { allow: ['domain:example.com'] },
      by_group: { allow: ['group:Engineering'] },
      by_login: { allow: ['login:octocat'] },
      by_org: { allow: ['org:acme'] },
    });
    const alice = person();
    const octocat = person({ email: 'cat@github.test', groups: [], login: 'octocat', orgs: ['acme'] });
    expect(['by_email', 'by_domain', 'by_group'].map((tool) => rules.allows(tool, alice))).toEqual([true, true, true]);
    expect(['by_login', 'by_org'].map((tool) => rules.allows(tool, alice))).toEqual([false, false]);
    expect(['by_email', 'by_domain', 'by_group'].map((tool) => rules.allows(tool, octocat))).toEqual([
      false,
      false,
      false,
    ]);
    expect(['by_login', 'by_org'].map((tool) => rules.allows(tool, octocat))).toEqual([true, true]);
  });

  it('does not let a domain match a look-alike address or a person without an email', () => {
    const rules = policy({ t: { allow: ['domain:example.com'] } });
    expect(rules.allows('t', person({ email: 'mallory@evil-example.com' }))).toBe(false);
    expect(rules.allows('t', person({ email: 'mallory@example.com.evil.test' }))).toBe(false);
    expect(rules.allows('t', person({ email: null }))).toBe(false);
  });

  it('takes the first pattern, in the order written, that matches a tool name whole', () => {
    const rules = policy({
      delete_everything: { allow: [] },
      'delete_*': { allow: ['*'] },
      '*': { allow: ['group:x'] },
    });
    expect(rules.allows('delete_everything', person())).toBe(false);
    expect(rules.allows('delete_note', person())).toBe(true);
    expect(rules.allows('list_notes', person())).toBe(false);
    // `.` in a pattern is a dot, not "any character"; a pattern matches the whole name.
    expect(policy({ 'a.b': { allow: [] } }).allows('axb', person())).toBe(true);
    expect(policy({ save: { allow: [] } }).allows('save_note', person())).toBe(true);
  });

  it('asks mcp:read for read-only tools, mcp:write for the rest, unless the policy says otherwise', () => {
    const rules = policy({ export_report: { scope: 'mcp:read' }, peek: { scope: 'mcp:write' } });
    expect(rules.scopeFor('list', { readOnlyHint: true })).toBe('mcp:read');
    expect(rules.scopeFor('save', { readOnlyHint: false })).toBe('mcp:write');
    expect(rules.scopeFor('unannotated', undefined)).toBe('mcp:write');
    expect(rules.scopeFor('export_report', undefined)).toBe('mcp:read');
    expect(rules.scopeFor('peek', { readOnlyHint: true })).toBe('mcp:write');
  });
});

describe('backend settings', () => {
  it('needs nothing when no backend is chosen', () => {
    expect(checkBackend({})).toEqual({ checks: {}, problems: [], config: undefined });
  });

  it('reports each missing or wrong setting by name, never its value', () => {
    const report = checkBackend({
      BACKEND: 'url',
      BACKEND_URL: 'ftp://x',
      BACKEND_TOKEN: 'short',
      BACKEND_POLICY: '{"tools": {"x": {"allow": ["admin"]}}}',
    });
    expect(report.config).toBeUndefined();
    expect(report.checks).toMatchObject({
      BACKEND: true,
      BACKEND_URL: false,
      BACKEND_TOKEN: false,
      BACKEND_POLICY: false,
    });
    expect(report.problems.join('\n')).toMatch(/BACKEND_URL must be/);
    expect(report.problems.join('\n')).not.toContain('short');
    expect(checkBackend({ BACKEND: 'carrier-pigeon' }).checks).toEqual({ BACKEND: false });
    expect(
      checkBackend({ BACKEND: 'url', BACKEND_URL: 'https://b.test/mcp', BACKEND_POLICY: 'not json' }).checks,
    ).toMatchObject({ BACKEND_POLICY: false });
    expect(checkBackend({ BACKEND: 'service' }).checks).toMatchObject({ BACKEND_SERVICE: false });
    expect(checkBackend({ BACKEND: 'container' }).checks).toMatchObject({ BACKEND_CONTAINER: false });
  });

  it('reads a complete backend configuration', () => {
    const report = checkBackend({
      BACKEND: 'service',
      BACKEND_SERVICE: { fetch() {} },
      BACKEND_TOKEN: 'a-backend-token-0123456789',
      BACKEND_POLICY: '{"tools": {"save_*": {"allow": ["group:admins"]}}}',
    });
    expect(report.problems).toEqual([]);
    expect(report.config).toMatchObject({
      kind: 'service',
      url: 'https://backend.internal/mcp',
      token: 'a-backend-token-0123456789',
      timeoutMs: 60000,
    });
    expect(report.config?.policy.allows('save_note', person())).toBe(false);
  });
});
