// Tasks: GET /v2/tasks (limit, offset, sort, linked_object + linked_record_id,
// assignee, is_completed), POST /v2/tasks, GET/PATCH/DELETE /v2/tasks/{task_id}.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from './auth.ts';
import { jsonResponse, notFound, validationError, valueNotFound } from './errors.ts';
import { paginate, parseBody, queryBool, queryInt, type RouteDeps, writeContext } from './http.ts';
import type { Task } from './model.ts';
import type { Store } from './store.ts';
import { isUuid, normalizeTimestamp, randomUuid } from './util.ts';
import { findRecordByMatch, renderActor } from './values.ts';

const linkedRecordSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);
const assigneeSchema = z.union([
  z.object({ referenced_actor_type: z.literal('workspace-member'), referenced_actor_id: z.string() }),
  z.object({ workspace_member_email_address: z.string() }),
]);

const createTaskSchema = z.object({
  data: z.object({
    content: z.string().max(2000),
    format: z.literal('plaintext'),
    deadline_at: z.string().nullable(),
    is_completed: z.boolean(),
    linked_records: z.array(linkedRecordSchema),
    assignees: z.array(assigneeSchema),
  }),
});

const updateTaskSchema = z.object({
  data: z.object({
    deadline_at: z.string().nullable().optional(),
    is_completed: z.boolean().optional(),
    linked_records: z.array(linkedRecordSchema).optional(),
    assignees: z.array(assigneeSchema).optional(),
  }),
});

export function renderTask(store: Store, task: Task): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, task_id: task.id },
    content_plaintext: task.content_plaintext,
    deadline_at: task.deadline_at,
    is_completed: task.is_completed,
    completed_at: task.completed_at,
    linked_records: task.linked_records.map((l) => ({
      target_object_id: l.target_object_id,
      target_record_id: l.target_record_id,
    })),
    assignees: task.assignees.map((a) => ({
      referenced_actor_type: a.referenced_actor_type,
      referenced_actor_id: a.referenced_actor_id,
    })),
    created_by_actor: renderActor(task.created_by_actor),
    created_at: task.created_at,
  };
}

function requireTask(store: Store, id: string): Task {
  const task = store.tasks.get(id);
  if (!task) throw notFound(`Task with ID "${id}" not found.`);
  return task;
}

function resolveLinkedRecords(store: Store, items: z.infer<typeof linkedRecordSchema>[]): Task['linked_records'] {
  return items.map((item) => {
    if (typeof item === 'string') {
      if (isUuid(item)) {
        const record = store.records.get(item);
        if (!record) throw valueNotFound(`Cannot find record with ID "${item}".`);
        return { target_object_id: record.object_id, target_record_id: record.id };
      }
      // Companies can be linked by domain, people by email address.
      const companies = store.findObject('companies');
      const people = store.findObject('people');
      const byEmail =
        item.includes('@') && people ? findRecordByMatch(store, people.id, 'email_addresses', item) : undefined;
      const byDomain =
        !item.includes('@') && companies ? findRecordByMatch(store, companies.id, 'domains', item) : undefined;
      const record = byEmail ?? byDomain;
      if (!record) throw valueNotFound(`Cannot find a record matching "${item}".`);
      return { target_object_id: record.object_id, target_record_id: record.id };
    }
    const objectRef = item.target_object;
    if (typeof objectRef !== 'string') throw validationError('Linked records need a "target_object".');
    const object = store.findObject(objectRef);
    // Attio documents 404 not_found for an unknown object here (POST /v2/tasks, PATCH /v2/tasks/{task_id}).
    if (!object) throw notFound(`Object with slug/ID "${objectRef}" not found.`);
    if (typeof item.target_record_id === 'string') {
      const record = store.requireRecord(object, item.target_record_id);
      return { target_object_id: object.id, target_record_id: record.id };
    }
    const keys = Object.keys(item).filter((k) => k !== 'target_object');
    const key = keys[0];
    if (keys.length !== 1 || key === undefined)
      throw validationError('Linked records need "target_record_id" or one matching attribute.');
    const record = findRecordByMatch(store, object.id, key, item[key]);
    if (!record)
      throw valueNotFound(`Cannot find a record on object "${object.api_slug}" matching attribute "${key}".`);
    return { target_object_id: object.id, target_record_id: record.id };
  });
}

function resolveAssignees(store: Store, items: z.infer<typeof assigneeSchema>[]): Task['assignees'] {
  return items.map((item) => {
    const member =
      'workspace_member_email_address' in item
        ? store.memberByEmail(item.workspace_member_email_address)
        : store.members.get(item.referenced_actor_id);
    if (!member) {
      const ref =
        'workspace_member_email_address' in item ? item.workspace_member_email_address : item.referenced_actor_id;
      throw valueNotFound(`Cannot find workspace member "${ref}".`);
    }
    return { referenced_actor_type: 'workspace-member', referenced_actor_id: member.id };
  });
}

