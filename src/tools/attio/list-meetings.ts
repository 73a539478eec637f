import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { meetingFilterInput, meetingStart, meetingsQuery } from './meetings';
import { COUNT_BOUND, TableOutput, tableText } from './records';

export const listMeetings = defineTool({
  name: 'list_meetings',
  title: 'List meetings',
  description:
    'Meetings, newest first, with their guests (participants outside the workspace): those linked to a record, with given participants, or in a time range.',
  inputSchema: {
    ...meetingFilterInput,
    limit: z.number().int().min(1).max(50).default(10),
    cursor: z.string().optional().describe('nextCursor of the previous answer'),
  },
  outputSchema: { ...TableOutput, total: z.number(), nextCursor: z.string().optional() },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const { query, about } = await meetingsQuery(context, input);
    const first = await context.attio.meetings({
      ...query,
      sort: 'start_desc',
      limit: input.limit,
      cursor: input.cursor,
    });
    const meetings = first.data;
    // Attio has no count: follow the cursors (200 at a time) to say how many match in all.
    let total = meetings.length;
    let cursor = first.pagination.next_cursor;
    while (cursor && total < COUNT_BOUND) {
      const page = await context.attio.meetings({ ...query, sort: 'start_desc', limit: 200, cursor });
      total += page.data.length;
      cursor = page.pagination.next_cursor;
    }
    // Who the team met: participants other than workspace members.
    const { lookup } = await context.catalog.members();
    const table = {
      columns: ['start', 'title', 'guests', 'id'],
      rows: meetings.map((m) => [
        meetingStart(m),
        m.title,
        m.participants.flatMap((p) =>
          p.email_address && !lookup.has(p.email_address.toLowerCase()) ? [p.email_address] : [],
        ),
        m.id.meeting_id,
      ]),
    };
    const next = first.pagination.next_cursor ?? undefined;
    const counted = `${meetings.length}${next ? ` of ${cursor ? 'at least ' : ''}${total}` : ''}`;
    return {
      structured: { ...table, total, ...(next ? { nextCursor: next } : {}) },
      text: meetings.length
        ? `${counted} meetings${about ? ` ${about}` : ''}, newest first (UTC):\n${tableText(table)}${next ? `\nNext page: cursor ${next}` : ''}`
        : `No meetings${about ? ` ${about}` : ''}.`,
    };
  },
});
