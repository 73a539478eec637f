// Meetings and call recordings (beta in Attio): GET /v2/meetings (filtered by linked record,
// participants and time range, sorted by start, paged by cursor), GET /v2/meetings/{id}, a
// meeting's call recordings, and a recording's transcript (speech segments, paged by cursor).
import type { Hono } from 'hono';
import type { AppEnv } from './auth.ts';
import { jsonResponse, notFound, validationError } from './errors.ts';
import { paginate, queryInt, type RouteDeps } from './http.ts';
import { decodeCursor, encodeCursor } from './lists.ts';
import type { CallRecording, Meeting } from './model.ts';
import type { Store } from './store.ts';
import { timestampToMs } from './util.ts';
import { renderActor } from './values.ts';

/** Speech segments per transcript page: small, so clients must follow `next_cursor`. */
export const TRANSCRIPT_PAGE_SIZE = 20;

export function renderMeeting(store: Store, meeting: Meeting): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, meeting_id: meeting.id },
    title: meeting.title,
    description: meeting.description,
    is_all_day: false,
    start: { datetime: meeting.start, timezone: meeting.timezone },
    end: { datetime: meeting.end, timezone: meeting.timezone },
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
  if (!meeting) throw notFound(`Meeting with ID "${id}" not found.`);
  return meeting;
}

function requireRecording(store: Store, meeting: Meeting, id: string): CallRecording {
  const recording = store.callRecordings.get(id);
  if (!recording || recording.meeting_id !== meeting.id) throw notFound(`Call recording with ID "${id}" not found.`);
  return recording;
}

function timeBound(raw: string | undefined, name: string): number | null {
  if (raw === undefined || raw === '' || raw === 'null') return null;
  const ms = timestampToMs(raw);
  if (ms === null) throw validationError(`Query parameter validation error: "${name}" must be a timestamp.`);
  return ms;
}

export function registerMeetingRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/meetings', (c) => {
    const store = deps.store(c);
    const limit = queryInt(c, 'limit', { fallback: 50, min: 1, max: 200 });
    const offset = decodeCursor(c.req.query('cursor'));
    const linkedObject = c.req.query('linked_object');
    const linkedRecordId = c.req.query('linked_record_id');
    // "If provided, linked_record_id must also be provided" (and the other way round).
    if ((linkedObject === undefined) !== (linkedRecordId === undefined)) {
      throw validationError('linked_object and linked_record_id must be provided together.');
    }
    const object = linkedObject === undefined ? undefined : store.requireObject(linkedObject);
    const emails = (c.req.query('participants') ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    const endsFrom = timeBound(c.req.query('ends_from'), 'ends_from');
    const startsBefore = timeBound(c.req.query('starts_before'), 'starts_before');
    const sort = c.req.query('sort') ?? 'start_asc';
    const meetings = [...store.meetings.values()]
      .filter(
        (m) => !object || m.linked_records.some((l) => l.object_id === object.id && l.record_id === linkedRecordId),
      )
      .filter((m) => emails.length === 0 || m.participants.some((p) => emails.includes(p.email_address)))
      // `ends_from` is inclusive, `starts_before` exclusive.
      .filter((m) => endsFrom === null || (timestampToMs(m.end) ?? 0) >= endsFrom)
      .filter((m) => startsBefore === null || (timestampToMs(m.start) ?? 0) < startsBefore)
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
    const meeting = requireMeeting(store, c.req.param('meeting_id'));
    const limit = queryInt(c, 'limit', { fallback: 50, min: 1, max: 200 });
    const offset = decodeCursor(c.req.query('cursor'));
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
    if (recording.status !== 'completed') {
      throw notFound(`The transcript of call recording "${recording.id}" is not available (${recording.status}).`);
    }
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
        raw_transcript: segments.map((s) => `${s.speaker}: ${s.speech}`).join('\n'),
        web_url: `${recordingUrl(store, recording)}/transcript`,
      },
      pagination: { next_cursor: next },
    });
  });
}
