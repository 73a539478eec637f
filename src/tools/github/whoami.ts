import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { GitHubToolContext } from './context';

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'The GitHub account this connection acts as, and the permissions granted to it.',
  inputSchema: {},
  outputSchema: {
    login: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    scopes: z.array(z.string()),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  scope: 'mcp:read',
  async handler(_input, { login, name, email, scopes }: GitHubToolContext) {
    return {
      structured: { login, name, email, scopes: [...scopes] },
      text: `@${login}${name ? ` (${name})` : ''}${email ? ` <${email}>` : ''}. Granted: ${scopes.join(', ') || 'nothing'}.`,
    };
  },
});
