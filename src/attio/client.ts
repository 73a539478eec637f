import type { z } from 'zod';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, pathSegment, requestJson, type UpstreamApi } from '../http/json-client';
import { AttioError, toAttioError } from './errors';
import {
  AttributesResponse,
  CallRecordingsResponse,
  CommentResponse,
  EmptyResponse,
  EntriesResponse,
  EntryResponse,
  ListsResponse,
  MeetingResponse,
  MeetingsResponse,
  NoteResponse,
  NotesResponse,
  ObjectsResponse,
  OptionsResponse,
  RecordEntriesResponse,
  RecordResponse,
  RecordSearchResponse,
  RecordsResponse,
  SelfResponse,
  TaskResponse,
  TasksResponse,
  ThreadsResponse,
  TranscriptResponse,
  ValuesResponse,
  ViewsResponse,
  WorkspaceMemberResponse,
  WorkspaceMembersResponse,
} from './schemas';

/**
 * The OAuth scopes each endpoint needs, as Attio's API reference lists them ("Required scopes"):
 * a 403 names them, so the operator knows what to add to the Attio app.
 */
const SCOPES = {
  objects: ['object_configuration:read'],
  lists: ['list_configuration:read'],
  members: ['user_management:read'],
  readRecords: ['record_permission:read', 'object_configuration:read'],
  writeRecords: ['record_permission:read-write', 'object_configuration:read'],
  recordEntries: ['record_permission:read', 'object_configuration:read', 'list_entry:read'],
  readEntries: ['list_entry:read', 'list_configuration:read'],
  writeEntries: ['list_entry:read-write', 'list_configuration:read'],
  readNotes: ['note:read', 'object_configuration:read', 'record_permission:read'],
  writeNotes: ['note:read-write', 'object_configuration:read', 'record_permission:read'],
  readTasks: ['task:read', 'object_configuration:read', 'record_permission:read', 'user_management:read'],
  writeTasks: ['task:read-write', 'object_configuration:read', 'record_permission:read', 'user_management:read'],
  meetings: ['meeting:read', 'record_permission:read'],
  recordings: ['meeting:read', 'call_recording:read'],
  // Comments need the scopes of what they are on as well: records or list entries.
  readRecordComments: ['comment:read', 'object_configuration:read', 'record_permission:read'],
  readEntryComments: ['comment:read', 'list_configuration:read', 'list_entry:read'],
  writeRecordComments: ['comment:read-write', 'object_configuration:read', 'record_permission:read'],
  writeEntryComments: ['comment:read-write', 'list_configuration:read', 'list_entry:read'],
} as const;

/** What comments are on: a record, or a list entry. */
export type CommentTarget = { object: string; recordId: string } | { list: string; entryId: string };

export interface MeetingsQuery {
  linkedObject?: string;
  linkedRecordId?: string;
  /** Meetings with at least one of these participants. */
  participants?: readonly string[];
  /** Meetings that end at or after this time. */
  endsFrom?: string;
  /** Meetings that start before this time. */
  startsBefore?: string;
  sort: 'start_asc' | 'start_desc';
  limit: number;
  cursor?: string;
}

/** Where attributes live: an object (`companies`) or a list (`sales_pipeline`). */
export type AttributeParent = { kind: 'objects' | 'lists'; slug: string };
type Values = Record<string, unknown>;
/** A path segment: encoded, and never empty, `.` or `..` (see `pathSegment`). */
const seg = (value: string) => pathSegment('Attio', value);

export interface AttioClientOptions {
  apiUrl: string;
  token: string;
  /** Retries after a 429 or a 5xx before giving up; each waits as Attio's `Retry-After` says, capped. */
  maxRetries?: number;
  /** Longest single wait for a retry, in milliseconds. */
  maxRetryDelayMs?: number;
  /** Longest wait for one attempt, in milliseconds. */
  timeoutMs?: number;
  /** The tool call's cancellation: requests stop when it aborts. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export class AttioClient {
  readonly #apiUrl: string;
  readonly #token: string;
  readonly #api: UpstreamApi;

  constructor(options: AttioClientOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#api = {
      name: 'Attio',
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      retry: {
        maxRetries: options.maxRetries ?? DEFAULT_RETRY.maxRetries,
        maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULT_RETRY.maxRetryDelayMs,
      },
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
      toError: toAttioError,
    };
  }

  /** `GET /v2/self`: the token's workspace and the member who authorized it. */
  self() {
    return this.request('GET', '/v2/self', SelfResponse, { scopes: [] });
  }

