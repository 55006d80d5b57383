import { createHmac } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import {
  LINK_TOKEN_AUDIENCE,
  LINK_TOKEN_ISSUER,
  LINK_TOKEN_TYPE,
  signLinkToken,
  verifyLinkToken,
} from '../../lambda/auth/link-token';
import { AuthenticationError, ForbiddenError, ValidationError } from '../../lambda/core/errors';
import {
  BUTTON_TOKEN_AUDIENCE,
  BUTTON_TOKEN_TYPE,
  type ButtonClaims,
  MAX_BUTTON_VALUE_LENGTH,
  signButtonValue,
  verifyButtonValue,
} from '../../lambda/slack/button-token';
import { parseInteractionPayload } from '../../lambda/slack/payload';
import { authConfig, describeError, EXECUTION_ID, KEY, rejectionOf } from '../auth/fixtures';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const at = (epochSeconds: number): Date => new Date(epochSeconds * 1000);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const config = authConfig({ keys: { k1: true } });

const GATE = { stepName: 'ApproveProduction', stepExecutionId: '0b7d4a53-8a7c-4d5e-9f10-2a3b4c5d6e7f' };
const PLACE = { teamId: 'T9TK3CUKW', channelId: 'CBR2V3XEX' };
const RUNBOOK = 'Deploy-Production';
const SHARED_PREFIX = 'arn:aws:ssm:eu-west-1:123456789012:document/';
/** A shared runbook's ARN, as long as SSM allows (128 characters). */
const LONGEST_RUNBOOK = `${SHARED_PREFIX}${'R'.repeat(128 - SHARED_PREFIX.length)}`;

const sign = (overrides: Partial<Parameters<typeof signButtonValue>[1]> = {}) =>
  signButtonValue(config, {
    executionId: EXECUTION_ID,
    runbook: RUNBOOK,
    gate: GATE,
    action: 'approve',
    ...PLACE,
    ttlSeconds: 600,
    now: NOW,
    ...overrides,
  });

const INVALID = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'invalid-slack-button',
  message: 'This button is not valid.',
};
const WRONG_CHANNEL = {
  name: 'ForbiddenError',
  status: 403,
  reason: 'slack-button-wrong-channel',
  message: 'This button was not posted in this channel; use the message the approval was posted with.',
};

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const segments = (token: string): [string, string, string] => token.split('.') as [string, string, string];
const keyBytes = (kid: keyof typeof KEY): Uint8Array => new Uint8Array(Buffer.from(KEY[kid], 'utf8'));

/** The claims of a good button value, for forging variants of it. */
const goodPayload = (): Record<string, unknown> => ({
  v: 1,
  rbk: RUNBOOK,
  gat: { n: GATE.stepName, id: GATE.stepExecutionId },
  act: 'reject',
  stm: PLACE.teamId,
  sch: PLACE.channelId,
  iss: LINK_TOKEN_ISSUER,
  aud: BUTTON_TOKEN_AUDIENCE,
  sub: EXECUTION_ID,
  iat: NOW_S,
  exp: NOW_S + 600,
  jti: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
});
const goodHeader = { alg: 'HS256', kid: 'k1', typ: BUTTON_TOKEN_TYPE };
const forge = (
  payload: Record<string, unknown>,
  header: Record<string, unknown> = goodHeader,
): Promise<string> =>
  new SignJWT(payload)
    .setProtectedHeader(header as Parameters<SignJWT['setProtectedHeader']>[0])
    .sign(keyBytes('k1'));

