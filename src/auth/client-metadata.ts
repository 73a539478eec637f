import type { ClientRegistrationCallbackResult } from '@cloudflare/workers-oauth-provider';

/**
 * Limits on what dynamic client registration (RFC 7591) stores. Registration is anonymous and a
 * client is kept for 90 days and shown on the consent page, so without them anyone could store
 * a megabyte per request (a 900 KB `client_name`, 10,000 redirect URIs). Real clients send well
 * under a kilobyte. docs/security.md, "Client registration", lists the same numbers.
 */
export const REGISTRATION_LIMITS = {
  /** The whole registration document, as JSON. */
  documentBytes: 16 * 1024,
  /** `client_name` and each localized `client_name#<language>`. */
  nameChars: 200,
  /** Each URI: every `redirect_uris` entry, `client_uri`, `logo_uri`, `policy_uri`, `tos_uri`, `jwks_uri` and their localized forms. */
  uriChars: 2048,
  redirectUris: 10,
  contacts: 5,
  /** Each contact (an e-mail address is at most 254 characters). */
  contactChars: 254,
  /** Entries of any other list (`grant_types`, `response_types`, …). */
  listEntries: 10,
  /** Any other string value (`token_endpoint_auth_method`, `scope`, `software_id`, …), and each list entry. */
  otherChars: 256,
  /** Localized variants (`client_name#fr`, `logo_uri#de`, …), all fields together. */
  localizedFields: 20,
} as const;

const L = REGISTRATION_LIMITS;

/**
 * The library's `clientRegistrationCallback`: refuses, with 400 `invalid_client_metadata` naming
 * the field and its limit, a registration beyond {@link REGISTRATION_LIMITS}; `undefined` lets it
 * be stored.
 */
export function refuseClientMetadata(metadata: Record<string, unknown>): ClientRegistrationCallbackResult | undefined {
  const problem = metadataProblem(metadata);
  return problem ? { code: 'invalid_client_metadata', description: problem, status: 400 } : undefined;
}

function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  if (new TextEncoder().encode(JSON.stringify(metadata)).byteLength > L.documentBytes) {
    return `The registration is larger than ${L.documentBytes / 1024} KB.`;
  }
  const keys = Object.keys(metadata);
  if (keys.filter((key) => key.includes('#')).length > L.localizedFields) {
    return `More than ${L.localizedFields} localized fields.`;
  }
  for (const key of keys) {
    const value = metadata[key];
    const field = key.split('#')[0] ?? key;
    const maxChars =
      field === 'client_name'
        ? L.nameChars
        : field.endsWith('_uri') || field === 'redirect_uris'
          ? L.uriChars
          : L.otherChars;
    if (typeof value === 'string' && value.length > maxChars) return `${key} is longer than ${maxChars} characters.`;
    if (!Array.isArray(value)) continue;
    const maxEntries = field === 'redirect_uris' ? L.redirectUris : field === 'contacts' ? L.contacts : L.listEntries;
    if (value.length > maxEntries) return `${key} has more than ${maxEntries} entries.`;
    const maxEntryChars = field === 'contacts' ? L.contactChars : maxChars;
    if (value.some((entry) => typeof entry === 'string' && entry.length > maxEntryChars)) {
      return `An entry of ${key} is longer than ${maxEntryChars} characters.`;
    }
  }
  return undefined;
}