  workspaceMember(memberId: string) {
    return this.request('GET', `/v2/workspace_members/${seg(memberId)}`, WorkspaceMemberResponse, {
      scopes: SCOPES.members,
    });
  }

  /** `POST /v2/objects/records/search`: fuzzy search by name, domain, email… (Attio: limit ≤ 25). */
  searchRecords(body: { query: string; objects: string[]; limit: number }) {
    return this.request('POST', '/v2/objects/records/search', RecordSearchResponse, {
      body: { ...body, request_as: { type: 'workspace' } },
      read: true,
      scopes: SCOPES.readRecords,
    });
  }

  /** `POST /v2/objects/{object}/records/query` with Attio's filter language. */
  queryRecords(object: string, body: { filter?: unknown; sorts?: unknown; limit?: number; offset?: number }) {
    return this.request('POST', `/v2/objects/${seg(object)}/records/query`, RecordsResponse, {
      body,
      read: true,
      scopes: SCOPES.readRecords,
    });
  }

  workspaceMembers() {
    return this.request('GET', '/v2/workspace_members', WorkspaceMembersResponse, { scopes: SCOPES.members });
  }

  objects() {
    return this.request('GET', '/v2/objects', ObjectsResponse, { scopes: SCOPES.objects });
  }

  lists() {
    return this.request('GET', '/v2/lists', ListsResponse, { scopes: SCOPES.lists });
  }

  attributes(parent: AttributeParent) {
    return this.request('GET', `/v2/${parent.kind}/${seg(parent.slug)}/attributes`, AttributesResponse, {
      scopes: SCOPES.objects,
    });
  }

  /** A select's options are at `/options`; a status attribute's values only at `/statuses`. */
  attributeChoices(parent: AttributeParent, attribute: string, kind: 'options' | 'statuses') {
    return this.request(
      'GET',
      `/v2/${parent.kind}/${seg(parent.slug)}/attributes/${seg(attribute)}/${kind}`,
      OptionsResponse,
      { scopes: SCOPES.objects },
    );
  }

  getRecord(object: string, recordId: string) {
    return this.request('GET', `/v2/objects/${seg(object)}/records/${seg(recordId)}`, RecordResponse, {
      scopes: SCOPES.readRecords,
    });
  }

  createRecord(object: string, values: Values) {
    return this.request('POST', `/v2/objects/${seg(object)}/records`, RecordResponse, {
      body: { data: { values } },
      scopes: SCOPES.writeRecords,
    });
  }

  /** `PUT …/records?matching_attribute=`: update the record with that unique value, or create it. */
  assertRecord(object: string, matchingAttribute: string, values: Values) {
    const path = `/v2/objects/${seg(object)}/records?matching_attribute=${encodeURIComponent(matchingAttribute)}`;
    return this.request('PUT', path, RecordResponse, { body: { data: { values } }, scopes: SCOPES.writeRecords });
  }

  /** `PATCH` adds to multiselect values; other values are overwritten. */
  updateRecord(object: string, recordId: string, values: Values) {
    return this.request('PATCH', `/v2/objects/${seg(object)}/records/${seg(recordId)}`, RecordResponse, {
      body: { data: { values } },
      scopes: SCOPES.writeRecords,
    });
  }

  deleteRecord(object: string, recordId: string) {
    return this.request('DELETE', `/v2/objects/${seg(object)}/records/${seg(recordId)}`, EmptyResponse, {
      scopes: SCOPES.writeRecords,
    });
  }

