// JSON shapes of api.github.com: simple/public/private users, organizations,
// repositories, labels, issues (and pull requests as issues), comments. API URLs
// point at the stand-in itself, html_url at the configured web origin.
import {
  atLeast,
  type Comment,
  type Issue,
  type Label,
  type Org,
  type Reactions,
  type Repo,
  type Store,
  type User,
} from './store.ts';
import { nodeId } from './util.ts';

export type Json = Record<string, unknown>;

export class Renderer {
  readonly store: Store;
  readonly api: string;
  readonly web: string;
  readonly viewer: User | null;

  constructor(store: Store, api: string, web: string, viewer: User | null) {
    this.store = store;
    this.api = api;
    this.web = web;
    this.viewer = viewer;
  }

  avatar(id: number): string {
    return `https://avatars.githubusercontent.com/u/${id}?v=4`;
  }

  #accountUrls(login: string, id: number, type: 'User' | 'Organization', typeName: string): Json {
    const u = `${this.api}/users/${login}`;
    return {
      login,
      id,
      node_id: nodeId(typeName, id),
      avatar_url: this.avatar(id),
      gravatar_id: '',
      url: u,
      html_url: `${this.web}/${login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type,
      user_view_type: 'public',
      site_admin: false,
    };
  }

  simpleUser(user: User): Json {
    return this.#accountUrls(user.login, user.id, 'User', 'User');
  }

  /** An organization in a repository's `owner` (user-shaped, type "Organization"). */
  orgAsOwner(org: Org): Json {
    return this.#accountUrls(org.login, org.id, 'Organization', 'Organization');
  }

  publicRepoCount(user: User): number {
    return [...this.store.repos.values()].filter((r) => r.ownerType === 'User' && r.ownerId === user.id && !r.private)
      .length;
  }

  /** GET /users/{username}, and GET /user without the user scope. */
  publicUser(user: User): Json {
    return {
      ...this.simpleUser(user),
      name: user.name,
      company: user.company,
      blog: user.blog,
      location: user.location,
      email: user.publicEmail,
      hireable: user.hireable,
      bio: user.bio,
      twitter_username: user.twitter_username,
      public_repos: this.publicRepoCount(user),
      public_gists: user.public_gists,
      followers: user.followers,
      following: user.following,
      created_at: user.created_at,
      updated_at: user.updated_at,
    };
  }

  /** GET /user with the user (or read:user) scope: the private profile fields too. */
  privateUser(user: User): Json {
    const owned = [...this.store.repos.values()].filter((r) => r.ownerType === 'User' && r.ownerId === user.id);
    const privateCount = owned.filter((r) => r.private).length;
    return {
      ...this.publicUser(user),
      user_view_type: 'private',
      notification_email: user.emails.find((e) => e.primary)?.email ?? null,
      private_gists: user.private_gists,
      total_private_repos: privateCount,
      owned_private_repos: privateCount,
      disk_usage: owned.reduce((sum, r) => sum + r.size, 0),
      collaborators: 0,
      two_factor_authentication: user.two_factor_authentication,
      plan: { name: user.plan, space: 976562499, collaborators: 0, private_repos: 10000 },
    };
  }

  orgSimple(org: Org): Json {
    const o = `${this.api}/orgs/${org.login}`;
    return {
      login: org.login,
      id: org.id,
      node_id: nodeId('Organization', org.id),
      url: o,
      repos_url: `${o}/repos`,
      events_url: `${o}/events`,
      hooks_url: `${o}/hooks`,
      issues_url: `${o}/issues`,
      members_url: `${o}/members{/member}`,
      public_members_url: `${o}/public_members{/member}`,
      avatar_url: this.avatar(org.id),
      description: org.description,
    };
  }

  orgFull(org: Org): Json {
    const repos = [...this.store.repos.values()].filter((r) => r.ownerType === 'Organization' && r.ownerId === org.id);
    return {
      ...this.orgSimple(org),
      name: org.name,
      company: null,
      blog: org.blog,
      location: org.location,
      email: org.email,
      twitter_username: null,
      is_verified: false,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: repos.filter((r) => !r.private).length,
      public_gists: 0,
      followers: 0,
      following: 0,
      html_url: `${this.web}/${org.login}`,
      created_at: org.created_at,
      updated_at: org.updated_at,
      archived_at: null,
      type: 'Organization',
    };
  }

  owner(repo: Repo): Json {
    if (repo.ownerType === 'User') {
      const user = this.store.users.get(repo.ownerId);
      if (user) return this.simpleUser(user);
    }
    const org = this.store.orgs.get(repo.ownerId);
    if (!org) throw new Error(`repository ${repo.id} has no owner`);
    return this.orgAsOwner(org);
  }

  repoApiUrl(repo: Repo): string {
    return `${this.api}/repos/${this.store.fullName(repo)}`;
  }

  /** A repository as GET /user/repos lists it; `full` adds what GET /repos/{owner}/{repo} adds. */
  repo(repo: Repo, full = false): Json {
    const fullName = this.store.fullName(repo);
    const r = this.repoApiUrl(repo);
    const openIssues = this.store.openIssuesCount(repo);
    const body: Json = {
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: fullName,
      private: repo.private,
      owner: this.owner(repo),
      html_url: `${this.web}/${fullName}`,
      description: repo.description,
      fork: false,
      url: r,
      forks_url: `${r}/forks`,
      keys_url: `${r}/keys{/key_id}`,
      collaborators_url: `${r}/collaborators{/collaborator}`,
      teams_url: `${r}/teams`,
      hooks_url: `${r}/hooks`,
      issue_events_url: `${r}/issues/events{/number}`,
      events_url: `${r}/events`,
      assignees_url: `${r}/assignees{/user}`,
      branches_url: `${r}/branches{/branch}`,
      tags_url: `${r}/tags`,
      blobs_url: `${r}/git/blobs{/sha}`,
      git_tags_url: `${r}/git/tags{/sha}`,
      git_refs_url: `${r}/git/refs{/sha}`,
      trees_url: `${r}/git/trees{/sha}`,
      statuses_url: `${r}/statuses/{sha}`,
      languages_url: `${r}/languages`,
      stargazers_url: `${r}/stargazers`,
      contributors_url: `${r}/contributors`,
      subscribers_url: `${r}/subscribers`,
      subscription_url: `${r}/subscription`,
      commits_url: `${r}/commits{/sha}`,
      git_commits_url: `${r}/git/commits{/sha}`,
      comments_url: `${r}/comments{/number}`,
      issue_comment_url: `${r}/issues/comments{/number}`,
      contents_url: `${r}/contents/{+path}`,
      compare_url: `${r}/compare/{base}...{head}`,
      merges_url: `${r}/merges`,
      archive_url: `${r}/{archive_format}{/ref}`,
      downloads_url: `${r}/downloads`,
      issues_url: `${r}/issues{/number}`,
      pulls_url: `${r}/pulls{/number}`,
      milestones_url: `${r}/milestones{/number}`,
      notifications_url: `${r}/notifications{?since,all,participating}`,
      labels_url: `${r}/labels{/name}`,
      releases_url: `${r}/releases{/id}`,
      deployments_url: `${r}/deployments`,
      created_at: repo.created_at,
      updated_at: repo.updated_at,
      pushed_at: repo.pushed_at,
      git_url: `git://${new URL(this.web).host}/${fullName}.git`,
      ssh_url: `git@${new URL(this.web).host}:${fullName}.git`,
      clone_url: `${this.web}/${fullName}.git`,
      svn_url: `${this.web}/${fullName}`,
      homepage: repo.homepage,
      size: repo.size,
      stargazers_count: repo.stargazers_count,
      watchers_count: repo.stargazers_count,
      language: repo.language,
      has_issues: repo.has_issues,
      has_projects: true,
      has_downloads: true,
      has_wiki: repo.has_wiki,
      has_pages: false,
      has_discussions: repo.has_discussions,
      forks_count: repo.forks_count,
      mirror_url: null,
      archived: repo.archived,
      disabled: false,
      open_issues_count: openIssues,
      license: repo.license
        ? { ...repo.license, url: `${this.api}/licenses/${repo.license.key}`, node_id: nodeId('License', 13) }
        : null,
      allow_forking: true,
      is_template: repo.is_template,
      web_commit_signoff_required: false,
      topics: repo.topics,
      visibility: repo.private ? 'private' : 'public',
      forks: repo.forks_count,
      open_issues: openIssues,
      watchers: repo.stargazers_count,
      default_branch: repo.default_branch,
    };
    if (this.viewer) {
      const permission = this.store.permissionOf(this.viewer, repo);
      body.permissions = {
        admin: atLeast(permission, 'admin'),
        maintain: atLeast(permission, 'maintain'),
        push: atLeast(permission, 'write'),
        triage: atLeast(permission, 'triage'),
        pull: atLeast(permission, 'read'),
      };
    }
    if (full) {
      if (repo.ownerType === 'Organization') {
        const org = this.store.orgs.get(repo.ownerId);
        if (org) body.organization = this.orgAsOwner(org);
      }
      body.network_count = repo.forks_count;
      body.subscribers_count = repo.subscribers_count;
    }
    return body;
  }

  label(repo: Repo, label: Label): Json {
    return {
      id: label.id,
      node_id: nodeId('Label', label.id),
      url: `${this.repoApiUrl(repo)}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: label.default,
      description: label.description,
    };
  }

  /** OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR or NONE, as GitHub computes author_association. */
  authorAssociation(user: User, repo: Repo): string {
    if (repo.ownerType === 'User' && repo.ownerId === user.id) return 'OWNER';
    if (repo.ownerType === 'Organization' && this.store.orgs.get(repo.ownerId)?.members.has(user.id)) return 'MEMBER';
    if (repo.collaborators.has(user.id)) return 'COLLABORATOR';
    const merged = this.store
      .issuesOf(repo)
      .some((i) => i.userId === user.id && i.pull !== null && i.pull.merged_at !== null);
    return merged ? 'CONTRIBUTOR' : 'NONE';
  }

  reactions(url: string, reactions: Reactions): Json {
    const total = Object.values(reactions).reduce((sum, n) => sum + n, 0);
    return { url, total_count: total, ...reactions };
  }

  userById(id: number): User {
    const user = this.store.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  }

  issueUrls(repo: Repo, issue: Issue): { api: string; html: string } {
    const fullName = this.store.fullName(repo);
    return {
      api: `${this.repoApiUrl(repo)}/issues/${issue.number}`,
      html: `${this.web}/${fullName}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`,
    };
  }

  /**
   * An issue as GET /repos/{owner}/{repo}/issues/{number} answers (`detail`: with closed_by), or
   * as a list / search item. Pull requests carry a `pull_request` key and `draft`.
   */
  issue(issue: Issue, options: { detail?: boolean; score?: number } = {}): Json {
    const repo = this.store.repos.get(issue.repoId);
    if (!repo) throw new Error(`issue ${issue.id} has no repository`);
    const urls = this.issueUrls(repo, issue);
    const author = this.userById(issue.userId);
    const assignees = issue.assigneeIds.map((id) => this.simpleUser(this.userById(id)));
    const labels = issue.labelIds
      .map((id) => repo.labels.find((l) => l.id === id))
      .filter((l): l is Label => l !== undefined)
      .map((l) => this.label(repo, l));
    const body: Json = {
      url: urls.api,
      repository_url: this.repoApiUrl(repo),
      labels_url: `${urls.api}/labels{/name}`,
      comments_url: `${urls.api}/comments`,
      events_url: `${urls.api}/events`,
      html_url: urls.html,
      id: issue.id,
      node_id: nodeId(issue.pull ? 'PullRequest' : 'Issue', issue.id),
      number: issue.number,
      title: issue.title,
      user: this.simpleUser(author),
      labels,
      state: issue.state,
      locked: issue.locked,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: null,
      comments: this.store.commentsOf(issue).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      author_association: this.authorAssociation(author, repo),
      type: null,
      active_lock_reason: null,
    };
    if (issue.pull) {
      body.draft = issue.pull.draft;
      const fullName = this.store.fullName(repo);
      body.pull_request = {
        url: `${this.repoApiUrl(repo)}/pulls/${issue.number}`,
        html_url: `${this.web}/${fullName}/pull/${issue.number}`,
        diff_url: `${this.web}/${fullName}/pull/${issue.number}.diff`,
        patch_url: `${this.web}/${fullName}/pull/${issue.number}.patch`,
        merged_at: issue.pull.merged_at,
      };
    }
    body.body = issue.body;
    if (options.detail) {
      body.closed_by = issue.closedById === null ? null : this.simpleUser(this.userById(issue.closedById));
    }
    body.reactions = this.reactions(`${urls.api}/reactions`, issue.reactions);
    body.timeline_url = `${urls.api}/timeline`;
    body.performed_via_github_app = null;
    body.state_reason = issue.state_reason;
    if (options.score !== undefined) body.score = options.score;
    return body;
  }

  comment(comment: Comment): Json {
    const issue = this.store.issues.get(comment.issueId);
    const repo = issue ? this.store.repos.get(issue.repoId) : undefined;
    if (!issue || !repo) throw new Error(`comment ${comment.id} has no issue`);
    const urls = this.issueUrls(repo, issue);
    const url = `${this.repoApiUrl(repo)}/issues/comments/${comment.id}`;
    const author = this.userById(comment.userId);
    return {
      url,
      html_url: `${urls.html}#issuecomment-${comment.id}`,
      issue_url: urls.api,
      id: comment.id,
      node_id: nodeId('IssueComment', comment.id),
      user: this.simpleUser(author),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: this.authorAssociation(author, repo),
      body: comment.body,
      reactions: this.reactions(`${url}/reactions`, comment.reactions),
      performed_via_github_app: null,
    };
  }
}
