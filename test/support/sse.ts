/**
 * Server-Sent Events as the MCP transports send them (streamable HTTP answers, the legacy `/sse`
 * stream), read as the event-stream format says a client must: an event ends at a blank line,
 * its `data:` lines are joined with newlines, and one space after a field's colon is dropped.
 * Shared by the tests' wire client and the benchmark's.
 */

export interface SseBlock {
  /** The `event:` field; `message` when there is none. */
  event: string;
  id?: string;
  /** The joined `data:` lines; empty for an event without data (a priming event). */
  data: string;
}

/** The complete events at the start of `buffer`, and the rest (an event still arriving). */
export function takeEvents(buffer: string): { events: SseBlock[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  return { events: blocks.map(parseEvent), rest };
}

function parseEvent(block: string): SseBlock {
  const parsed: SseBlock = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') data.push(value);
    else if (field === 'event') parsed.event = value;
    else if (field === 'id') parsed.id = value;
  }
  parsed.data = data.join('\n');
  return parsed;
}
