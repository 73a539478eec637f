import { z } from 'zod';
import { UpstreamError } from '../../http/upstream-error';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import { objectInput, prepareWrite, recordValuesInput, recordWriteOutput } from './record-writes';
import { writtenRecord } from './records';

/**
 * Attio's assert (`PUT …/records?matching_attribute=`) REPLACES every multi-value attribute it is
 * given other than the matching one: asserting a company with one `team` member unlinks all the
 * others. So the assert carries only the matching attribute and single values, and multi-value
 * values are then added by PATCH, which appends. Nothing the user did not name is ever removed.
 */
export const upsertRecord = defineTool({
  name: 'upsert_record',
  title: 'Upsert a record',
  description:
    'Updates the record whose unique matching_attribute has the given value (companies by domains, people by email_addresses), or creates it. Multi-value attributes: values added to the existing ones, never removed. Safe to repeat.',
  inputSchema: {
    object: objectInput,
    matching_attribute: z.string(),
    values: recordValuesInput,
  },
  outputSchema: recordWriteOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  scope: 'mcp:write',
  async handler(input, context: AttioToolContext) {
    const { target, set, values: prepared } = await prepareWrite(context, input.object, input.values);
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
    const asserted: Record<string, unknown> = {};
    const appended: Record<string, unknown> = {};
    for (const [slug, value] of Object.entries(prepared)) {
      const replacedByAssert = slug !== matching.slug && set.bySlug.get(slug)?.multi === true;
      (replacedByAssert ? appended : asserted)[slug] = value;
    }
    let { data } = await context.attio.assertRecord(target.slug, matching.slug, asserted);
    if (Object.keys(appended).length) {
      const recordId = data.id.record_id;
      try {
        ({ data } = await context.attio.updateRecord(target.slug, recordId, appended));
      } catch (error) {
        if (!(error instanceof UpstreamError) || error.revoked) throw error;
        const outcome = error.unconfirmedWrite ? 'may or may not have been added' : 'were not added';
        throw new ToolError(
          `The ${target.singular.toLowerCase()} was saved (record_id ${recordId}), but ${Object.keys(appended).join(', ')} ${outcome}: ${error.message} Check it with get_record, then add them with update_record.`,
        );
      }
    }
    return writtenRecord(context, set, target, data, Object.keys(prepared), 'Upserted');
  },
});
