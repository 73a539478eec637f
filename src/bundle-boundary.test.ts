import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

/** Every module under src/ that the deployed Worker may bundle (tests excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const SRC = resolve(import.meta.dirname);

it('the deployed bundle holds production code only: nothing in src/ imports from outside src/ but packages', () => {
  const outside: string[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
      if (!specifier?.startsWith('.')) continue; // a package
      const target = resolve(file, '..', specifier);
      if (relative(SRC, target).startsWith('..')) outside.push(`${relative(SRC, file)} → ${specifier}`);
    }
  }
  // The conformance fixtures and stand-ins live under test/ and reach the Worker only through
  // test/conformance/worker.ts, a separate entry.
  expect(outside).toEqual([]);
  expect(sourceFiles(SRC).length).toBeGreaterThan(50); // the walk found the sources
});
