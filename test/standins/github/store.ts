// The in-memory GitHub: users, organizations, repositories, labels, issues (pull
// requests are issues with `pull` set, as on GitHub) and issue comments, plus the
// access rules the REST API applies to them.

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface UserEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  /** "public" / "private" for the primary address, null for the others (as GitHub answers). */
  visibility: 'public' | 'private' | null;
}

export interface User {
  id: number;
  login: string;
  name: string | null;
  company: string | null;
  blog: string;
  location: string | null;
  bio: string | null;
  twitter_username: string | null;
  hireable: boolean | null;
  /** The public profile email (GET /user `email`), or null. */
  publicEmail: string | null;
  emails: UserEmail[];
  followers: number;
  following: number;
  public_gists: number;
  private_gists: number;
  two_factor_authentication: boolean;
  plan: 'free' | 'pro';
  created_at: string;
  updated_at: string;
}

export interface OrgMembership {
  role: 'admin' | 'member';
  /** Publicized membership (visible to everyone) or concealed (only to members). */
  public: boolean;
}

export interface Org {
  id: number;
  login: string;
  name: string | null;
  description: string | null;
  blog: string | null;
  location: string | null;
  email: string | null;
  /** Base permission members have on the organization's repositories. */
  defaultRepoPermission: 'read' | 'write' | null;
  members: Map<number, OrgMembership>;
  created_at: string;
  updated_at: string;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface Repo {
  id: number;
  name: string;
  ownerType: 'User' | 'Organization';
  ownerId: number;
  private: boolean;
  description: string | null;
  homepage: string | null;
  language: string | null;
  topics: string[];
  license: { key: string; name: string; spdx_id: string } | null;
  stargazers_count: number;
  forks_count: number;
  subscribers_count: number;
  size: number;
  default_branch: string;
  has_issues: boolean;
  has_wiki: boolean;
  has_discussions: boolean;
  archived: boolean;
  is_template: boolean;
  created_at: string;
  updated_at: string;
  pushed_at: string;
  collaborators: Map<number, Permission>;
  labels: Label[];
}

export type Reactions = Record<'+1' | '-1' | 'laugh' | 'hooray' | 'confused' | 'heart' | 'rocket' | 'eyes', number>;

export interface PullInfo {
  draft: boolean;
  merged_at: string | null;
  mergedById: number | null;
}

export interface Issue {
  id: number;
  repoId: number;
  number: number;
  title: string;
  body: string | null;
  userId: number;
  labelIds: number[];
  assigneeIds: number[];
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | null;
  locked: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closedById: number | null;
  /** Set for pull requests. */
  pull: PullInfo | null;
  reactions: Reactions;
}

export interface Comment {
  id: number;
  issueId: number;
  userId: number;
  body: string;
  created_at: string;
  updated_at: string;
  reactions: Reactions;
}

export function noReactions(): Reactions {
  return { '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

const PERMISSION_RANK: Record<Permission, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function atLeast(permission: Permission | null, wanted: Permission): boolean {
  return permission !== null && PERMISSION_RANK[permission] >= PERMISSION_RANK[wanted];
}

export const ID_BASE = {
  user: 2_000_001,
  issue: 1_000_000_001,
  comment: 2_000_000_001,
  label: 3_000_000_001,
} as const;

export class Store {
  readonly users = new Map<number, User>();
  readonly orgs = new Map<number, Org>();
  readonly repos = new Map<number, Repo>();
  readonly issues = new Map<number, Issue>();
  readonly comments = new Map<number, Comment>();
  nextUserId: number = ID_BASE.user;
  nextIssueId: number = ID_BASE.issue;
  nextCommentId: number = ID_BASE.comment;
  nextLabelId: number = ID_BASE.label;

  userByLogin(login: string): User | undefined {
    const wanted = login.toLowerCase();
    for (const user of this.users.values()) if (user.login.toLowerCase() === wanted) return user;
    return undefined;
  }

  orgByLogin(login: string): Org | undefined {
    const wanted = login.toLowerCase();
    for (const org of this.orgs.values()) if (org.login.toLowerCase() === wanted) return org;
    return undefined;
  }

  ownerLogin(repo: Repo): string {
    const owner = repo.ownerType === 'User' ? this.users.get(repo.ownerId) : this.orgs.get(repo.ownerId);
    if (!owner) throw new Error(`repository ${repo.id} has no owner`);
    return owner.login;
  }

  fullName(repo: Repo): string {
    return `${this.ownerLogin(repo)}/${repo.name}`;
  }

  repoByFullName(owner: string, name: string): Repo | undefined {
    const wanted = `${owner}/${name}`.toLowerCase();
    for (const repo of this.repos.values()) if (this.fullName(repo).toLowerCase() === wanted) return repo;
    return undefined;
  }

  /** The organizations a user belongs to (public and concealed memberships). */
  orgsOf(user: User): Org[] {
    return [...this.orgs.values()].filter((org) => org.members.has(user.id));
  }

  /** The user's permission on a repository, or null (public repositories still answer "read" to anyone). */
  permissionOf(user: User | null, repo: Repo): Permission | null {
    if (user) {
      if (repo.ownerType === 'User' && repo.ownerId === user.id) return 'admin';
      let best: Permission | null = null;
      const consider = (p: Permission | null): void => {
        if (p !== null && (best === null || PERMISSION_RANK[p] > PERMISSION_RANK[best])) best = p;
      };
      if (repo.ownerType === 'Organization') {
        const org = this.orgs.get(repo.ownerId);
        const membership = org?.members.get(user.id);
        if (org && membership) consider(membership.role === 'admin' ? 'admin' : org.defaultRepoPermission);
      }
      consider(repo.collaborators.get(user.id) ?? null);
      if (best !== null) return best;
    }
    return repo.private ? null : 'read';
  }

  /**
   * Who can be assigned to the repository's issues: anyone with write access, and members
   * of the owning organization (GitHub's assignable users).
   */
  assignable(repo: Repo, user: User): boolean {
    if (atLeast(this.permissionOf(user, repo), 'write')) return true;
    return repo.ownerType === 'Organization' && (this.orgs.get(repo.ownerId)?.members.has(user.id) ?? false);
  }

  issuesOf(repo: Repo): Issue[] {
    return [...this.issues.values()].filter((issue) => issue.repoId === repo.id).sort((a, b) => a.number - b.number);
  }

  issueByNumber(repo: Repo, number: number): Issue | undefined {
    for (const issue of this.issues.values()) if (issue.repoId === repo.id && issue.number === number) return issue;
    return undefined;
  }

  commentsOf(issue: Issue): Comment[] {
    return [...this.comments.values()].filter((c) => c.issueId === issue.id).sort((a, b) => a.id - b.id);
  }

  openIssuesCount(repo: Repo): number {
    // Like GitHub's open_issues_count, open pull requests count too.
    return this.issuesOf(repo).filter((issue) => issue.state === 'open').length;
  }

  labelByName(repo: Repo, name: string): Label | undefined {
    const wanted = name.toLowerCase();
    return repo.labels.find((label) => label.name.toLowerCase() === wanted);
  }

  addLabel(repo: Repo, name: string, color = 'ededed', description: string | null = null): Label {
    const label: Label = { id: this.nextLabelId++, name, color, description, default: false };
    repo.labels.push(label);
    return label;
  }

  createUser(login: string, now: string): User {
    const id = this.nextUserId++;
    const user: User = {
      id,
      login,
      name: null,
      company: null,
      blog: '',
      location: null,
      bio: null,
      twitter_username: null,
      hireable: null,
      publicEmail: null,
      emails: [
        { email: `${login.toLowerCase()}@github.test`, primary: true, verified: true, visibility: 'private' },
        { email: `${id}+${login}@users.noreply.github.test`, primary: false, verified: true, visibility: null },
      ],
      followers: 0,
      following: 0,
      public_gists: 0,
      private_gists: 0,
      two_factor_authentication: false,
      plan: 'free',
      created_at: now,
      updated_at: now,
    };
    this.users.set(id, user);
    return user;
  }
}
