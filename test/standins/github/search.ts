// GET /search/issues: GitHub's issue search syntax over the issues and pull
// requests the caller can see. Free words (and "quoted phrases") match title,
// body and comments (restrict with in:); qualifiers listed in README.md.
import type { Hono } from 'hono';
import { DOCS, GitHubError, type ValidationErrorItem } from './errors.ts';
import { type ApiEnv, canRead, linkHeader, ok, pageParams } from './rest.ts';
import { type Issue, noReactions, type Repo, type Store, type User } from './store.ts';

const SEARCH_DOCS = 'https://docs.github.com/v3/search/';
const MAX_RESULTS = 1000;
const NOT_SEARCHABLE =
  'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.';

const QUALIFIERS = new Set([
  'is',
  'type',
  'state',
  'repo',
  'user',
  'org',
  'owner',
  'author',
  'assignee',
  'label',
  'in',
  'no',
  'involves',
  'commenter',
  'mentions',
  'created',
  'updated',
  'closed',
  'comments',
  'sort',
  'draft',
  'language',
  'archived',
]);

interface Term {
  negated: boolean;
  key: string;
  value: string;
}

export interface ParsedQuery {
  words: string[];
  phrases: string[];
  terms: Term[];
}

/** Splits q into words, "quoted phrases" and key:value qualifiers (value may be quoted; "-" negates). */
export function parseQuery(q: string): ParsedQuery {
  const parsed: ParsedQuery = { words: [], phrases: [], terms: [] };
  const re = /(-?)([A-Za-z_-]+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)/g;
  for (const match of q.matchAll(re)) {
    const [, negation, key, quotedValue, value, phrase, word] = match;
    if (key !== undefined && QUALIFIERS.has(key.toLowerCase())) {
      parsed.terms.push({ negated: negation === '-', key: key.toLowerCase(), value: quotedValue ?? value ?? '' });
    } else if (key !== undefined) {
      parsed.words.push(...textWords(match[0]));
    } else if (phrase !== undefined) {
      const normalized = phrase.toLowerCase().replace(/\s+/g, ' ').trim();
      if (normalized !== '') parsed.phrases.push(normalized);
    } else if (word !== undefined && word !== 'AND') {
      parsed.words.push(...textWords(word));
    }
  }
  return parsed;
}

function textWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => w.length > 0);
}

/** A light stemmer: "requests" matches "request", "issues" matches "issue". */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('es')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** created:/updated:/closed:/comments: values: >x, >=x, <x, <=x, a..b, a..*, *..b, or x. */
function rangeMatches(actual: string | number, spec: string): boolean {
  const numeric = typeof actual === 'number';
  const cmp = (value: string): number => {
    if (numeric) return actual - Number(value);
    return String(actual).slice(0, value.length).localeCompare(value);
  };
  const range = /^(.+)\.\.(.+)$/.exec(spec);
  if (range?.[1] !== undefined && range[2] !== undefined) {
    return (range[1] === '*' || cmp(range[1]) >= 0) && (range[2] === '*' || cmp(range[2]) <= 0);
  }
  const op = /^(>=|<=|>|<)(.+)$/.exec(spec);
  if (op?.[1] !== undefined && op[2] !== undefined) {
    const c = cmp(op[2]);
    return op[1] === '>' ? c > 0 : op[1] === '>=' ? c >= 0 : op[1] === '<' ? c < 0 : c <= 0;
  }
  return cmp(spec) === 0;
}

interface SearchDoc {
  issue: Issue;
  repo: Repo;
  title: string;
  body: string;
  comments: string;
  commenters: Set<number>;
}

function matchesLogin(store: Store, viewer: User | null, value: string, userId: number): boolean {
  const login = value === '@me' ? viewer?.login : value;
  return login !== undefined && store.users.get(userId)?.login.toLowerCase() === login.toLowerCase();
}

