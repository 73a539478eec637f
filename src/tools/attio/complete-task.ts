import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { Task, taskLine, viewTask } from './task-view';

export const completeTask = defineTool({
  name: 'complete_task',
  title: 'Complete a task',
  description: 'Marks a task as done (or open again with completed: false).',
  inputSchema: { task_id: attioId('a task'), completed: z.boolean().default(true) },
  outputSchema: { task: Task },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { data } = await context.attio.updateTask(input.task_id, { is_completed: input.completed });
    const task = await viewTask(data, context);
    return { structured: { task }, text: `${task.completed ? 'Completed' : 'Reopened'}:\n${taskLine(task)}` };
  },
});
