import type { AnyToolDefinition } from '../../mcp/tool';
import type { GitHubToolContext } from './context';
import { createIssue } from './create-issue';
import { getIssue } from './get-issue';
import { listOrgMembers } from './list-org-members';
import { listRepositories } from './list-repositories';
import { searchIssues } from './search-issues';
import { whoami } from './whoami';

/** The GitHub tool pack every signed-in user gets. Add a tool: one file here, then list it. */
export const githubTools: AnyToolDefinition<GitHubToolContext>[] = [
  whoami,
  listRepositories,
  searchIssues,
  getIssue,
  createIssue,
];

/** Tools only the logins in PRIVILEGED_GITHUB_LOGINS see. */
export const privilegedGithubTools: AnyToolDefinition<GitHubToolContext>[] = [listOrgMembers];
