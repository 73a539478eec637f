import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An Attio record, task, list entry, note or workspace member id: a UUID, as Attio's API reference
 * declares them (`format: uuid`). Ids go into request paths, so nothing else is accepted: an id
 * of `..` would otherwise address another endpoint. Checked here rather than by a JSON Schema
 * pattern, which would cost every tool that takes an id some 40 tokens in `tools/list`.
 */
export function attioId(what: string) {
  return z
    .string()
    .refine((value) => UUID.test(value), {
      error: `Expected ${what} id: a UUID such as 891dcbfc-9141-415d-9b2a-2238a6cc012d.`,
    })
    .meta({ format: 'uuid' });
}

export function isAttioId(value: string): boolean {
  return UUID.test(value);
}
