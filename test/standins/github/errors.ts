// GitHub's REST error envelope: { message, documentation_url, status } (status is a
// string, as api.github.com sends it), plus `errors` on 422 Validation Failed.
import { jsonResponse } from './util.ts';

export const DOCS = {
  root: 'https://docs.github.com/rest',
  rateLimits: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
  apiVersions: 'https://docs.github.com/rest/about-the-rest-api/api-versions',
  getAuthenticatedUser: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  getUser: 'https://docs.github.com/rest/users/users#get-a-user',
  listEmails: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
  listMyOrgs: 'https://docs.github.com/rest/orgs/orgs#list-organizations-for-the-authenticated-user',
  getOrg: 'https://docs.github.com/rest/orgs/orgs#get-an-organization',
  listMembers: 'https://docs.github.com/rest/orgs/members#list-organization-members',
  listPublicMembers: 'https://docs.github.com/rest/orgs/members#list-public-organization-members',
  listMyRepos: 'https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user',
  getRepo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  listRepoIssues: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
  getIssue: 'https://docs.github.com/rest/issues/issues#get-an-issue',
  createIssue: 'https://docs.github.com/rest/issues/issues#create-an-issue',
  listComments: 'https://docs.github.com/rest/issues/comments#list-issue-comments',
  searchIssues: 'https://docs.github.com/rest/search/search#search-issues-and-pull-requests',
  searchV3: 'https://docs.github.com/v3/search',
  rateLimit: 'https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user',
} as const;

export interface ValidationErrorItem {
  resource?: string;
  field?: string;
  code: string;
  value?: unknown;
  message?: string;
}

export class GitHubError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  readonly errors: ValidationErrorItem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    documentationUrl: string = DOCS.root,
    errors?: ValidationErrorItem[],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GitHubError';
    this.status = status;
    this.documentationUrl = documentationUrl;
    this.errors = errors;
    this.headers = headers;
  }

  toBody(): Record<string, unknown> {
    // Key order as api.github.com sends it: message, errors, documentation_url, status.
    const body: Record<string, unknown> = { message: this.message };
    if (this.errors) body.errors = this.errors;
    body.documentation_url = this.documentationUrl;
    body.status = String(this.status);
    return body;
  }

  toResponse(): Response {
    return jsonResponse(this.toBody(), this.status, this.headers);
  }
}

export function notFound(documentationUrl: string = DOCS.root): GitHubError {
  return new GitHubError(404, 'Not Found', documentationUrl);
}

export function badCredentials(): GitHubError {
  return new GitHubError(401, 'Bad credentials', DOCS.root);
}

export function requiresAuthentication(documentationUrl: string): GitHubError {
  return new GitHubError(401, 'Requires authentication', documentationUrl);
}

export function validationFailed(errors: ValidationErrorItem[], documentationUrl: string): GitHubError {
  return new GitHubError(422, 'Validation Failed', documentationUrl, errors);
}

/** JSON-schema failures answer 422 "Invalid request.\n\n<detail>" without `errors`. */
export function invalidRequest(detail: string, documentationUrl: string): GitHubError {
  return new GitHubError(422, `Invalid request.\n\n${detail}`, documentationUrl);
}

export function problemsParsingJson(documentationUrl: string): GitHubError {
  return new GitHubError(400, 'Problems parsing JSON', documentationUrl);
}

/**
 * What api.github.com's front end answers when there is no User-Agent: a 403 with a
 * plain-text body and none of the API's headers (it never reaches the API).
 */
export function userAgentRequired(): Response {
  return new Response(
    'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.\n',
    { status: 403, headers: { 'content-type': 'text/html; charset=utf-8', connection: 'close' } },
  );
}
