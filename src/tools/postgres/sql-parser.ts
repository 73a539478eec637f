/**
 * The real Postgres parser: libpg_query (Postgres 18's own grammar), compiled to WebAssembly by the
 * `libpg-query` package. The package's entry point cannot run in workerd: it starts its loader at
 * import time, which fetches or reads `libpg-query.wasm` and compiles the bytes at run time, and
 * workerd allows WebAssembly only as a module compiled at deploy time. So the caller hands over
 * that compiled module, and this file instantiates the package's Emscripten loader with it.
 *
 * - In the Worker: `import parserWasm from 'libpg-query/wasm/libpg-query.wasm'` (wrangler's default
 *   rule bundles `.wasm` imports as a `WebAssembly.Module`), then `loadSqlParser(parserWasm)`.
 * - In Node: sql-parser.node.ts compiles the file from its bytes, which Node allows.
 */
import type { ParseResult } from 'libpg-query';
import type { LibpgQueryModule } from 'libpg-query/wasm/libpg-query.js';

export type { ParseResult };

/** What the parser says about one SQL text: its statements, or Postgres's syntax error. */
export type ParseOutcome =
  | { ok: true; tree: ParseResult }
  | {
      ok: false;
      /** Postgres's own message, e.g. `syntax error at or near "SELEC"`. */
      message: string;
      /** 1-based character position of the error, as Postgres reports it; absent when unknown. */
      position?: number;
    };

export interface SqlParser {
  parse(sql: string): ParseOutcome;
}

export async function loadSqlParser(wasm: WebAssembly.Module): Promise<SqlParser> {
  // Imported here, not at the top: the loader's module code runs on the first query, not in every
  // cold start of a Worker that may never query.
  const { default: createLibpgQueryModule } = await import('libpg-query/wasm/libpg-query.js');
  const module = await instantiate(createLibpgQueryModule, wasm);
  return { parse: (sql) => parseWith(module, sql) };
}

function instantiate(
  createLibpgQueryModule: typeof import('libpg-query/wasm/libpg-query.js').default,
  wasm: WebAssembly.Module,
): Promise<LibpgQueryModule> {
  // The loader picks its environment from globals as it starts: in workerd (a WorkerGlobalScope
  // without `self.location`) it reads `self.location.href` and throws, unless `__filename` exists,
  // which sends it down its Node path instead (harmless here: the wasm comes from the hook, so it
  // reads no file). The names exist only while the loader starts, which it does synchronously.
  const globals = globalThis as { __filename?: string; __dirname?: string };
  const shimmed = globals.__filename === undefined;
  if (shimmed) {
    globals.__filename = '/libpg-query.js';
    globals.__dirname = '/';
  }
  try {
    return createLibpgQueryModule({
      instantiateWasm(imports, receive) {
        receive(new WebAssembly.Instance(wasm, imports));
        return {};
      },
    });
  } finally {
    if (shimmed) {
      delete globals.__filename;
      delete globals.__dirname;
    }
  }
}

// PgQueryParseResult and PgQueryError, as laid out in wasm32 memory (libpg_query's pg_query.h).
const RESULT_TREE = 0;
const RESULT_ERROR = 8;
const ERROR_MESSAGE = 0;
const ERROR_CURSOR = 16;

function parseWith(module: LibpgQueryModule, sql: string): ParseOutcome {
  const size = module.lengthBytesUTF8(sql) + 1;
  const text = module._malloc(size);
  let result = 0;
  try {
    module.stringToUTF8(sql, text, size);
    result = module._wasm_parse_query_raw(text);
    if (result === 0) throw new Error('libpg_query could not allocate a parse result');
    const error = module.getValue(result + RESULT_ERROR, 'i32');
    if (error !== 0) {
      const message = module.UTF8ToString(module.getValue(error + ERROR_MESSAGE, 'i32'));
      // Already 1-based and counted in characters, like the `position` of a Postgres error.
      const cursor = module.getValue(error + ERROR_CURSOR, 'i32');
      return cursor > 0 ? { ok: false, message, position: cursor } : { ok: false, message };
    }
    const tree = module.getValue(result + RESULT_TREE, 'i32');
    return { ok: true, tree: JSON.parse(module.UTF8ToString(tree)) as ParseResult };
  } finally {
    module._free(text);
    if (result !== 0) module._wasm_free_parse_result(result);
  }
}
