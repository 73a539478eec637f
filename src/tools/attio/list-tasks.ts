import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { LinkedRecord, memberId, Task, taskLine, viewTask } from './task-view';

export const listTasks = defineTool({
  name: 'list_tasks',
  title: 'List tasks',
  description: 'Tasks, newest first: all, or those of one assignee, one linked record, open or completed.',
  inputSchema: {
    completed: z.boolean().optional(),
    assignee: z.string().optional().describe('Member email'),
    linked_record: LinkedRecord.optional(),
    limit: z.number().int().min(1).max(50).default(20),
    offset: z.number().int().min(0).max(1e5).default(0),
  },
  outputSchema: { tasks: z.array(Task), nextOffset: z.number().optional() },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const query: Record<string, string> = {
      sort: 'created_at:desc',
      limit: String(input.limit + 1),
      offset: String(input.offset),
    };
    if (input.completed !== undefined) query.is_completed = String(input.completed);
    if (input.assignee) query.assignee = memberId((await context.catalog.members()).lookup, input.assignee);
    if (input.linked_record) {
      query.linked_object = (await context.catalog.object(input.linked_record.object)).slug;
      query.linked_record_id = input.linked_record.id;
    }
    const { data } = await context.attio.tasks(query);
    const tasks = await Promise.all(data.slice(0, input.limit).map((t) => viewTask(t, context)));
    const nextOffset = data.length > input.limit ? input.offset + input.limit : undefined;
    return {
      structured: { tasks, ...(nextOffset !== undefined ? { nextOffset } : {}) },
      text: tasks.length
        ? `${tasks.map(taskLine).join('\n')}${nextOffset !== undefined ? `\nMore: call again with offset ${nextOffset}.` : ''}`
        : 'No tasks match.',
    };
  },
});
