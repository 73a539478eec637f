/**
 * The parser outside the Worker (tests, scripts on Node): Node compiles the package's
 * `libpg-query.wasm` from its bytes, which workerd forbids; the Worker imports the file as a
 * module instead (see sql-parser.ts).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadSqlParser, type SqlParser } from './sql-parser';

/** WebAssembly as Node has it: the Worker's types (rightly) offer no way to compile bytes. */
interface NodeWebAssembly {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
}

export async function loadSqlParserInNode(): Promise<SqlParser> {
  const file = createRequire(import.meta.url).resolve('libpg-query/wasm/libpg-query.wasm');
  const { compile } = WebAssembly as unknown as NodeWebAssembly;
  return loadSqlParser(await compile(await readFile(file)));
}
