// GET /user/repos and GET /repos/{owner}/{repo}.
import type { Hono } from 'hono';
import { hasScope } from './auth.ts';
import { DOCS, GitHubError } from './errors.ts';
import { type ApiEnv, ok, paged, repoFromPath, requireUser } from './rest.ts';
import type { Repo } from './store.ts';

type Affiliation = 'owner' | 'collaborator' | 'organization_member';

function invalidParam(field: string): GitHubError {
  return new GitHubError(422, 'Validation Failed', DOCS.listMyRepos, [
    { resource: 'Repository', field, code: 'invalid' },
  ]);
}

export function registerRepoRoutes(api: Hono<ApiEnv>): void {
  // Repositories the user owns, collaborates on, or reaches through an organization; private
  // ones only when the token has the repo scope (as for any OAuth app token).
  api.get('/user/repos', (c) => {
    const user = requireUser(c, DOCS.listMyRepos);
    const { store, render, scopes } = c.env.ctx;
    const q = (name: string): string | undefined => c.req.query(name);

    const type = q('type');
    const visibility = q('visibility') ?? 'all';
    const affiliationRaw = q('affiliation');
    if (type !== undefined && (q('visibility') !== undefined || affiliationRaw !== undefined)) {
      throw new GitHubError(
        422,
        'If you specify visibility or affiliation, you cannot specify type.',
        DOCS.listMyRepos,
      );
    }
    if (!['all', 'public', 'private'].includes(visibility)) throw invalidParam('visibility');
    if (type !== undefined && !['all', 'owner', 'public', 'private', 'member'].includes(type))
      throw invalidParam('type');
    const affiliations = (affiliationRaw ?? 'owner,collaborator,organization_member')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    for (const a of affiliations) {
      if (!['owner', 'collaborator', 'organization_member'].includes(a)) throw invalidParam('affiliation');
    }

    const relation = (repo: Repo): Affiliation | null => {
      if (repo.ownerType === 'User' && repo.ownerId === user.id) return 'owner';
      if (repo.collaborators.has(user.id)) return 'collaborator';
      if (repo.ownerType === 'Organization' && store.orgs.get(repo.ownerId)?.members.has(user.id)) {
        return 'organization_member';
      }
      return null;
    };
    const privateAllowed = hasScope(scopes, 'repo');
    let repos = [...store.repos.values()].filter((repo) => {
      const rel = relation(repo);
      if (rel === null || (repo.private && !privateAllowed)) return false;
      if (type !== undefined) {
        if (type === 'owner') return rel === 'owner';
        if (type === 'member') return rel !== 'owner';
        if (type === 'public') return !repo.private;
        if (type === 'private') return repo.private;
        return true;
      }
      if (visibility === 'public' && repo.private) return false;
      if (visibility === 'private' && !repo.private) return false;
      return (affiliations as string[]).includes(rel);
    });

    const sort = q('sort') ?? 'full_name';
    if (!['created', 'updated', 'pushed', 'full_name'].includes(sort)) throw invalidParam('sort');
    const direction = q('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
    if (!['asc', 'desc'].includes(direction)) throw invalidParam('direction');
    const key = (repo: Repo): string =>
      sort === 'created'
        ? repo.created_at
        : sort === 'updated'
          ? repo.updated_at
          : sort === 'pushed'
            ? repo.pushed_at
            : store.fullName(repo).toLowerCase();
    repos = repos.sort((a, b) => key(a).localeCompare(key(b)) * (direction === 'asc' ? 1 : -1));

    const page = paged(
      c,
      repos.map((repo) => render.repo(repo)),
    );
    return ok(page.items, 200, { 'x-accepted-oauth-scopes': '', ...page.headers });
  });

  api.get('/repos/:owner/:repo', (c) => {
    const repo = repoFromPath(c, DOCS.getRepo);
    return ok(c.env.ctx.render.repo(repo, true), 200, { 'x-accepted-oauth-scopes': 'repo' });
  });
}
