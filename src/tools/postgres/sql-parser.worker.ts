/**
 * The parser in the Worker: wrangler bundles the package's `libpg-query.wasm` as a module compiled
 * at deploy time (workerd compiles no WebAssembly from bytes), instantiated once per isolate, on
 * the first query, and shared by every session the isolate serves (see sql-parser.ts).
 */
import { loadSqlParser, type SqlParser } from './sql-parser';

let loading: Promise<SqlParser> | undefined;

export function workerSqlParser(): Promise<SqlParser> {
  loading ??= import('libpg-query/wasm/libpg-query.wasm')
    .then(({ default: parserWasm }) => loadSqlParser(parserWasm))
    .catch((error: unknown) => {
      loading = undefined; // the next query tries again
      throw error;
    });
  return loading;
}
