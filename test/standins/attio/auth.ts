// OAuth clients, sign-in tickets, authorization codes and access tokens, plus the
// bearer-token middleware for /v2. Codes are single use and live 10 minutes;
// access tokens never expire (Attio's don't) until revoked.
import type { MiddlewareHandler } from 'hono';
import { unauthorized } from './errors.ts';
import { DEFAULT_SCOPES } from './scopes.ts';
import type { Store } from './store.ts';
import { randomHex, randomUuid } from './util.ts';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name: string;
  /** The app's ID (used as the actor ID of writes made with its tokens). */
  appId: string;
}

export interface SignInTicket {
  ticket: string;
  clientId: string;
  redirectUri: string;
  state: string | null;
  memberId: string;
  workspaceId?: string;
  expiresAt: number;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  memberId: string;
  workspaceId?: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  token: string;
  clientId: string;
  memberId: string;
  /** Issued-at, seconds since the epoch. */
  iat: number;
  revoked: boolean;
  /** The app's scopes when the token was issued (Attio's `scope` in /v2/self). */
  scopes: string[];
  /** The workspace the member signed in to; unset: the workspace that holds the member. */
  workspaceId?: string;
}

export const CODE_TTL_MS = 10 * 60 * 1000;
export const TICKET_TTL_MS = 10 * 60 * 1000;
/** The default scopes, space-separated (as `GET /v2/self` reports them). */
export const TOKEN_SCOPE = DEFAULT_SCOPES.join(' ');

export const DEFAULT_CLIENT = {
  clientId: 'dev-attio-client',
  clientSecret: 'dev-attio-secret',
  redirectUris: ['http://localhost:8788/callback', 'http://127.0.0.1:8788/callback'],
  name: 'Attio MCP (dev)',
};

export class AuthState {
  readonly clients = new Map<string, OAuthClient>();
  readonly tickets = new Map<string, SignInTicket>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly tokens = new Map<string, AccessToken>();
  /** Scopes of the tokens issued from now on (the app's configured scopes); see setScopes. */
  nextScopes: string[] = [...DEFAULT_SCOPES];
  /** Injectable clock for tests of code expiry. */
  now: () => number = () => Date.now();

  addClient(client: { clientId: string; clientSecret: string; redirectUris: string[]; name?: string }): void {
    const existing = this.clients.get(client.clientId);
    const redirectUris = [...new Set([...(existing?.redirectUris ?? []), ...client.redirectUris])];
    this.clients.set(client.clientId, {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUris,
      name: client.name ?? existing?.name ?? client.clientId,
      appId: existing?.appId ?? randomUuid(),
    });
  }

  createTicket(
    clientId: string,
    redirectUri: string,
    state: string | null,
    memberId: string,
    workspaceId?: string,
  ): SignInTicket {
    const ticket: SignInTicket = {
      ticket: randomHex(24),
      clientId,
      redirectUri,
      state,
      memberId,
      expiresAt: this.now() + TICKET_TTL_MS,
    };
    if (workspaceId !== undefined) ticket.workspaceId = workspaceId;
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

  issueCode(clientId: string, redirectUri: string, memberId: string, workspaceId?: string): AuthorizationCode {
    const code: AuthorizationCode = {
      code: randomHex(24),
      clientId,
      redirectUri,
      memberId,
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    };
    if (workspaceId !== undefined) code.workspaceId = workspaceId;
    this.codes.set(code.code, code);
    return code;
  }

  /** Like an Attio app whose scopes were changed: tokens issued from now on carry these. `null`: all (the default). */
  setScopes(scopes: readonly string[] | null): void {
    this.nextScopes = scopes === null ? [...DEFAULT_SCOPES] : [...new Set(scopes)];
  }

  issueToken(clientId: string, memberId: string, workspaceId?: string): AccessToken {
    const token: AccessToken = {
      token: randomHex(32),
      clientId,
      memberId,
      iat: Math.floor(this.now() / 1000),
      revoked: false,
      scopes: [...this.nextScopes],
    };
    if (workspaceId !== undefined) token.workspaceId = workspaceId;
    this.tokens.set(token.token, token);
    return token;
  }

  /** Active (known, unrevoked) token or undefined. */
  lookup(value: string): AccessToken | undefined {
    const token = this.tokens.get(value);
    return token && !token.revoked ? token : undefined;
  }

  /** Revokes one token, every token of one member (the member uninstalled the app), or all. */
  revoke(options: { token?: string; memberId?: string; all?: boolean }): number {
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.revoked) continue;
      if (
        options.all ||
        token.token === options.token ||
        (options.memberId !== undefined && token.memberId === options.memberId)
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

/** Bearer token, or HTTP Basic with the token as the username (both accepted by Attio). */
export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!match || match[1] === undefined || match[2] === undefined) return null;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer') return match[2].trim();
  if (scheme === 'basic') {
    try {
      const decoded = atob(match[2].trim());
      const user = decoded.split(':')[0];
      return user ? user : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** `store`: the workspace of the request's token (set with the token). */
export type AppEnv = { Variables: { token: AccessToken; store: Store } };

/**
 * Requires a valid access token on every /v2 route except /v2/self (which answers {active:false}),
 * and puts the token and its workspace's store on the context.
 */
export function requireToken(auth: () => AuthState, storeOf: (token: AccessToken) => Store): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = tokenFromHeader(c.req.header('authorization'));
    if (c.req.path === '/v2/self' && raw !== null) return next();
    if (raw === null) {
      throw unauthorized(
        'Authentication is required. Pass an access token in the Authorization header, e.g. "Authorization: Bearer <access_token>".',
      );
    }
    const token = auth().lookup(raw);
    if (!token) throw unauthorized('The access token provided is invalid, or has been revoked.');
    c.set('token', token);
    c.set('store', storeOf(token));
    return next();
  };
}
