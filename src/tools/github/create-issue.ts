import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { GitHubToolContext } from './context';
import { IssueSummary, issueLine, RepoName, splitRepo, summarizeIssue } from './issue-view';

export const createIssue = defineTool({
  name: 'create_issue',
  title: 'Create an issue',
  description: 'Opens an issue in a repository you can write to.',
  inputSchema: {
    repo: RepoName,
    title: z.string().trim().min(1).max(256),
    body: z.string().max(65_536).optional().describe('Markdown'),
    labels: z.array(z.string().min(1)).max(10).optional().describe('Existing label names'),
  },
  outputSchema: { issue: IssueSummary },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scope: 'mcp:write',
  async handler({ repo, title, body, labels }, { github }: GitHubToolContext) {
    const [owner, name] = splitRepo(repo);
    const issue = summarizeIssue(await github.createIssue(owner, name, { title, body, labels }));
    return { structured: { issue }, text: `Opened ${issueLine(issue).slice(2)}\n${issue.url}` };
  },
});
