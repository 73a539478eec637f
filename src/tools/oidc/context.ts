import { z } from 'zod';
import type { PostgresToolContext } from '../postgres/context';

/**
 * What a grant of an OpenID Connect upstream (Cloudflare Access, Supabase, any OpenID Provider)
 * carries: the identity its ID token verified, and nothing else (no provider token is kept).
 */
export const OidcProps = z.object({
  upstream: z.enum(['access', 'supabase', 'oidc']),
  sub: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  groups: z.array(z.string()),
});
export type OidcProps = z.infer<typeof OidcProps>;

/**
 * The narrow context every tool of an OpenID Connect upstream receives: the verified identity,
 * the granted scopes, and the database as this person when the deployment has one.
 */
export interface OidcToolContext extends PostgresToolContext {
  identity: Omit<OidcProps, 'upstream'>;
  scopes: readonly string[];
}
