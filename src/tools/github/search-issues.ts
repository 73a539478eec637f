import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { GitHubToolContext } from './context';
import { IssueSummary, issueLine, summarizeIssue } from './issue-view';

export const searchIssues = defineTool({
  name: 'search_issues',
  title: 'Search issues and pull requests',
  description:
    'GitHub issue and pull request search, with GitHub’s query syntax: words plus qualifiers such as is:issue, is:pr, is:open, repo:owner/name, author:login, assignee:@me, label:bug.',
  inputSchema: {
    query: z.string().trim().min(1).max(256).describe('e.g. "crash is:issue is:open repo:octocat/hello-world"'),
    limit: z.number().int().min(1).max(50).default(20),
    page: z.number().int().min(1).default(1),
  },
  outputSchema: { total: z.number(), items: z.array(IssueSummary), nextPage: z.number().optional() },
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ query, limit, page }, { github }: GitHubToolContext) {
    const found = await github.searchIssues({ q: query, perPage: limit, page });
    const items = found.items.map(summarizeIssue);
    const nextPage = page * limit < found.total_count ? page + 1 : undefined;
    return {
      structured: { total: found.total_count, items, ...(nextPage ? { nextPage } : {}) },
      text: items.length
        ? `${found.total_count} found${found.incomplete_results ? ' (GitHub timed out: results may be incomplete)' : ''}:\n${items.map(issueLine).join('\n')}${nextPage ? `\nMore: page ${nextPage}.` : ''}`
        : `Nothing matches "${query}".`,
    };
  },
});
