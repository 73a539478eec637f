import { z } from 'zod';
import type { AttioToolContext } from './context';
import { RecordView } from './records';
import { toWriteValues } from './values';

export const recordValuesInput = z
  .record(z.string(), z.unknown())
  .refine((v) => Object.keys(v).length > 0, 'Give at least one value.')
  .describe(
    'Attribute slug → plain value: text, number, "2027-03-01", a select or status title, a currency amount (50000), a record id for a reference, an email or name for an owner, a list for multi-value attributes. E.g. {"name":"Acme renewal","stage":"Lead","value":50000,"associated_company":"<company id>"}',
  );
export const objectInput = z.string().min(1).describe('Object slug: companies, people, deals, …');
export const recordWriteOutput = { object: z.string(), record: RecordView };

/** Shared by the record write tools. Resolves the object, its attributes and members, and converts the values to Attio's write shapes. */
export async function prepareWrite(context: AttioToolContext, objectName: string, given: Record<string, unknown>) {
  const target = await context.catalog.object(objectName);
  const set = await context.catalog.attributes({ kind: 'objects', slug: target.slug });
  // Members only for an owner: listing them needs Attio's user_management:read.
  const owners = Object.keys(given).some((slug) => set.bySlug.get(slug)?.type === 'actor-reference');
  const members = owners ? (await context.catalog.members()).lookup : new Map<string, string>();
  return { target, set, values: toWriteValues(set, given, members) };
}