describe('signButtonValue / verifyButtonValue', () => {
  it('signs a compact JWS with the expected header and claims, and verifies it back', async () => {
    const value = await sign();

    expect(decodeProtectedHeader(value)).toEqual({
      alg: 'HS256',
      kid: 'k1',
      typ: 'ssm-approval-slack-button+jwt',
    });
    const { jti, ...claims } = decodeJwt(value);
    expect(claims).toEqual({
      v: 1,
      rbk: 'Deploy-Production',
      gat: { n: 'ApproveProduction', id: '0b7d4a53-8a7c-4d5e-9f10-2a3b4c5d6e7f' },
      act: 'approve',
      stm: 'T9TK3CUKW',
      sch: 'CBR2V3XEX',
      iss: 'ssm-approval-webhook',
      aud: 'ssm-approval-webhook/slack-button',
      sub: EXECUTION_ID,
      iat: NOW_S,
      exp: NOW_S + 600,
    });
    expect(jti).toMatch(UUID);
    expect(await verifyButtonValue(config, value, PLACE, NOW)).toEqual<ButtonClaims>({
      executionId: EXECUTION_ID,
      runbook: 'Deploy-Production',
      gate: GATE,
      action: 'approve',
      teamId: 'T9TK3CUKW',
      channelId: 'CBR2V3XEX',
      issuedAt: NOW,
      expiresAt: at(NOW_S + 600),
      tokenId: jti as string,
      keyId: 'k1',
    });
  });

  it('carries a shared runbook named by its ARN', async () => {
    const value = await sign({ runbook: 'arn:aws:ssm:eu-west-1:123456789012:document/Team-Restart' });

    expect(decodeJwt(value).rbk).toBe('arn:aws:ssm:eu-west-1:123456789012:document/Team-Restart');
    expect((await verifyButtonValue(config, value, PLACE, NOW)).runbook).toBe(
      'arn:aws:ssm:eu-west-1:123456789012:document/Team-Restart',
    );
  });

  it('round-trips a reject button', async () => {
    expect((await verifyButtonValue(config, await sign({ action: 'reject' }), PLACE, NOW)).action).toBe(
      'reject',
    );
  });

  it('round-trips through a Slack block_actions payload (the value as Slack sends it back)', async () => {
    const value = await sign();
    const body = `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        team: { id: PLACE.teamId, domain: 'example' },
        user: { id: 'UA8RXUSPL', username: 'jtorrance' },
        channel: { id: PLACE.channelId, name: 'review-updates' },
        container: { type: 'message', message_ts: '1548261231.000200', channel_id: PLACE.channelId },
        message: { ts: '1548261231.000200' },
        actions: [{ type: 'button', action_id: 'approve', block_id: 'gate', value }],
        trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
        response_url: 'https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209',
      }),
    )}`;
    const payload = parseInteractionPayload(body);
    if (payload.type !== 'block_actions') throw new Error('expected block_actions');

    const claims = await verifyButtonValue(
      config,
      payload.actions[0].value,
      { teamId: payload.team.id, channelId: payload.channel.id },
      NOW,
    );

    expect(claims.executionId).toBe(EXECUTION_ID);
  });

  it("stays under Slack's 2000-character button value limit with the longest runbook, gate and key id", async () => {
    const longConfig = authConfig({ keys: { k1: true } });
    const kid = 'k'.repeat(32);
    const wide = {
      ...longConfig,
      linkKeys: new Map([[kid, keyBytes('k1')]]),
      activeLinkKeyId: kid,
    };
    const value = await signButtonValue(wide, {
      executionId: EXECUTION_ID,
      runbook: LONGEST_RUNBOOK,
      gate: { stepName: 'S'.repeat(128), stepExecutionId: 'e'.repeat(128) },
      action: 'reject',
      teamId: `T${'A'.repeat(31)}`,
      channelId: `C${'B'.repeat(31)}`,
      ttlSeconds: 30 * 24 * 60 * 60,
      now: NOW,
    });

    // Every field has a bounded length, so this is the longest a value can be.
    expect(LONGEST_RUNBOOK.length).toBe(128);
    expect(value.length).toBe(1125);
    expect(value.length).toBeLessThan(MAX_BUTTON_VALUE_LENGTH);
    expect(MAX_BUTTON_VALUE_LENGTH).toBe(2000);
    const claims = await verifyButtonValue(
      wide,
      value,
      { teamId: `T${'A'.repeat(31)}`, channelId: `C${'B'.repeat(31)}` },
      NOW,
    );
    expect(claims.gate.stepName).toBe('S'.repeat(128));
    expect(claims.runbook).toBe(LONGEST_RUNBOOK);
  });

  it('gives every button its own random jti', async () => {
    const [a, b] = [await sign(), await sign()];
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
  });

  it.each<[string, Partial<Parameters<typeof signButtonValue>[1]>, string, string]>([
    [
      'a non-UUID execution id',
      { executionId: 'not-a-uuid' },
      'invalid-execution-id',
      'The execution id must be a UUID (36 characters)',
    ],
    [
      'a runbook name shorter than 3 characters',
      { runbook: 'ab' },
      'invalid-runbook',
      'The runbook must be an SSM document name or ARN (3 to 128 letters, digits and _ - . : /)',
    ],
    [
      'a runbook name longer than 128 characters',
      { runbook: `${SHARED_PREFIX}${'R'.repeat(129 - SHARED_PREFIX.length)}` },
      'invalid-runbook',
      'The runbook must be an SSM document name or ARN (3 to 128 letters, digits and _ - . : /)',
    ],
    [
      'a runbook name with a space',
      { runbook: 'Deploy Production' },
      'invalid-runbook',
      'The runbook must be an SSM document name or ARN (3 to 128 letters, digits and _ - . : /)',
    ],
    [
      'no runbook',
      { runbook: undefined as never },
      'invalid-runbook',
      'The runbook must be an SSM document name or ARN (3 to 128 letters, digits and _ - . : /)',
    ],
    [
      'a gate without step execution id',
      { gate: { stepName: 'Approve' } as never },
      'invalid-gate',
      'The gate must name a step (letters, digits, _ . -) and its step execution id',
    ],
    [
      'a stop action',
      { action: 'stop' as never },
      'invalid-button-action',
      'The action must be one of: approve, reject',
    ],
    [
      'a lower-case team id',
      { teamId: 't9tk3cukw' },
      'invalid-slack-place',
      'The team id and channel id must be Slack ids',
    ],
    [
      'a channel name',
      { channelId: '#review-updates' },
      'invalid-slack-place',
      'The team id and channel id must be Slack ids',
    ],
    [
      'a lifetime under a minute',
      { ttlSeconds: 59 },
      'invalid-button-ttl',
      'The button lifetime must be a whole number of seconds from 60 to 2592000',
    ],
    [
      'a lifetime over 30 days',
      { ttlSeconds: 2_592_001 },
      'invalid-button-ttl',
      'The button lifetime must be a whole number of seconds from 60 to 2592000',
    ],
  ])('refuses to sign %s', async (_, overrides, reason, message) => {
    const error = await rejectionOf(sign(overrides));

    expect(error).toBeInstanceOf(ValidationError);
    expect(describeError(error)).toEqual({ name: 'ValidationError', status: 400, reason, message });
  });
});

