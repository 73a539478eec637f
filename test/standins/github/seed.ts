// The deterministic seed: the same users, organizations, repositories, labels,
// issues, pull requests and comments, with the same IDs, on every start and reset.
// README.md lists the facts tests can rely on.
import {
  type Comment,
  type Issue,
  type Label,
  noReactions,
  type Org,
  type Permission,
  type Reactions,
  type Repo,
  Store,
  type User,
  type UserEmail,
} from './store.ts';

export const SEED_IDS = {
  users: { octocat: 583231, hubot: 480938, mona: 1000101, stranger: 1000102 },
  orgs: { 'octo-org': 5000001, 'acme-dev': 5000002 },
  repos: {
    'octocat/hello-world': 1296269,
    'octocat/secret-plans': 1300001,
    'octo-org/platform': 1300002,
    'acme-dev/website': 1300003,
    'mona/dotfiles': 1300004,
  },
} as const;

/** GitHub's default labels of a new repository. */
const DEFAULT_LABELS: [string, string, string][] = [
  ['bug', 'd73a4a', "Something isn't working"],
  ['documentation', '0075ca', 'Improvements or additions to documentation'],
  ['duplicate', 'cfd3d7', 'This issue or pull request already exists'],
  ['enhancement', 'a2eeef', 'New feature or request'],
  ['good first issue', '7057ff', 'Good for newcomers'],
  ['help wanted', '008672', 'Extra attention is needed'],
  ['invalid', 'e4e669', "This doesn't seem right"],
  ['question', 'd876e3', 'Further information is requested'],
  ['wontfix', 'ffffff', 'This will not be worked on'],
];

interface UserSpec {
  id: number;
  login: string;
  name: string | null;
  emails: UserEmail[];
  publicEmail?: string | null;
  company?: string | null;
  blog?: string;
  location?: string | null;
  bio?: string | null;
  followers?: number;
  following?: number;
  created_at: string;
}

function makeUser(spec: UserSpec): User {
  return {
    id: spec.id,
    login: spec.login,
    name: spec.name,
    company: spec.company ?? null,
    blog: spec.blog ?? '',
    location: spec.location ?? null,
    bio: spec.bio ?? null,
    twitter_username: null,
    hireable: null,
    publicEmail: spec.publicEmail ?? null,
    emails: spec.emails,
    followers: spec.followers ?? 0,
    following: spec.following ?? 0,
    public_gists: 0,
    private_gists: 0,
    two_factor_authentication: true,
    plan: 'free',
    created_at: spec.created_at,
    updated_at: '2026-01-15T10:00:00Z',
  };
}

function noreply(id: number, login: string): UserEmail {
  return { email: `${id}+${login}@users.noreply.github.test`, primary: false, verified: true, visibility: null };
}

interface IssueSpec {
  number: number;
  title: string;
  body: string | null;
  by: string;
  labels?: string[];
  assignees?: string[];
  created_at: string;
  updated_at?: string;
  /** Closed at, with the closer and (for issues) the reason. */
  closed?: { at: string; by: string; reason?: 'completed' | 'not_planned' };
  pull?: { draft?: boolean; merged?: boolean };
  reactions?: Partial<Reactions>;
  comments?: [by: string, body: string, at: string][];
}