  recordEntries(object: string, recordId: string) {
    return this.request('GET', `/v2/objects/${seg(object)}/records/${seg(recordId)}/entries`, RecordEntriesResponse, {
      scopes: SCOPES.recordEntries,
    });
  }

  notes(query: { parentObject: string; parentRecordId: string; limit: number; offset: number }) {
    const params = new URLSearchParams({
      parent_object: query.parentObject,
      parent_record_id: query.parentRecordId,
      limit: String(query.limit),
      offset: String(query.offset),
    });
    return this.request('GET', `/v2/notes?${params}`, NotesResponse, { scopes: SCOPES.readNotes });
  }

  createNote(note: { parentObject: string; parentRecordId: string; title: string; content: string }) {
    return this.request('POST', '/v2/notes', NoteResponse, {
      body: {
        data: {
          parent_object: note.parentObject,
          parent_record_id: note.parentRecordId,
          title: note.title,
          format: 'markdown',
          content: note.content,
        },
      },
      scopes: SCOPES.writeNotes,
    });
  }

  tasks(query: Record<string, string>) {
    return this.request('GET', `/v2/tasks?${new URLSearchParams(query)}`, TasksResponse, { scopes: SCOPES.readTasks });
  }

  createTask(data: Values) {
    return this.request('POST', '/v2/tasks', TaskResponse, { body: { data }, scopes: SCOPES.writeTasks });
  }

  updateTask(taskId: string, data: Values) {
    return this.request('PATCH', `/v2/tasks/${seg(taskId)}`, TaskResponse, {
      body: { data },
      scopes: SCOPES.writeTasks,
    });
  }

  queryEntries(
    list: string,
    body: { filter?: unknown; filter_view_id?: string; sorts?: unknown; limit?: number; offset?: number },
  ) {
    return this.request('POST', `/v2/lists/${seg(list)}/entries/query`, EntriesResponse, {
      body,
      read: true,
      scopes: SCOPES.readEntries,
    });
  }

  addEntry(list: string, entry: { parentObject: string; parentRecordId: string; values: Values }) {
    return this.request('POST', `/v2/lists/${seg(list)}/entries`, EntryResponse, {
      body: {
        data: { parent_object: entry.parentObject, parent_record_id: entry.parentRecordId, entry_values: entry.values },
      },
      scopes: SCOPES.writeEntries,
    });
  }

  updateEntry(list: string, entryId: string, values: Values) {
    return this.request('PATCH', `/v2/lists/${seg(list)}/entries/${seg(entryId)}`, EntryResponse, {
      body: { data: { entry_values: values } },
      scopes: SCOPES.writeEntries,
    });
  }

  /** `GET /v2/lists/{list}/views`: the list's saved views (one page of up to 500 is plenty). */
  listViews(list: string) {
    return this.request('GET', `/v2/lists/${seg(list)}/views?limit=500`, ViewsResponse, { scopes: SCOPES.lists });
  }

  /** Every value an attribute has had on a record or list entry, oldest first (`show_historic`). */
  valueHistory(parent: AttributeParent, rowId: string, attribute: string) {
    const rows = parent.kind === 'objects' ? 'records' : 'entries';
    return this.request(
      'GET',
      `/v2/${parent.kind}/${seg(parent.slug)}/${rows}/${seg(rowId)}/attributes/${seg(attribute)}/values?show_historic=true`,
      ValuesResponse,
      { scopes: parent.kind === 'objects' ? SCOPES.readRecords : SCOPES.readEntries },
    );
  }

  /** `GET /v2/meetings` (beta): filtered by linked record, participants and time, sorted by start. */
  meetings(query: MeetingsQuery) {
    const params = new URLSearchParams({ sort: query.sort, limit: String(query.limit) });
    if (query.linkedObject && query.linkedRecordId) {
      params.set('linked_object', query.linkedObject);
      params.set('linked_record_id', query.linkedRecordId);
    }
    if (query.participants?.length) params.set('participants', query.participants.join(','));
    if (query.endsFrom) params.set('ends_from', query.endsFrom);
    if (query.startsBefore) params.set('starts_before', query.startsBefore);
    if (query.cursor) params.set('cursor', query.cursor);
    return this.request('GET', `/v2/meetings?${params}`, MeetingsResponse, { scopes: SCOPES.meetings });
  }

