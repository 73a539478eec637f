// Meetings and call recordings (beta in Attio): GET /v2/meetings (filtered by linked record,
// participants and time range, sorted by start, paged by cursor), GET /v2/meetings/{id}, a
// meeting's call recordings, and a recording's transcript (speech segments, paged by cursor).
// Every rule here is from the operation of that path in Attio's OpenAPI document (the README
// lists them); what the document leaves open is marked as the stand-in's own choice.
import type { Hono } from 'hono';
import type { AppEnv } from './auth.ts';
import { jsonResponse, notFound, validationError } from './errors.ts';
import { paginate, queryInt, type RouteDeps } from './http.ts';
import { decodeCursor, encodeCursor } from './lists.ts';
import type { CallRecording, Meeting, TranscriptSegment } from './model.ts';
import type { Store } from './store.ts';
import { timestampToMs } from './util.ts';
import { renderActor } from './values.ts';

/**
 * Speech segments per transcript page. The document sets no page size ("Use the `next_cursor` …
 * to get the next page of speech segments"); the stand-in's is small, so clients must follow it.
 */
export const TRANSCRIPT_PAGE_SIZE = 20;

/** Minutes east of UTC of `timeZone` at the instant `ms`; null for an unknown zone. */
function utcOffsetMinutes(ms: number, timeZone: string): number | null {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(ms));
  } catch {
    return null;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * A meeting's `datetime` as the document's `meeting` schema describes it: "formatted as UTC if no
 * timezone is available. If a timezone is available, the datetime will offset using the specified
 * timezone" (its examples: `2027-11-27T14:00:00.000-04:00`).
 */
export function meetingDatetime(at: string, timeZone: string | null): string {
  const ms = timestampToMs(at) ?? 0;
  const offset = timeZone === null ? null : utcOffsetMinutes(ms, timeZone);
  if (offset === null || offset === 0) return new Date(ms).toISOString();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return new Date(ms + offset * 60_000).toISOString().replace(/Z$/, zone);
}

export function renderMeeting(store: Store, meeting: Meeting): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, meeting_id: meeting.id },
    title: meeting.title,
    description: meeting.description,
    is_all_day: false,
    start: { datetime: meetingDatetime(meeting.start, meeting.timezone), timezone: meeting.timezone },
    end: { datetime: meetingDatetime(meeting.end, meeting.timezone), timezone: meeting.timezone },
    participants: meeting.participants.map((p) => ({ ...p })),
    linked_records: meeting.linked_records.map((l) => ({
      object_slug: store.objects.get(l.object_id)?.api_slug ?? l.object_id,
      object_id: l.object_id,
      record_id: l.record_id,
    })),
    created_at: meeting.created_at,
    created_by_actor: renderActor(meeting.created_by_actor),
  };
}

function recordingUrl(store: Store, recording: CallRecording): string {
  return `${store.webUrlBase}/${store.workspace.slug}/calls/${recording.meeting_id}/${recording.id}`;
}

export function renderCallRecording(store: Store, recording: CallRecording): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, meeting_id: recording.meeting_id, call_recording_id: recording.id },
    status: recording.status,
    web_url: recordingUrl(store, recording),
    created_by_actor: renderActor(recording.created_by_actor),
    created_at: recording.created_at,
  };
}

function requireMeeting(store: Store, id: string): Meeting {
  const meeting = store.meetings.get(id);
  // The document's 404 example: `Meeting with ID "…" was not found.`
  if (!meeting) throw notFound(`Meeting with ID "${id}" was not found.`);
  return meeting;
}

function requireRecording(store: Store, meeting: Meeting, id: string): CallRecording {
  const recording = store.callRecordings.get(id);
  if (!recording || recording.meeting_id !== meeting.id) {
    throw notFound(`Call recording with ID "${id}" was not found.`);
  }
  return recording;
}

function timeBound(raw: string | undefined, name: string): number | null {
  if (raw === undefined || raw === '' || raw === 'null') return null;
  const ms = timestampToMs(raw);
  if (ms === null) throw validationError(`Query parameter validation error: "${name}" must be a timestamp.`);
  return ms;
}

/** `[mm:ss]` of a segment's start, as in the document's `raw_transcript` example (`[00:05] Tom Watson: …`). */
function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `[${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}]`;
}

/**
 * The whole transcript as text, in the shape of the document's example
 * (`"[00:00] Alex Bell: Mr Watson, come here. I want to see you.\n[00:05] Tom Watson: I'm here."`):
 * one line per speaker turn (consecutive segments of one speaker joined), stamped with its start.
 */
function rawTranscript(segments: readonly TranscriptSegment[]): string {
  const turns: { speaker: string; start: number; speech: string[] }[] = [];
  for (const s of segments) {
    const last = turns.at(-1);
    if (last && last.speaker === s.speaker) last.speech.push(s.speech);
    else turns.push({ speaker: s.speaker, start: s.start_time, speech: [s.speech] });
  }
  return turns.map((t) => `${clock(t.start)} ${t.speaker}: ${t.speech.join(' ')}`).join('\n');
}

