import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { RecordView, writtenRecord } from './records';
import { toWriteValues } from './values';

const values = z
  .record(z.string(), z.unknown())
  .refine((v) => Object.keys(v).length > 0, 'Give at least one value.')
  .describe(
    'Attribute slug → plain value: text, number, "2027-03-01", a select or status title, a currency amount (50000), a record id for a reference, an email or name for an owner, a list for multi-value attributes. E.g. {"name":"Acme renewal","stage":"Lead","value":50000,"associated_company":"<company id>"}',
  );
const object = z.string().min(1).describe('Object slug: companies, people, deals, …');
const output = { object: z.string(), record: RecordView };

/** Resolves the object, its attributes and members, and converts the values to Attio's write shapes. */
async function prepare(context: AttioToolContext, objectName: string, given: Record<string, unknown>) {
  const target = await context.catalog.object(objectName);
  const [set, members] = await Promise.all([
    context.catalog.attributes({ kind: 'objects', slug: target.slug }),
    context.catalog.members(),
  ]);
  return { target, set, values: toWriteValues(set, given, members.lookup) };
}

export const createRecord = defineTool({
  name: 'create_record',
  title: 'Create a CRM record',
  description:
    'Creates a company, person, deal or custom-object record. Use upsert_record instead when the record may already exist (same domain or email).',
  inputSchema: { object, values },
  outputSchema: output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepare(context, input.object, input.values);
    const { data } = await context.attio.createRecord(target.slug, prepared);
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Created');
  },
});

export const updateRecord = defineTool({
  name: 'update_record',
  title: 'Update a CRM record',
  description:
    'Changes values of one record. Single values are replaced; values of multi-value attributes (domains, emails, references) are added to the existing ones.',
  inputSchema: { object, record_id: z.string().min(1), values },
  outputSchema: output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepare(context, input.object, input.values);
    const { data } = await context.attio.updateRecord(target.slug, input.record_id, prepared);
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Updated');
  },
});

export const upsertRecord = defineTool({
  name: 'upsert_record',
  title: 'Create or update a CRM record',
  description:
    'Updates the record whose unique matching attribute has the given value (e.g. companies by domains, people by email_addresses), or creates it. Safe to repeat.',
  inputSchema: {
    object,
    matching_attribute: z.string().min(1).describe('A unique attribute slug, e.g. domains or email_addresses'),
    values: values.describe('Must include a value for matching_attribute'),
  },
  outputSchema: output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepare(context, input.object, input.values);
    const matching = set.bySlug.get(input.matching_attribute);
    if (!matching?.unique) {
      const unique = set.attributes.filter((a) => a.unique).map((a) => a.slug);
      throw new ToolError(
        `matching_attribute must be a unique attribute of ${target.slug}: ${unique.join(', ') || 'it has none'}.`,
      );
    }
    if (prepared[matching.slug] === undefined) {
      throw new ToolError(`values must include ${matching.slug}, the value to match on.`);
    }
    const { data } = await context.attio.assertRecord(target.slug, matching.slug, prepared);
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Upserted');
  },
});

export const deleteRecord = defineTool({
  name: 'delete_record',
  title: 'Delete a CRM record',
  description:
    'Permanently deletes one record, with its notes and list entries. The user is asked to confirm when the client supports it; otherwise the call must pass confirm: true after the user said yes in the conversation.',
  inputSchema: {
    object,
    record_id: z.string().min(1),
    confirm: z.boolean().optional().describe('Set true only after the user explicitly agreed to delete this record'),
  },
  outputSchema: { object: z.string(), deleted: z.boolean(), id: z.string(), name: z.string().nullable() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const target = await context.catalog.object(input.object);
    const set = await context.catalog.attributes({ kind: 'objects', slug: target.slug });
    // Read first: the question names the record, and a wrong id fails before anyone is asked.
    const { data } = await context.attio.getRecord(target.slug, input.record_id);
    const name = (await writtenRecord(context, set, target, data, [], '')).structured.record.name;
    const label = typeof name === 'string' ? `"${name}"` : input.record_id;
    const answer = await context.confirm(
      `Delete the ${target.singular.toLowerCase()} ${label} from Attio? This cannot be undone.`,
    );
    const kept = (text: string) => ({
      structured: { object: target.slug, deleted: false, id: input.record_id, name: null },
      text,
    });
    if (answer === 'declined') return kept(`Not deleted: the user declined.`);
    if (answer === 'unsupported' && input.confirm !== true) {
      return kept(
        `Not deleted. Ask the user to confirm deleting the ${target.singular.toLowerCase()} ${label}, then call delete_record again with confirm: true.`,
      );
    }
    await context.attio.deleteRecord(target.slug, input.record_id);
    return {
      structured: {
        object: target.slug,
        deleted: true,
        id: input.record_id,
        name: typeof name === 'string' ? name : null,
      },
      text: `Deleted the ${target.singular.toLowerCase()} ${label}.`,
    };
  },
});
