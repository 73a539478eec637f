// Supabase Auth's OAuth 2.1 server, as an OpenID Provider on loopback: the Access stand-in's
// oidc-provider in Supabase's shape. Run `node test/standins/access/supabase.ts`
// (127.0.0.1:${SUPABASE_STANDIN_PORT:-8794}, issuer http://127.0.0.1:8794/auth/v1); tests import
// startSupabaseAuthStandin({ port: 0 }). What mirrors Supabase, with sources: README.md.
import { listFromEnv, runWhenMain } from '../node-host.ts';
import { SEED_USERS as REPS } from '../postgres/users.ts';
import {
  type AccessStandin,
  type AccessStandinOptions,
  DEFAULT_REDIRECT_URIS,
  type ProviderShape,
  startAccessStandin,
} from './server.ts';

export const SUPABASE_DEFAULT_PORT = 8794;
/** Supabase's OAuth client ids are UUIDs. */
export const SUPABASE_CLIENT_ID = '9a8b7c6d-5e4f-4a2b-8c0d-9e8f7a6b5c4d';
export const SUPABASE_CLIENT_SECRET = 'dev-supabase-secret';

/**
 * Supabase Auth (GoTrue) as an OpenID Provider: issuer `<project>/auth/v1`, endpoints under
 * `/oauth/`, JWKS at `/.well-known/jwks.json`, scopes openid, email, profile and phone, ID tokens
 * signed with the project's asymmetric key (ES256 by default; GoTrue refuses to sign ID tokens with
 * the legacy HS256 secret). `sub` is the auth.users id: the reps of the Postgres stand-in's seed.
 */
export const SUPABASE_SHAPE: ProviderShape = {
  name: 'Supabase Auth',
  mount: () => '/auth/v1',
  routes: {
    authorization: '/oauth/authorize',
    token: '/oauth/token',
    jwks: '/.well-known/jwks.json',
    userinfo: '/oauth/userinfo',
  },
  scopes: ['openid', 'email', 'profile', 'phone'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'picture', 'preferred_username', 'updated_at'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  // GoTrue's GenerateIDToken: `name` is the user's metadata name, else their email.
  userClaims: (user) => ({
    email: user.email,
    email_verified: true,
    name: user.name ?? user.email,
    phone_number_verified: false,
  }),
  algorithm: 'ES256',
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
  seed: Object.values(REPS).map((rep) => ({ email: rep.email, sub: rep.id, groups: [] })),
  unknownUsers: 'refuse',
};

export function startSupabaseAuthStandin(options: Omit<AccessStandinOptions, 'shape'> = {}): Promise<AccessStandin> {
  return startAccessStandin({
    clientId: SUPABASE_CLIENT_ID,
    clientSecret: SUPABASE_CLIENT_SECRET,
    clientName: 'MCP server (dev)',
    ...options,
    shape: SUPABASE_SHAPE,
  });
}

runWhenMain(import.meta.url, async () => {
  const port = Number(process.env.SUPABASE_STANDIN_PORT ?? String(SUPABASE_DEFAULT_PORT));
  const extra = listFromEnv('SUPABASE_STANDIN_REDIRECT_URIS');
  const running = await startSupabaseAuthStandin({
    port,
    redirectUris: [...DEFAULT_REDIRECT_URIS, ...extra],
    log: true,
  });
  console.log(`Supabase Auth stand-in: issuer ${running.issuer} (SUPABASE_URL ${running.origin})`);
  console.log(`  client_id ${running.clientId}, client_secret ${running.clientSecret}`);
  console.log(
    `  users ${running.users
      .list()
      .map((user) => `${user.email} (${user.sub})`)
      .join(', ')}`,
  );
  return running;
});
