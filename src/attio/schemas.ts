import { z } from 'zod';

/**
 * zod schemas for the parts of Attio's responses we read. Objects are loose (`z.looseObject`)
 * so fields Attio adds later never break a call; only what we use is required.
 */

/** `GET /v2/self`: token introspection, flat. An inactive token answers `{ active: false }`. */
export const SelfResponse = z.union([
  z.looseObject({
    active: z.literal(true),
    workspace_id: z.string(),
    workspace_name: z.string(),
    workspace_slug: z.string(),
    authorized_by_workspace_member_id: z.string().nullable(),
    scope: z.string().optional(),
  }),
  z.looseObject({ active: z.literal(false) }),
]);
export type SelfResponse = z.infer<typeof SelfResponse>;

export const WorkspaceMemberResponse = z.object({
  data: z.looseObject({
    id: z.looseObject({ workspace_member_id: z.string() }),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    email_address: z.string().nullable(),
    access_level: z.string().optional(),
  }),
});

/** One typed value of an attribute, with history metadata; the rest depends on `attribute_type`. */
export const AttioValue = z.looseObject({ attribute_type: z.string() });
export type AttioValue = z.infer<typeof AttioValue>;

export const RecordId = z.looseObject({ workspace_id: z.string(), object_id: z.string(), record_id: z.string() });

export const AttioRecord = z.looseObject({
  id: RecordId,
  created_at: z.string(),
  web_url: z.string().optional(),
  values: z.record(z.string(), z.array(AttioValue)),
});
export type AttioRecord = z.infer<typeof AttioRecord>;

export const RecordsResponse = z.object({ data: z.array(AttioRecord) });

/** `POST /v2/objects/records/search` answers a compact shape, not full records. */
export const RecordSearchResult = z.looseObject({
  id: RecordId,
  object_slug: z.string(),
  record_text: z.string(),
  domains: z.array(z.string()).optional(),
  email_addresses: z.array(z.string()).optional(),
});
export const RecordSearchResponse = z.object({ data: z.array(RecordSearchResult) });

/** `GET /v2/{objects|lists}/{id}/attributes`: one attribute's definition. */
export const AttioAttribute = z.looseObject({
  api_slug: z.string(),
  title: z.string(),
  type: z.string(),
  is_multiselect: z.boolean(),
  is_writable: z.boolean().optional(),
  is_required: z.boolean().optional(),
  is_unique: z.boolean().optional(),
  is_archived: z.boolean().optional(),
  config: z
    .looseObject({
      record_reference: z.looseObject({ allowed_object_ids: z.array(z.string()).nullish() }).nullish(),
      currency: z.looseObject({ default_currency_code: z.string().nullable() }).nullish(),
    })
    .optional(),
});
export type AttioAttribute = z.infer<typeof AttioAttribute>;
export const AttributesResponse = z.object({ data: z.array(AttioAttribute) });

/** Select options (`…/options`) and statuses (`…/statuses`) both carry a title and an archived flag. */
export const OptionsResponse = z.object({
  data: z.array(z.looseObject({ title: z.string(), is_archived: z.boolean().optional() })),
});

export const ObjectsResponse = z.object({
  data: z.array(
    z.looseObject({
      id: z.looseObject({ object_id: z.string() }),
      api_slug: z.string(),
      singular_noun: z.string().nullable(),
      plural_noun: z.string().nullable(),
    }),
  ),
});

export const ListsResponse = z.object({
  data: z.array(
    z.looseObject({
      id: z.looseObject({ list_id: z.string() }),
      api_slug: z.string(),
      name: z.string(),
      parent_object: z.array(z.string()),
    }),
  ),
});

export const WorkspaceMembersResponse = z.object({ data: z.array(WorkspaceMemberResponse.shape.data) });

export const RecordResponse = z.object({ data: AttioRecord });
export const EmptyResponse = z.looseObject({});

export const AttioEntry = z.looseObject({
  id: z.looseObject({ list_id: z.string(), entry_id: z.string() }),
  parent_record_id: z.string(),
  parent_object: z.string(),
  created_at: z.string(),
  entry_values: z.record(z.string(), z.array(AttioValue)),
});
export type AttioEntry = z.infer<typeof AttioEntry>;
export const EntryResponse = z.object({ data: AttioEntry });
export const EntriesResponse = z.object({ data: z.array(AttioEntry) });
export const RecordEntriesResponse = z.object({
  data: z.array(z.looseObject({ list_id: z.string(), list_api_slug: z.string(), entry_id: z.string() })),
});

