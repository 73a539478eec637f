import type { AnyToolDefinition } from '../../mcp/tool';
import { fetchRecord, search } from './chatgpt';
import type { AttioToolContext } from './context';
import { describeObject } from './describe-object';
import { getRecord } from './get-record';
import { health } from './health';
import { addToList, updateListEntry } from './list-entries';
import { createNote, listNotes } from './notes';
import { queryRecords } from './query-records';
import { searchRecords } from './search-records';
import { completeTask, createTask, listTasks } from './tasks';
import { whoami } from './whoami';
import { createRecord, deleteRecord, updateRecord, upsertRecord } from './write-records';

/** The Attio tool pack. Add a tool: one file in this folder (or beside its kin), then list it here. */
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
