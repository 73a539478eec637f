import { z } from 'zod';

/**
 * zod schemas for the parts of Attio's responses we read. Objects are loose (`z.looseObject`)
 * so fields Attio adds later never break a call; only what we use is required.
 */

/** `GET /v2/self`: token introspection, flat. An inactive token answers `{ active: false }`. */
export const SelfResponse = z.union([
  z.looseObject({
    active: z.literal(true),
    workspace_id: z.string(),
    workspace_name: z.string(),
    workspace_slug: z.string(),
    authorized_by_workspace_member_id: z.string().nullable(),
    scope: z.string().optional(),
  }),
  z.looseObject({ active: z.literal(false) }),
]);
export type SelfResponse = z.infer<typeof SelfResponse>;

export const WorkspaceMemberResponse = z.object({
  data: z.looseObject({
    id: z.looseObject({ workspace_member_id: z.string() }),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    email_address: z.string().nullable(),
  }),
});

/** One typed value of an attribute, with history metadata; the rest depends on `attribute_type`. */
export const AttioValue = z.looseObject({ attribute_type: z.string() });
export type AttioValue = z.infer<typeof AttioValue>;

export const RecordId = z.looseObject({ workspace_id: z.string(), object_id: z.string(), record_id: z.string() });

export const AttioRecord = z.looseObject({
  id: RecordId,
  created_at: z.string(),
  web_url: z.string().optional(),
  values: z.record(z.string(), z.array(AttioValue)),
});
export type AttioRecord = z.infer<typeof AttioRecord>;

export const RecordsResponse = z.object({ data: z.array(AttioRecord) });

/** `POST /v2/objects/records/search` answers a compact shape, not full records. */
export const RecordSearchResult = z.looseObject({
  id: RecordId,
  object_slug: z.string(),
  record_text: z.string(),
  domains: z.array(z.string()).optional(),
  email_addresses: z.array(z.string()).optional(),
});
export const RecordSearchResponse = z.object({ data: z.array(RecordSearchResult) });
