import { z } from 'zod';
import type { AttioMeeting } from '../../attio/schemas';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { attioId } from './ids';
import { meetingFilterInput, meetingStart, meetingsQuery } from './meetings';

/** Meetings looked at, newest first, for one with a finished recording. */
const MEETINGS_SEARCHED = 20;
/** Transcript pages followed at most (Attio pages speech segments by cursor). */
const MAX_PAGES = 50;

export const getCallTranscript = defineTool({
  name: 'get_call_transcript',
  title: 'Read a call transcript',
  description:
    "What was said on a recorded call, as speaker turns cut to max_chars (page with from_turn): meeting_id's, or the newest recorded call with a record or participants.",
  inputSchema: {
    meeting_id: attioId('a meeting').optional(),
    recording_id: attioId('one of its recordings').optional(),
    ...meetingFilterInput,
    from_turn: z.number().int().min(1).default(1),
    max_chars: z.number().int().min(500).max(20_000).default(6_000),
  },
  outputSchema: {
    meeting: z.looseObject({ id: z.string() }).describe('id, title, start'),
    recording: z.string().optional().describe('when the meeting has several'),
    otherRecordings: z.array(z.string()).optional(),
    turns: z.array(z.array(z.string())).describe('[speaker, text]'),
    totalTurns: z.number(),
    nextTurn: z.number().optional(),
  },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const { attio } = context;
    const found = await recordedMeeting(context, input);
    const segments: { speaker: string; speech: string }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data, pagination } = await attio.transcript(found.meeting.id.meeting_id, found.recordingId, cursor);
      for (const s of data.transcript) segments.push({ speaker: s.speaker.name, speech: s.speech.trim() });
      cursor = pagination.next_cursor ?? undefined;
      if (!cursor) break;
    }
    // Consecutive segments of one speaker read as one turn.
    const all: [string, string][] = [];
    for (const s of segments) {
      const last = all.at(-1);
      if (last && last[0] === s.speaker) last[1] = `${last[1]} ${s.speech}`;
      else all.push([s.speaker, s.speech]);
    }
    const turns: [string, string][] = [];
    let chars = 0;
    for (const turn of all.slice(input.from_turn - 1)) {
      if (turns.length && chars + turn[1].length > input.max_chars) break;
      turns.push(turn);
      chars += turn[0].length + turn[1].length;
    }
    const last = input.from_turn - 1 + turns.length;
    const nextTurn = last < all.length ? last + 1 : undefined;
    const meeting = {
      id: found.meeting.id.meeting_id,
      title: found.meeting.title,
      start: meetingStart(found.meeting),
    };
    const span =
      turns.length === all.length ? `${all.length} turns` : `turns ${input.from_turn}–${last} of ${all.length}`;
    return {
      structured: {
        meeting,
        // A meeting mostly has one recording: its id is given only when there is a choice.
        ...(found.others.length ? { recording: found.recordingId, otherRecordings: found.others } : {}),
        turns,
        totalTurns: all.length,
        ...(nextTurn ? { nextTurn } : {}),
      },
      text: `${meeting.title}, ${meeting.start} [${meeting.id}${found.others.length ? `, recording ${found.recordingId}` : ''}], ${span}:\n${turns
        .map(([who, what]) => `${who}: ${what}`)
        .join('\n')}${nextTurn ? `\nMore: from_turn ${nextTurn}.` : ''}${
        found.others.length ? `\nOther recordings of this meeting (recording_id): ${found.others.join(', ')}.` : ''
      }`,
    };
  },
});

/** The meeting asked for, or the newest one matching the filter that has a finished recording. */
async function recordedMeeting(
  context: AttioToolContext,
  input: {
    meeting_id?: string;
    recording_id?: string;
    object?: string;
    record?: string;
    participants?: string[];
    from?: string;
    to?: string;
  },
): Promise<{ meeting: AttioMeeting; recordingId: string; others: string[] }> {
  const { attio } = context;
  let meetings: AttioMeeting[];
  let about = '';
  if (input.recording_id && !input.meeting_id) throw new ToolError('Give the meeting_id of that recording too.');
  if (input.meeting_id) {
    meetings = [(await attio.meeting(input.meeting_id)).data];
  } else {
    if (!input.record && !input.participants?.length) {
      throw new ToolError('Give meeting_id, or a record or participants whose newest recorded call to read.');
    }
    const found = await meetingsQuery(context, input);
    about = found.about;
    // Only calls that have happened can have a recording.
    const startsBefore = found.query.startsBefore ?? new Date().toISOString();
    meetings = (await attio.meetings({ ...found.query, startsBefore, sort: 'start_desc', limit: MEETINGS_SEARCHED }))
      .data;
  }
  const states: string[] = [];
  for (const meeting of meetings) {
    const { data } = await attio.callRecordings(meeting.id.meeting_id);
    const done = data.filter((r) => r.status === 'completed').sort((a, b) => b.created_at.localeCompare(a.created_at));
    const ids = done.map((r) => r.id.call_recording_id);
    const chosen = input.recording_id ?? ids[0];
    if (input.recording_id && !ids.includes(input.recording_id)) {
      throw new ToolError(
        `That meeting has no finished recording ${input.recording_id}${ids.length ? `; its recordings: ${ids.join(', ')}` : ''}.`,
      );
    }
    if (chosen) return { meeting, recordingId: chosen, others: ids.filter((id) => id !== chosen) };
    for (const r of data) states.push(`${meeting.title}: ${r.status}`);
  }
  const pending = states.length ? ` Recordings not ready: ${states.join('; ')}.` : '';
  throw new ToolError(
    input.meeting_id
      ? `That meeting has no finished call recording.${pending}`
      : `No recorded call ${about} among the last ${meetings.length} meetings.${pending} list_meetings shows them all.`,
  );
}