  meeting(meetingId: string) {
    return this.request('GET', `/v2/meetings/${seg(meetingId)}`, MeetingResponse, { scopes: SCOPES.meetings });
  }

  callRecordings(meetingId: string) {
    return this.request('GET', `/v2/meetings/${seg(meetingId)}/call_recordings?limit=200`, CallRecordingsResponse, {
      scopes: SCOPES.recordings,
    });
  }

  /** One page of a recording's transcript (speech segments); follow `pagination.next_cursor` for more. */
  transcript(meetingId: string, recordingId: string, cursor?: string) {
    const query = cursor ? `?${new URLSearchParams({ cursor })}` : '';
    return this.request(
      'GET',
      `/v2/meetings/${seg(meetingId)}/call_recordings/${seg(recordingId)}/transcript${query}`,
      TranscriptResponse,
      { scopes: SCOPES.recordings },
    );
  }

  /** `GET /v2/threads`: the comment threads on a record or a list entry (Attio: limit ≤ 50). */
  threads(target: CommentTarget, page: { limit: number; offset: number }) {
    const params = new URLSearchParams(
      'object' in target
        ? { object: target.object, record_id: target.recordId }
        : { list: target.list, entry_id: target.entryId },
    );
    params.set('limit', String(page.limit));
    params.set('offset', String(page.offset));
    return this.request('GET', `/v2/threads?${params}`, ThreadsResponse, {
      scopes: 'object' in target ? SCOPES.readRecordComments : SCOPES.readEntryComments,
    });
  }

  /** `POST /v2/comments`: a reply in a thread, or a new thread on a record or list entry, by a member. */
  createComment(comment: { authorId: string; content: string; on: CommentTarget | { threadId: string } }) {
    const { on } = comment;
    const where =
      'threadId' in on
        ? { thread_id: on.threadId }
        : 'object' in on
          ? { record: { object: on.object, record_id: on.recordId } }
          : { entry: { list: on.list, entry_id: on.entryId } };
    return this.request('POST', '/v2/comments', CommentResponse, {
      body: {
        data: {
          format: 'plaintext',
          content: comment.content,
          author: { type: 'workspace-member', id: comment.authorId },
          ...where,
        },
      },
      scopes: 'list' in on ? SCOPES.writeEntryComments : SCOPES.writeRecordComments,
    });
  }

  request<T>(method: string, path: string, schema: z.ZodType<T>, options: AttioRequestOptions): Promise<T> {
    return requestJson(this.#api, {
      method,
      url: `${this.#apiUrl}${path}`,
      headers: { Authorization: `Bearer ${this.#token}` },
      body: options.body,
      read: options.read,
      schema,
    }).catch((error: unknown) => {
      throw error instanceof AttioError && isMissingPermission(error) ? withScopes(error, options.scopes) : error;
    });
  }
}

export interface AttioRequestOptions {
  body?: unknown;
  /** A POST that only reads (query, search): retried like a GET. */
  read?: boolean;
  /** The scopes Attio's reference lists for the endpoint, named when Attio answers 403. */
  scopes: readonly string[];
}

/** Attio's 403s other than plan limits (`billing_error`, `quota_exceeded`) mean the token lacks a scope. */
function isMissingPermission(error: AttioError): boolean {
  return error.status === 403 && error.code !== 'billing_error' && error.code !== 'quota_exceeded';
}

function withScopes(error: AttioError, scopes: readonly string[]): AttioError {
  const advice = scopes.length
    ? ` This needs the Attio scopes ${scopes.join(', ')}: add the missing one to the Attio app's scopes (build.attio.com), then reconnect this server.`
    : '';
  return new AttioError(error.status, error.code, `${error.message}${advice}`, error.retryAfterSeconds);
}
