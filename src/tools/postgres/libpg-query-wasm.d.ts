// The Emscripten loader inside `libpg-query` (libpg_query 18 compiled to WebAssembly), which the
// package does not type. Only what sql-parser.ts calls is declared.
declare module 'libpg-query/wasm/libpg-query.js' {
  export interface LibpgQueryModule {
    _malloc(size: number): number;
    _free(pointer: number): void;
    /** Parses to a PgQueryParseResult struct: { char *parse_tree; char *stderr_buffer; PgQueryError *error }. */
    _wasm_parse_query_raw(query: number): number;
    _wasm_free_parse_result(result: number): void;
    getValue(pointer: number, type: 'i32'): number;
    lengthBytesUTF8(text: string): number;
    stringToUTF8(text: string, pointer: number, maxBytes: number): void;
    UTF8ToString(pointer: number): string;
  }

  export interface LibpgQueryModuleOptions {
    /** Emscripten's hook to instantiate the module ourselves (workerd cannot compile bytes at run time). */
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void): object;
  }

  const createLibpgQueryModule: (options: LibpgQueryModuleOptions) => Promise<LibpgQueryModule>;
  export default createLibpgQueryModule;
}

// A `.wasm` import in the Worker: wrangler's default module rule bundles it as a module compiled
// at deploy time (workerd compiles no WebAssembly from bytes at run time).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
