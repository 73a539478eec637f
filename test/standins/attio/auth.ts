// OAuth clients, sign-in tickets, authorization codes and access tokens, plus the
// bearer-token middleware for /v2. Codes are single use and live 10 minutes;
// access tokens never expire (Attio's don't) until revoked.
import type { MiddlewareHandler } from 'hono';
import { unauthorized } from './errors.ts';
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
  expiresAt: number;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  memberId: string;
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
}

export const CODE_TTL_MS = 10 * 60 * 1000;
export const TICKET_TTL_MS = 10 * 60 * 1000;
export const TOKEN_SCOPE = [
  'record_permission:read-write',
  'object_configuration:read',
  'list_entry:read-write',
  'list_configuration:read',
  'note:read-write',
  'task:read-write',
  'user_management:read',
].join(' ');

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

  createTicket(clientId: string, redirectUri: string, state: string | null, memberId: string): SignInTicket {
    const ticket: SignInTicket = {
      ticket: randomHex(24),
      clientId,
      redirectUri,
      state,
      memberId,
      expiresAt: this.now() + TICKET_TTL_MS,
    };
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

  issueCode(clientId: string, redirectUri: string, memberId: string): AuthorizationCode {
    const code: AuthorizationCode = {
      code: randomHex(24),
      clientId,
      redirectUri,
      memberId,
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  issueToken(clientId: string, memberId: string): AccessToken {
    const token: AccessToken = {
      token: randomHex(32),
      clientId,
      memberId,
      iat: Math.floor(this.now() / 1000),
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

export type AppEnv = { Variables: { token: AccessToken } };

/** Requires a valid access token on every /v2 route except /v2/self (which answers {active:false}). */
export function requireToken(auth: () => AuthState): MiddlewareHandler<AppEnv> {
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
    return next();
  };
}