describe('verifyButtonValue binds the value to where it was posted', () => {
  it('refuses a value replayed in another channel of the same workspace', async () => {
    const error = await rejectionOf(
      verifyButtonValue(config, await sign(), { teamId: PLACE.teamId, channelId: 'C0OTHER01' }, NOW),
    );

    expect(error).toBeInstanceOf(ForbiddenError);
    expect(describeError(error)).toEqual({
      ...WRONG_CHANNEL,
      cause: { name: 'Error', message: 'the button was made for another channel' },
    });
  });

  it('refuses a value replayed in another workspace, even in a channel with the same id', async () => {
    const error = await rejectionOf(
      verifyButtonValue(config, await sign(), { teamId: 'T0OTHER01', channelId: PLACE.channelId }, NOW),
    );

    expect(describeError(error)).toEqual({
      ...WRONG_CHANNEL,
      cause: { name: 'Error', message: 'the button was made for another Slack workspace' },
    });
  });

  it('compares ids exactly (no case folding)', async () => {
    const error = await rejectionOf(
      verifyButtonValue(config, await sign(), { teamId: PLACE.teamId, channelId: 'cbr2v3xex' }, NOW),
    );

    expect(describeError(error).reason).toBe('slack-button-wrong-channel');
  });
});

describe('verifyButtonValue expiry (exp = iat + 600, 5 s clock tolerance)', () => {
  const exp = NOW_S + 600;

  it.each<[string, number]>([
    ['exactly at exp', exp],
    ['4 s after exp', exp + 4],
  ])('accepts the value %s', async (_, when) => {
    expect((await verifyButtonValue(config, await sign(), PLACE, at(when))).expiresAt).toEqual(at(exp));
  });

  it.each<[string, number]>([
    ['5 s after exp', exp + 5],
    ['a day after exp', exp + 86_400],
  ])('refuses the value %s with 403 slack-button-expired', async (_, when) => {
    const error = await rejectionOf(verifyButtonValue(config, await sign(), PLACE, at(when)));

    expect(error).toBeInstanceOf(ForbiddenError);
    expect(describeError(error)).toEqual({
      name: 'ForbiddenError',
      status: 403,
      reason: 'slack-button-expired',
      message: 'This button has expired; the approval can no longer be decided from this message.',
      cause: { code: 'ERR_JWT_EXPIRED', message: '"exp" claim timestamp check failed' },
    });
  });
});

