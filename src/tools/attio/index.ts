import type { AnyToolDefinition } from '../../mcp/tool';
import { addComment } from './add-comment';
import { addToList } from './add-to-list';
import { getCallTranscript } from './call-transcript';
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
import { listComments } from './list-comments';
import { listEntries } from './list-entries';
import { listMeetings } from './list-meetings';
import { listMembers } from './list-members';
import { listNotes } from './list-notes';
import { listTasks } from './list-tasks';
import { queryRecords } from './query-records';
import { search } from './search';
import { searchRecords } from './search-records';
import { summarizeRecords } from './summarize-records';
import { updateListEntry } from './update-list-entry';
import { updateRecord } from './update-record';
import { upsertRecord } from './upsert-record';
import { getValueHistory } from './value-history';
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
  listEntries,
  summarizeRecords,
  getValueHistory,
  listNotes,
  listTasks,
  listComments,
  listMeetings,
  getCallTranscript,
  listMembers,
  // write
  createRecord,
  updateRecord,
  upsertRecord,
  deleteRecord,
  createNote,
  createTask,
  completeTask,
  addComment,
  addToList,
  updateListEntry,
  // ChatGPT connectors and deep research
  search,
  fetchRecord,
  // connection
  whoami,
  health,
];
