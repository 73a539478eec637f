import { z } from 'zod';
import type { CommentTarget } from '../../attio/client';
import { ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { entryOfRecord } from './list-entry-view';
import { recordInput, resolveRecord } from './record-ref';

/** Where comments are: a record, or (with list) the record's entry in that list. */
export const commentTargetInput = {
  object: z.string().optional().describe('e.g. deals'),
  record: recordInput,
  list: z.string().optional().describe("Or the record's entry in this list"),
};

export async function resolveCommentTarget(
  context: AttioToolContext,
  input: { object?: string; record: string; list?: string },
): Promise<{ target: CommentTarget; name: string | null }> {
  const list = input.list ? await context.catalog.list(input.list) : undefined;
  const objectName = input.object ?? list?.parentObjects[0];
  if (!objectName) throw new ToolError('Give the object of the record (e.g. deals), or a list.');
  const object = await context.catalog.object(objectName);
  const record = await resolveRecord(context, object.slug, input.record);
  if (!list) return { target: { object: object.slug, recordId: record.id }, name: record.name };
  const entryId = await entryOfRecord(context, list.slug, object.slug, record.id, {
    none: `That record is not in ${list.slug}.`,
    several: (ids) => `That record is in ${list.slug} ${ids.length} times.`,
  });
  return { target: { list: list.slug, entryId }, name: record.name };
}
