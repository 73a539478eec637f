import { z } from 'zod';
import { defineTool } from '../../mcp/tool';
import { type PostgresToolContext, requireDatabase } from './context';
import { Relation, relationName, schemaText } from './schema';

export const getSchema = defineTool({
  name: 'get_schema',
  title: 'Database schema',
  description:
    'The tables and views you can read in the database: columns and types, primary keys, foreign keys (how to join), comments, which have row-level security on (the database then shows you only your rows), and what you may change. Read it before writing SQL for the query tool.',
  inputSchema: {
    tables: z
      .array(z.string().min(1).max(130))
      .max(50)
      .optional()
      .describe('Only these tables or views, named as listed (e.g. deals, auth.users); default all'),
  },
  outputSchema: { relations: z.array(Relation) },
  annotations: { readOnlyHint: true, openWorldHint: false },
  scope: 'mcp:read',
  async handler(input, context: PostgresToolContext) {
    const schema = await requireDatabase(context).schema();
    const wanted = input.tables?.map((name) => name.toLowerCase().replace(/^public\./, ''));
    const relations = wanted
      ? schema.relations.filter((relation) => wanted.includes(relationName(relation).toLowerCase()))
      : schema.relations;
    const found = new Set(relations.map((relation) => relationName(relation).toLowerCase()));
    const missing = wanted?.filter((name) => !found.has(name)) ?? [];
    const note = missing.length
      ? `\nNot found, or not readable by you: ${missing.join(', ')}. Call get_schema without tables to see them all.`
      : '';
    return { structured: { relations }, text: `${schemaText({ relations })}${note}` };
  },
});
