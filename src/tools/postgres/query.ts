import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import { type PostgresToolContext, requireDatabase } from './context';
import type { QueryFailure } from './run-as-user';
import { type Cell, renderCell, tableText } from './values';

export const query = defineTool({
  name: 'query',
  title: 'Run SQL',
  description:
    'Runs one PostgreSQL statement on the database as you, under its row-level security: SELECT, or INSERT, UPDATE and DELETE (with RETURNING) when this connection may change data. Read get_schema first. Rows come back as a table, cut at a row cap with a note: filter, LIMIT or aggregate in SQL rather than paging. Statements that change roles or settings, DO, COPY, DDL and transaction control are refused; a statement has a time limit.',
  inputSchema: {
    sql: z
      .string()
      .min(1)
      .max(20_000)
      .describe("One statement, e.g. select name, amount from deals where stage = 'won' order by amount desc"),
  },
  outputSchema: {
    command: z.string().describe('SELECT, INSERT, UPDATE or DELETE'),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.unknown())).describe('One array per row, in column order'),
    row_count: z.number().describe('Rows returned (SELECT) or changed (INSERT, UPDATE, DELETE)'),
    truncated: z.boolean().describe('More rows than shown'),
    note: z.string().optional(),
  },
  // It can write and delete when the grant allows: honest hints, so clients may confirm.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  scope: 'mcp:read',
  async handler(input, context: PostgresToolContext) {
    const outcome = await requireDatabase(context).query(input.sql);
    if (!outcome.ok) throw new ToolError(describeFailure(outcome.failure, input.sql));
    const columns = outcome.columns.map((column) => column.name);
    const rows: Cell[][] = outcome.rows.map((row) =>
      row.map((value, i) => renderCell(value, outcome.columns[i]?.dataTypeID ?? 0)),
    );
    const summary =
      outcome.kind === 'read'
        ? `${outcome.rowCount} row${outcome.rowCount === 1 ? '' : 's'}${outcome.truncated ? ' shown' : ''}.`
        : `${outcome.command}: ${outcome.rowCount} row${outcome.rowCount === 1 ? '' : 's'} changed.`;
    const table = columns.length > 0 ? `\n${tableText(columns, rows)}` : '';
    return {
      structured: {
        command: outcome.command,
        columns,
        rows,
        row_count: outcome.rowCount,
        truncated: outcome.truncated,
        ...(outcome.note !== undefined && { note: outcome.note }),
      },
      text: `${summary}${table}${outcome.note ? `\n${outcome.note}` : ''}`,
    };
  },
});

/** What the model reads when a statement did not run: who said no, why, and where in the SQL. */
export function describeFailure(failure: QueryFailure, sql: string): string {
  switch (failure.kind) {
    case 'refused':
      return `Not run: ${failure.message}${where(sql, failure.position)}`;
    case 'timeout':
      return `${failure.message} Filter with WHERE, add a LIMIT, or aggregate, so it does less.`;
    case 'database': {
      const extra = [failure.detail && `DETAIL: ${failure.detail}`, failure.hint && `HINT: ${failure.hint}`];
      return [`Postgres: ${failure.message} (SQLSTATE ${failure.code})${where(sql, failure.position)}`, ...extra]
        .filter(Boolean)
        .join('\n');
    }
  }
}

/** As psql shows a position: the line of the statement, and a caret under the character. */
export function where(sql: string, position: number | undefined): string {
  if (position === undefined || position < 1) return '';
  const before = [...sql].slice(0, position - 1).join('');
  const lineNumber = before.split('\n').length;
  const column = [...(before.split('\n').at(-1) ?? '')].length;
  const line = [...(sql.split('\n')[lineNumber - 1] ?? '')];
  // Long lines: a window around the character.
  const start = Math.max(0, column - 40);
  const shown = line.slice(start, start + 80).join('');
  const prefix = `LINE ${lineNumber}: ${start > 0 ? '…' : ''}`;
  return `\n${prefix}${shown}\n${' '.repeat(prefix.length + column - start)}^`;
}
