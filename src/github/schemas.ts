import { z } from 'zod';

/**
 * zod schemas for the parts of GitHub's REST answers we read. Loose objects: fields GitHub adds
 * later never break a call; only what we use is required.
 */

export const GitHubUser = z.looseObject({
  login: z.string(),
  id: z.number(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  html_url: z.string(),
});

export const GitHubEmails = z.array(z.looseObject({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

export const GitHubOrgs = z.array(z.looseObject({ login: z.string() }));

export const GitHubRepo = z.looseObject({
  full_name: z.string(),
  private: z.boolean(),
  html_url: z.string(),
  description: z.string().nullable(),
  updated_at: z.string().nullable().optional(),
  stargazers_count: z.number().optional(),
  open_issues_count: z.number().optional(),
});
export const GitHubRepos = z.array(GitHubRepo);

const Label = z.union([z.string(), z.looseObject({ name: z.string() })]);

export const GitHubIssue = z.looseObject({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  user: z.looseObject({ login: z.string() }).nullable(),
  labels: z.array(Label).default([]),
  assignees: z
    .array(z.looseObject({ login: z.string() }))
    .nullable()
    .optional(),
  comments: z.number().optional(),
  created_at: z.string(),
  updated_at: z.string().optional(),
  repository_url: z.string().optional(),
  pull_request: z.looseObject({}).optional(),
});
export type GitHubIssue = z.infer<typeof GitHubIssue>;

export const GitHubSearchIssues = z.looseObject({
  total_count: z.number(),
  incomplete_results: z.boolean(),
  items: z.array(GitHubIssue),
});

export const GitHubComments = z.array(
  z.looseObject({
    user: z.looseObject({ login: z.string() }).nullable(),
    body: z.string().nullable().optional(),
    created_at: z.string(),
  }),
);

/** GitHub's error body: `{ message, documentation_url }`, with `errors` on a 422. */
export const GitHubErrorBody = z.looseObject({
  message: z.string(),
  errors: z
    .array(z.looseObject({ field: z.string().optional(), code: z.string().optional(), message: z.string().optional() }))
    .optional(),
});
