// Issues (pull requests included, as GitHub's issues API returns them):
// GET /repos/{owner}/{repo}/issues[/{number}[/comments]], POST /repos/{owner}/{repo}/issues.
import type { Hono } from 'hono';
import { hasScope } from './auth.ts';
import {
  DOCS,
  GitHubError,
  invalidRequest,
  notFound,
  problemsParsingJson,
  type ValidationErrorItem,
  validationFailed,
} from './errors.ts';
import { type ApiContext, type ApiEnv, ok, paged, repoFromPath, requireUser } from './rest.ts';
import { atLeast, type Issue, noReactions, type Repo, type User } from './store.ts';
import { isoNow, isPlainObject, readJsonBody } from './util.ts';

function issueFromPath(c: ApiContext, repo: Repo, documentationUrl: string): Issue {
  const raw = c.req.param('number') ?? '';
  const number = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  const issue = Number.isSafeInteger(number) ? c.env.ctx.store.issueByNumber(repo, number) : undefined;
  if (!issue) throw notFound(documentationUrl);
  return issue;
}

function invalidListParam(field: string): GitHubError {
  return validationFailed([{ resource: 'Issue', field, code: 'invalid' }], DOCS.listRepoIssues);
}

const show = (value: unknown): string => JSON.stringify(value);

export function registerIssueRoutes(api: Hono<ApiEnv>): void {
  api.get('/repos/:owner/:repo/issues', (c) => {
    const repo = repoFromPath(c, DOCS.listRepoIssues);
    const { store, render } = c.env.ctx;
    const state = c.req.query('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw invalidListParam('state');
    const sort = c.req.query('sort') ?? 'created';
    if (!['created', 'updated', 'comments'].includes(sort)) throw invalidListParam('sort');
    const direction = c.req.query('direction') ?? 'desc';
    if (!['asc', 'desc'].includes(direction)) throw invalidListParam('direction');
    const labels = (c.req.query('labels') ?? '')
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== '');
    const assignee = c.req.query('assignee');
    const creator = c.req.query('creator');
    const since = c.req.query('since');
    const login = (id: number): string => store.users.get(id)?.login.toLowerCase() ?? '';

    const issues = store.issuesOf(repo).filter((issue) => {
      if (state !== 'all' && issue.state !== state) return false;
      const names = issue.labelIds.map((id) => repo.labels.find((l) => l.id === id)?.name.toLowerCase());
      if (!labels.every((l) => names.includes(l))) return false;
      if (assignee === 'none' && issue.assigneeIds.length > 0) return false;
      if (assignee === '*' && issue.assigneeIds.length === 0) return false;
      if (
        assignee !== undefined &&
        assignee !== 'none' &&
        assignee !== '*' &&
        !issue.assigneeIds.some((id) => login(id) === assignee.toLowerCase())
      ) {
        return false;
      }
      if (creator !== undefined && login(issue.userId) !== creator.toLowerCase()) return false;
      if (since !== undefined && issue.updated_at < since) return false;
      return true;
    });
    const key = (issue: Issue): string | number =>
      sort === 'comments' ? store.commentsOf(issue).length : sort === 'updated' ? issue.updated_at : issue.created_at;
    issues.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
      return (order || a.number - b.number) * (direction === 'asc' ? 1 : -1);
    });
    const page = paged(
      c,
      issues.map((issue) => render.issue(issue)),
    );
    return ok(page.items, 200, { 'x-accepted-oauth-scopes': 'repo', ...page.headers });
  });

  api.get('/repos/:owner/:repo/issues/:number', (c) => {
    const repo = repoFromPath(c, DOCS.getIssue);
    const issue = issueFromPath(c, repo, DOCS.getIssue);
    return ok(c.env.ctx.render.issue(issue, { detail: true }), 200, { 'x-accepted-oauth-scopes': 'repo' });
  });

  api.get('/repos/:owner/:repo/issues/:number/comments', (c) => {
    const repo = repoFromPath(c, DOCS.listComments);
    const issue = issueFromPath(c, repo, DOCS.listComments);
    const { store, render } = c.env.ctx;
    const since = c.req.query('since');
    const comments = store.commentsOf(issue).filter((comment) => since === undefined || comment.updated_at >= since);
    const page = paged(
      c,
      comments.map((comment) => render.comment(comment)),
    );
    return ok(page.items, 200, { 'x-accepted-oauth-scopes': 'repo', ...page.headers });
  });

  // Creating needs the repo scope (or public_repo for a public repository); without it, or
  // without access, GitHub answers 404. Labels and assignees are kept only from users with
  // push (triage) access and silently dropped otherwise; unknown labels are created.
  api.post('/repos/:owner/:repo/issues', async (c) => {
    const user = requireUser(c, DOCS.createIssue);
    const ctx = c.env.ctx;
    const { store, render, scopes } = ctx;
    const repo = store.repoByFullName(c.req.param('owner'), c.req.param('repo'));
    const accepted = { 'x-accepted-oauth-scopes': repo && !repo.private ? 'public_repo, repo' : 'repo' };
    const permission = repo ? store.permissionOf(user, repo) : null;
    const scoped = repo !== undefined && hasScope(scopes, repo.private ? 'repo' : 'public_repo');
    if (!repo || !scoped || permission === null) {
      throw new GitHubError(404, 'Not Found', DOCS.createIssue, undefined, accepted);
    }
    if (!repo.has_issues) throw new GitHubError(410, 'Issues are disabled for this repo', DOCS.createIssue);

    const input = await readJsonBody(c.req.raw);
    if (input === undefined) throw problemsParsingJson(DOCS.createIssue);
    if (!isPlainObject(input)) throw new GitHubError(400, 'Body should be a JSON object', DOCS.createIssue);
    const parsed = parseCreateIssue(input);

    const push = atLeast(permission, 'triage');
    let assignees: User[] = [];
    let labelNames: string[] = [];
    if (push) {
      const invalid: ValidationErrorItem[] = [];
      for (const login of parsed.assignees) {
        const assignee = store.userByLogin(login);
        if (!assignee || !store.assignable(repo, assignee)) {
          invalid.push({ value: login, resource: 'Issue', field: 'assignees', code: 'invalid' });
        } else if (!assignees.includes(assignee)) {
          assignees.push(assignee);
        }
      }
      if (parsed.milestone !== null) {
        invalid.push({ value: parsed.milestone, resource: 'Issue', field: 'milestone', code: 'invalid' });
      }
      if (invalid.length > 0) throw validationFailed(invalid, DOCS.createIssue);
      labelNames = parsed.labels;
    } else {
      assignees = [];
    }

    const labelIds: number[] = [];
    for (const name of labelNames) {
      const label = store.labelByName(repo, name) ?? store.addLabel(repo, name);
      if (!labelIds.includes(label.id)) labelIds.push(label.id);
    }
    const now = isoNow(ctx.auth.now());
    const number = Math.max(0, ...store.issuesOf(repo).map((i) => i.number)) + 1;
    const issue: Issue = {
      id: store.nextIssueId++,
      repoId: repo.id,
      number,
      title: parsed.title,
      body: parsed.body,
      userId: user.id,
      labelIds,
      assigneeIds: assignees.map((a) => a.id),
      state: 'open',
      state_reason: null,
      locked: false,
      created_at: now,
      updated_at: now,
      closed_at: null,
      closedById: null,
      pull: null,
      reactions: noReactions(),
    };
    store.issues.set(issue.id, issue);
    const body = render.issue(issue, { detail: true });
    return ok(body, 201, { ...accepted, location: String(body.url) });
  });
}

