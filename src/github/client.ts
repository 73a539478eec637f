import type { z } from 'zod';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, pathSegment, requestJson, type UpstreamApi } from '../http/json-client';
import { parseRetryAfter, UpstreamError } from '../http/upstream-error';
import {
  GitHubComments,
  GitHubEmails,
  GitHubErrorBody,
  GitHubIssue,
  GitHubOrgs,
  GitHubRepos,
  GitHubSearchIssues,
  GitHubUser,
} from './schemas';

/** A path segment: encoded, and never empty, `.` or `..` (see `pathSegment`). */
const seg = (value: string) => pathSegment('GitHub', value);

/**
 * A small typed client for GitHub's REST API. GitHub refuses requests without a `User-Agent`,
 * and signals its rate limit with 403 or 429 plus `x-ratelimit-remaining: 0`: that is a rate
 * limit, not an authorization failure.
 */
export class GitHubClient {
  readonly #apiUrl: string;
  readonly #token: string;
  readonly #api: UpstreamApi;

  /** `signal`: the tool call's cancellation (requests stop when it aborts). */
  constructor(options: {
    apiUrl: string;
    token: string;
    timeoutMs?: number;
    signal?: AbortSignal;
    fetch?: typeof fetch;
  }) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#api = {
      name: 'GitHub',
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      retry: DEFAULT_RETRY,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
      toError: toGitHubError,
    };
  }

  user() {
    return this.get('/user', GitHubUser);
  }

  /** Needs the `user:email` scope. */
  emails() {
    return this.get('/user/emails', GitHubEmails);
  }

  /** Needs `read:org` to include private memberships. */
  orgs() {
    return this.get('/user/orgs?per_page=100', GitHubOrgs);
  }

  repos(query: { perPage: number; page: number; sort: string }) {
    return this.get(
      `/user/repos?per_page=${query.perPage}&page=${query.page}&sort=${encodeURIComponent(query.sort)}`,
      GitHubRepos,
    );
  }

  searchIssues(query: { q: string; perPage: number; page: number }) {
    return this.get(
      `/search/issues?q=${encodeURIComponent(query.q)}&per_page=${query.perPage}&page=${query.page}`,
      GitHubSearchIssues,
    );
  }

  issue(owner: string, repo: string, number: number) {
    return this.get(`/repos/${seg(owner)}/${seg(repo)}/issues/${number}`, GitHubIssue);
  }

  comments(owner: string, repo: string, number: number, perPage: number) {
    return this.get(`/repos/${seg(owner)}/${seg(repo)}/issues/${number}/comments?per_page=${perPage}`, GitHubComments);
  }

  createIssue(owner: string, repo: string, issue: { title: string; body?: string; labels?: string[] }) {
    return this.request('POST', `/repos/${seg(owner)}/${seg(repo)}/issues`, GitHubIssue, issue);
  }

  orgMembers(org: string) {
    return this.get(`/orgs/${seg(org)}/members?per_page=100`, GitHubOrgs);
  }

  private get<T>(path: string, schema: z.ZodType<T>) {
    return this.request('GET', path, schema);
  }

  private request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    return requestJson(this.#api, {
      method,
      url: `${this.#apiUrl}${path}`,
      headers: {
        Authorization: `Bearer ${this.#token}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'remote-mcp-server',
      },
      body,
      schema,
    });
  }
}

async function toGitHubError(response: Response): Promise<UpstreamError> {
  const headers = response.headers;
  const parsed = GitHubErrorBody.safeParse(await response.json().catch(() => undefined));
  const message = parsed.success
    ? [
        parsed.data.message,
        ...(parsed.data.errors ?? []).map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' ')),
      ]
        .filter(Boolean)
        .join(': ')
    : `GitHub answered HTTP ${response.status}.`;
  const limited = response.status === 429 || (response.status === 403 && headers.get('x-ratelimit-remaining') === '0');
  if (limited) {
    const reset = Number(headers.get('x-ratelimit-reset'));
    const retryAfter =
      parseRetryAfter(headers.get('retry-after')) ??
      (Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined);
    return new UpstreamError('GitHub', response.status, 'rate_limited', message, retryAfter, 'rate_limit');
  }
  // GitHub answers 404 (not 403) for a private resource the token may not see.
  return new UpstreamError('GitHub', response.status, String(response.status), message);
}
