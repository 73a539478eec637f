import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { GitHubToolContext } from './context';
import { IssueSummary, issueLine, RepoName, splitRepo, summarizeIssue } from './issue-view';

/** Issue bodies and comments are cut here; the issue's URL has the rest. */
const MAX_BODY_CHARS = 4_000;
const cut = (text: string) => (text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text);

export const getIssue = defineTool({
  name: 'get_issue',
  title: 'Read an issue with its comments',
  description: `An issue or pull request with its description and comments (each cut at ${MAX_BODY_CHARS} characters).`,
  inputSchema: {
    repo: RepoName,
    number: z.number().int().min(1),
    comments: z.number().int().min(0).max(100).default(30).describe('At most this many comments, oldest first'),
  },
  outputSchema: {
    issue: IssueSummary.extend({ body: z.string() }),
    comments: z.array(z.object({ author: z.string().nullable(), body: z.string(), created: z.string() })),
  },
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ repo, number, comments: count }, { github }: GitHubToolContext) {
    const [owner, name] = splitRepo(repo);
    const [issue, comments] = await Promise.all([
      github.issue(owner, name, number),
      count > 0 ? github.comments(owner, name, number, count) : Promise.resolve([]),
    ]);
    const summary = { ...summarizeIssue(issue), body: cut(issue.body ?? '') };
    const thread = comments.map((c) => ({
      author: c.user?.login ?? null,
      body: cut(c.body ?? ''),
      created: c.created_at.slice(0, 10),
    }));
    return {
      structured: { issue: summary, comments: thread },
      text: [
        issueLine(summary).slice(2),
        summary.body || '(no description)',
        ...thread.map((c) => `--- @${c.author ?? 'ghost'} on ${c.created}:\n${c.body}`),
        summary.url,
      ].join('\n\n'),
    };
  },
});
