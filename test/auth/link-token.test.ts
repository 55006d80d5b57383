import { createHmac } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import {
  authorizeLink,
  authorizeLinkView,
  LINK_TOKEN_AUDIENCE,
  LINK_TOKEN_ISSUER,
  LINK_TOKEN_TYPE,
  type LinkClaims,
  MAX_LINK_TOKEN_LENGTH,
  MAX_LINK_TTL_SECONDS,
  signLinkToken,
  verifyLinkToken,
} from '../../lambda/auth/link-token';
import { AuthenticationError, ForbiddenError, ValidationError } from '../../lambda/core/errors';
import {
  authConfig,
  describeError,
  EXECUTION_ID,
  KEY,
  OTHER_EXECUTION_ID,
  rejectionOf,
  thrownBy,
} from './fixtures';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const at = (epochSeconds: number): Date => new Date(epochSeconds * 1000);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const config = authConfig({ keys: { k1: true } });
const keyBytes = (kid: keyof typeof KEY): Uint8Array => new Uint8Array(Buffer.from(KEY[kid], 'utf8'));

const sign = (overrides: Partial<Parameters<typeof signLinkToken>[1]> = {}) =>
  signLinkToken(config, {
    executionId: EXECUTION_ID,
    actions: ['approve', 'reject'],
    approver: 'alice@example.com',
    ttlSeconds: 600,
    now: NOW,
    ...overrides,
  });

const INVALID = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'invalid-link-token',
  message: 'The link is not valid. Ask for a new link.',
};
const EXPIRED = {
  name: 'ForbiddenError',
  status: 403,
  reason: 'link-expired',
  message: 'The link has expired. Ask for a new link.',
  cause: { code: 'ERR_JWT_EXPIRED', message: '"exp" claim timestamp check failed' },
};
const UNKNOWN_KEY = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'unknown-key-id',
  message: 'The link was signed with a key that is no longer accepted. Ask for a new link.',
  cause: { name: 'Error', message: 'the "kid" header names no link key' },
};

/** The claims a good token carries, for forging variants of it. */
const goodPayload = (): Record<string, unknown> => ({
  v: 1,
  act: ['approve'],
  apr: 'alice@example.com',
  iss: LINK_TOKEN_ISSUER,
  aud: LINK_TOKEN_AUDIENCE,
  sub: EXECUTION_ID,
  iat: NOW_S,
  exp: NOW_S + 600,
  jti: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
});
const goodHeader = { alg: 'HS256', kid: 'k1', typ: LINK_TOKEN_TYPE };

/** A token signed with jose directly: any header and claims, real signature. */
const forge = (
  payload: Record<string, unknown>,
  header: Record<string, unknown> = goodHeader,
  key: Parameters<SignJWT['sign']>[0] = keyBytes('k1'),
): Promise<string> =>
  new SignJWT(payload).setProtectedHeader(header as Parameters<SignJWT['setProtectedHeader']>[0]).sign(key);

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
/** HS256 by hand, for headers jose's signer refuses to produce. */
const hmacSigned = (header: unknown, payload: unknown, key: string = KEY.k1): string => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', Buffer.from(key, 'utf8')).update(input).digest('base64url')}`;
};
const segments = (token: string): [string, string, string] => token.split('.') as [string, string, string];

