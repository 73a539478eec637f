// OAuth apps, sign-in tickets, authorization codes and access tokens, GitHub's
// scope hierarchy and redirect URL rules. Codes are single use and live 10
// minutes; OAuth app tokens never expire (GitHub's don't) until revoked.
import { randomBase62, randomHex } from './util.ts';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Registered callback URLs; the first is the default when `redirect_uri` is omitted. */
  redirectUris: string[];
  name: string;
  /** Shown as "by <owner>" on the authorize page. */
  owner: string;
}

export interface SignInTicket {
  ticket: string;
  clientId: string;
  redirectUri: string;
  redirectUriGiven: boolean;
  state: string | null;
  scopes: string[];
  codeChallenge: string | null;
  userId: number;
  expiresAt: number;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  /** Whether the authorize request named a redirect_uri (then the exchange must repeat it, if it sends one). */
  redirectUriGiven: boolean;
  userId: number;
  scopes: string[];
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  token: string;
  clientId: string;
  userId: number;
  /** Normalized granted scopes, in the order requested. */
  scopes: string[];
  createdAt: number;
  revoked: boolean;
}

export const CODE_TTL_MS = 10 * 60 * 1000;
export const TICKET_TTL_MS = 10 * 60 * 1000;

export const DEFAULT_CLIENT = {
  clientId: 'dev-github-client',
  clientSecret: 'dev-github-secret',
  redirectUris: ['http://localhost:8788/callback', 'http://127.0.0.1:8788/callback'],
  name: 'MCP Server (dev)',
  owner: 'octo-org',
};

/** Each scope's parent: a token with the parent (or any ancestor) has the child too. */
const SCOPE_PARENT: Record<string, string> = {
  'repo:status': 'repo',
  repo_deployment: 'repo',
  public_repo: 'repo',
  'repo:invite': 'repo',
  security_events: 'repo',
  'write:repo_hook': 'admin:repo_hook',
  'read:repo_hook': 'write:repo_hook',
  'write:org': 'admin:org',
  'read:org': 'write:org',
  'write:public_key': 'admin:public_key',
  'read:public_key': 'write:public_key',
  'read:user': 'user',
  'user:email': 'user',
  'user:follow': 'user',
  'read:project': 'project',
  'write:gpg_key': 'admin:gpg_key',
  'read:gpg_key': 'write:gpg_key',
  'read:packages': 'write:packages',
};

const TOP_LEVEL_SCOPES = [
  'repo',
  'admin:repo_hook',
  'admin:org',
  'admin:public_key',
  'admin:org_hook',
  'gist',
  'notifications',
  'user',
  'project',
  'delete_repo',
  'write:packages',
  'delete:packages',
  'admin:gpg_key',
  'codespace',
  'workflow',
  'read:audit_log',
];

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([...TOP_LEVEL_SCOPES, ...Object.keys(SCOPE_PARENT)]);

/** Human descriptions for the authorize page. */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  repo: 'Full control of private repositories',
  public_repo: 'Access public repositories',
  'repo:status': 'Access commit status',
  'read:org': 'Read org and team membership, read org projects',
  'write:org': 'Read and write org and team membership, read and write org projects',
  'admin:org': 'Full control of orgs and teams, read and write org projects',
  user: 'Update ALL user data',
  'read:user': 'Read ALL user profile data',
  'user:email': 'Access user email addresses (read-only)',
  'user:follow': 'Follow and unfollow users',
  gist: 'Create gists',
  notifications: 'Access notifications',
  workflow: 'Update GitHub Action workflows',
};

/** True when `granted` includes `needed` or one of its ancestors (repo ⊃ public_repo, user ⊃ user:email, …). */
export function hasScope(granted: readonly string[], needed: string): boolean {
  let scope: string | undefined = needed;
  while (scope !== undefined) {
    if (granted.includes(scope)) return true;
    scope = SCOPE_PARENT[scope];
  }
  return false;
}

export function hasAnyScope(granted: readonly string[], needed: readonly string[]): boolean {
  return needed.some((scope) => hasScope(granted, scope));
}

/**
 * GitHub's normalization of a requested scope list (space- or comma-separated): unknown
 * scopes are dropped, duplicates and scopes implied by another requested scope too
 * ("user,gist,user:email" → user, gist). Order of the request is kept.
 */
export function normalizeScopes(requested: string | undefined | null): string[] {
  const list = (requested ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && KNOWN_SCOPES.has(s));
  const unique = [...new Set(list)];
  return unique.filter((scope) => {
    const others = unique.filter((other) => other !== scope);
    const parent = SCOPE_PARENT[scope];
    return parent === undefined || !hasScope(others, parent);
  });
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}