interface CreateIssueInput {
  title: string;
  body: string | null;
  labels: string[];
  assignees: string[];
  milestone: string | number | null;
}

/** GitHub's JSON-schema checks ("Invalid request") and then its field checks ("Validation Failed"). */
function parseCreateIssue(input: Record<string, unknown>): CreateIssueInput {
  const { title, body, labels, assignees, assignee, milestone } = input;
  if (title === undefined) throw invalidRequest('"title" wasn\'t supplied.', DOCS.createIssue);
  if (typeof title !== 'string' && typeof title !== 'number') {
    throw invalidRequest(`For 'properties/title', ${show(title)} is not a string or integer.`, DOCS.createIssue);
  }
  if (String(title).trim() === '') {
    throw validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }], DOCS.createIssue);
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw invalidRequest(`For 'properties/body', ${show(body)} is not a string or null.`, DOCS.createIssue);
  }
  const labelList: string[] = [];
  if (labels !== undefined && labels !== null) {
    if (!Array.isArray(labels)) {
      throw invalidRequest(`For 'properties/labels', ${show(labels)} is not an array.`, DOCS.createIssue);
    }
    for (const item of labels) {
      const name = typeof item === 'string' ? item : isPlainObject(item) ? item.name : undefined;
      if (typeof name !== 'string' || name.trim() === '') {
        throw invalidRequest(`For 'items', ${show(item)} is not a string or object with a name.`, DOCS.createIssue);
      }
      labelList.push(name.trim());
    }
  }
  const assigneeList: string[] = [];
  if (assignees !== undefined && assignees !== null) {
    if (!Array.isArray(assignees)) {
      throw invalidRequest(`For 'properties/assignees', ${show(assignees)} is not an array.`, DOCS.createIssue);
    }
    for (const item of assignees) {
      if (typeof item !== 'string') {
        throw invalidRequest(`For 'items', ${show(item)} is not a string.`, DOCS.createIssue);
      }
      assigneeList.push(item);
    }
  }
  if (assignee !== undefined && assignee !== null) {
    if (typeof assignee !== 'string') {
      throw invalidRequest(`For 'properties/assignee', ${show(assignee)} is not a string or null.`, DOCS.createIssue);
    }
    assigneeList.unshift(assignee);
  }
  if (milestone !== undefined && milestone !== null && typeof milestone !== 'string' && typeof milestone !== 'number') {
    throw invalidRequest(
      `For 'properties/milestone', ${show(milestone)} is not a string, integer or null.`,
      DOCS.createIssue,
    );
  }
  return {
    title: String(title),
    body: typeof body === 'string' ? body : null,
    labels: labelList,
    assignees: assigneeList,
    milestone: milestone === undefined || milestone === null ? null : milestone,
  };
}
