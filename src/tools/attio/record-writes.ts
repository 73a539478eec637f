import { z } from 'zod';
import type { AttioToolContext } from './context';
import { toWriteValues } from './values';

export const recordValuesInput = z
  .record(z.string(), z.unknown())
  .refine((v) => Object.keys(v).length > 0, 'Give at least one value.')
  .describe(
    'Slug → plain value (status title, amount, record id, owner email, lists for multi-values), e.g. {"stage":"Lead","value":50000}',
  );
export const objectInput = z.string().describe('Object slug, e.g. deals');
/** The record as stored after the write; its id only when the caller did not give it. */
export const recordWriteOutput = { record: z.looseObject({ id: z.string().optional() }) };

/** Shared by the record write tools. Resolves the object, its attributes and members, and converts the values to Attio's write shapes. */
export async function prepareWrite(context: AttioToolContext, objectName: string, given: Record<string, unknown>) {
  const target = await context.catalog.object(objectName);
  const set = await context.catalog.attributes({ kind: 'objects', slug: target.slug });
  // Members only for an owner: listing them needs Attio's user_management:read.
  const owners = Object.keys(given).some((slug) => set.bySlug.get(slug)?.type === 'actor-reference');
  const members = owners ? (await context.catalog.members()).lookup : new Map<string, string>();
  return { target, set, values: toWriteValues(set, given, members) };
}
