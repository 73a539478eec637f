import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import { requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { mentionsActor, normalizeFilter, normalizeSorts } from './filter';
import {
  chooseFields,
  countLabel,
  countMatches,
  MAX_RECORDS,
  RecordTableOutput,
  tableText,
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
    filter: z.record(z.string(), z.unknown()).optional(),
    sorts: z
      .array(z.object({ attribute: z.string(), direction: z.enum(['asc', 'desc']).default('asc') }))
      .max(3)
      .optional(),
    fields: z.array(z.string()).max(20).optional().describe('Slugs to show'),
    limit: z.number().int().min(1).max(MAX_RECORDS).default(20),
    offset: z.number().int().min(0).max(1e5).default(0),
  },
  outputSchema: RecordTableOutput,
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler(input, context: AttioToolContext) {
    const object = await context.catalog.object(input.object);
    const set = await context.catalog.attributes({ kind: 'objects', slug: object.slug });
    // Members are looked up only for a filter on an owner: listing them needs Attio's user_management:read.
    const actors = {
      me: context.member.id,
      members: input.filter && mentionsActor(set, input.filter) ? (await context.catalog.members()).lookup : new Map(),
    };
    const { filter, mentioned, fixed } = input.filter
      ? normalizeFilter(set, input.filter, actors)
      : { filter: undefined, mentioned: new Set<string>(), fixed: new Map<string, unknown>() };
    const sorts = normalizeSorts(set, input.sorts ?? []);
    const fields = chooseFields(set, input.fields, [...mentioned, ...sorts.map((s) => s.attribute)], fixed);
    for (const slug of fields) requireAttribute(set, slug);
    // One more than asked tells whether another page exists, without a count query (Attio has none).
    const { data } = await context.attio.queryRecords(object.slug, {
      ...(filter ? { filter } : {}),
      ...(sorts.length ? { sorts } : {}),
      limit: input.limit + 1,
      offset: input.offset,
    });
    const page = data.slice(0, input.limit);
    const cut = data.length > input.limit;
    const count = cut
      ? await countMatches(
          async (offset, limit) =>
            (
              await context.attio.queryRecords(object.slug, {
                ...(filter ? { filter } : {}),
                limit,
                offset,
              })
            ).data,
          input.offset + input.limit,
        )
      : { total: input.offset + page.length, atLeast: false };
    const list = await viewRecordList(context, set, page, fields);
    const table = toTable(list.records, fields);
    const nextOffset = cut ? input.offset + input.limit : undefined;
    const noun = page.length === 1 && !cut ? object.singular.toLowerCase() : object.plural.toLowerCase();
    const shownFixed = [...fixed].filter(([slug]) => !fields.includes(slug));
    const where = shownFixed.length
      ? ` where ${shownFixed.map(([slug, value]) => `${slug} = ${String(value)}`).join(', ')}`
      : '';
    return {
      structured: {
        ...(shownFixed.length ? { where: Object.fromEntries(shownFixed) } : {}),
        ...(Object.keys(list.currencies).length ? { currencies: list.currencies } : {}),
        ...table,
        total: count.total,
        ...(count.atLeast ? { totalIsLowerBound: true } : {}),
        ...(nextOffset !== undefined ? { nextOffset } : {}),
      },
      text: page.length
        ? `${countLabel(page.length, input.offset, count, noun)}${where}:\n${tableText(table, list.currencies)}${
            nextOffset !== undefined ? `\nNext page: offset ${nextOffset}.` : ''
          }`
        : `No ${object.plural.toLowerCase()} match${input.offset ? ` from offset ${input.offset}` : ''}.`,
    };
  },
});