export function registerSearchRoutes(api: Hono<ApiEnv>): void {
  api.get('/search/issues', (c) => {
    const ctx = c.env.ctx;
    const { store, render, user: viewer } = ctx;
    const q = c.req.query('q') ?? '';
    if (q.length > 256) {
      throw new GitHubError(422, 'Validation Failed', SEARCH_DOCS, [
        { message: 'The search is longer than 256 characters.', resource: 'Search', field: 'q', code: 'invalid' },
      ]);
    }
    const parsed = parseQuery(q);
    if (parsed.words.length === 0 && parsed.phrases.length === 0 && parsed.terms.length === 0) {
      throw new GitHubError(422, 'Validation Failed', DOCS.searchV3, [
        { resource: 'Search', field: 'q', code: 'missing' },
      ]);
    }

    // repo:, user:, org: must name something the caller can see, else 422 (as GitHub does).
    const unsearchable: ValidationErrorItem[] = [];
    for (const term of parsed.terms) {
      if (term.key === 'repo') {
        const [owner, name] = term.value.split('/');
        const repo = owner && name ? store.repoByFullName(owner, name) : undefined;
        if (!repo || !canRead(ctx, repo))
          unsearchable.push({ message: NOT_SEARCHABLE, resource: 'Search', field: 'q', code: 'invalid' });
      }
      if (
        ['user', 'org', 'owner'].includes(term.key) &&
        !store.userByLogin(term.value) &&
        !store.orgByLogin(term.value)
      ) {
        unsearchable.push({ message: NOT_SEARCHABLE, resource: 'Search', field: 'q', code: 'invalid' });
      }
    }
    if (unsearchable.length > 0) throw new GitHubError(422, 'Validation Failed', SEARCH_DOCS, unsearchable.slice(0, 1));

    const inFields = new Set<string>();
    for (const term of parsed.terms) {
      if (term.key === 'in' && !term.negated) for (const f of term.value.toLowerCase().split(',')) inFields.add(f);
    }
    if (inFields.size === 0) for (const f of ['title', 'body', 'comments']) inFields.add(f);

    const docs: SearchDoc[] = [];
    for (const issue of store.issues.values()) {
      const repo = store.repos.get(issue.repoId);
      if (!repo || !canRead(ctx, repo)) continue;
      const comments = store.commentsOf(issue);
      docs.push({
        issue,
        repo,
        title: issue.title.toLowerCase(),
        body: (issue.body ?? '').toLowerCase(),
        comments: comments.map((cm) => cm.body.toLowerCase()).join('\n'),
        commenters: new Set(comments.map((cm) => cm.userId)),
      });
    }

    const termMatches = (doc: SearchDoc, term: Term): boolean => {
      const { issue, repo } = doc;
      const value = term.value.toLowerCase();
      const mentions = (login: string): boolean =>
        // Logins are [A-Za-z0-9-] only, so anything else mentions nobody (and needs no escaping).
        /^[A-Za-z0-9-]+$/.test(login) &&
        new RegExp(`(^|[^\\w-])@${login}(?![\\w-])`, 'i').test(`${doc.body}\n${doc.comments}`);
      const me = (v: string): string => (v === '@me' ? (viewer?.login.toLowerCase() ?? '\u0000') : v);
      switch (term.key) {
        case 'is':
        case 'type':
        case 'state':
          switch (value) {
            case 'issue':
              return issue.pull === null;
            case 'pr':
            case 'pull-request':
              return issue.pull !== null;
            case 'open':
            case 'closed':
              return issue.state === value;
            case 'merged':
              return issue.pull?.merged_at != null;
            case 'unmerged':
              return issue.pull !== null && issue.pull.merged_at === null && issue.state === 'closed';
            case 'draft':
              return issue.pull?.draft === true;
            case 'public':
              return !repo.private;
            case 'private':
              return repo.private;
            case 'locked':
              return issue.locked;
            case 'unlocked':
              return !issue.locked;
            default:
              return false;
          }
        case 'repo':
          return store.fullName(repo).toLowerCase() === value;
        case 'user':
        case 'org':
        case 'owner':
          return store.ownerLogin(repo).toLowerCase() === value;
        case 'author':
          return matchesLogin(store, viewer, term.value, issue.userId);
        case 'assignee':
          return issue.assigneeIds.some((id) => matchesLogin(store, viewer, term.value, id));
        case 'commenter':
          return [...doc.commenters].some((id) => matchesLogin(store, viewer, term.value, id));
        case 'mentions':
          return mentions(me(value));
        case 'involves':
          return (
            matchesLogin(store, viewer, term.value, issue.userId) ||
            issue.assigneeIds.some((id) => matchesLogin(store, viewer, term.value, id)) ||
            [...doc.commenters].some((id) => matchesLogin(store, viewer, term.value, id)) ||
            mentions(me(value))
          );
        case 'label': {
          const names = issue.labelIds.map((id) => repo.labels.find((l) => l.id === id)?.name.toLowerCase());
          return value.split(',').some((wanted) => names.includes(wanted.trim()));
        }
        case 'no':
          if (value === 'label') return issue.labelIds.length === 0;
          if (value === 'assignee') return issue.assigneeIds.length === 0;
          if (value === 'milestone' || value === 'project') return true;
          return false;
        case 'created':
          return rangeMatches(issue.created_at, term.value);
        case 'updated':
          return rangeMatches(issue.updated_at, term.value);
        case 'closed':
          return issue.closed_at !== null && rangeMatches(issue.closed_at, term.value);
        case 'comments':
          return rangeMatches(store.commentsOf(issue).length, term.value);
        case 'draft':
          return issue.pull !== null && issue.pull.draft === (value === 'true');
        case 'language':
          return repo.language?.toLowerCase() === value;
        case 'archived':
          return repo.archived === (value === 'true');
        default:
          // in: and sort: shape the search, they do not filter.
          return true;
      }
    };

    const fieldWords = (doc: SearchDoc): Map<string, Set<string>> => {
      const m = new Map<string, Set<string>>();
      if (inFields.has('title')) m.set('title', new Set(textWords(doc.title).map(stem)));
      if (inFields.has('body')) m.set('body', new Set(textWords(doc.body).map(stem)));
      if (inFields.has('comments')) m.set('comments', new Set(textWords(doc.comments).map(stem)));
      return m;
    };
    const WEIGHT: Record<string, number> = { title: 3, body: 1.5, comments: 0.5 };

    const results: { doc: SearchDoc; score: number }[] = [];
    for (const doc of docs) {
      if (
        !parsed.terms.every((term) =>
          term.key === 'in' || term.key === 'sort' ? true : termMatches(doc, term) !== term.negated,
        )
      ) {
        continue;
      }
      let score = 1;
      if (parsed.words.length > 0 || parsed.phrases.length > 0) {
        const fields = fieldWords(doc);
        score = 0;
        let all = true;
        for (const word of parsed.words) {
          let hit = 0;
          for (const [field, words] of fields) if (words.has(stem(word))) hit += WEIGHT[field] ?? 1;
          if (hit === 0) all = false;
          score += hit;
        }
        for (const phrase of parsed.phrases) {
          let hit = 0;
          for (const field of inFields) {
            const text = (field === 'title' ? doc.title : field === 'body' ? doc.body : doc.comments).replace(
              /\s+/g,
              ' ',
            );
            if (text.includes(phrase)) hit += (WEIGHT[field] ?? 1) * 2;
          }
          if (hit === 0) all = false;
          score += hit;
        }
        if (!all) continue;
      }
      results.push({ doc, score: Math.round(score * 1000) / 1000 });
    }

    // sort= and order= (or sort:field-direction in q); default: best match.
    const sortTerm = parsed.terms.find((t) => t.key === 'sort' && !t.negated)?.value.toLowerCase();
    const [qSort, qOrder] = sortTerm
      ? [sortTerm.replace(/-(asc|desc)$/, ''), /-(asc)$/.test(sortTerm) ? 'asc' : 'desc']
      : [];
    const sort = c.req.query('sort') ?? qSort;
    const order = (c.req.query('order') ?? qOrder ?? 'desc') === 'asc' ? 1 : -1;
    const reactionKey = sort?.startsWith('reactions-') ? sort.slice('reactions-'.length) : null;
    const sortValue = (r: { doc: SearchDoc; score: number }): number | string => {
      const issue = r.doc.issue;
      switch (sort) {
        case 'created':
          return issue.created_at;
        case 'updated':
          return issue.updated_at;
        case 'comments':
          return store.commentsOf(issue).length;
        case 'reactions':
          return Object.values(issue.reactions).reduce((a, b) => a + b, 0);
        case 'interactions':
          return Object.values(issue.reactions).reduce((a, b) => a + b, 0) + store.commentsOf(issue).length;
        default:
          if (reactionKey !== null && reactionKey in issue.reactions) {
            return issue.reactions[reactionKey as keyof typeof issue.reactions];
          }
          return r.score;
      }
    };
    const knownSort =
      sort !== undefined &&
      (['created', 'updated', 'comments', 'reactions', 'interactions'].includes(sort) ||
        (reactionKey !== null && reactionKey in noReactions()));
    results.sort((a, b) => {
      const va = sortValue(a);
      const vb = sortValue(b);
      const primary = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      // An unknown or absent sort is "best match": highest score first.
      const direction = knownSort ? order : -1;
      return (
        primary * direction ||
        b.doc.issue.updated_at.localeCompare(a.doc.issue.updated_at) ||
        b.doc.issue.id - a.doc.issue.id
      );
    });

    const { perPage, page } = pageParams(c);
    if ((page - 1) * perPage >= MAX_RESULTS) {
      throw new GitHubError(422, 'Only the first 1000 search results are available', SEARCH_DOCS);
    }
    const reachable = Math.min(results.length, MAX_RESULTS);
    const items = results
      .slice((page - 1) * perPage, Math.min(page * perPage, reachable))
      .map((r) => render.issue(r.doc.issue, { score: r.score }));
    const link = linkHeader(c, page, perPage, reachable);
    return ok({ total_count: results.length, incomplete_results: false, items }, 200, link === null ? {} : { link });
  });
}
