import crypto from 'node:crypto';
import { createApiToken, hashApiToken, verifyApiToken } from '../../lambda/auth/api-token';
import { ValidationError } from '../../lambda/core/errors';
import { authConfig, describeError, JIRA_SHA256, JIRA_TOKEN, thrownBy } from './fixtures';

const counting = Buffer.from(Array.from({ length: 32 }, (_, index) => index));

describe('createApiToken', () => {
  it('makes sawh_ + base64url(32 random bytes) and stores the SHA-256 hex of it', () => {
    // When
    const created = createApiToken('jira', (size) => {
      expect(size).toBe(32);
      return counting;
    });

    // Then
    expect(created).toEqual({ token: JIRA_TOKEN, entry: { name: 'jira', sha256: JIRA_SHA256 } });
  });

  it('makes a different 48-character token each time with the real random source', () => {
    const first = createApiToken('a');
    const second = createApiToken('a');

    expect(first.token).toMatch(/^sawh_[A-Za-z0-9_-]{43}$/);
    expect(second.token).not.toBe(first.token);
    expect(first.entry.sha256).toBe(hashApiToken(first.token).toString('hex'));
  });

  it.each(['', 'with space', 'n'.repeat(65), 'ünïcode'])('refuses the client name %j', (name) => {
    const error = thrownBy(() => createApiToken(name));

    expect(error).toBeInstanceOf(ValidationError);
    expect(describeError(error)).toEqual({
      name: 'ValidationError',
      status: 400,
      reason: 'invalid-client-name',
      message: 'The API client name must match [A-Za-z0-9._-]{1,64}',
    });
  });
});

describe('verifyApiToken', () => {
  const other = createApiToken('other');
  const config = authConfig({
    apiClients: [
      { name: 'first', sha256: 'a'.repeat(64) },
      { name: 'jira', sha256: JIRA_SHA256 },
      other.entry,
    ],
  });

  afterEach(() => jest.restoreAllMocks());

  it('names the client whose hash matches', () => {
    const legacy = { actions: ['approve', 'reject'], runbooks: ['*'] };
    expect(verifyApiToken(config, JIRA_TOKEN)).toEqual({ clientName: 'jira', scope: legacy });
    expect(verifyApiToken(config, other.token)).toEqual({ clientName: 'other', scope: legacy });
  });

  it.each([
    ['a wrong token', 'sawh_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9'],
    ['the token with a changed case', JIRA_TOKEN.toUpperCase()],
    ['the token without its prefix', JIRA_TOKEN.slice(5)],
    ['the stored hash itself', JIRA_SHA256],
    ['an empty string', ''],
    ['a 513-character string', 'a'.repeat(513)],
  ])('refuses %s', (_case, presented) => {
    expect(verifyApiToken(config, presented)).toBeUndefined();
  });

  it('refuses a revoked token (its entry removed)', () => {
    const revoked = authConfig({ apiClients: [other.entry] });

    expect(verifyApiToken(revoked, JIRA_TOKEN)).toBeUndefined();
    expect(verifyApiToken(authConfig({}), JIRA_TOKEN)).toBeUndefined();
  });

  it('compares with every stored hash, even after a match', () => {
    // Given
    const compare = jest.spyOn(crypto, 'timingSafeEqual');

    // When: the token of the second of three clients
    const result = verifyApiToken(config, JIRA_TOKEN);

    // Then
    expect(result).toEqual({
      clientName: 'jira',
      scope: { actions: ['approve', 'reject'], runbooks: ['*'] },
    });
    expect(compare).toHaveBeenCalledTimes(3);
    expect(compare.mock.calls.map(([, stored]) => Buffer.from(stored as Uint8Array).toString('hex'))).toEqual(
      ['a'.repeat(64), JIRA_SHA256, other.entry.sha256],
    );
  });
});
