import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

/** The modules under src/ that the deployed Worker may bundle (tests excluded), and what each imports. */
const SRC = resolve(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Relative imports that exist at run time (`import type` is erased), resolved to files. */
function runtimeImports(file: string): { specifier: string; target: string | undefined }[] {
  const imports = [...readFileSync(file, 'utf8').matchAll(/^import\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)];
  return imports
    .filter(([, typeOnly]) => !typeOnly)
    .map(([, , specifier = '']) => {
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      return { specifier, target };
    });
}

const files = sourceFiles(SRC);

it('the deployed bundle holds production code only: nothing in src/ imports from outside src/ but packages', () => {
  const outside = files.flatMap((file) =>
    runtimeImports(file)
      .filter(({ specifier }) => relative(SRC, resolve(dirname(file), specifier)).startsWith('..'))
      .map(({ specifier }) => `${relative(SRC, file)} → ${specifier}`),
  );
  // The conformance fixtures and the stand-ins live under test/ and reach the Worker only through
  // test/conformance/worker.ts, a separate entry.
  expect(outside).toEqual([]);
  expect(files.length).toBeGreaterThan(50); // the walk found the sources
});

it('no module imports itself back at run time: no import cycle (a tool call never climbs up to the provider)', () => {
  const graph = new Map(files.map((file) => [file, runtimeImports(file).flatMap(({ target }) => target ?? [])]));
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    if (path.includes(file)) {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    path.pop();
    done.add(file);
  };
  for (const file of files) visit(file);
  expect(cycles).toEqual([]);
});
