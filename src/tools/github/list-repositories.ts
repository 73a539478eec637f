import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { GitHubToolContext } from './context';

const Repo = z.object({
  name: z.string(),
  private: z.boolean(),
  description: z.string().nullable(),
  stars: z.number().optional(),
  openIssues: z.number().optional(),
  updated: z.string().optional(),
});

export const listRepositories = defineTool({
  name: 'list_repositories',
  title: 'List my repositories',
  description: 'Repositories you own, collaborate on or reach through your organisations, most recently updated first.',
  inputSchema: {
    limit: z.number().int().min(1).max(100).default(30),
    page: z.number().int().min(1).default(1).describe('Next page: 2, 3, …'),
  },
  outputSchema: { repositories: z.array(Repo), nextPage: z.number().optional() },
  annotations: { readOnlyHint: true, openWorldHint: true },
  scope: 'mcp:read',
  async handler({ limit, page }, { github }: GitHubToolContext) {
    const repos = await github.repos({ perPage: limit, page, sort: 'updated' });
    const repositories = repos.map((r) => ({
      name: r.full_name,
      private: r.private,
      description: r.description,
      ...(r.stargazers_count !== undefined ? { stars: r.stargazers_count } : {}),
      ...(r.open_issues_count !== undefined ? { openIssues: r.open_issues_count } : {}),
      ...(r.updated_at ? { updated: r.updated_at.slice(0, 10) } : {}),
    }));
    const nextPage = repos.length === limit ? page + 1 : undefined;
    const lines = repositories.map(
      (r) => `- ${r.name}${r.private ? ' (private)' : ''}${r.description ? `: ${r.description}` : ''}`,
    );
    return {
      structured: { repositories, ...(nextPage ? { nextPage } : {}) },
      text: repositories.length
        ? `${lines.join('\n')}${nextPage ? `\nMore: page ${nextPage}.` : ''}`
        : 'No repositories.',
    };
  },
});
