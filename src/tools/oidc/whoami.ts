import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { OidcToolContext } from './context';

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description:
    'The identity the sign-in provider verified for this connection (subject, email, name, groups) and the permissions granted.',
  inputSchema: {},
  outputSchema: {
    sub: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    groups: z.array(z.string()),
    scopes: z.array(z.string()),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  scope: 'mcp:read',
  async handler(_input, { identity, scopes }: OidcToolContext) {
    const who = identity.name ?? identity.email ?? identity.sub;
    return {
      structured: { ...identity, scopes: [...scopes] },
      text: `${who}${identity.email && identity.name ? ` <${identity.email}>` : ''}; groups: ${identity.groups.join(', ') || 'none'}. Granted: ${scopes.join(', ') || 'nothing'}.`,
    };
  },
});
