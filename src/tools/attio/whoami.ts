import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'The Attio workspace and workspace member this connection acts as, and the permissions granted to it.',
  inputSchema: {},
  outputSchema: {
    workspace: z.looseObject({ name: z.string() }),
    member: z.looseObject({ email: z.string().nullable() }),
    scopes: z.array(z.string()),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  scope: 'mcp:read',
  async handler(_input, { workspace, member, scopes }: AttioToolContext) {
    const who = member.name ?? member.email ?? 'An Attio member';
    return {
      structured: { workspace, member, scopes: [...scopes] },
      text: `${who}${member.email && member.name ? ` <${member.email}>` : ''} in workspace "${workspace.name}" (${workspace.slug}). Granted: ${scopes.join(', ') || 'nothing'}.`,
    };
  },
});