describe('signLinkToken / verifyLinkToken', () => {
  it('signs a compact JWS with the expected header and claims, and verifies it back', async () => {
    // When
    const token = await sign();
    const claims = await verifyLinkToken(config, token, NOW);

    // Then
    const payload = decodeJwt(token);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'k1', typ: 'ssm-approval-link+jwt' });
    expect(payload).toEqual({
      v: 1,
      act: ['approve', 'reject'],
      apr: 'alice@example.com',
      iss: 'ssm-approval-webhook',
      aud: 'ssm-approval-webhook/link',
      sub: EXECUTION_ID,
      iat: NOW_S,
      exp: NOW_S + 600,
      jti: payload.jti,
    });
    expect(payload.jti).toMatch(UUID);
    expect(claims).toEqual<LinkClaims>({
      executionId: EXECUTION_ID,
      actions: ['approve', 'reject'],
      approver: 'alice@example.com',
      expiresAt: at(NOW_S + 600),
      issuedAt: NOW,
      tokenId: payload.jti as string,
      keyId: 'k1',
    });
  });

  it('gives every link its own random jti', async () => {
    const [first, second] = await Promise.all([sign(), sign()]);

    expect(decodeJwt(first).jti).not.toBe(decodeJwt(second).jti);
  });

  it('truncates a fractional "now" to whole seconds', async () => {
    const token = await sign({ now: new Date(NOW.getTime() + 999) });

    expect(decodeJwt(token)).toMatchObject({ iat: NOW_S, exp: NOW_S + 600 });
  });

  it('keeps the longest possible token well under the length limit', async () => {
    // Given: the longest label (128 four-byte characters) and every action
    const approver = '😀'.repeat(128);

    // When
    const token = await sign({ approver, actions: ['approve', 'reject', 'stop'] });

    // Then: every field has a fixed length, so the token length is exact
    expect(token.length).toBe(1119);
    expect(token.length).toBeLessThan(MAX_LINK_TOKEN_LENGTH);
    expect((await verifyLinkToken(config, token, NOW)).approver).toBe(approver);
  });

  it.each<[string, Partial<Parameters<typeof signLinkToken>[1]>, string, string]>([
    [
      'a non-UUID execution id',
      { executionId: 'not-a-uuid' },
      'invalid-execution-id',
      'The execution id must be a UUID (36 characters)',
    ],
    [
      'an execution id with a suffix',
      { executionId: `${EXECUTION_ID}x` },
      'invalid-execution-id',
      'The execution id must be a UUID (36 characters)',
    ],
    [
      'no actions',
      { actions: [] },
      'invalid-link-actions',
      'The actions must be a non-empty list of distinct values from: approve, reject, stop',
    ],
    [
      'a repeated action',
      { actions: ['stop', 'stop'] },
      'invalid-link-actions',
      'The actions must be a non-empty list of distinct values from: approve, reject, stop',
    ],
    [
      'the signal action',
      { actions: ['signal' as 'stop'] },
      'invalid-link-actions',
      'The actions must be a non-empty list of distinct values from: approve, reject, stop',
    ],
    [
      'an empty approver',
      { approver: '' },
      'invalid-approver',
      'The approver label must be 1 to 128 characters without control characters',
    ],
    [
      'a blank approver',
      { approver: '   ' },
      'invalid-approver',
      'The approver label must be 1 to 128 characters without control characters',
    ],
    [
      'a 129-character approver',
      { approver: 'a'.repeat(129) },
      'invalid-approver',
      'The approver label must be 1 to 128 characters without control characters',
    ],
    [
      'an approver with a newline',
      { approver: 'alice\nbob' },
      'invalid-approver',
      'The approver label must be 1 to 128 characters without control characters',
    ],
    [
      'an approver with a bidi override',
      { approver: 'alice\u202Emoc.elpmaxe' },
      'invalid-approver',
      'The approver label must be 1 to 128 characters without control characters',
    ],
    [
      'an approver with a lone surrogate',
      { approver: 'alice\uD83D' },
      'invalid-approver',
      'The approver label must be 1 to 128 characters without control characters',
    ],
    [
      'a ttl of 59 s',
      { ttlSeconds: 59 },
      'invalid-link-ttl',
      'The link lifetime must be a whole number of seconds from 60 to 2592000',
    ],
    [
      'a ttl of 30 days + 1 s',
      { ttlSeconds: 2_592_001 },
      'invalid-link-ttl',
      'The link lifetime must be a whole number of seconds from 60 to 2592000',
    ],
    [
      'a fractional ttl',
      { ttlSeconds: 60.5 },
      'invalid-link-ttl',
      'The link lifetime must be a whole number of seconds from 60 to 2592000',
    ],
    [
      'a NaN ttl',
      { ttlSeconds: Number.NaN },
      'invalid-link-ttl',
      'The link lifetime must be a whole number of seconds from 60 to 2592000',
    ],
  ])('refuses to sign %s', async (_case, overrides, reason, message) => {
    const error = await rejectionOf(sign(overrides));

    expect(error).toBeInstanceOf(ValidationError);
    expect(describeError(error)).toEqual({ name: 'ValidationError', status: 400, reason, message });
  });

  it.each([60, 2_592_000])('signs at the ttl bound %i s', async (ttlSeconds) => {
    const claims = await verifyLinkToken(config, await sign({ ttlSeconds }), NOW);

    expect(claims.expiresAt).toEqual(at(NOW_S + ttlSeconds));
  });

  it('accepts a 128-character approver label', async () => {
    const approver = 'a'.repeat(128);

    expect((await verifyLinkToken(config, await sign({ approver }), NOW)).approver).toBe(approver);
  });
});