/** Attio leaves out (or nulls) the id and type of an actor it cannot name, such as the system. */
const Actor = z.looseObject({ type: z.string().nullish(), id: z.string().nullish() });

export const AttioNote = z.looseObject({
  id: z.looseObject({ note_id: z.string() }),
  parent_object: z.string(),
  parent_record_id: z.string(),
  title: z.string(),
  content_plaintext: z.string(),
  created_by_actor: Actor,
  created_at: z.string(),
});
export type AttioNote = z.infer<typeof AttioNote>;
export const NoteResponse = z.object({ data: AttioNote });
export const NotesResponse = z.object({ data: z.array(AttioNote) });

export const AttioTask = z.looseObject({
  id: z.looseObject({ task_id: z.string() }),
  content_plaintext: z.string(),
  deadline_at: z.string().nullable(),
  is_completed: z.boolean(),
  linked_records: z.array(z.looseObject({ target_object_id: z.string(), target_record_id: z.string() })),
  assignees: z.array(z.looseObject({ referenced_actor_type: z.string(), referenced_actor_id: z.string() })),
  created_at: z.string(),
});
export type AttioTask = z.infer<typeof AttioTask>;
export const TaskResponse = z.object({ data: AttioTask });
export const TasksResponse = z.object({ data: z.array(AttioTask) });

/** A page of a cursor-paged list (meetings, call recordings, transcripts, views). */
const Pagination = z.looseObject({ next_cursor: z.string().nullable() });

/** `GET /v2/lists/{list}/views`: a list's saved views; an id is a `filter_view_id` for entries/query. */
export const ViewsResponse = z.object({
  data: z.array(z.looseObject({ id: z.looseObject({ view_id: z.string() }), title: z.string() })),
  pagination: Pagination,
});

/** Values of one attribute; with `show_historic`, the ended ones too, oldest first. */
export const ValuesResponse = z.object({ data: z.array(AttioValue) });

/** A meeting's start or end: a date and time (with the timezone, if known) or, all day, a date. */
const MeetingTime = z.union([
  z.looseObject({ datetime: z.string(), timezone: z.string().nullish() }),
  z.looseObject({ date: z.string() }),
]);

export const AttioMeeting = z.looseObject({
  id: z.looseObject({ meeting_id: z.string() }),
  title: z.string(),
  is_all_day: z.boolean(),
  start: MeetingTime,
  end: MeetingTime,
  participants: z.array(z.looseObject({ email_address: z.string().nullable(), is_organizer: z.boolean() })),
  linked_records: z.array(z.looseObject({ object_slug: z.string(), record_id: z.string() })),
});
export type AttioMeeting = z.infer<typeof AttioMeeting>;
export const MeetingResponse = z.object({ data: AttioMeeting });
export const MeetingsResponse = z.object({ data: z.array(AttioMeeting), pagination: Pagination });

export const CallRecordingsResponse = z.object({
  data: z.array(
    z.looseObject({
      id: z.looseObject({ call_recording_id: z.string() }),
      status: z.string(),
      created_at: z.string(),
    }),
  ),
  pagination: Pagination,
});

export const TranscriptResponse = z.object({
  data: z.looseObject({
    transcript: z.array(
      z.looseObject({ speech: z.string(), start_time: z.number(), speaker: z.looseObject({ name: z.string() }) }),
    ),
    web_url: z.string().optional(),
  }),
  pagination: Pagination,
});

export const AttioComment = z.looseObject({
  id: z.looseObject({ comment_id: z.string() }),
  thread_id: z.string(),
  content_plaintext: z.string(),
  author: Actor,
  created_at: z.string(),
  resolved_at: z.string().nullable(),
});
export type AttioComment = z.infer<typeof AttioComment>;
export const ThreadsResponse = z.object({
  data: z.array(
    z.looseObject({
      id: z.looseObject({ thread_id: z.string() }),
      // Sorted by `created_at`, as Attio documents.
      comments: z.array(AttioComment),
      created_at: z.string(),
    }),
  ),
});
export const CommentResponse = z.object({ data: AttioComment });
