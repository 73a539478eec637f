import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStack } from '../../scripts/lib/stack.ts';
import type { RunningStandin } from '../standins/github/server.ts';
import { StoppedAtPage } from '../support/oauth-client';
import { BrowserOAuthProvider, callTool, connect, signInAt, standardFlow } from './upstream-flow';

/**
 * UPSTREAM=github: the real `wrangler dev` signing people in with the GitHub stand-in (OAuth app
 * flow with PKCE), admitting members of octo-org only, and showing the privileged tool to octocat.
 */

let stack: { origin: string; github: RunningStandin; stop(): Promise<void> };

beforeAll(async () => {
  stack = await startGitHubStack({
    vars: { ALLOWED_GITHUB_ORGS: 'octo-org', PRIVILEGED_GITHUB_LOGINS: 'octocat' },
  });
});
afterAll(() => stack?.stop());

describe('GitHub as the upstream', () => {
  let octocat: BrowserOAuthProvider;

  it('passes the shared flow: sign-in, tools over both transports, refresh', async () => {
    octocat = await standardFlow(stack.origin, {
      identity: 'octocat',
      tools: ['whoami', 'list_repositories', 'search_issues', 'get_issue', 'create_issue', 'list_org_members'],
      expectIdentity: (whoami) =>
        expect(whoami).toMatchObject({ login: 'octocat', name: 'The Octocat', email: 'octocat@github.test' }),
    });
  });

  it('its tools answer from GitHub: repositories, issue search, an issue with comments, a new issue', async () => {
    const client = await connect(stack.origin, octocat, 'streamable-http');
    const repos = await callTool(client, 'list_repositories');
    const names = (repos.structured.repositories as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['octocat/hello-world', 'octocat/secret-plans']));

    const search = await callTool(client, 'search_issues', { query: 'repo:octocat/hello-world is:issue is:open' });
    const items = search.structured.items as { repo: string; kind: string; state: string }[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).toMatchObject({ repo: 'octocat/hello-world', kind: 'issue', state: 'open' });

    const issue = await callTool(client, 'get_issue', { repo: 'octocat/hello-world', number: 2 });
    expect((issue.structured.comments as unknown[]).length).toBe(4);

    const created = await callTool(client, 'create_issue', {
      repo: 'octocat/hello-world',
      title: 'Opened through MCP',
      body: 'Hello from the e2e test.',
    });
    expect(created.isError).toBe(false);
    expect(created.structured.issue).toMatchObject({ repo: 'octocat/hello-world', title: 'Opened through MCP' });

    const members = await callTool(client, 'list_org_members', { org: 'octo-org' });
    expect(members.structured.members).toEqual(expect.arrayContaining(['octocat']));
    await client.close();
  });

  it('bad input and GitHub errors are tool errors the model can read', async () => {
    const client = await connect(stack.origin, octocat, 'streamable-http');
    const bad = await callTool(client, 'get_issue', { repo: 'not a repo', number: 1 });
    expect(bad.isError).toBe(true);
    const missing = await callTool(client, 'get_issue', { repo: 'octocat/hello-world', number: 999 });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.result.content)).toContain('GitHub rejected the request: Not Found');
    stack.github.faults.add({ status: 429, retryAfterSeconds: 60, login: 'octocat' });
    const limited = await callTool(client, 'list_repositories');
    expect(JSON.stringify(limited.result.content)).toContain('GitHub is rate limiting requests; try again in');
    await client.close();
  });

  it('hides the privileged tool from members who are not listed', async () => {
    const hubot = new BrowserOAuthProvider(stack.origin, 'hubot');
    const client = await connect(stack.origin, hubot, 'streamable-http');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('search_issues');
    expect(tools.map((t) => t.name)).not.toContain('list_org_members');
    expect((await callTool(client, 'whoami')).structured.login).toBe('hubot');
    await client.close();
  });

  it('refuses a person outside the allowed organisations, with a page and no grant', async () => {
    const stopped = await signInAt(stack.origin, { email: 'stranger' }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(StoppedAtPage);
    expect((stopped as StoppedAtPage).status).toBe(403);
    expect((stopped as StoppedAtPage).html).toContain('@stranger is not allowed to use this server');
  });

  it('tells the client access_denied when the person denies at GitHub', async () => {
    const { redirect } = await signInAt(stack.origin, { email: 'octocat', upstreamDecision: 'deny' });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
  });

  it('an expired code (GitHub answers HTTP 200 with an error field) stops the sign-in at a page', async () => {
    // The person takes too long: the code expires (10 minutes) before our server redeems it, and
    // GitHub answers the exchange with HTTP 200 {"error":"bad_verification_code"}.
    const auth = stack.github.state.auth;
    const realNow = auth.now;
    const expire = async () => {
      auth.now = () => realNow() + 11 * 60_000;
    };
    const stopped = await signInAt(stack.origin, { email: 'octocat', beforeCallback: expire }).catch(
      (error: unknown) => error,
    );
    auth.now = realNow;
    expect(stopped).toBeInstanceOf(StoppedAtPage);
    expect((stopped as StoppedAtPage).status).toBe(502);
    expect((stopped as StoppedAtPage).html).toContain('GitHub did not accept the sign-in (bad_verification_code)');
  });

  it('a revoked GitHub token ends the grant at the next refresh', async () => {
    const mona = new BrowserOAuthProvider(stack.origin, 'hubot');
    const client = await connect(stack.origin, mona, 'streamable-http');
    await client.close();
    await fetch(`${stack.github.url}/_standin/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'hubot' }),
    });
    const response = await fetch(`${stack.origin}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: mona.savedTokens?.refresh_token ?? '',
        client_id: String(mona.clientInfo?.client_id),
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