export function registerMeetingRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/meetings', (c) => {
    const store = deps.store(c);
    const limit = queryInt(c, 'limit', { fallback: 50, min: 1, max: 200 });
    const offset = decodeCursor(c.req.query('cursor'));
    const linkedObject = c.req.query('linked_object');
    const linkedRecordId = c.req.query('linked_record_id');
    // "If provided, linked_record_id must also be provided" (and the other way round). The document
    // lists no error response for this operation: a 400 `validation_type`, Attio's code for a bad
    // request, is the stand-in's reading of "must".
    if ((linkedObject === undefined) !== (linkedRecordId === undefined)) {
      throw validationError('linked_object and linked_record_id must be provided together.');
    }
    // "Must be a valid object slug or ID": an unknown one answers 404 `not_found`, as Attio documents
    // for the other operations that take an object slug (e.g. `parent_object` of GET /v2/notes).
    const object = linkedObject === undefined ? undefined : store.requireObject(linkedObject);
    const emails = (c.req.query('participants') ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    const endsFrom = timeBound(c.req.query('ends_from'), 'ends_from');
    const startsBefore = timeBound(c.req.query('starts_before'), 'starts_before');
    // `timezone` (default "UTC") "has no effect for non-all-day meetings", and the seed has no
    // all-day meeting: it is accepted and has nothing to change.
    const sort = c.req.query('sort') ?? 'start_asc';
    const meetings = [...store.meetings.values()]
      .filter(
        (m) => !object || m.linked_records.some((l) => l.object_id === object.id && l.record_id === linkedRecordId),
      )
      // "at least one of the provided emails as participants" (participants' addresses are normalized).
      .filter((m) => emails.length === 0 || m.participants.some((p) => emails.includes(p.email_address.toLowerCase())))
      // "`ends_from` is inclusive", "`starts_before` is exclusive"; a meeting's end is exclusive too.
      .filter((m) => endsFrom === null || (timestampToMs(m.end) ?? 0) >= endsFrom)
      .filter((m) => startsBefore === null || (timestampToMs(m.start) ?? 0) < startsBefore)
      // "a deterministic sort order": by start, then (the stand-in's tie-break) by meeting id.
      .sort((a, b) => (sort === 'start_desc' ? -1 : 1) * (a.start.localeCompare(b.start) || a.id.localeCompare(b.id)));
    const next = offset + limit < meetings.length ? encodeCursor(offset + limit) : null;
    return jsonResponse({
      data: paginate(meetings, offset, limit).map((m) => renderMeeting(store, m)),
      pagination: { next_cursor: next },
    });
  });

  api.get('/meetings/:meeting_id', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: renderMeeting(store, requireMeeting(store, c.req.param('meeting_id'))) });
  });

  api.get('/meetings/:meeting_id/call_recordings', (c) => {
    const store = deps.store(c);
    // The document lists only a 200 here; an unknown meeting answers the 404 `not_found` it lists
    // for the meeting's other operations (GET /v2/meetings/{meeting_id}).
    const meeting = requireMeeting(store, c.req.param('meeting_id'));
    // "Defaults to 50 with a maximum of 200."
    const limit = queryInt(c, 'limit', { fallback: 50, min: 1, max: 200 });
    const offset = decodeCursor(c.req.query('cursor'));
    // The order is not documented: oldest first here.
    const recordings = [...store.callRecordings.values()]
      .filter((r) => r.meeting_id === meeting.id)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
    const next = offset + limit < recordings.length ? encodeCursor(offset + limit) : null;
    return jsonResponse({
      data: paginate(recordings, offset, limit).map((r) => renderCallRecording(store, r)),
      pagination: { next_cursor: next },
    });
  });

  api.get('/meetings/:meeting_id/call_recordings/:call_recording_id', (c) => {
    const store = deps.store(c);
    const meeting = requireMeeting(store, c.req.param('meeting_id'));
    const recording = requireRecording(store, meeting, c.req.param('call_recording_id'));
    return jsonResponse({ data: renderCallRecording(store, recording) });
  });

  api.get('/meetings/:meeting_id/call_recordings/:call_recording_id/transcript', (c) => {
    const store = deps.store(c);
    const meeting = requireMeeting(store, c.req.param('meeting_id'));
    const recording = requireRecording(store, meeting, c.req.param('call_recording_id'));
    // The document lists only a 200 for this operation: a recording still `processing` (or
    // `failed`) has no speech segments yet, so its transcript is empty, not an error.
    const offset = decodeCursor(c.req.query('cursor'));
    const segments = recording.transcript;
    const page = paginate(segments, offset, TRANSCRIPT_PAGE_SIZE);
    const next = offset + TRANSCRIPT_PAGE_SIZE < segments.length ? encodeCursor(offset + TRANSCRIPT_PAGE_SIZE) : null;
    return jsonResponse({
      data: {
        id: { workspace_id: store.workspace.id, meeting_id: meeting.id, call_recording_id: recording.id },
        transcript: page.map((s) => ({
          speech: s.speech,
          start_time: s.start_time,
          end_time: s.end_time,
          speaker: { name: s.speaker },
        })),
        raw_transcript: rawTranscript(segments),
        web_url: `${recordingUrl(store, recording)}/transcript`,
      },
      pagination: { next_cursor: next },
    });
  });
}
