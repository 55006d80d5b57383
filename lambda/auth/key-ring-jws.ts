/**
 * Compact JWS (HS256, by `jose`) signed with the secret's link key ring: the one signing and verifying
 * mechanism behind link tokens (lambda/auth/link-token.ts) and Slack button values
 * (lambda/slack/button-token.ts). Each kind has its own `typ` and `aud`, so a token of one kind is never
 * accepted as the other. The header carries `kid`: keys rotate by adding a key and making it active,
 * while the old ones keep verifying. Callers check their own claims and turn a `KeyRingJwsError` into
 * their own words.
 */
import { randomUUID, type webcrypto } from 'node:crypto';
import { errors, type JWTHeaderParameters, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { ConfigurationError } from '../core/errors';
import type { AuthConfig } from './secret-document';

export const KEY_RING_ALGORITHM = 'HS256';
/** `iss` of every token the webhook signs. */
export const KEY_RING_ISSUER = 'ssm-approval-webhook';
/**
 * Accepted up to 5 s after `exp`: the signer's clock (an operator's laptop running `npm run link`) sets
 * `exp`, Lambda's clock checks it. Five seconds covers ordinary NTP drift.
 */
export const KEY_RING_CLOCK_TOLERANCE_SECONDS = 5;

/** What tells one kind of token from another. */
export interface JwsKind {
  readonly typ: string;
  readonly audience: string;
  /** Longer tokens are refused unparsed. */
  readonly maxLength: number;
  /** What the caller calls it in log causes: `token`, `value`. */
  readonly noun: string;
}

/** Why a token was refused; `cause` keeps the library's or our own reason, for the log only. */
export class KeyRingJwsError extends Error {
  constructor(
    readonly failure: 'invalid' | 'expired' | 'unknown-key',
    options: { cause: unknown },
  ) {
    super(`key-ring JWS refused: ${failure}`, options);
    this.name = 'KeyRingJwsError';
  }
}

export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Raw key bytes make jose import the key into WebCrypto again on every call; a CryptoKey imported once
 * per key (while the cached secret keeps the same bytes) makes verifying about a third faster
 * (npm run bench). Not extractable, usable only for HMAC-SHA256.
 */
const preparedKeys = new WeakMap<Uint8Array, Promise<webcrypto.CryptoKey>>();
const preparedKey = (bytes: Uint8Array): Promise<webcrypto.CryptoKey> => {
  let key = preparedKeys.get(bytes);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    preparedKeys.set(bytes, key);
  }
  return key;
};

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * One token, one spelling: base64url without padding or white space, and each segment exactly as
 * re-encoding its bytes gives it. Decoders ignore the unused low bits of a segment's last character
 * and skip padding and spaces, so without this check one signed token would have several spellings
 * that all verify (and would slip past anything that compares or records tokens as strings).
 */
export const isCanonicalCompactJws = (token: string): boolean =>
  COMPACT_JWS.test(token) &&
  token.split('.').every((segment) => Buffer.from(segment, 'base64url').toString('base64url') === segment);

/** Signs `claims` with the active key, with `iss`, `aud`, `sub`, `iat`, `exp` and a random `jti`. */
export async function signWithKeyRing(
  config: AuthConfig,
  kind: JwsKind,
  input: {
    readonly subject: string;
    readonly claims: JWTPayload;
    readonly ttlSeconds: number;
    readonly now?: Date;
  },
): Promise<string> {
  const key = config.linkKeys.get(config.activeLinkKeyId);
  if (key === undefined) {
    throw new ConfigurationError('The active link key id names no link key');
  }
  const issuedAt = epochSeconds(input.now ?? new Date());
  return new SignJWT(input.claims)
    .setProtectedHeader({ alg: KEY_RING_ALGORITHM, kid: config.activeLinkKeyId, typ: kind.typ })
    .setIssuer(KEY_RING_ISSUER)
    .setAudience(kind.audience)
    .setSubject(input.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + input.ttlSeconds)
    .setJti(randomUUID())
    .sign(await preparedKey(key));
}

/** Thrown by the key lookup; turned into the `unknown-key` failure. */
class UnknownKeyIdError extends Error {}

/**
 * Checks length, spelling, signature (HS256 only, key chosen by `kid`), `typ`, `iss`, `aud`, `exp` and
 * the presence of `sub`, `exp`, `iat`, `jti`; the caller checks its own claims.
 * @throws KeyRingJwsError
 */
export async function verifyWithKeyRing(
  config: AuthConfig,
  kind: JwsKind,
  token: string,
  now: Date,
): Promise<{ readonly payload: JWTPayload; readonly header: JWTHeaderParameters }> {
  const { noun } = kind;
  if (typeof token !== 'string' || token.length === 0 || token.length > kind.maxLength) {
    throw new KeyRingJwsError('invalid', {
      cause: new Error(`${noun} length is not within 1..${kind.maxLength}`),
    });
  }
  if (!isCanonicalCompactJws(token)) {
    throw new KeyRingJwsError('invalid', {
      cause: new Error(`${noun} is not in canonical compact JWS form`),
    });
  }
  try {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      (header) => {
        const key = typeof header.kid === 'string' ? config.linkKeys.get(header.kid) : undefined;
        if (key === undefined) throw new UnknownKeyIdError('the "kid" header names no link key');
        return preparedKey(key);
      },
      {
        algorithms: [KEY_RING_ALGORITHM],
        typ: kind.typ,
        issuer: KEY_RING_ISSUER,
        audience: kind.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        clockTolerance: KEY_RING_CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
      },
    );
    return { payload, header: protectedHeader };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new KeyRingJwsError('expired', { cause: error });
    if (error instanceof UnknownKeyIdError) throw new KeyRingJwsError('unknown-key', { cause: error });
    throw new KeyRingJwsError('invalid', { cause: error });
  }
}
