import { z } from 'zod';

/** What a Cloudflare Access grant carries: the verified identity only (no upstream token is kept). */
export const AccessProps = z.object({
  upstream: z.literal('access'),
  sub: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  groups: z.array(z.string()),
});
export type AccessProps = z.infer<typeof AccessProps>;

/** The narrow context every Access tool handler receives. */
export interface AccessToolContext {
  identity: Omit<AccessProps, 'upstream'>;
  scopes: readonly string[];
}
