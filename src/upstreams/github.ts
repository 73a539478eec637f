import { OAuthError } from '@cloudflare/workers-oauth-provider';
import pkceChallenge, { generateChallenge } from 'pkce-challenge';
import { z } from 'zod';
import { GitHubClient } from '../github/client';
import { UpstreamError } from '../http/upstream-error';
import { httpUrl, list, nonEmpty, type Parsed, type Settings, withDefault } from '../settings';
import { githubTools, privilegedGithubTools } from '../tools/github';
import { GitHubProps, type GitHubToolContext } from '../tools/github/context';
import { exchangeCode, isListed, type OAuthAppConfig, opaqueUserId, SignInRefused, type Upstream } from './upstream';

/** The settings this upstream needs, checked at start-up when it is the one chosen (see /health). */
export const githubSettings = {
  GITHUB_CLIENT_ID: [nonEmpty, 'GITHUB_CLIENT_ID is missing (your GitHub OAuth app → Client ID).'],
  GITHUB_CLIENT_SECRET: [
    nonEmpty,
    'GITHUB_CLIENT_SECRET is missing (your GitHub OAuth app → Generate a new client secret).',
  ],
  GITHUB_AUTHORIZE_URL: [
    withDefault(httpUrl, 'https://github.com/login/oauth/authorize'),
    'GITHUB_AUTHORIZE_URL must be an http(s) URL.',
  ],
  GITHUB_TOKEN_URL: [
    withDefault(httpUrl, 'https://github.com/login/oauth/access_token'),
    'GITHUB_TOKEN_URL must be an http(s) URL.',
  ],
  GITHUB_API_URL: [withDefault(httpUrl, 'https://api.github.com'), 'GITHUB_API_URL must be an http(s) URL.'],
  GITHUB_SCOPES: [
    withDefault(z.string().regex(/^[\w:,\s-]+$/), 'read:user user:email read:org repo'),
    'GITHUB_SCOPES must be GitHub scope names separated by spaces.',
  ],
  ALLOWED_GITHUB_LOGINS: [list, 'ALLOWED_GITHUB_LOGINS must be a comma-separated list of GitHub logins.'],
  ALLOWED_GITHUB_ORGS: [list, 'ALLOWED_GITHUB_ORGS must be a comma-separated list of GitHub organisations.'],
  PRIVILEGED_GITHUB_LOGINS: [list, 'PRIVILEGED_GITHUB_LOGINS must be a comma-separated list of GitHub logins.'],
} as const satisfies Settings;

export interface GitHubConfig extends OAuthAppConfig {
  scopes: string;
  /** Empty: no restriction. Lower case. */
  allowedLogins: string[];
  allowedOrgs: string[];
  /** Logins that see the tools reserved for them. Lower case. */
  privilegedLogins: string[];
}

/** GitHub's configuration from its checked settings. */
export function githubConfig(v: Parsed<typeof githubSettings>, timeoutMs: number): GitHubConfig {
  return {
    timeoutMs,
    clientId: v.GITHUB_CLIENT_ID,
    clientSecret: v.GITHUB_CLIENT_SECRET,
    authorizeUrl: v.GITHUB_AUTHORIZE_URL,
    tokenUrl: v.GITHUB_TOKEN_URL,
    apiUrl: v.GITHUB_API_URL,
    scopes: v.GITHUB_SCOPES,
    allowedLogins: v.ALLOWED_GITHUB_LOGINS ?? [],
    allowedOrgs: v.ALLOWED_GITHUB_ORGS ?? [],
    privilegedLogins: v.PRIVILEGED_GITHUB_LOGINS ?? [],
  };
}

/**
 * GitHub's token endpoint answers errors with HTTP 200 and an `error` field (for example
 * `bad_verification_code`), so a 200 is not a success until it carries a token.
 */
const GitHubToken = z.looseObject({ access_token: z.string().min(1), token_type: z.string() });
const GitHubTokenError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/**
 * GitHub (an OAuth app) as the upstream: PKCE S256 towards GitHub, identity from `/user` and the
 * primary verified email from `/user/emails`, and optional allowlists of logins and
 * organisations checked at sign-in and again at every refresh.
 */
