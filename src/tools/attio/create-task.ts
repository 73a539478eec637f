import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { LinkedRecord, memberId, taskLine, viewTask } from './task-view';

export const createTask = defineTool({
  name: 'create_task',
  title: 'Create a task',
  description: 'Creates a task, optionally with a deadline, assignees (member emails or names) and linked records.',
  inputSchema: {
    content: z.string().trim().min(1).max(2000).describe('What to do'),
    // A plain string checked here: zod's ISO regexes would add hundreds of tokens to tools/list.
    deadline: z
      .string()
      .refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), 'Expected an ISO date')
      .optional()
      .describe('e.g. 2026-12-11 or 2026-12-11T17:00:00Z'),
    assignees: z.array(z.string()).max(10).optional().describe('Member emails or names'),
    linked_records: z.array(LinkedRecord).max(10).optional().describe('e.g. [{"object":"companies","id":"…"}]'),
  },
  // Only what the model did not write itself: the id, the deadline as stored, the assignees' names.
  outputSchema: { task: z.looseObject({ id: z.string() }).describe('id, deadline, assignees') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const members = await context.catalog.members();
    const linked = await Promise.all(
      (input.linked_records ?? []).map(async (l) => ({
        target_object: (await context.catalog.object(l.object)).slug,
        target_record_id: l.id,
      })),
    );
    const { data } = await context.attio.createTask({
      content: input.content,
      format: 'plaintext',
      deadline_at: input.deadline ? new Date(input.deadline).toISOString() : null,
      is_completed: false,
      linked_records: linked,
      assignees: (input.assignees ?? []).map((who) => ({
        referenced_actor_type: 'workspace-member',
        referenced_actor_id: memberId(members.lookup, who),
      })),
    });
    const task = await viewTask(data, context);
    const created = { id: task.id, deadline: task.deadline, assignees: task.assignees };
    return { structured: { task: created }, text: `Created the task:\n${taskLine(task)}` };
  },
});
