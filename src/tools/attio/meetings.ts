import { z } from 'zod';
import type { MeetingsQuery } from '../../attio/client';
import type { AttioMeeting } from '../../attio/schemas';
import { ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { recordInput, resolveRecord } from './record-ref';
import { shortTime } from './values';

/** Which meetings: with a record, with participants, in a time range. */
export const meetingFilterInput = {
  object: z.string().optional().describe("record's object slug"),
  record: recordInput.optional(),
  participants: z.array(z.string()).max(20).optional().describe('Emails'),
  from: z.string().optional().describe('Date or date-time'),
  to: z.string().optional(),
};

type MeetingFilter = { object?: string; record?: string; participants?: string[]; from?: string; to?: string };

/** The Attio query for a meeting filter; a record is resolved by id or name. */
export async function meetingsQuery(
  context: AttioToolContext,
  input: MeetingFilter,
): Promise<{ query: Omit<MeetingsQuery, 'limit' | 'sort'>; about: string }> {
  const query: Omit<MeetingsQuery, 'limit' | 'sort'> = {};
  const about: string[] = [];
  if (input.record) {
    if (!input.object) throw new ToolError('Give the object of the record, e.g. companies.');
    const object = await context.catalog.object(input.object);
    const record = await resolveRecord(context, object.slug, input.record);
    query.linkedObject = object.slug;
    query.linkedRecordId = record.id;
    about.push(`with ${record.name ?? 'the record'}`);
  }
  if (input.participants?.length) {
    query.participants = input.participants;
    about.push(`with ${input.participants.join(', ')}`);
  }
  if (input.from) query.endsFrom = timestamp(input.from, 'from', 'T00:00:00Z');
  if (input.to) query.startsBefore = timestamp(input.to, 'to', 'T00:00:00Z');
  return { query, about: about.join(' ') };
}

function timestamp(value: string, name: string, time: string): string {
  const full = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}${time}` : value.trim();
  if (Number.isNaN(Date.parse(full))) throw new ToolError(`${name} must be a date or date and time, e.g. 2026-01-31.`);
  return new Date(full).toISOString();
}

export function meetingStart(meeting: AttioMeeting): string {
  const start = meeting.start as { datetime?: string; date?: string };
  return start.datetime ? shortTime(start.datetime) : (start.date ?? '');
}
