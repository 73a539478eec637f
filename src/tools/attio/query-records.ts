import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import { requireAttribute } from './catalog';
import type { AttioToolContext } from './context';
import { mentionsActor, normalizeFilter, normalizeSorts } from './filter';
import { chooseFields, factorUrls, MAX_RECORDS, RecordView, recordLines, viewRecordList } from './records';

export const queryRecords = defineTool({
  name: 'query_records',
  title: 'Query CRM records',
  description: `Lists records of one object (companies, people, deals, …) matching a filter in Attio's filter language, sorted and paged, with only the fields you ask for.
Filter examples: {"stage":"Nurture"} · {"value":{"$gt":50000}} · {"$and":[{"industry":"Technology"},{"employee_count":{"$gt":1000}}]} · {"close_date":{"$lt":"2027-03-01"}} · {"$or":[{"region":"EMEA"},{"region":"APAC"}]} · {"email_addresses":{"email_domain":"acme.com"}} · {"associated_company":"<company record id>"} · {"owner":"me"}.
Operators: $eq $in $lt $lte $gt $gte $contains $starts_with $ends_with $not_empty, combined with $and $or $not. Selects and statuses are matched by title; timestamps take a date and time; owners an email or "me"; currencies compare their amount. Keys are attribute slugs (call describe_object if unsure).`,
  inputSchema: {
    object: z.string().min(1).describe('Object slug: companies, people, deals, or a custom object'),
    filter: z.record(z.string(), z.unknown()).optional().describe('Attio filter; omit for all records'),
    sorts: z
      .array(z.object({ attribute: z.string(), direction: z.enum(['asc', 'desc']).default('asc') }))
      .max(3)
      .optional()
      .describe('e.g. [{"attribute":"value","direction":"desc"}]'),
    fields: z
      .array(z.string())
      .max(20)
      .optional()
      .describe('Attribute slugs to return; default: a few key fields plus those in the filter and sorts'),
    limit: z.number().int().min(1).max(MAX_RECORDS).default(20).describe(`1–${MAX_RECORDS}, default 20`),
    offset: z.number().int().min(0).default(0).describe('Skip this many records (next page)'),
  },
  outputSchema: {
    records: z.array(RecordView),
    where: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Values the filter fixes: every record has them, so rows leave them out'),
    currencies: z
      .record(z.string(), z.string())
      .optional()
      .describe('Currency of each currency field whose rows give bare amounts, e.g. {"value":"USD"}'),
    urlTemplate: z.string().optional().describe("A record's web URL: replace {id} with its id"),
    nextOffset: z.number().optional().describe('Present when more records match: pass it as offset'),
  },
  annotations: { readOnlyHint: true, openWorldHint: true },
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
    const list = await viewRecordList(context, set, page, fields);
    const { records, urlTemplate } = factorUrls(list.records);
    const currencies = Object.keys(list.currencies).length ? { currencies: list.currencies } : {};
    const nextOffset = data.length > input.limit ? input.offset + input.limit : undefined;
    const noun = page.length === 1 ? object.singular.toLowerCase() : object.plural.toLowerCase();
    const more = nextOffset !== undefined ? `\nMore records match: pass offset ${nextOffset} for the next page.` : '';
    const shownFixed = [...fixed].filter(([slug]) => !fields.includes(slug));
    const where = shownFixed.length
      ? ` where ${shownFixed.map(([slug, value]) => `${slug} = ${String(value)}`).join(', ')}`
      : '';
    return {
      structured: {
        ...(shownFixed.length ? { where: Object.fromEntries(shownFixed) } : {}),
        ...currencies,
        records,
        ...(urlTemplate ? { urlTemplate } : {}),
        ...(nextOffset !== undefined ? { nextOffset } : {}),
      },
      text: page.length
        ? `${page.length} ${noun}${where}${input.offset ? ` from offset ${input.offset}` : ''}:\n${recordLines(records, fields, list.currencies)}${more}`
        : `No ${object.plural.toLowerCase()} match.`,
    };
  },
});
