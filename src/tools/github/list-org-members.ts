import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { GitHubToolContext } from './context';
import { GitHubLogin } from './issue-view';

/**
 * Reserved for the logins in PRIVILEGED_GITHUB_LOGINS: other users' sessions do not list it at
 * all (see `githubUpstream().toolsFor`), which shows how a tool can depend on who signed in.
 */
export const listOrgMembers = defineTool({
  name: 'list_org_members',
  title: 'List an organisation’s members',
  description: 'The members of a GitHub organisation you belong to (administrators of this server only).',
  inputSchema: {
    org: GitHubLogin.describe('Organisation login, e.g. octo-org'),
  },
  outputSchema: { org: z.string(), members: z.array(z.string()) },
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ org }, { github }: GitHubToolContext) {
    const members = (await github.orgMembers(org)).map((m) => m.login);
    return {
      structured: { org, members },
      text: members.length
        ? `${org}: ${members.map((m) => `@${m}`).join(', ')}`
        : `${org} lists no members you can see.`,
    };
  },
});
