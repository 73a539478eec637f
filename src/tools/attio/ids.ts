import { z } from 'zod';

/**
 * An Attio record, task, list entry, note or workspace member id: a UUID, as Attio's API reference
 * declares them (`format: uuid`). Ids go into request paths, so nothing else is accepted: an id
 * of `..` would otherwise address another endpoint.
 */
export function attioId(what: string) {
  return z.guid({ error: `Expected ${what} id: a UUID such as 891dcbfc-9141-415d-9b2a-2238a6cc012d.` });
}