/**
 * GitHub's redirect URL rule: the redirect_uri's host (sub-domains allowed) and port must match
 * a callback URL, and its path must be the callback's path or below it. Loopback IP redirect
 * URIs (127.0.0.1, ::1) may use any port.
 */
export function redirectUriAllowed(registered: string, candidate: string): boolean {
  let cb: URL;
  let uri: URL;
  try {
    cb = new URL(registered);
    uri = new URL(candidate);
  } catch {
    return false;
  }
  if (cb.protocol !== uri.protocol) return false;
  if (uri.username !== '' || uri.password !== '' || uri.hash !== '') return false;
  const sameHost = uri.hostname === cb.hostname || uri.hostname.endsWith(`.${cb.hostname}`);
  if (!sameHost) return false;
  const loopback = isLoopbackHost(cb.hostname) && uri.hostname === cb.hostname;
  if (!loopback && uri.port !== cb.port) return false;
  const base = cb.pathname.endsWith('/') ? cb.pathname : `${cb.pathname}/`;
  return uri.pathname === cb.pathname || uri.pathname.startsWith(base);
}

export class AuthState {
  readonly clients = new Map<string, OAuthClient>();
  readonly tickets = new Map<string, SignInTicket>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly tokens = new Map<string, AccessToken>();
  /** Injectable clock (tests of code expiry replace it). */
  now: () => number = () => Date.now();

  addClient(client: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    name?: string;
    owner?: string;
  }): void {
    const existing = this.clients.get(client.clientId);
    this.clients.set(client.clientId, {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUris: [...new Set([...(existing?.redirectUris ?? []), ...client.redirectUris])],
      name: client.name ?? existing?.name ?? client.clientId,
      owner: client.owner ?? existing?.owner ?? 'octocat',
    });
  }

  /** The redirect URI to use, or null when the given one is not allowed for the client. */
  resolveRedirectUri(client: OAuthClient, given: string | undefined): string | null {
    if (given === undefined || given === '') return client.redirectUris[0] ?? null;
    return client.redirectUris.some((registered) => redirectUriAllowed(registered, given)) ? given : null;
  }

  createTicket(input: Omit<SignInTicket, 'ticket' | 'expiresAt'>): SignInTicket {
    const ticket: SignInTicket = { ...input, ticket: randomHex(20), expiresAt: this.now() + TICKET_TTL_MS };
    this.tickets.set(ticket.ticket, ticket);
    return ticket;
  }

  /** Single use: the ticket is removed whether or not it is still valid. */
  takeTicket(value: string): SignInTicket | undefined {
    const ticket = this.tickets.get(value);
    this.tickets.delete(value);
    if (!ticket || ticket.expiresAt < this.now()) return undefined;
    return ticket;
  }

  issueCode(ticket: SignInTicket): AuthorizationCode {
    const code: AuthorizationCode = {
      code: randomHex(10),
      clientId: ticket.clientId,
      redirectUri: ticket.redirectUri,
      redirectUriGiven: ticket.redirectUriGiven,
      userId: ticket.userId,
      scopes: ticket.scopes,
      codeChallenge: ticket.codeChallenge,
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  /** An OAuth app user token: "gho_" and 36 base62 characters, like GitHub's. */
  issueToken(clientId: string, userId: number, scopes: string[]): AccessToken {
    const token: AccessToken = {
      token: `gho_${randomBase62(36)}`,
      clientId,
      userId,
      scopes: [...scopes],
      createdAt: this.now(),
      revoked: false,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** Active (known, unrevoked) token or undefined. */
  lookup(value: string): AccessToken | undefined {
    const token = this.tokens.get(value);
    return token && !token.revoked ? token : undefined;
  }

  /** Revokes one token, every token of one user (the user revoked the app), or all. */
  revoke(options: { token?: string; userId?: number; all?: boolean }): number {
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.revoked) continue;
      if (
        options.all === true ||
        (options.token !== undefined && token.token === options.token) ||
        (options.userId !== undefined && token.userId === options.userId)
      ) {
        token.revoked = true;
        count++;
      }
    }
    return count;
  }

  clearGrants(): void {
    this.tickets.clear();
    this.codes.clear();
    this.tokens.clear();
  }
}

/**
 * `Authorization: Bearer <t>`, `token <t>`, or Basic with the token as the password
 * (`username:token`), all of which api.github.com accepts.
 */
export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  if (!match || match[1] === undefined || match[2] === undefined) return null;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer' || scheme === 'token') return match[2];
  if (scheme === 'basic') {
    try {
      const decoded = atob(match[2]);
      const colon = decoded.indexOf(':');
      const secret = colon === -1 ? decoded : decoded.slice(colon + 1);
      return secret === '' ? null : secret;
    } catch {
      return null;
    }
  }
  return null;
}
