import type { AnyToolDefinition } from '../../mcp/tool';
import { addToList } from './add-to-list';
import { completeTask } from './complete-task';
import type { AttioToolContext } from './context';
import { createNote } from './create-note';
import { createRecord } from './create-record';
import { createTask } from './create-task';
import { deleteRecord } from './delete-record';
import { describeObject } from './describe-object';
import { fetchRecord } from './fetch';
import { getRecord } from './get-record';
import { health } from './health';
import { listNotes } from './list-notes';
import { listTasks } from './list-tasks';
import { queryRecords } from './query-records';
import { search } from './search';
import { searchRecords } from './search-records';
import { updateListEntry } from './update-list-entry';
import { updateRecord } from './update-record';
import { upsertRecord } from './upsert-record';
import { whoami } from './whoami';

/**
 * The Attio tool pack. Add a tool: one file in this folder, then list it here. Beside the tools:
 * `catalog.ts` (workspace schema, cached), `filter.ts`, `values.ts`, `records.ts`, and the small
 * shared views of notes, tasks, list entries and record writes.
 */
export const attioTools: AnyToolDefinition<AttioToolContext>[] = [
  // read
  searchRecords,
  queryRecords,
  getRecord,
  describeObject,
  listNotes,
  listTasks,
  // write
  createRecord,
  updateRecord,
  upsertRecord,
  deleteRecord,
  createNote,
  createTask,
  completeTask,
  addToList,
  updateListEntry,
  // ChatGPT connectors and deep research
  search,
  fetchRecord,
  // connection
  whoami,
  health,
];