export function createSeedStore(): Store {
  const store = new Store();
  const users = SEED_IDS.users;

  for (const user of [
    makeUser({
      id: users.octocat,
      login: 'octocat',
      name: 'The Octocat',
      company: '@github',
      blog: 'https://github.blog',
      location: 'San Francisco',
      bio: 'Mascot of GitHub. Loves yarn.',
      followers: 20000,
      following: 9,
      emails: [
        { email: 'octocat@github.test', primary: true, verified: true, visibility: 'private' },
        { email: 'octocat@work.github.test', primary: false, verified: true, visibility: null },
        noreply(users.octocat, 'octocat'),
      ],
      created_at: '2011-01-25T18:44:36Z',
    }),
    makeUser({
      id: users.hubot,
      login: 'hubot',
      name: 'Hubot',
      publicEmail: 'hubot@github.test',
      company: '@octo-org',
      bio: 'A chat bot. Sometimes helpful.',
      followers: 1500,
      emails: [
        { email: 'hubot@github.test', primary: true, verified: true, visibility: 'public' },
        noreply(users.hubot, 'hubot'),
      ],
      created_at: '2010-11-23T17:24:00Z',
    }),
    makeUser({
      id: users.mona,
      login: 'mona',
      name: 'Mona Lisa Octocat',
      emails: [
        { email: 'mona@github.test', primary: true, verified: false, visibility: 'private' },
        noreply(users.mona, 'mona'),
      ],
      created_at: '2019-05-01T12:00:00Z',
    }),
    makeUser({
      id: users.stranger,
      login: 'stranger',
      name: null,
      emails: [
        { email: 'stranger@github.test', primary: true, verified: true, visibility: 'private' },
        noreply(users.stranger, 'stranger'),
      ],
      created_at: '2024-02-29T08:30:00Z',
    }),
  ]) {
    store.users.set(user.id, user);
  }

  const org = (
    id: number,
    login: string,
    name: string,
    description: string,
    defaultRepoPermission: Org['defaultRepoPermission'],
    members: [login: string, role: 'admin' | 'member', isPublic: boolean][],
    created_at: string,
  ): void => {
    const membership = new Map<number, { role: 'admin' | 'member'; public: boolean }>();
    for (const [login2, role, isPublic] of members) membership.set(userId(store, login2), { role, public: isPublic });
    store.orgs.set(id, {
      id,
      login,
      name,
      description,
      blog: `https://${login}.github.test`,
      location: null,
      email: null,
      defaultRepoPermission,
      members: membership,
      created_at,
      updated_at: '2026-01-10T09:00:00Z',
    });
  };
  org(
    SEED_IDS.orgs['octo-org'],
    'octo-org',
    'Octo Org',
    'The Octo organization: platform and tooling.',
    'write',
    [
      ['octocat', 'admin', true],
      ['hubot', 'member', false],
    ],
    '2014-02-10T16:20:00Z',
  );
  org(
    SEED_IDS.orgs['acme-dev'],
    'acme-dev',
    'Acme Dev',
    'Acme developer relations.',
    'read',
    [['octocat', 'member', false]],
    '2018-07-04T11:00:00Z',
  );

  const repo = (spec: {
    id: number;
    owner: string;
    name: string;
    private: boolean;
    description: string;
    language: string | null;
    topics?: string[];
    stars?: number;
    forks?: number;
    watchers?: number;
    homepage?: string | null;
    license?: Repo['license'];
    collaborators?: [string, Permission][];
    extraLabels?: [string, string, string | null][];
    created_at: string;
    updated_at: string;
    pushed_at: string;
  }): Repo => {
    const ownerUser = store.userByLogin(spec.owner);
    const ownerOrg = store.orgByLogin(spec.owner);
    const labels: Label[] = [];
    for (const [name, color, description] of DEFAULT_LABELS) {
      labels.push({ id: store.nextLabelId++, name, color, description, default: true });
    }
    for (const [name, color, description] of spec.extraLabels ?? []) {
      labels.push({ id: store.nextLabelId++, name, color, description, default: false });
    }
    const created: Repo = {
      id: spec.id,
      name: spec.name,
      ownerType: ownerUser ? 'User' : 'Organization',
      ownerId: ownerUser?.id ?? ownerOrg?.id ?? 0,
      private: spec.private,
      description: spec.description,
      homepage: spec.homepage ?? null,
      language: spec.language,
      topics: spec.topics ?? [],
      license: spec.license ?? null,
      stargazers_count: spec.stars ?? 0,
      forks_count: spec.forks ?? 0,
      subscribers_count: spec.watchers ?? 1,
      size: 108,
      default_branch: 'main',
      has_issues: true,
      has_wiki: true,
      has_discussions: false,
      archived: false,
      is_template: false,
      created_at: spec.created_at,
      updated_at: spec.updated_at,
      pushed_at: spec.pushed_at,
      collaborators: new Map((spec.collaborators ?? []).map(([login, p]) => [userId(store, login), p])),
      labels,
    };
    store.repos.set(created.id, created);
    return created;
  };

  const MIT = { key: 'mit', name: 'MIT License', spdx_id: 'MIT' };
  const helloWorld = repo({
    id: SEED_IDS.repos['octocat/hello-world'],
    owner: 'octocat',
    name: 'hello-world',
    private: false,
    description: 'My first repository on GitHub!',
    language: 'JavaScript',
    topics: ['octocat', 'demo'],
    stars: 1420,
    forks: 1210,
    watchers: 97,
    homepage: 'https://octocat.github.io/hello-world',
    license: MIT,
    collaborators: [['hubot', 'write']],
    extraLabels: [['dependencies', '0366d6', 'Pull requests that update a dependency file']],
    created_at: '2011-01-26T19:01:12Z',
    updated_at: '2026-03-02T15:04:05Z',
    pushed_at: '2026-03-02T15:04:00Z',
  });
  const secretPlans = repo({
    id: SEED_IDS.repos['octocat/secret-plans'],
    owner: 'octocat',
    name: 'secret-plans',
    private: true,
    description: 'Top secret plans for world domination',
    language: 'TypeScript',
    extraLabels: [['plan', '5319e7', 'Part of the master plan']],
    created_at: '2023-04-01T09:00:00Z',
    updated_at: '2026-02-20T08:15:00Z',
    pushed_at: '2026-02-20T08:14:30Z',
  });
  const platform = repo({
    id: SEED_IDS.repos['octo-org/platform'],
    owner: 'octo-org',
    name: 'platform',
    private: true,
    description: 'Core platform services',
    language: 'Go',
    topics: ['platform', 'services'],
    stars: 12,
    forks: 2,
    watchers: 8,
    extraLabels: [
      ['priority: high', 'b60205', 'Fix this first'],
      ['infra', '1d76db', 'Build, CI and deployment'],
      ['experiment', 'fbca04', null],
    ],
    created_at: '2019-09-12T13:00:00Z',
    updated_at: '2026-03-05T17:30:00Z',
    pushed_at: '2026-03-05T17:29:10Z',
  });
  const website = repo({
    id: SEED_IDS.repos['acme-dev/website'],
    owner: 'acme-dev',
    name: 'website',
    private: false,
    description: 'The acme.dev marketing site',
    language: 'TypeScript',
    topics: ['website'],
    stars: 34,
    forks: 5,
    watchers: 4,
    homepage: 'https://acme.dev.test',
    created_at: '2020-06-15T10:00:00Z',
    updated_at: '2026-01-28T12:00:00Z',
    pushed_at: '2026-01-28T11:59:00Z',
  });
  const dotfiles = repo({
    id: SEED_IDS.repos['mona/dotfiles'],
    owner: 'mona',
    name: 'dotfiles',
    private: false,
    description: 'My dotfiles',
    language: 'Shell',
    stars: 3,
    created_at: '2021-03-03T03:03:03Z',
    updated_at: '2025-12-24T18:00:00Z',
    pushed_at: '2025-12-24T17:59:00Z',
  });

  const issues = (target: Repo, specs: IssueSpec[]): void => {
    for (const spec of specs) {
      const labelIds = (spec.labels ?? []).map((name) => {
        const label = store.labelByName(target, name);
        if (!label) throw new Error(`seed: no label ${name} in ${target.name}`);
        return label.id;
      });
      const comments = spec.comments ?? [];
      const lastComment = comments.at(-1)?.[2];
      const updated =
        spec.updated_at ??
        [spec.created_at, lastComment, spec.closed?.at]
          .filter((t) => t !== undefined)
          .sort()
          .at(-1);
      const issue: Issue = {
        id: store.nextIssueId++,
        repoId: target.id,
        number: spec.number,
        title: spec.title,
        body: spec.body,
        userId: userId(store, spec.by),
        labelIds,
        assigneeIds: (spec.assignees ?? []).map((login) => userId(store, login)),
        state: spec.closed ? 'closed' : 'open',
        state_reason: spec.closed && !spec.pull ? (spec.closed.reason ?? 'completed') : null,
        locked: false,
        created_at: spec.created_at,
        updated_at: updated ?? spec.created_at,
        closed_at: spec.closed?.at ?? null,
        closedById: spec.closed ? userId(store, spec.closed.by) : null,
        pull: spec.pull
          ? {
              draft: spec.pull.draft ?? false,
              merged_at: spec.pull.merged && spec.closed ? spec.closed.at : null,
              mergedById: spec.pull.merged && spec.closed ? userId(store, spec.closed.by) : null,
            }
          : null,
        reactions: { ...noReactions(), ...spec.reactions },
      };
      store.issues.set(issue.id, issue);
      for (const [by, body, at] of comments) {
        const comment: Comment = {
          id: store.nextCommentId++,
          issueId: issue.id,
          userId: userId(store, by),
          body,
          created_at: at,
          updated_at: at,
          reactions: noReactions(),
        };
        store.comments.set(comment.id, comment);
      }
    }
  };

  issues(helloWorld, [
    {
      number: 1,
      title: 'Add a README',
      body: 'The repository needs a README that explains what hello-world does.',
      by: 'octocat',
      labels: ['documentation'],
      created_at: '2025-01-10T09:00:00Z',
      closed: { at: '2025-01-12T16:30:00Z', by: 'octocat' },
      comments: [['octocat', 'Done in 7fd1a60.', '2025-01-12T16:29:00Z']],
    },
    {
      number: 2,
      title: 'Login button does not respond on Safari',
      body: 'Steps to reproduce:\n\n1. Open the site in Safari 17\n2. Click **Log in**\n\nNothing happens. Chrome and Firefox work.',
      by: 'hubot',
      labels: ['bug', 'help wanted'],
      assignees: ['octocat'],
      created_at: '2026-02-03T10:15:00Z',
      reactions: { '+1': 5, eyes: 1 },
      comments: [
        ['octocat', 'Confirmed on Safari 17.2, the click handler never fires.', '2026-02-03T11:00:00Z'],
        ['mona', 'Same on iPadOS. Happy to test a fix.', '2026-02-04T08:20:00Z'],
        ['hubot', 'Looks like the passive listener option. Opening a PR.', '2026-02-04T09:45:00Z'],
        ['octocat', 'Thanks! Linking #3.', '2026-02-05T14:00:00Z'],
      ],
    },
    {
      number: 3,
      title: 'Fix Safari click handler',
      body: 'Fixes #2: registers the login click handler without `passive: true`.',
      by: 'hubot',
      labels: ['bug'],
      assignees: ['hubot'],
      created_at: '2026-02-04T10:00:00Z',
      pull: { draft: false },
      comments: [
        ['octocat', 'Can you add a test for this?', '2026-02-05T09:00:00Z'],
        ['hubot', 'Added one in the last commit.', '2026-02-05T12:30:00Z'],
      ],
    },
    {
      number: 4,
      title: 'Dark mode support',
      body: 'It would be great to follow the system color scheme.',
      by: 'mona',
      labels: ['enhancement'],
      created_at: '2026-02-10T19:00:00Z',
      reactions: { heart: 3, '+1': 8 },
    },
    {
      number: 5,
      title: 'Update dependencies',
      body: 'Bumps all dev dependencies to their latest versions.',
      by: 'octocat',
      labels: ['dependencies'],
      created_at: '2026-01-20T08:00:00Z',
      closed: { at: '2026-01-21T10:00:00Z', by: 'octocat' },
      pull: { merged: true },
    },
    {
      number: 6,
      title: 'Rewrite in Rust?',
      body: 'Would a rewrite in Rust make hello-world faster?',
      by: 'stranger',
      labels: ['question', 'wontfix'],
      created_at: '2025-11-01T12:00:00Z',
      closed: { at: '2025-11-02T09:00:00Z', by: 'octocat', reason: 'not_planned' },
      comments: [['octocat', 'It prints one line. We will keep JavaScript.', '2025-11-02T08:59:00Z']],
    },
  ]);

  issues(secretPlans, [
    {
      number: 1,
      title: 'Phase 1: acquire all the yarn',
      body: 'Secretly buy every ball of yarn on the planet.',
      by: 'octocat',
      labels: ['plan'],
      assignees: ['octocat'],
      created_at: '2026-02-01T07:00:00Z',
      comments: [['octocat', 'Started with the local craft store.', '2026-02-02T07:30:00Z']],
    },
    {
      number: 2,
      title: 'Draft: moon base blueprint',
      body: 'First sketch of the moon base. Not ready for review.',
      by: 'octocat',
      labels: ['plan'],
      created_at: '2026-02-15T21:00:00Z',
      pull: { draft: true },
    },
    {
      number: 3,
      title: 'Budget review',
      body: 'Review the yarn budget for Q1.',
      by: 'octocat',
      created_at: '2026-01-05T09:00:00Z',
      closed: { at: '2026-01-31T17:00:00Z', by: 'octocat' },
    },
  ]);

  issues(platform, [
    {
      number: 1,
      title: 'API rate limiter drops requests under load',
      body: 'Above 2,000 requests per second the token bucket refills too late and legitimate requests get 429s.',
      by: 'hubot',
      labels: ['bug', 'priority: high'],
      assignees: ['hubot', 'octocat'],
      created_at: '2026-02-25T14:00:00Z',
      reactions: { '+1': 3, confused: 1 },
      comments: [
        ['octocat', 'Reproduced with the load test profile, p99 jumps at 2.1k rps.', '2026-02-25T15:10:00Z'],
        ['hubot', 'The refill runs on a 1s ticker; switching to lazy refill.', '2026-02-26T09:00:00Z'],
        ['octocat', 'Please also add a metric for dropped requests.', '2026-02-26T10:30:00Z'],
      ],
    },
    {
      number: 2,
      title: 'Add request tracing',
      body: 'Adds OpenTelemetry spans around every handler.',
      by: 'octocat',
      labels: ['enhancement'],
      assignees: ['octocat'],
      created_at: '2026-03-01T10:00:00Z',
      pull: { draft: false },
      comments: [['hubot', 'LGTM once CI is green.', '2026-03-02T11:00:00Z']],
    },
    {
      number: 3,
      title: 'Migrate CI to GitHub Actions',
      body: 'Move the Jenkins pipeline to GitHub Actions.',
      by: 'octocat',
      labels: ['infra'],
      created_at: '2025-10-01T09:00:00Z',
      closed: { at: '2025-12-15T16:00:00Z', by: 'hubot' },
    },
    {
      number: 4,
      title: 'Experiment: switch to gRPC',
      body: 'Trying gRPC for internal calls.',
      by: 'hubot',
      labels: ['experiment'],
      created_at: '2025-09-01T09:00:00Z',
      closed: { at: '2025-09-20T09:00:00Z', by: 'hubot' },
      pull: { merged: false },
    },
  ]);

  issues(website, [
    {
      number: 1,
      title: 'Typo on pricing page',
      body: 'The pricing page says "anual" instead of "annual".',
      by: 'stranger',
      labels: ['bug', 'good first issue'],
      created_at: '2026-01-25T16:00:00Z',
      comments: [['octocat', 'Good catch, thanks!', '2026-01-26T09:00:00Z']],
    },
    {
      number: 2,
      title: 'Fix pricing typo',
      body: 'Fixes #1.',
      by: 'octocat',
      created_at: '2026-01-26T09:30:00Z',
      pull: { draft: false },
    },
  ]);

  issues(dotfiles, [
    {
      number: 1,
      title: 'Document install steps',
      body: 'Explain how to symlink the files.',
      by: 'mona',
      labels: ['documentation'],
      created_at: '2025-12-24T18:00:00Z',
    },
  ]);

  return store;
}

function userId(store: Store, login: string): number {
  const user = store.userByLogin(login);
  if (!user) throw new Error(`seed: no user ${login}`);
  return user.id;
}
