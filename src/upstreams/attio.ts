import { OAuthError } from '@cloudflare/workers-oauth-provider';
import { z } from 'zod';
import { AttioClient } from '../attio/client';
import { AttioError } from '../attio/errors';
import { httpUrl, nonEmpty, type Parsed, type Settings } from '../settings';
import { attioTools } from '../tools/attio';
import { AttioCatalog } from '../tools/attio/catalog';
import { AttioProps, type AttioToolContext } from '../tools/attio/context';
import { exchangeCode, type OAuthAppConfig, opaqueUserId, SignInRefused, type Upstream } from './upstream';

/** The settings this upstream needs, checked at start-up when it is the one chosen (see /health). */
export const attioSettings = {
  ATTIO_CLIENT_ID: [nonEmpty, 'ATTIO_CLIENT_ID is missing (your Attio app → OAuth).'],
  ATTIO_CLIENT_SECRET: [nonEmpty, 'ATTIO_CLIENT_SECRET is missing (your Attio app → OAuth).'],
  ATTIO_AUTHORIZE_URL: [httpUrl, 'ATTIO_AUTHORIZE_URL must be an http(s) URL.'],
  ATTIO_TOKEN_URL: [httpUrl, 'ATTIO_TOKEN_URL must be an http(s) URL.'],
  ATTIO_API_URL: [httpUrl, 'ATTIO_API_URL must be an http(s) URL.'],
} as const satisfies Settings;

export type AttioConfig = OAuthAppConfig;

/** Attio's configuration from its checked settings. */
export function attioConfig(v: Parsed<typeof attioSettings>, timeoutMs: number): AttioConfig {
  return {
    timeoutMs,
    clientId: v.ATTIO_CLIENT_ID,
    clientSecret: v.ATTIO_CLIENT_SECRET,
    authorizeUrl: v.ATTIO_AUTHORIZE_URL,
    tokenUrl: v.ATTIO_TOKEN_URL,
    apiUrl: v.ATTIO_API_URL,
  };
}

/** Attio's token response: a long-lived bearer token, no refresh token, no `expires_in`. */
const AttioTokenResponse = z.looseObject({ access_token: z.string().min(1), token_type: z.string() });

/**
 * Attio as the upstream: OAuth per Attio's docs (no scope parameter, no PKCE; the app's scopes
 * are set at build.attio.com), identity from `GET /v2/self` and the authorizing member.
 */
export function attioUpstream(config: AttioConfig): Upstream<AttioProps, AttioToolContext> {
  const client = (token: string, signal?: AbortSignal) =>
    new AttioClient({ apiUrl: config.apiUrl, token, timeoutMs: config.timeoutMs, signal });

  return {
    id: 'attio',
    displayName: 'Attio',
    propsSchema: AttioProps,
    instructions:
      'Tools for the user’s Attio CRM workspace. Find records by name, email or domain with search_records; list them by attribute with query_records (Attio filter language; selects and statuses by title), or a list’s entries with list_entries; call describe_object when unsure of a slug or option. For counts and totals use summarize_records: never page to add up. Meetings, call transcripts, comments and value history have their own tools. Answers are compact: ask for fields you need.',
    scopeDescriptions: {
      'mcp:read': 'Read your CRM data: records, lists, notes, tasks, comments, meetings and call transcripts',
      'mcp:write': 'Create, change and delete CRM data on your behalf',
    },
    tools: attioTools,
    toolsFor: () => attioTools,
    identity: (props) => ({
      email: props.member.email?.toLowerCase() ?? null,
      name: props.member.name,
      groups: [],
      login: null,
      orgs: [],
    }),

    async prepareSignIn() {
      return {};
    },

    async authorizeUrl({ state, callbackUrl }) {
      const url = new URL(config.authorizeUrl);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('redirect_uri', callbackUrl);
      url.searchParams.set('state', state);
      return url.toString();
    },

    async completeSignIn({ code, callbackUrl }) {
      const exchanged = await exchangeCode({
        provider: 'Attio',
        url: config.tokenUrl,
        timeoutMs: config.timeoutMs,
        fields: {
          grant_type: 'authorization_code',
          code,
          client_id: config.clientId,
          client_secret: config.clientSecret,
          redirect_uri: callbackUrl,
        },
      });
      const token = AttioTokenResponse.safeParse(exchanged.body);
      if (!exchanged.ok || !token.success) {
        throw new SignInRefused(
          'Attio did not accept the sign-in (the code may have expired). Start again from your app.',
        );
      }
      const attioToken = token.data.access_token;
      const attio = client(attioToken);
      const self = await attio.self().catch((error: unknown) => {
        throw new SignInRefused(
          `Attio did not confirm the sign-in${error instanceof AttioError ? ` (${error.message})` : ''}.`,
        );
      });
      if (!self.active)
        throw new SignInRefused('Attio says this access is no longer active. Start again from your app.');

      const memberId = self.authorized_by_workspace_member_id;
      // The member's name needs Attio's user_management:read scope; identity still works without it.
      const member = memberId ? await attio.workspaceMember(memberId).catch(() => undefined) : undefined;
      const name = member ? [member.data.first_name, member.data.last_name].filter(Boolean).join(' ') || null : null;
      const props: AttioProps = {
        upstream: 'attio',
        workspace: { id: self.workspace_id, name: self.workspace_name, slug: self.workspace_slug },
        member: { id: memberId, name, email: member?.data.email_address ?? null },
        attioToken,
      };
      return {
        userId: await opaqueUserId('attio', `${self.workspace_id}/${memberId ?? 'workspace'}`),
        label: `${name ?? member?.data.email_address ?? 'Attio member'} @ ${self.workspace_name}`,
        props,
      };
    },

    // Attio tokens don't expire and come without a refresh token, so a refresh is where we
    // notice that the user (or a workspace admin) revoked the app: then the grant goes too.
    async refreshProps(props) {
      try {
        const self = await client(props.attioToken).self();
        if (!self.active)
          throw new OAuthError('invalid_grant', { description: 'Attio access was revoked; sign in again.' });
        return undefined;
      } catch (error) {
        if (error instanceof OAuthError) throw error;
        if (error instanceof AttioError && error.kind === 'auth') {
          throw new OAuthError('invalid_grant', { description: 'Attio access was revoked; sign in again.' });
        }
        throw new OAuthError('temporarily_unavailable', {
          description: 'Attio is unavailable; try again shortly.',
          statusCode: 503,
        });
      }
    },

    toolContext(props, scopes, session) {
      return {
        workspace: props.workspace,
        member: props.member,
        scopes,
        attio: client(props.attioToken, session.signal),
        // The catalog's loads are cached and shared by concurrent calls: one call's cancellation
        // must not fail another's, so they run to the end (within the timeout).
        catalog: new AttioCatalog(client(props.attioToken), session.cache),
        confirm: session.confirm,
      };
    },
  };
}