function parseDeadline(raw: string | null): string | null {
  if (raw === null) return null;
  const value = normalizeTimestamp(raw);
  if (!value) throw validationError(`"deadline_at" must be an ISO 8601 timestamp.`);
  return value;
}

export function registerTaskRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/tasks', (c) => {
    const store = deps.store(c);
    const limit = queryInt(c, 'limit', { fallback: 500, min: 1 });
    const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
    const sort = c.req.query('sort') ?? 'created_at:asc';
    if (!['created_at:asc', 'created_at:desc', 'completed_at:asc', 'completed_at:desc'].includes(sort)) {
      throw validationError(
        `"sort" must be one of created_at:asc, created_at:desc, completed_at:asc, completed_at:desc.`,
      );
    }
    const linkedObject = c.req.query('linked_object');
    const linkedRecordId = c.req.query('linked_record_id');
    if ((linkedObject === undefined) !== (linkedRecordId === undefined)) {
      throw validationError(`"linked_object" and "linked_record_id" must be provided together.`);
    }
    let tasks = [...store.tasks.values()];
    if (linkedObject !== undefined && linkedRecordId !== undefined) {
      const object = store.requireObject(linkedObject);
      tasks = tasks.filter((t) =>
        t.linked_records.some((l) => l.target_object_id === object.id && l.target_record_id === linkedRecordId),
      );
    }
    const assignee = c.req.query('assignee');
    if (assignee !== undefined) {
      if (assignee === '' || assignee === 'null') {
        tasks = tasks.filter((t) => t.assignees.length === 0);
      } else {
        const member = store.memberByEmail(assignee) ?? store.members.get(assignee);
        tasks = member ? tasks.filter((t) => t.assignees.some((a) => a.referenced_actor_id === member.id)) : [];
      }
    }
    const completed = queryBool(c, 'is_completed');
    if (completed !== undefined) tasks = tasks.filter((t) => t.is_completed === completed);
    const [field, direction] = sort.split(':');
    const sign = direction === 'desc' ? -1 : 1;
    tasks.sort((a, b) => {
      if (field === 'completed_at') {
        if (a.completed_at === b.completed_at) return 0;
        if (a.completed_at === null) return direction === 'asc' ? -1 : 1;
        if (b.completed_at === null) return direction === 'asc' ? 1 : -1;
        return a.completed_at < b.completed_at ? -sign : sign;
      }
      return a.created_at < b.created_at ? -sign : a.created_at > b.created_at ? sign : 0;
    });
    return jsonResponse({ data: paginate(tasks, offset, limit).map((t) => renderTask(store, t)) });
  });

  api.post('/tasks', async (c) => {
    const store = deps.store(c);
    const body = await parseBody(c, createTaskSchema);
    const ctx = writeContext(c, deps);
    const task: Task = {
      id: randomUuid(),
      content_plaintext: body.data.content,
      deadline_at: parseDeadline(body.data.deadline_at),
      is_completed: body.data.is_completed,
      completed_at: body.data.is_completed ? ctx.now : null,
      linked_records: resolveLinkedRecords(store, body.data.linked_records),
      assignees: resolveAssignees(store, body.data.assignees),
      created_by_actor: ctx.actor,
      created_at: ctx.now,
    };
    store.tasks.set(task.id, task);
    return jsonResponse({ data: renderTask(store, task) });
  });

  api.get('/tasks/:task_id', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: renderTask(store, requireTask(store, c.req.param('task_id'))) });
  });

  api.patch('/tasks/:task_id', async (c) => {
    const store = deps.store(c);
    const task = requireTask(store, c.req.param('task_id'));
    const body = await parseBody(c, updateTaskSchema);
    const ctx = writeContext(c, deps);
    const update = body.data;
    // Resolve everything before mutating so a failing request changes nothing.
    const deadline = update.deadline_at === undefined ? task.deadline_at : parseDeadline(update.deadline_at);
    const links = update.linked_records ? resolveLinkedRecords(store, update.linked_records) : task.linked_records;
    const assignees = update.assignees ? resolveAssignees(store, update.assignees) : task.assignees;
    task.deadline_at = deadline;
    task.linked_records = links;
    task.assignees = assignees;
    if (update.is_completed !== undefined && update.is_completed !== task.is_completed) {
      task.is_completed = update.is_completed;
      task.completed_at = update.is_completed ? ctx.now : null;
    }
    return jsonResponse({ data: renderTask(store, task) });
  });

  api.delete('/tasks/:task_id', (c) => {
    const store = deps.store(c);
    const task = requireTask(store, c.req.param('task_id'));
    store.tasks.delete(task.id);
    return jsonResponse({});
  });
}