export function githubUpstream(config: GitHubConfig): Upstream<GitHubProps, GitHubToolContext> {
  const client = (token: string, signal?: AbortSignal) =>
    new GitHubClient({ apiUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, signal });
  const restricted = config.allowedLogins.length > 0 || config.allowedOrgs.length > 0;

  /** Whether policy lets this user in: listed by login, or a member of a listed organisation. */
  function allowed(login: string, orgs: readonly string[]): boolean {
    if (!restricted || isListed(config.allowedLogins, login)) return true;
    return orgs.some((org) => isListed(config.allowedOrgs, org));
  }

  /**
   * The person's organisations, lower case, for the allowlist and per-user policy (`/user/orgs`:
   * public memberships, private ones with `read:org`). Only an allowlist that depends on them makes
   * a failure to read them fatal.
   */
  async function orgsOf(github: GitHubClient, login: string): Promise<string[]> {
    try {
      return (await github.orgs()).map((org) => org.login.toLowerCase());
    } catch (error) {
      if (restricted && config.allowedOrgs.length > 0 && !isListed(config.allowedLogins, login)) throw error;
      return [];
    }
  }

  return {
    id: 'github',
    displayName: 'GitHub',
    propsSchema: GitHubProps,
    instructions:
      'Tools for the user’s GitHub account: their repositories, issue and pull request search (GitHub query syntax), reading an issue with its comments, and opening issues.',
    scopeDescriptions: {
      'mcp:read': 'Read your repositories, issues and pull requests',
      'mcp:write': 'Open issues on your behalf',
    },
    tools: [...githubTools, ...privilegedGithubTools],
    toolsFor: (props) =>
      isListed(config.privilegedLogins, props.login) ? [...githubTools, ...privilegedGithubTools] : githubTools,
    identity: (props) => ({
      email: props.email?.toLowerCase() ?? null,
      name: props.name,
      groups: [],
      login: props.login.toLowerCase(),
      orgs: props.orgs,
    }),

    async prepareSignIn() {
      const { code_verifier } = await pkceChallenge(64);
      return { verifier: code_verifier };
    },

    async authorizeUrl({ state, callbackUrl, data }) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', callbackUrl);
      url.searchParams.set('scope', config.scopes);
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', await generateChallenge(data.verifier ?? ''));
      url.searchParams.set('code_challenge_method', 'S256');
      url.searchParams.set('allow_signup', 'false');
      return url.toString();
    },

    async completeSignIn({ code, callbackUrl, data }) {
      const { ok, body } = await exchangeCode({
        provider: 'GitHub',
        url: config.tokenUrl,
        timeoutMs: config.timeoutMs,
        headers: { 'User-Agent': 'remote-mcp-server' },
        fields: {
          client_id: config.clientId,
          client_secret: config.clientSecret,
          code,
          redirect_uri: callbackUrl,
          code_verifier: data.verifier ?? '',
        },
      });
      const granted = GitHubToken.safeParse(body);
      if (!ok || !granted.success) {
        const refused = GitHubTokenError.safeParse(body);
        const reason = refused.success ? ` (${refused.data.error})` : '';
        throw new SignInRefused(`GitHub did not accept the sign-in${reason}. Start again from your app.`);
      }
      const token = granted.data.access_token;
      const github = client(token);
      const identity = await Promise.all([github.user(), github.emails().catch(() => [])]).catch((error: unknown) => {
        throw new SignInRefused(
          `GitHub did not confirm the sign-in${error instanceof UpstreamError ? ` (${error.message})` : ''}.`,
        );
      });
      const [user, emails] = identity;
      const orgs = await orgsOf(github, user.login);
      if (!allowed(user.login, orgs)) {
        throw new SignInRefused(
          `The GitHub account @${user.login} is not allowed to use this server. Ask its administrator to add you, or sign in with another account.`,
          403,
        );
      }
      const email = emails.find((e) => e.primary && e.verified)?.email ?? null;
      return {
        userId: await opaqueUserId('github', String(user.id)),
        label: `@${user.login}`,
        props: { upstream: 'github', login: user.login, name: user.name ?? null, email, orgs, token },
      };
    },

    // GitHub OAuth app tokens do not expire. A refresh is where a revoked token, or a user the
    // allowlists no longer admit, is noticed: then the grant goes too.
    async refreshProps(props) {
      const github = client(props.token);
      try {
        await github.user();
        const orgs = await orgsOf(github, props.login);
        if (!allowed(props.login, orgs)) {
          throw new OAuthError('invalid_grant', { description: 'This account is no longer allowed; sign in again.' });
        }
        // Organisations feed per-user policy: a change is kept with the grant.
        return orgs.join() === props.orgs.join() ? undefined : { ...props, orgs };
      } catch (error) {
        if (error instanceof OAuthError) throw error;
        if (error instanceof UpstreamError && error.revoked) {
          throw new OAuthError('invalid_grant', { description: 'GitHub access was revoked; sign in again.' });
        }
        throw new OAuthError('temporarily_unavailable', {
          description: 'GitHub is unavailable; try again shortly.',
          statusCode: 503,
        });
      }
    },

    toolContext(props, scopes, session) {
      const github = client(props.token, session.signal);
      return { login: props.login, name: props.name, email: props.email, scopes, github };
    },
  };
}
