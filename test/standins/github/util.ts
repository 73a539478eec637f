// Small runtime-neutral helpers (no Node-only APIs): random values, GitHub's
// legacy node IDs, PKCE hashing and HTML/JSON responses.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random string from the platform CSPRNG over [A-Za-z0-9]. */
export function randomBase62(length: number): string {
  const out: string[] = [];
  const buf = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(buf);
    for (const byte of buf) {
      // 248 = 62 * 4: reject the tail so every character is equally likely.
      if (byte < 248 && out.length < length) out.push(BASE62.charAt(byte % 62));
    }
  }
  return out.join('');
}

export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * GitHub's legacy global node ID: base64 of "0<length of type>:<Type><database id>",
 * e.g. "MDQ6VXNlcjE=" for User 1 and "MDEwOlJlcG9zaXRvcnkxMjk2MjY5" for Repository 1296269.
 */
export function nodeId(type: string, id: number): string {
  return btoa(`0${type.length}:${type}${id}`);
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** PKCE S256: BASE64URL(SHA-256(ASCII(code_verifier))). */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64UrlEncode(new Uint8Array(digest));
}

/** ISO 8601 in GitHub's format: second precision, "Z" (2011-01-26T19:01:12Z). */
export function isoNow(now: number = Date.now()): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Reads a JSON body; '' is {}. Returns `undefined` for unparsable text. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
