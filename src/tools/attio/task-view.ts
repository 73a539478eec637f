import { z } from 'zod';
import type { AttioTask } from '../../attio/schemas';
import { ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { compactTimestamp } from './values';

/** A task as tools answer it: id, content, deadline, completed, assignees (names), linkedRecords. */
export const Task = z.looseObject({ id: z.string(), content: z.string() });
type TaskView = {
  id: string;
  content: string;
  deadline: string | null;
  completed: boolean;
  assignees: string[];
  linkedRecords: { object: string; id: string }[];
};

export async function viewTask(task: AttioTask, { catalog }: AttioToolContext): Promise<TaskView> {
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

export function taskLine(t: TaskView): string {
  const details = [
    t.deadline && `due ${t.deadline.slice(0, 10)}`,
    t.assignees.length && `for ${t.assignees.join(', ')}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `- [${t.completed ? 'x' : ' '}] ${t.content}${details ? ` (${details})` : ''} [${t.id}]`;
}

export function memberId(lookup: Map<string, string>, who: string): string {
  const id = lookup.get(who.trim().toLowerCase());
  if (!id) throw new ToolError(`"${who}" is not a member of this workspace; give a member's email or full name.`);
  return id;
}

export const LinkedRecord = z.object({ object: z.string(), id: attioId('a record') });
