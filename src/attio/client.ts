import type { z } from 'zod';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, requestJson, type UpstreamApi } from '../http/json-client';
import { toAttioError } from './errors';
import {
  AttributesResponse,
  EmptyResponse,
  EntriesResponse,
  EntryResponse,
  ListsResponse,
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
  WorkspaceMemberResponse,
  WorkspaceMembersResponse,
} from './schemas';

/** Where attributes live: an object (`companies`) or a list (`sales_pipeline`). */
export type AttributeParent = { kind: 'objects' | 'lists'; slug: string };
type Values = Record<string, unknown>;
const seg = encodeURIComponent;

export interface AttioClientOptions {
  apiUrl: string;
  token: string;
  /** Retries after a 429 or a 5xx before giving up; each waits as Attio's `Retry-After` says, capped. */
  maxRetries?: number;
  /** Longest single wait for a retry, in milliseconds. */
  maxRetryDelayMs?: number;
  /** Longest wait for one attempt, in milliseconds. */
  timeoutMs?: number;
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
      toError: toAttioError,
    };
  }

  /** `GET /v2/self`: the token's workspace and the member who authorized it. */
  self() {
    return this.request('GET', '/v2/self', SelfResponse);
  }

  workspaceMember(memberId: string) {
    return this.request('GET', `/v2/workspace_members/${seg(memberId)}`, WorkspaceMemberResponse);
  }

  /** `POST /v2/objects/records/search`: fuzzy search by name, domain, email… (Attio: limit ≤ 25). */
  searchRecords(body: { query: string; objects: string[]; limit: number }) {
    return this.request('POST', '/v2/objects/records/search', RecordSearchResponse, {
      ...body,
      request_as: { type: 'workspace' },
    });
  }

  /** `POST /v2/objects/{object}/records/query` with Attio's filter language. */
  queryRecords(object: string, body: { filter?: unknown; sorts?: unknown; limit?: number; offset?: number }) {
    return this.request('POST', `/v2/objects/${seg(object)}/records/query`, RecordsResponse, body);
  }

  workspaceMembers() {
    return this.request('GET', '/v2/workspace_members', WorkspaceMembersResponse);
  }

  objects() {
    return this.request('GET', '/v2/objects', ObjectsResponse);
  }

  lists() {
    return this.request('GET', '/v2/lists', ListsResponse);
  }

  attributes(parent: AttributeParent) {
    return this.request('GET', `/v2/${parent.kind}/${seg(parent.slug)}/attributes`, AttributesResponse);
  }

  /** A select's options are at `/options`; a status attribute's values only at `/statuses`. */
  attributeChoices(parent: AttributeParent, attribute: string, kind: 'options' | 'statuses') {
    return this.request(
      'GET',
      `/v2/${parent.kind}/${seg(parent.slug)}/attributes/${seg(attribute)}/${kind}`,
      OptionsResponse,
    );
  }

  getRecord(object: string, recordId: string) {
    return this.request('GET', `/v2/objects/${seg(object)}/records/${seg(recordId)}`, RecordResponse);
  }

  createRecord(object: string, values: Values) {
    return this.request('POST', `/v2/objects/${seg(object)}/records`, RecordResponse, { data: { values } });
  }

  /** `PUT …/records?matching_attribute=`: update the record with that unique value, or create it. */
  assertRecord(object: string, matchingAttribute: string, values: Values) {
    const path = `/v2/objects/${seg(object)}/records?matching_attribute=${seg(matchingAttribute)}`;
    return this.request('PUT', path, RecordResponse, { data: { values } });
  }

  /** `PATCH` adds to multiselect values; other values are overwritten. */
  updateRecord(object: string, recordId: string, values: Values) {
    return this.request('PATCH', `/v2/objects/${seg(object)}/records/${seg(recordId)}`, RecordResponse, {
      data: { values },
    });
  }

  deleteRecord(object: string, recordId: string) {
    return this.request('DELETE', `/v2/objects/${seg(object)}/records/${seg(recordId)}`, EmptyResponse);
  }

  recordEntries(object: string, recordId: string) {
    return this.request('GET', `/v2/objects/${seg(object)}/records/${seg(recordId)}/entries`, RecordEntriesResponse);
  }

  notes(query: { parentObject: string; parentRecordId: string; limit: number; offset: number }) {
    const params = new URLSearchParams({
      parent_object: query.parentObject,
      parent_record_id: query.parentRecordId,
      limit: String(query.limit),
      offset: String(query.offset),
    });
    return this.request('GET', `/v2/notes?${params}`, NotesResponse);
  }

  createNote(note: { parentObject: string; parentRecordId: string; title: string; content: string }) {
    return this.request('POST', '/v2/notes', NoteResponse, {
      data: {
        parent_object: note.parentObject,
        parent_record_id: note.parentRecordId,
        title: note.title,
        format: 'markdown',
        content: note.content,
      },
    });
  }

  tasks(query: Record<string, string>) {
    return this.request('GET', `/v2/tasks?${new URLSearchParams(query)}`, TasksResponse);
  }

  createTask(data: Values) {
    return this.request('POST', '/v2/tasks', TaskResponse, { data });
  }

  updateTask(taskId: string, data: Values) {
    return this.request('PATCH', `/v2/tasks/${seg(taskId)}`, TaskResponse, { data });
  }

  queryEntries(list: string, body: { filter?: unknown; limit?: number; offset?: number }) {
    return this.request('POST', `/v2/lists/${seg(list)}/entries/query`, EntriesResponse, body);
  }

  addEntry(list: string, entry: { parentObject: string; parentRecordId: string; values: Values }) {
    return this.request('POST', `/v2/lists/${seg(list)}/entries`, EntryResponse, {
      data: { parent_object: entry.parentObject, parent_record_id: entry.parentRecordId, entry_values: entry.values },
    });
  }

  updateEntry(list: string, entryId: string, values: Values) {
    return this.request('PATCH', `/v2/lists/${seg(list)}/entries/${seg(entryId)}`, EntryResponse, {
      data: { entry_values: values },
    });
  }

  request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    return requestJson(this.#api, {
      method,
      url: `${this.#apiUrl}${path}`,
      headers: { Authorization: `Bearer ${this.#token}` },
      body,
      schema,
    });
  }
}
