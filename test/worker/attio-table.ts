/** A list answer of the Attio pack (`columns` named once, one row of values per record), read back as objects. */
export type Table = { columns: string[]; rows: unknown[][]; total?: number; nextOffset?: number } & Record<
  string,
  unknown
>;
export type Row = Record<string, unknown> & { id: string };

export function rows(table: Table): Row[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column, row[i]])) as Row);
}
