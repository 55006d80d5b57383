/**
 * A link signed with a key this function has not seen yet: right after a rotation, a warm function still
 * holds the secret it cached before (up to APP_SECRET_MAX_AGE_SECONDS). As JWKS clients do, it then reads
 * the secret once more, bypassing the cache, and tries again. Forced reads are spaced at least
 * MIN_REFRESH_INTERVAL_MS apart, so made-up key ids cannot turn requests into Secrets Manager calls.
 */
import { AuthenticationError } from '../core/errors';
import type { ConfigSource } from './config-source';
import type { AuthConfig } from './secret-document';

export const MIN_REFRESH_INTERVAL_MS = 30_000;

let lastForcedAt = Number.NEGATIVE_INFINITY;

const isUnknownKey = (error: unknown): boolean =>
  error instanceof AuthenticationError && error.reason === 'unknown-key-id';

export const withKeyRefresh = async <T>(
  load: ConfigSource,
  use: (config: AuthConfig) => Promise<T>,
  now: () => number = Date.now,
): Promise<T> => {
  try {
    return await use(await load());
  } catch (error) {
    if (!isUnknownKey(error) || now() - lastForcedAt < MIN_REFRESH_INTERVAL_MS) throw error;
    lastForcedAt = now();
    return use(await load({ fresh: true }));
  }
};

/** Tests only: forget when the last forced read was. */
export const resetKeyRefresh = (): void => {
  lastForcedAt = Number.NEGATIVE_INFINITY;
};
