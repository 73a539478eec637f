import { z } from 'zod';
import type { GitHubIssue } from '../../github/schemas';

/** An issue or pull request, compactly: what a model needs to talk about it or act on it. */
export const IssueSummary = z.object({
  repo: z.string(),
  number: z.number(),
  title: z.string(),
  kind: z.enum(['issue', 'pull_request']),
  state: z.string(),
  author: z.string().nullable(),
  labels: z.array(z.string()),
  comments: z.number().optional(),
  updated: z.string().optional(),
  url: z.string(),
});
export type IssueSummary = z.infer<typeof IssueSummary>;

/** `https://github.com/octo-org/platform/issues/3` → `octo-org/platform`. */
export function repoOf(issue: GitHubIssue): string {
  const fromApi = issue.repository_url?.match(/\/repos\/([^/]+\/[^/]+)$/)?.[1];
  return fromApi ?? issue.html_url.match(/^https?:\/\/[^/]+\/([^/]+\/[^/]+)\//)?.[1] ?? '';
}

export function summarizeIssue(issue: GitHubIssue): IssueSummary {
  return {
    repo: repoOf(issue),
    number: issue.number,
    title: issue.title,
    kind: issue.pull_request ? 'pull_request' : 'issue',
    state: issue.state,
    author: issue.user?.login ?? null,
    labels: issue.labels.map((label) => (typeof label === 'string' ? label : label.name)),
    ...(issue.comments !== undefined ? { comments: issue.comments } : {}),
    ...(issue.updated_at ? { updated: issue.updated_at.slice(0, 10) } : {}),
    url: issue.html_url,
  };
}

export function issueLine(issue: IssueSummary): string {
  const labels = issue.labels.length ? ` [${issue.labels.join(', ')}]` : '';
  const kind = issue.kind === 'pull_request' ? 'PR' : 'issue';
  return `- ${issue.repo}#${issue.number} ${issue.title} (${kind}, ${issue.state}${issue.author ? `, by @${issue.author}` : ''})${labels}`;
}

/**
 * A GitHub user or organisation login: letters, digits and hyphens, not starting with a hyphen,
 * at most 39 characters (GitHub's sign-up rules).
 */
export const GitHubLogin = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, 'Expected a GitHub login, e.g. octocat');

/**
 * `owner/name` as two checked parts: a login, and a repository name of ASCII letters, digits, `.`,
 * `-` and `_`, at most 100 characters (GitHub's repository limits), never `.` or `..`, which
 * would turn `/repos/{owner}/{repo}/…` into another endpoint.
 */
export const RepoName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/,
    'Expected owner/name, e.g. octocat/hello-world',
  )
  .describe('owner/name, e.g. octocat/hello-world');

export function splitRepo(repo: string): [string, string] {
  const [owner = '', name = ''] = repo.split('/');
  return [owner, name];
}
