import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import type { AttioToolContext } from './context';
import {
  countLabel,
  FilterAndSortsInput,
  PageInput,
  pageWithTotal,
  planQuery,
  RecordTableOutput,
  tableAnswer,
  toTable,
  viewRecordList,
} from './records';

export const queryRecords = defineTool({
  name: 'query_records',
  title: 'Query CRM records',
  description: `Records of one object matching a filter (Attio's filter language), sorted and paged, as a table.
Filters: {"stage":"Nurture"} · {"value":{"$gt":50000}} · {"$and":[{"industry":"Technology"},{"close_date":{"$lt":"2027-03-01"}}]} · {"$or":[…]} · {"email_addresses":{"email_domain":"acme.com"}} · {"associated_company":"<id>"} · {"owner":"me"}.
Operators: $eq $in $lt $lte $gt $gte $contains $starts_with $not_empty $not. Statuses by title; owners by email. Keys are slugs.`,
  inputSchema: {
    object: z.string().describe('Object slug, e.g. deals'),
    ...FilterAndSortsInput,
    fields: z.array(z.string()).max(20).optional().describe('Slugs to show'),
    ...PageInput,
  },
  outputSchema: RecordTableOutput,
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const object = await context.catalog.object(input.object);
    const set = await context.catalog.attributes({ kind: 'objects', slug: object.slug });
    const { filter, fixed, sorts, fields } = await planQuery(context, set, input);
    const { page, count, nextOffset } = await pageWithTotal(
      async ({ limit, offset, sorted }) =>
        (
          await context.attio.queryRecords(object.slug, {
            ...(filter ? { filter } : {}),
            ...(sorted && sorts.length ? { sorts } : {}),
            limit,
            offset,
          })
        ).data,
      input.limit,
      input.offset,
    );
    const list = await viewRecordList(context, set, page, fields);
    const table = toTable(list.records, fields);
    const noun =
      page.length === 1 && nextOffset === undefined ? object.singular.toLowerCase() : object.plural.toLowerCase();
    const shownFixed = [...fixed].filter(([slug]) => !fields.includes(slug));
    const where = shownFixed.length
      ? ` where ${shownFixed.map(([slug, value]) => `${slug} = ${String(value)}`).join(', ')}`
      : '';
    const answer = tableAnswer({
      heading: `${countLabel(page.length, input.offset, count, noun)}${where}`,
      table,
      currencies: list.currencies,
      fixed: shownFixed,
      count,
      nextOffset,
    });
    if (page.length) return answer;
    return {
      ...answer,
      text: `No ${object.plural.toLowerCase()} match${input.offset ? ` from offset ${input.offset}` : ''}.`,
    };
  },
});
