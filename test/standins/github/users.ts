// Users and organizations: GET /user, /user/emails, /user/orgs, /users/{username},
// /orgs/{org}, /orgs/{org}/members, /orgs/{org}/public_members, and /rate_limit.
import type { Hono } from 'hono';
import { hasAnyScope, hasScope } from './auth.ts';
import { DOCS, GitHubError, notFound } from './errors.ts';
import type { RateLimits } from './ratelimit.ts';
import { type ApiEnv, ok, paged, requireUser } from './rest.ts';
import type { Org } from './store.ts';

export function registerUserRoutes(api: Hono<ApiEnv>, deps: { rateLimits: RateLimits }): void {
  // Private profile fields only with the user (or read:user) scope, like GitHub.
  api.get('/user', (c) => {
    const user = requireUser(c, DOCS.getAuthenticatedUser);
    const { render, scopes } = c.env.ctx;
    return ok(hasAnyScope(scopes, ['user', 'read:user']) ? render.privateUser(user) : render.publicUser(user));
  });

  // Without user:email (or user) GitHub answers 404, not 403.
  api.get('/user/emails', (c) => {
    const user = requireUser(c, DOCS.listEmails);
    const headers = { 'x-accepted-oauth-scopes': 'user, user:email' };
    if (!hasScope(c.env.ctx.scopes, 'user:email')) {
      throw new GitHubError(404, 'Not Found', DOCS.listEmails, undefined, headers);
    }
    const page = paged(
      c,
      user.emails.map((e) => ({ ...e })),
    );
    return ok(page.items, 200, { ...headers, ...page.headers });
  });

  // Needs user or read:org (write:org and admin:org include it); otherwise 403 with GitHub's message.
  api.get('/user/orgs', (c) => {
    const user = requireUser(c, DOCS.listMyOrgs);
    const { store, render, scopes } = c.env.ctx;
    const headers = { 'x-accepted-oauth-scopes': 'admin:org, read:org, user, write:org' };
    if (!hasAnyScope(scopes, ['user', 'read:org'])) {
      throw new GitHubError(
        403,
        'You need at least read:org scope or user scope to list your organizations.',
        DOCS.listMyOrgs,
        undefined,
        headers,
      );
    }
    const page = paged(
      c,
      store.orgsOf(user).map((org) => render.orgSimple(org)),
    );
    return ok(page.items, 200, { ...headers, ...page.headers });
  });

  // Public profiles, organizations and public members need no token (as on GitHub).
  api.get('/users/:username', (c) => {
    const { store, render } = c.env.ctx;
    const user = store.userByLogin(c.req.param('username'));
    if (user) return ok(render.publicUser(user));
    const org = store.orgByLogin(c.req.param('username'));
    if (org) return ok({ ...render.orgFull(org), user_view_type: 'public' });
    throw notFound(DOCS.getUser);
  });

  const orgFromPath = (
    org: string | undefined,
    documentationUrl: string,
    store: { orgByLogin(l: string): Org | undefined },
  ): Org => {
    const found = org === undefined ? undefined : store.orgByLogin(org);
    if (!found) throw notFound(documentationUrl);
    return found;
  };

  api.get('/orgs/:org', (c) => {
    const { store, render } = c.env.ctx;
    return ok(render.orgFull(orgFromPath(c.req.param('org'), DOCS.getOrg, store)));
  });

  // Members see concealed and public members (their token needs read:org to show membership);
  // anyone else is redirected to the public members list (GitHub's documented 302).
  api.get('/orgs/:org/members', (c) => {
    const { store, render, scopes, apiBase, user: viewer } = c.env.ctx;
    const org = orgFromPath(c.req.param('org'), DOCS.listMembers, store);
    const headers = { 'x-accepted-oauth-scopes': 'admin:org, read:org, write:org' };
    if (viewer === null || !org.members.has(viewer.id) || !hasScope(scopes, 'read:org')) {
      const search = new URL(c.req.url).search;
      return new Response(null, {
        status: 302,
        headers: { location: `${apiBase}/orgs/${org.login}/public_members${search}`, ...headers },
      });
    }
    const role = c.req.query('role') ?? 'all';
    if (!['all', 'admin', 'member'].includes(role)) {
      throw new GitHubError(422, 'Validation Failed', DOCS.listMembers, [
        { resource: 'Organization', field: 'role', code: 'invalid' },
      ]);
    }
    const members = [...org.members.entries()]
      .filter(([, membership]) => role === 'all' || membership.role === role)
      .map(([id]) => store.users.get(id))
      .filter((u) => u !== undefined)
      .sort((a, b) => a.login.localeCompare(b.login))
      .map((u) => render.simpleUser(u));
    const page = paged(c, members);
    return ok(page.items, 200, { ...headers, ...page.headers });
  });

  api.get('/orgs/:org/public_members', (c) => {
    const { store, render } = c.env.ctx;
    const org = orgFromPath(c.req.param('org'), DOCS.listPublicMembers, store);
    const members = [...org.members.entries()]
      .filter(([, membership]) => membership.public)
      .map(([id]) => store.users.get(id))
      .filter((u) => u !== undefined)
      .sort((a, b) => a.login.localeCompare(b.login))
      .map((u) => render.simpleUser(u));
    const page = paged(c, members);
    return ok(page.items, 200, page.headers);
  });

  // GET /rate_limit does not count against the limit.
  api.get('/rate_limit', (c) => {
    const caller = c.env.ctx.user?.id ?? null;
    const entry = (resource: 'core' | 'search') => {
      const s = deps.rateLimits.peek(caller, resource);
      return { limit: s.limit, used: s.used, remaining: s.remaining, reset: s.reset };
    };
    const core = entry('core');
    const reset = core.reset;
    const fixed = (limit: number) => ({ limit, used: 0, remaining: limit, reset });
    return ok({
      resources: {
        core,
        search: entry('search'),
        graphql: fixed(caller === null ? 0 : 5000),
        integration_manifest: fixed(5000),
        code_search: fixed(10),
      },
      rate: core,
    });
  });
}