describe('verifyLinkToken refuses a tampered token', () => {
  it('with a changed payload and the original signature', async () => {
    const [header, payload, signature] = segments(await sign());
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = b64({ ...claims, act: ['approve', 'reject', 'stop'] });

    const error = await rejectionOf(verifyLinkToken(config, `${header}.${tampered}.${signature}`, NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it('with a changed header and the original signature', async () => {
    const [, payload, signature] = segments(await sign());
    const header = b64({ alg: 'HS256', kid: 'k1', typ: LINK_TOKEN_TYPE, extra: 1 });

    const error = await rejectionOf(verifyLinkToken(config, `${header}.${payload}.${signature}`, NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it('with a changed signature', async () => {
    const [header, payload, signature] = segments(await sign());
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

    const error = await rejectionOf(verifyLinkToken(config, `${header}.${payload}.${flipped}`, NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it('with no signature', async () => {
    const [header, payload] = segments(await sign());

    const error = await rejectionOf(verifyLinkToken(config, `${header}.${payload}.`, NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { name: 'Error', message: 'token is not in canonical compact JWS form' },
    });
  });

  it('signed with another key under the right kid', async () => {
    const token = await forge(goodPayload(), goodHeader, keyBytes('k9'));

    const error = await rejectionOf(verifyLinkToken(config, token, NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it.each<[string, string]>([
    ['an empty string', ''],
    ['two segments', 'abc.def'],
    ['four segments', 'a.b.c.d'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.AAAA`],
  ])('that is malformed: %s', async (_case, token) => {
    const error = await rejectionOf(verifyLinkToken(config, token, NOW));

    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('invalid-link-token');
  });

  it('longer than 2048 characters, before parsing it', async () => {
    const error = await rejectionOf(verifyLinkToken(config, 'a'.repeat(2049), NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { name: 'Error', message: 'token length is not within 1..2048' },
    });
  });

  it('of exactly 2048 characters only because it is not a JWS', async () => {
    const error = await rejectionOf(verifyLinkToken(config, 'a'.repeat(2048), NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { name: 'Error', message: 'token is not in canonical compact JWS form' },
    });
  });
});

describe('verifyLinkToken refuses other algorithms', () => {
  const notAllowed = {
    ...INVALID,
    cause: {
      code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      message: '"alg" (Algorithm) Header Parameter value not allowed',
    },
  };

  it('alg "none" (unsigned)', async () => {
    const token = `${b64({ alg: 'none', kid: 'k1', typ: LINK_TOKEN_TYPE })}.${b64(goodPayload())}.`;

    expect(describeError(await rejectionOf(verifyLinkToken(config, token, NOW)))).toEqual({
      ...INVALID,
      cause: { name: 'Error', message: 'token is not in canonical compact JWS form' },
    });
  });

  it('HS512 with the right key', async () => {
    const token = await forge(goodPayload(), { ...goodHeader, alg: 'HS512' });

    expect(describeError(await rejectionOf(verifyLinkToken(config, token, NOW)))).toEqual(notAllowed);
  });

  it('RS256', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await forge(goodPayload(), { ...goodHeader, alg: 'RS256' }, privateKey);

    expect(describeError(await rejectionOf(verifyLinkToken(config, token, NOW)))).toEqual(notAllowed);
  });
});

describe('verifyLinkToken checks every claim', () => {
  it('accepts the forged good token (so the cases below fail for their one change)', async () => {
    const claims = await verifyLinkToken(config, await forge(goodPayload()), NOW);

    expect(claims).toEqual<LinkClaims>({
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'alice@example.com',
      expiresAt: at(NOW_S + 600),
      issuedAt: NOW,
      tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
      keyId: 'k1',
    });
  });

  const without = (claim: string): Record<string, unknown> => {
    const payload = goodPayload();
    delete payload[claim];
    return payload;
  };
  const cause = (message: string) => ({ name: 'Error', message });
  const claimFailed = (message: string) => ({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['version 2', { ...goodPayload(), v: 2 }, cause('claim "v" is not a supported version')],
    ['version "1" (a string)', { ...goodPayload(), v: '1' }, cause('claim "v" is not a supported version')],
    ['no version', without('v'), cause('claim "v" is not a supported version')],
    ['no sub', without('sub'), claimFailed('missing required "sub" claim')],
    [
      'a sub that is not an execution id',
      { ...goodPayload(), sub: 'i-0123456789' },
      cause('claim "sub" is not an execution id'),
    ],
    ['a numeric sub', { ...goodPayload(), sub: 42 }, cause('claim "sub" is not an execution id')],
    ['no act', without('act'), cause('claim "act" is not a non-empty list of distinct link actions')],
    [
      'an empty act',
      { ...goodPayload(), act: [] },
      cause('claim "act" is not a non-empty list of distinct link actions'),
    ],
    [
      'act as a string',
      { ...goodPayload(), act: 'approve' },
      cause('claim "act" is not a non-empty list of distinct link actions'),
    ],
    [
      'act with signal',
      { ...goodPayload(), act: ['signal'] },
      cause('claim "act" is not a non-empty list of distinct link actions'),
    ],
    [
      'act with a repeat',
      { ...goodPayload(), act: ['stop', 'stop'] },
      cause('claim "act" is not a non-empty list of distinct link actions'),
    ],
    ['no apr', without('apr'), cause('claim "apr" is not a valid approver label')],
    ['an empty apr', { ...goodPayload(), apr: '' }, cause('claim "apr" is not a valid approver label')],
    [
      'a 129-character apr',
      { ...goodPayload(), apr: 'a'.repeat(129) },
      cause('claim "apr" is not a valid approver label'),
    ],
    [
      'an apr with a control character',
      { ...goodPayload(), apr: 'alice\u0007' },
      cause('claim "apr" is not a valid approver label'),
    ],
    ['no jti', without('jti'), claimFailed('missing required "jti" claim')],
    ['a jti that is not a UUID', { ...goodPayload(), jti: 'abc' }, cause('claim "jti" is not a UUID')],
    ['no iat', without('iat'), claimFailed('missing required "iat" claim')],
    ['a string iat', { ...goodPayload(), iat: String(NOW_S) }, claimFailed('"iat" claim must be a number')],
    [
      'a fractional iat',
      { ...goodPayload(), iat: NOW_S + 0.5 },
      cause('claims "iat" and "exp" must be whole numbers of seconds'),
    ],
    ['no exp', without('exp'), claimFailed('missing required "exp" claim')],
    [
      'a string exp',
      { ...goodPayload(), exp: String(NOW_S + 600) },
      claimFailed('"exp" claim must be a number'),
    ],
    [
      'exp before iat',
      { ...goodPayload(), iat: NOW_S + 700 },
      cause('claims "iat" and "exp" do not give a lifetime the signer allows'),
    ],
    [
      'a lifetime over 30 days',
      { ...goodPayload(), iat: NOW_S - 2_592_000, exp: NOW_S + 1 },
      cause('claims "iat" and "exp" do not give a lifetime the signer allows'),
    ],
    ['no iss', without('iss'), claimFailed('missing required "iss" claim')],
    ['another iss', { ...goodPayload(), iss: 'someone-else' }, claimFailed('unexpected "iss" claim value')],
    ['no aud', without('aud'), claimFailed('missing required "aud" claim')],
    ['another aud', { ...goodPayload(), aud: 'api' }, claimFailed('unexpected "aud" claim value')],
    [
      'an nbf in the future',
      { ...goodPayload(), nbf: NOW_S + 60 },
      claimFailed('"nbf" claim timestamp check failed'),
    ],
  ])('refuses %s', async (_case, payload, expectedCause) => {
    // When: signed with the right key, then with a wrong one
    const error = await rejectionOf(verifyLinkToken(config, await forge(payload), NOW));
    const wrongKey = await rejectionOf(
      verifyLinkToken(config, await forge(payload, goodHeader, keyBytes('k9')), NOW),
    );

    // Then
    expect(describeError(error)).toEqual({ ...INVALID, cause: expectedCause });
    expect(describeError(wrongKey)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it('accepts a good token signed by hand (so the header cases below fail for their one change)', async () => {
    const claims = await verifyLinkToken(config, hmacSigned(goodHeader, goodPayload()), NOW);

    expect(claims.tokenId).toBe('6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4');
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'no typ',
      { alg: 'HS256', kid: 'k1' },
      { ...INVALID, cause: claimFailed('unexpected "typ" JWT header value') },
    ],
    [
      'typ JWT',
      { ...goodHeader, typ: 'JWT' },
      { ...INVALID, cause: claimFailed('unexpected "typ" JWT header value') },
    ],
    ['no kid', { alg: 'HS256', typ: LINK_TOKEN_TYPE }, UNKNOWN_KEY],
    ['a numeric kid', { ...goodHeader, kid: 1 }, UNKNOWN_KEY],
    [
      'an unknown crit extension',
      { ...goodHeader, crit: ['x-ours'], 'x-ours': 1 },
      {
        ...INVALID,
        cause: {
          code: 'ERR_JOSE_NOT_SUPPORTED',
          message: 'Extension Header Parameter "x-ours" is not recognized',
        },
      },
    ],
  ])('refuses a header with %s', async (_case, header, expected) => {
    const error = await rejectionOf(verifyLinkToken(config, hmacSigned(header, goodPayload()), NOW));

    expect(describeError(error)).toEqual(expected);
  });
});

describe('verifyLinkToken expiry (exp = iat + 600, 5 s clock tolerance)', () => {
  const exp = NOW_S + 600;

  it.each<[string, number]>([
    ['one second before exp', exp - 1],
    ['exactly at exp', exp],
    ['one second after exp', exp + 1],
    ['4.999 s after exp', exp + 4.999],
    ['an hour before iat (signer clock ahead)', NOW_S - 3600],
  ])('accepts the link %s', async (_case, when) => {
    const claims = await verifyLinkToken(config, await sign(), at(when));

    expect(claims.expiresAt).toEqual(at(exp));
  });

  it.each<[string, number]>([
    ['5 s after exp (the end of the tolerance)', exp + 5],
    ['6 s after exp', exp + 6],
    ['a day after exp', exp + 86_400],
  ])('refuses the link %s with 403 link-expired', async (_case, when) => {
    const error = await rejectionOf(verifyLinkToken(config, await sign(), at(when)));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect(describeError(error)).toEqual(EXPIRED);
  });
});

describe('verifyLinkToken with rotated keys', () => {
  const before = authConfig({ keys: { k0: true }, active: 'k0' });
  const during = authConfig({ keys: { k0: true, k1: true }, active: 'k1' });
  const after = authConfig({ keys: { k1: true }, active: 'k1' });
  const input = {
    executionId: EXECUTION_ID,
    actions: ['stop'] as const,
    approver: 'bob',
    ttlSeconds: 600,
    now: NOW,
  };

  it('verifies a link signed with the old key while that key is listed', async () => {
    const old = await signLinkToken(before, { ...input, actions: ['stop'] });

    const claims = await verifyLinkToken(during, old, NOW);

    expect(claims.keyId).toBe('k0');
    expect(decodeProtectedHeader(old).kid).toBe('k0');
  });

  it('signs new links with the active key', async () => {
    const fresh = await signLinkToken(during, { ...input, actions: ['stop'] });

    expect(decodeProtectedHeader(fresh).kid).toBe('k1');
    expect((await verifyLinkToken(during, fresh, NOW)).keyId).toBe('k1');
    expect((await verifyLinkToken(after, fresh, NOW)).keyId).toBe('k1');
  });

  it('refuses a link signed with a key that was removed, as unknown-key-id', async () => {
    const old = await signLinkToken(before, { ...input, actions: ['stop'] });

    const error = await rejectionOf(verifyLinkToken(after, old, NOW));

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toEqual(UNKNOWN_KEY);
  });

  it('refuses a kid it never had, as unknown-key-id', async () => {
    const token = await forge(goodPayload(), { ...goodHeader, kid: 'k9' }, keyBytes('k9'));

    expect(describeError(await rejectionOf(verifyLinkToken(config, token, NOW)))).toEqual(UNKNOWN_KEY);
  });
});

describe('authorizeLink', () => {
  const claims: LinkClaims = {
    executionId: EXECUTION_ID,
    actions: ['approve', 'reject'],
    approver: 'alice@example.com',
    expiresAt: at(NOW_S + 600),
    issuedAt: NOW,
    tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
    keyId: 'k1',
  };

  it.each(['approve', 'reject'] as const)('allows %s on the execution of the link', (action) => {
    expect(authorizeLink(claims, EXECUTION_ID, action)).toBeUndefined();
  });

  it('refuses another execution', () => {
    const error = thrownBy(() => authorizeLink(claims, OTHER_EXECUTION_ID, 'approve'));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect(describeError(error)).toEqual({
      name: 'ForbiddenError',
      status: 403,
      reason: 'link-wrong-execution',
      message: 'The link is for a different execution.',
    });
  });

  it('compares execution ids exactly (no case folding)', () => {
    const error = thrownBy(() => authorizeLink(claims, EXECUTION_ID.toUpperCase(), 'approve'));

    expect((error as ForbiddenError).reason).toBe('link-wrong-execution');
  });

  it('refuses an action the link does not carry', () => {
    expect(describeError(thrownBy(() => authorizeLink(claims, EXECUTION_ID, 'stop')))).toEqual({
      name: 'ForbiddenError',
      status: 403,
      reason: 'link-wrong-action',
      message: 'The link does not allow the action "stop".',
    });
  });

  it('never allows signal', () => {
    const all = { ...claims, actions: ['approve', 'reject', 'stop'] as const };

    expect(describeError(thrownBy(() => authorizeLink(all, EXECUTION_ID, 'signal')))).toEqual({
      name: 'ForbiddenError',
      status: 403,
      reason: 'link-wrong-action',
      message: 'A signed link cannot send arbitrary signals; use an API token for this route.',
    });
  });
});

describe('authorizeLinkView and authorizeLink for chat links', () => {
  const claims: LinkClaims = {
    executionId: EXECUTION_ID,
    actions: ['approve', 'reject'],
    approver: 'slack:C0LOCAL01',
    expiresAt: at(NOW_S + 600),
    issuedAt: NOW,
    tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
    keyId: 'k1',
    channel: 'slack',
  };

  it.each(['approve', 'reject'] as const)('lets a Slack link show the %s page', (action) => {
    expect(authorizeLinkView(claims, EXECUTION_ID, action)).toBeUndefined();
  });

  it.each(['approve', 'reject'] as const)('never lets a Slack link %s', (action) => {
    const error = thrownBy(() => authorizeLink(claims, EXECUTION_ID, action));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect(describeError(error)).toEqual({
      name: 'ForbiddenError',
      status: 403,
      reason: 'slack-link-view-only',
      message:
        "This link came with a Slack message and only shows the details. Decide with the message's buttons in Slack, where your Slack user is checked against the runbook's approvers.",
    });
  });

  it.each([
    ['another execution', OTHER_EXECUTION_ID, 'approve', 'link-wrong-execution'],
    ['an action the link does not carry', EXECUTION_ID, 'stop', 'link-wrong-action'],
    ['signal', EXECUTION_ID, 'signal', 'link-wrong-action'],
  ] as const)('refuses even the page of a Slack link for %s', (_, executionId, action, reason) => {
    expect(describeError(thrownBy(() => authorizeLinkView(claims, executionId, action))).reason).toBe(reason);
  });

  it.each(['email', 'webhook', 'teams'] as const)('lets a %s link act', (channel) => {
    expect(authorizeLink({ ...claims, channel }, EXECUTION_ID, 'approve')).toBeUndefined();
  });
});

describe('verifyLinkToken: one token, one spelling', () => {
  const NOT_CANONICAL = {
    ...INVALID,
    cause: { name: 'Error', message: 'token is not in canonical compact JWS form' },
  };
  const lastCharacterVariant = (token: string): string => {
    // The signature's last base64url character carries 2 unused bits: flip them, the bytes stay the same.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.slice(-1));
    return `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
  };

  it.each([
    ['a changed last character that decodes to the same bytes', (t: string) => lastCharacterVariant(t)],
    ['a trailing =', (t: string) => `${t}=`],
    ['a space inside', (t: string) => `${t.slice(0, 20)} ${t.slice(20)}`],
    ['a trailing space', (t: string) => `${t} `],
  ])('refuses %s', async (_case, respell) => {
    const token = await signLinkToken(config, {
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'a',
      ttlSeconds: 600,
      now: NOW,
    });
    expect((await verifyLinkToken(config, token, NOW)).executionId).toBe(EXECUTION_ID);
    const variant = respell(token);
    expect(variant).not.toBe(token);
    expect(describeError(await rejectionOf(verifyLinkToken(config, variant, NOW)))).toEqual(NOT_CANONICAL);
  });

  it('refuses a link whose iat in the future would stretch it beyond the longest lifetime', async () => {
    const later = new Date(NOW.getTime() + 10 * 24 * 3600 * 1000);
    const token = await signLinkToken(config, {
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'a',
      ttlSeconds: MAX_LINK_TTL_SECONDS,
      now: later,
    });
    expect(describeError(await rejectionOf(verifyLinkToken(config, token, NOW)))).toEqual({
      ...INVALID,
      cause: {
        name: 'Error',
        message: 'claim "exp" is further from now than the longest lifetime a signer allows',
      },
    });
  });
});
