import { MIN_REFRESH_INTERVAL_MS, resetKeyRefresh, withKeyRefresh } from '../../lambda/auth/key-refresh';
import type { AuthConfig } from '../../lambda/auth/secret-document';
import { AuthenticationError, ForbiddenError } from '../../lambda/core/errors';

const cached = { activeLinkKeyId: 'k1' } as AuthConfig;
const fresh = { activeLinkKeyId: 'k2' } as AuthConfig;
const unknownKey = () =>
  new AuthenticationError('unknown-key-id', 'The link is not valid. Ask for a new link.');

describe('withKeyRefresh', () => {
  let clock: number;
  let loads: ({ fresh?: boolean } | undefined)[];
  const load = async (options?: { fresh?: boolean }) => {
    loads.push(options);
    return options?.fresh ? fresh : cached;
  };
  /** Knows only the fresh config's key, as a function that cached the secret before a rotation. */
  const verify = async (config: AuthConfig) => {
    if (config !== fresh) throw unknownKey();
    return 'verified';
  };

  beforeEach(() => {
    resetKeyRefresh();
    clock = 1_000_000;
    loads = [];
  });

  it('reads the secret once more, past the cache, when the key id is unknown', async () => {
    await expect(withKeyRefresh(load, verify, () => clock)).resolves.toBe('verified');
    expect(loads).toEqual([undefined, { fresh: true }]);
  });

  it('forces at most one read per interval, so made-up key ids cannot hammer Secrets Manager', async () => {
    await withKeyRefresh(load, verify, () => clock);
    clock += MIN_REFRESH_INTERVAL_MS - 1;
    await expect(withKeyRefresh(load, verify, () => clock)).rejects.toMatchObject({
      reason: 'unknown-key-id',
    });
    clock += 1;
    await expect(withKeyRefresh(load, verify, () => clock)).resolves.toBe('verified');
    expect(loads).toEqual([undefined, { fresh: true }, undefined, undefined, { fresh: true }]);
  });

  it('does not read again for any other refusal', async () => {
    const expired = new ForbiddenError('link-expired', 'The link has expired. Ask for a new link.');
    const invalid = new AuthenticationError(
      'invalid-link-token',
      'The link is not valid. Ask for a new link.',
    );
    for (const error of [expired, invalid]) {
      await expect(
        withKeyRefresh(
          load,
          async () => Promise.reject(error),
          () => clock,
        ),
      ).rejects.toBe(error);
    }
    expect(loads).toEqual([undefined, undefined]);
  });
});