describe('verifyButtonValue refuses a tampered value', () => {
  it('with a changed payload (another channel) and the original signature', async () => {
    const [header, payload, signature] = segments(await sign());
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = b64({ ...claims, sch: 'C0OTHER01' });

    const error = await rejectionOf(
      verifyButtonValue(
        config,
        `${header}.${tampered}.${signature}`,
        { ...PLACE, channelId: 'C0OTHER01' },
        NOW,
      ),
    );

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it('with a changed action and the original signature', async () => {
    const [header, payload, signature] = segments(await sign());
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));

    const error = await rejectionOf(
      verifyButtonValue(config, `${header}.${b64({ ...claims, act: 'reject' })}.${signature}`, PLACE, NOW),
    );

    expect(describeError(error).reason).toBe('invalid-slack-button');
  });

  it('with a changed signature', async () => {
    const [header, payload, signature] = segments(await sign());
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;

    const error = await rejectionOf(verifyButtonValue(config, `${header}.${payload}.${flipped}`, PLACE, NOW));

    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', message: 'signature verification failed' },
    });
  });

  it('signed with a key that is not in the ring under a kid that is', async () => {
    const input = `${b64(goodHeader)}.${b64(goodPayload())}`;
    const value = `${input}.${createHmac('sha256', KEY.k9).update(input).digest('base64url')}`;

    expect(describeError(await rejectionOf(verifyButtonValue(config, value, PLACE, NOW))).reason).toBe(
      'invalid-slack-button',
    );
  });

  it('signed with a retired key, as unknown-key-id', async () => {
    const value = await signButtonValue(authConfig({ keys: { k0: true }, active: 'k0' }), {
      executionId: EXECUTION_ID,
      runbook: RUNBOOK,
      gate: GATE,
      action: 'approve',
      ...PLACE,
      ttlSeconds: 600,
      now: NOW,
    });

    expect(describeError(await rejectionOf(verifyButtonValue(config, value, PLACE, NOW)))).toEqual({
      name: 'AuthenticationError',
      status: 401,
      reason: 'unknown-key-id',
      message: 'This button was signed with a key that is no longer accepted.',
      cause: { name: 'Error', message: 'the "kid" header names no link key' },
    });
  });

  it.each<[string, string, string]>([
    ['an empty value', '', 'value length is not within 1..2000'],
    ['a value over 2000 characters', `${'a'.repeat(2001)}`, 'value length is not within 1..2000'],
    ["Slack's example value", 'click_me_123', 'value is not in canonical compact JWS form'],
    ['a JWS with padding', 'eyJh.eyJh.abc=', 'value is not in canonical compact JWS form'],
  ])('%s, before parsing it', async (_, value, cause) => {
    expect(describeError(await rejectionOf(verifyButtonValue(config, value, PLACE, NOW)))).toEqual({
      ...INVALID,
      cause: { name: 'Error', message: cause },
    });
  });
});

