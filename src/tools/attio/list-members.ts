import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { TableOutput, tableText } from './records';

export const listMembers = defineTool({
  name: 'list_members',
  title: 'List workspace members',
  description: 'Who is in the workspace: name, email, access level. Owners and assignees are given by email.',
  inputSchema: {},
  outputSchema: TableOutput,
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(_input, { attio }: AttioToolContext) {
    const { data } = await attio.workspaceMembers();
    const table = {
      // No ids: every tool takes a member by email.
      columns: ['name', 'email', 'access'],
      rows: data.map((m) => [
        [m.first_name, m.last_name].filter(Boolean).join(' ') || null,
        m.email_address,
        m.access_level ?? null,
      ]),
    };
    return { structured: table, text: `${data.length} members:\n${tableText(table)}` };
  },
});
