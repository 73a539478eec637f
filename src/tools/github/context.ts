import { z } from 'zod';
import type { GitHubClient } from '../../github/client';

/** What a GitHub grant carries, encrypted at rest by the OAuth library. Never sent to the MCP client. */
export const GitHubProps = z.object({
  upstream: z.literal('github'),
  login: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** Organisation logins, lower case; grants from before they were kept have none. */
  orgs: z.array(z.string()).default([]),
  token: z.string().min(1),
});
export type GitHubProps = z.infer<typeof GitHubProps>;

/** The narrow context every GitHub tool handler receives. */
export interface GitHubToolContext {
  login: string;
  name: string | null;
  email: string | null;
  scopes: readonly string[];
  github: GitHubClient;
}