describe('verifyButtonValue checks every claim', () => {
  it('accepts the forged good value (so the cases below fail for their one change)', async () => {
    expect(await verifyButtonValue(config, await forge(goodPayload()), PLACE, NOW)).toEqual<ButtonClaims>({
      executionId: EXECUTION_ID,
      runbook: RUNBOOK,
      gate: GATE,
      action: 'reject',
      ...PLACE,
      issuedAt: NOW,
      expiresAt: at(NOW_S + 600),
      tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
      keyId: 'k1',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another version', { v: 2 }, 'claim "v" is not 1'],
    ['a non-UUID sub', { sub: 'abc' }, 'claim "sub" is not an execution id'],
    ['no runbook (a value made before "rbk")', { rbk: undefined }, 'claim "rbk" is not a runbook name'],
    ['a runbook name with a space', { rbk: 'Deploy Production' }, 'claim "rbk" is not a runbook name'],
    ['a runbook name of 2 characters', { rbk: 'ab' }, 'claim "rbk" is not a runbook name'],
    ['a runbook name of 129 characters', { rbk: 'R'.repeat(129) }, 'claim "rbk" is not a runbook name'],
    ['a list as runbook', { rbk: [RUNBOOK] }, 'claim "rbk" is not a runbook name'],
    ['no gate', { gat: undefined }, 'claim "gat" is not a gate ({ n: step name, id: step execution id })'],
    [
      'a gate with an extra member',
      { gat: { n: 'A', id: 'b', x: 1 } },
      'claim "gat" is not a gate ({ n: step name, id: step execution id })',
    ],
    ['a stop action', { act: 'stop' }, 'claim "act" is not a button action'],
    ['a list of actions', { act: ['approve'] }, 'claim "act" is not a button action'],
    ['no team', { stm: undefined }, 'claims "stm" and "sch" are not Slack ids'],
    ['a channel name', { sch: '#general' }, 'claims "stm" and "sch" are not Slack ids'],
    ['a non-UUID jti', { jti: 'x' }, 'claim "jti" is not a UUID'],
    ['a fractional iat', { iat: NOW_S + 0.5 }, 'claims "iat" and "exp" must be whole numbers of seconds'],
    [
      'a lifetime over 30 days',
      { exp: NOW_S + 2_592_001 },
      'claims "iat" and "exp" do not give a lifetime the signer allows',
    ],
    [
      'an iat far in the future stretching the lifetime',
      { iat: NOW_S + 86_400, exp: NOW_S + 86_400 + 2_592_000 },
      'claim "exp" is further from now than the longest lifetime a signer allows',
    ],
  ])('refuses %s', async (_, change, cause) => {
    const value = await forge({ ...goodPayload(), ...change });

    expect(describeError(await rejectionOf(verifyButtonValue(config, value, PLACE, NOW)))).toEqual({
      ...INVALID,
      cause: { name: 'Error', message: cause },
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, { code: string; message: string }]>([
    [
      "a link's audience",
      { aud: LINK_TOKEN_AUDIENCE },
      goodHeader,
      { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: 'unexpected "aud" claim value' },
    ],
    [
      "a link's type",
      {},
      { ...goodHeader, typ: LINK_TOKEN_TYPE },
      { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: 'unexpected "typ" JWT header value' },
    ],
    [
      'another issuer',
      { iss: 'someone-else' },
      goodHeader,
      { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: 'unexpected "iss" claim value' },
    ],
  ])('refuses %s', async (_, change, header, cause) => {
    const value = await forge({ ...goodPayload(), ...change }, header);

    expect(describeError(await rejectionOf(verifyButtonValue(config, value, PLACE, NOW)))).toEqual({
      ...INVALID,
      cause,
    });
  });
});

describe('buttons and links are never each other', () => {
  it('refuses a link token presented as a button value', async () => {
    const link = await signLinkToken(config, {
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'alice@example.com',
      gate: GATE,
      ttlSeconds: 600,
      now: NOW,
    });

    const error = await rejectionOf(verifyButtonValue(config, link, PLACE, NOW));

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toEqual({
      ...INVALID,
      cause: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: 'unexpected "typ" JWT header value' },
    });
  });

  it('refuses a button value presented as a link', async () => {
    const error = await rejectionOf(verifyLinkToken(config, await sign(), NOW));

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toEqual({
      name: 'AuthenticationError',
      status: 401,
      reason: 'invalid-link-token',
      message: 'The link is not valid. Ask for a new link.',
      cause: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', message: 'unexpected "typ" JWT header value' },
    });
  });

  it('refuses a link-shaped value with a link typ but the button audience', async () => {
    const linkClaims = {
      v: 1,
      act: ['approve'],
      apr: 'alice@example.com',
      iss: LINK_TOKEN_ISSUER,
      aud: BUTTON_TOKEN_AUDIENCE,
      sub: EXECUTION_ID,
      iat: NOW_S,
      exp: NOW_S + 600,
      jti: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
    };
    const value = await forge(linkClaims, { ...goodHeader, typ: LINK_TOKEN_TYPE });

    expect(describeError(await rejectionOf(verifyLinkToken(config, value, NOW))).cause).toEqual({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      message: 'unexpected "aud" claim value',
    });
  });
});

describe('errors never carry the value', () => {
  it('keeps the value out of the message and the cause', async () => {
    const value = await sign();
    const error = (await rejectionOf(
      verifyButtonValue(config, value, { ...PLACE, channelId: 'C0OTHER01' }, NOW),
    )) as Error;
    const text = JSON.stringify(describeError(error)) + String(error.stack);
    expect(text).not.toContain(segments(value)[2]);
  });
});
