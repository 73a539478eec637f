// In-memory data model of the stand-in workspace. Values are stored in a typed,
// normalized form (ValueData) and rendered into Attio's wire shape by values.ts.

export type AttributeType =
  | 'text'
  | 'number'
  | 'checkbox'
  | 'currency'
  | 'date'
  | 'timestamp'
  | 'rating'
  | 'status'
  | 'select'
  | 'record-reference'
  | 'actor-reference'
  | 'location'
  | 'domain'
  | 'email-address'
  | 'phone-number'
  | 'interaction'
  | 'personal-name';

export type ActorType = 'api-token' | 'workspace-member' | 'system' | 'app';

export interface Actor {
  type: ActorType | null;
  id: string | null;
}

export type InteractionType = 'calendar-event' | 'call' | 'chat-thread' | 'email' | 'in-person-meeting' | 'meeting';

export interface LocationData {
  line_1: string | null;
  line_2: string | null;
  line_3: string | null;
  line_4: string | null;
  locality: string | null;
  region: string | null;
  postcode: string | null;
  country_code: string | null;
  latitude: string | null;
  longitude: string | null;
}

export type ValueData =
  | { type: 'text'; value: string }
  | { type: 'number'; value: number }
  | { type: 'checkbox'; value: boolean }
  | { type: 'rating'; value: number }
  | { type: 'currency'; currency_value: number }
  | { type: 'date'; value: string }
  | { type: 'timestamp'; value: string }
  | { type: 'select'; option_id: string }
  | { type: 'status'; status_id: string }
  | { type: 'record-reference'; target_object_id: string; target_record_id: string }
  | { type: 'actor-reference'; referenced_actor_type: ActorType; referenced_actor_id: string | null }
  | { type: 'domain'; domain: string; root_domain: string }
  | {
      type: 'email-address';
      original_email_address: string;
      email_address: string;
      email_domain: string;
      email_root_domain: string;
      email_local_specifier: string;
    }
  | { type: 'personal-name'; first_name: string; last_name: string; full_name: string }
  | { type: 'phone-number'; original_phone_number: string; country_code: string; phone_number: string }
  | ({ type: 'location' } & LocationData)
  | { type: 'interaction'; interaction_type: InteractionType; interacted_at: string; owner_actor: Actor };

export interface StoredValue {
  active_from: string;
  /** Set when the value was replaced or removed; the value then lives on in the row's history. */
  active_until?: string;
  created_by_actor: Actor;
  data: ValueData;
}

export type ParentKind = 'object' | 'list';

export interface ParentRef {
  kind: ParentKind;
  id: string;
}

export interface SelectOptionDef {
  id: string;
  title: string;
  is_archived: boolean;
}

export interface StatusDef {
  id: string;
  title: string;
  is_archived: boolean;
  celebration_enabled: boolean;
  target_time_in_status: string | null;
}

/** Attributes whose values are computed from the row rather than stored. */
export type VirtualAttribute = 'record_id' | 'entry_id' | 'created_at' | 'created_by';

export interface AttributeDef {
  id: string;
  parent: ParentRef;
  title: string;
  description: string | null;
  api_slug: string;
  type: AttributeType;
  is_system_attribute: boolean;
  is_writable: boolean;
  /**
   * A company or person attribute Attio's enrichment fills in: a system attribute that the docs'
   * "Writable attributes" table of the object does not list (stand-in only, not rendered).
   */
  enriched: boolean;
  is_required: boolean;
  is_unique: boolean;
  is_multiselect: boolean;
  is_archived: boolean;
  created_at: string;
  currency_code: string | null;
  currency_display_type: 'code' | 'name' | 'narrowSymbol' | 'symbol' | null;
  allowed_object_ids: string[] | null;
  /** The inverse attribute of a relationship pair. */
  relationship_attribute_id: string | null;
  options: SelectOptionDef[];
  statuses: StatusDef[];
  virtual: VirtualAttribute | null;
}

export interface ObjectDef {
  id: string;
  api_slug: string;
  singular_noun: string;
  plural_noun: string;
  created_at: string;
}

export interface ListDef {
  id: string;
  api_slug: string;
  name: string;
  parent_object_id: string;
  workspace_access: 'full-access' | 'read-and-write' | 'read-only' | null;
  created_by_actor: Actor;
  created_at: string;
}

export interface Row {
  id: string;
  created_at: string;
  created_by: Actor;
  values: Map<string, StoredValue[]>;
}

export interface RecordRow extends Row {
  object_id: string;
}

export interface EntryRow extends Row {
  list_id: string;
  parent_object_id: string;
  parent_record_id: string;
}

export interface WorkspaceMember {
  id: string;
  first_name: string;
  last_name: string;
  avatar_url: string | null;
  email_address: string;
  created_at: string;
  access_level: 'admin' | 'member' | 'suspended';
}

export interface Workspace {
  id: string;
  name: string;
  slug: string;
  logo_url: string | null;
}

export interface Note {
  id: string;
  parent_object_id: string;
  parent_record_id: string;
  title: string;
  content_plaintext: string;
  content_markdown: string;
  created_by_actor: Actor;
  created_at: string;
}

export interface Task {
  id: string;
  content_plaintext: string;
  deadline_at: string | null;
  is_completed: boolean;
  completed_at: string | null;
  linked_records: { target_object_id: string; target_record_id: string }[];
  assignees: { referenced_actor_type: ActorType; referenced_actor_id: string }[];
  created_by_actor: Actor;
  created_at: string;
}

/** Who performs a write, and when (seeding uses fixed values, requests use "now"). */
export interface WriteContext {
  now: string;
  actor: Actor;
}

/** A saved view of a list: its title and the filter the web app saved with it. */
export interface ViewDef {
  id: string;
  list_id: string;
  title: string;
  filter: Record<string, unknown> | null;
  created_at: string;
}

export interface MeetingParticipant {
  email_address: string;
  is_organizer: boolean;
  status: 'accepted' | 'tentative' | 'declined' | 'pending';
}

export interface Meeting {
  id: string;
  title: string;
  description: string;
  /** Start and end (exclusive) as Attio timestamps; the seed has no all-day meetings. */
  start: string;
  end: string;
  timezone: string | null;
  participants: MeetingParticipant[];
  linked_records: { object_id: string; record_id: string }[];
  created_by_actor: Actor;
  created_at: string;
}

export interface TranscriptSegment {
  speaker: string;
  /** Seconds from the start of the recording. */
  start_time: number;
  end_time: number;
  speech: string;
}

export interface CallRecording {
  id: string;
  meeting_id: string;
  status: 'processing' | 'completed' | 'failed';
  created_by_actor: Actor;
  created_at: string;
  transcript: TranscriptSegment[];
}

/** A comment thread on a record, or on a list entry (then `record` is the entry's parent record). */
export interface Thread {
  id: string;
  record: { object_id: string; record_id: string };
  entry: { list_id: string; entry_id: string } | null;
  created_at: string;
}

export interface Comment {
  id: string;
  thread_id: string;
  content_plaintext: string;
  author: Actor;
  created_at: string;
  resolved_at: string | null;
  resolved_by: Actor;
}
