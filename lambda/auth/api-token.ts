/**
 * API client tokens for machines (ticketing systems): `Authorization: Bearer sawh_<43 base64url chars>`.
 * The secret stores only `{ name, sha256 }`; the name becomes the recorded identity.
 *
 * Why a plain, unsalted SHA-256 and not bcrypt/scrypt/argon2: those slow, salted hashes protect
 * low-entropy secrets (passwords) against offline guessing. These tokens are 32 random bytes (256 bits),
 * so guessing a preimage of a leaked hash is infeasible at any hash speed, and there is nothing for a
 * salt to defeat (no dictionary, no precomputed table covers 2^256 inputs). A slow hash would only add
 * CPU time to every request.
 */
import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../core/errors';
import {
  API_CLIENT_NAME_PATTERN,
  type ApiClient,
  type ApiClientEntry,
  type ApiScope,
  type AuthConfig,
} from './secret-document';

/** Marks our tokens, so secret scanners and people recognise a leaked one. */
export const API_TOKEN_PREFIX = 'sawh_';
/**
 * Longer presented values are refused without hashing. Assumption: nothing legitimate is longer; ours are
 * 48 characters, and the bound only caps the work an anonymous caller can cause.
 */
export const MAX_API_TOKEN_LENGTH = 512;

export interface CreatedApiToken {
  /** Shown once to the operator; never stored. */
  readonly token: string;
  /** What the secret stores. */
  readonly entry: ApiClientEntry;
}

/** SHA-256 of the token's UTF-8 bytes. */
export const hashApiToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export function createApiToken(
  name: string,
  randomBytes: (size: number) => Buffer = nodeRandomBytes,
): CreatedApiToken {
  if (!API_CLIENT_NAME_PATTERN.test(name)) {
    throw new ValidationError('invalid-client-name', 'The API client name must match [A-Za-z0-9._-]{1,64}');
  }
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, entry: { name, sha256: hashApiToken(token).toString('hex') } };
}

/**
 * The client a presented token belongs to, or undefined. The presented token's hash is compared with
 * every stored hash, in constant time and without stopping at a match, so the time taken says nothing
 * about which client (or whether any) matched. Hashing first makes the lengths equal, as
 * `timingSafeEqual` requires.
 */
export function verifyApiToken(
  config: AuthConfig,
  presented: string,
): { clientName: string; scope: ApiScope } | undefined {
  if (presented.length === 0 || presented.length > MAX_API_TOKEN_LENGTH) {
    return undefined;
  }
  const presentedHash = hashApiToken(presented);
  let match: ApiClient | undefined;
  for (const client of config.apiClients) {
    if (timingSafeEqual(presentedHash, client.sha256) && match === undefined) {
      match = client;
    }
  }
  return match === undefined ? undefined : { clientName: match.name, scope: match.scope };
}
