import {
  type CryptoKey,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';

import { ROLES, type Role } from './principal';

/** The only algorithm Vigil signs with and accepts: `alg` is pinned, never read from the token. */
export const ACCESS_TOKEN_ALG = 'ES256';

export interface AccessTokenClaims {
  /** The user's id. */
  sub: string;
  /** The tenant the session is in. */
  tid: string;
  role: Role;
  /** The session (refresh-token family): logging out of it stops its access tokens too. */
  sid: string;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface SigningMaterial {
  kid: string;
  privateKey: CryptoKey;
}

export async function signAccessToken(
  claims: AccessTokenClaims,
  key: SigningMaterial,
  settings: TokenSettings,
  issuedAtSeconds = Math.floor(Date.now() / 1000),
): Promise<{ token: string; expiresAt: Date }> {
  const exp = issuedAtSeconds + settings.ttlSeconds;
  const token = await new SignJWT({ tid: claims.tid, role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: key.kid, typ: 'at+jwt' })
    .setSubject(claims.sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAtSeconds)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies signature (ES256 only, key by `kid`), `iss`, `aud` and `exp`, and the shape of our
 * claims. Returns null for any token that does not pass; never throws on bad input.
 */
export async function verifyAccessToken(
  token: string,
  keys: JWTVerifyGetKey,
  settings: Omit<TokenSettings, 'ttlSeconds'>,
): Promise<AccessTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [ACCESS_TOKEN_ALG],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 5,
    });
    return claimsOf(payload);
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
}

export function claimsOf(payload: JWTPayload): AccessTokenClaims | null {
  const { sub, tid, role, sid } = payload;
  if (typeof sub !== 'string' || typeof tid !== 'string' || typeof sid !== 'string') return null;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  return { sub, tid, role: role as Role, sid };
}

/** Three base64url segments: a JWT, as opposed to an API key (`vgl_...`, no dots). */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);
}
