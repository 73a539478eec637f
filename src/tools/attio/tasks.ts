import { z } from 'zod';
import type { AttioTask } from '../../attio/schemas';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { compactTimestamp } from './values';

const Task = z.object({
  id: z.string(),
  content: z.string(),
  deadline: z.string().nullable(),
  completed: z.boolean(),
  assignees: z.array(z.string()),
  linkedRecords: z.array(z.object({ object: z.string(), id: z.string() })),
});

async function viewTask(task: AttioTask, { catalog }: AttioToolContext): Promise<z.infer<typeof Task>> {
  const [members, objects] = await Promise.all([catalog.members(), catalog.objects()]);
  const slugById = new Map(objects.map((o) => [o.id, o.slug]));
  return {
    id: task.id.task_id,
    content: task.content_plaintext,
    deadline: task.deadline_at && compactTimestamp(task.deadline_at),
    completed: task.is_completed,
    assignees: task.assignees.map((a) => members.names.get(a.referenced_actor_id) ?? a.referenced_actor_id),
    linkedRecords: task.linked_records.map((l) => ({
      object: slugById.get(l.target_object_id) ?? l.target_object_id,
      id: l.target_record_id,
    })),
  };
}

function taskLine(t: z.infer<typeof Task>): string {
  const details = [
    t.deadline && `due ${t.deadline.slice(0, 10)}`,
    t.assignees.length && `for ${t.assignees.join(', ')}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `- [${t.completed ? 'x' : ' '}] ${t.content}${details ? ` (${details})` : ''} [${t.id}]`;
}

function memberId(lookup: Map<string, string>, who: string): string {
  const id = lookup.get(who.trim().toLowerCase());
  if (!id) throw new ToolError(`"${who}" is not a member of this workspace; give a member's email or full name.`);
  return id;
}

const LinkedRecord = z.object({ object: z.string().min(1), id: z.string().min(1) });

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
      .describe('ISO date (midnight UTC) or date-time, e.g. 2026-12-11 or 2026-12-11T17:00:00Z'),
    assignees: z.array(z.string()).max(10).optional().describe('Workspace member emails or names'),
    linked_records: z.array(LinkedRecord).max(10).optional().describe('e.g. [{"object":"companies","id":"…"}]'),
  },
  outputSchema: { task: Task.omit({ content: true, completed: true }) }, // the model just wrote them
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
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
    const { content: _content, completed: _completed, ...created } = task;
    return { structured: { task: created }, text: `Created the task:\n${taskLine(task)}` };
  },
});

export const listTasks = defineTool({
  name: 'list_tasks',
  title: 'List tasks',
  description: 'Tasks, newest first: all, or those of one assignee, one linked record, open or completed.',
  inputSchema: {
    completed: z.boolean().optional().describe('true: only completed; false: only open'),
    assignee: z.string().optional().describe('A member email or name'),
    linked_record: LinkedRecord.optional(),
    limit: z.number().int().min(1).max(50).default(20),
    offset: z.number().int().min(0).default(0),
  },
  outputSchema: { tasks: z.array(Task), nextOffset: z.number().optional() },
  annotations: { readOnlyHint: true, openWorldHint: true },
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

export const completeTask = defineTool({
  name: 'complete_task',
  title: 'Complete a task',
  description: 'Marks a task as done (or open again with completed: false).',
  inputSchema: { task_id: z.string().min(1), completed: z.boolean().default(true) },
  outputSchema: { task: Task },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { data } = await context.attio.updateTask(input.task_id, { is_completed: input.completed });
    const task = await viewTask(data, context);
    return { structured: { task }, text: `${task.completed ? 'Completed' : 'Reopened'}:\n${taskLine(task)}` };
  },
});
