// Forged ID tokens for testing a relying party's ID-token verification. Each mode takes the real
// token oidc-provider issued and breaks exactly one property of it.
import { base64url, CompactSign, type CryptoKey } from 'jose';

export const TAMPER_MODES = ['audience', 'signature', 'issuer', 'expired', 'nonce', 'alg-none'] as const;
export type TamperMode = (typeof TAMPER_MODES)[number];

export function isTamperMode(value: unknown): value is TamperMode {
  return typeof value === 'string' && (TAMPER_MODES as readonly string[]).includes(value);
}

export interface TamperKeys {
  /** The provider's real signing key (its public half is in the JWKS). */
  signingKey: CryptoKey;
  /** Another key of the same kind, never published: signatures made with it must not verify. */
  attackerKey: CryptoKey;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function decodePart(part: string | undefined): Record<string, unknown> {
  if (part === undefined) throw new Error('not a compact JWS');
  return JSON.parse(decoder.decode(base64url.decode(part))) as Record<string, unknown>;
}

async function sign(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey,
): Promise<string> {
  // The provider's own algorithm (RS256 for Access, ES256 for Supabase), from the real header.
  const alg = typeof header.alg === 'string' ? header.alg : 'RS256';
  return new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader({ ...header, alg }).sign(key);
}

/** Returns `idToken` broken in the way `mode` names (claims otherwise unchanged). */
export async function tamperIdToken(
  idToken: string,
  mode: TamperMode,
  keys: TamperKeys,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  const [headerPart, payloadPart] = idToken.split('.');
  const header = decodePart(headerPart);
  const payload = decodePart(payloadPart);
  switch (mode) {
    case 'audience':
      return sign(header, { ...payload, aud: `${String(payload.aud)}-other-app` }, keys.signingKey);
    case 'signature':
      // Same header (so the same kid): the relying party picks the real public key, which fails.
      return sign(header, payload, keys.attackerKey);
    case 'issuer': {
      const iss = String(payload.iss).replace(/^https?:\/\/[^/]+/, 'https://other-team.cloudflareaccess.com');
      return sign(header, { ...payload, iss: iss === payload.iss ? `${iss}-other` : iss }, keys.signingKey);
    }
    case 'expired':
      return sign(header, { ...payload, iat: nowSeconds - 7200, exp: nowSeconds - 3600 }, keys.signingKey);
    case 'nonce':
      return sign(header, { ...payload, nonce: `tampered-${String(payload.nonce ?? '')}` }, keys.signingKey);
    case 'alg-none': {
      const { kid: _kid, ...rest } = header;
      const unsigned = { ...rest, alg: 'none' };
      return `${base64url.encode(JSON.stringify(unsigned))}.${base64url.encode(JSON.stringify(payload))}.`;
    }
  }
}
