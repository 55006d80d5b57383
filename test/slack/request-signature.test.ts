import { createHmac } from 'node:crypto';
import { AuthenticationError, ConfigurationError } from '../../lambda/core/errors';
import {
  MAX_SLACK_REQUEST_AGE_SECONDS,
  rawBodyOf,
  verifySlackRequest,
} from '../../lambda/slack/request-signature';
import { describeError, thrownBy } from '../auth/fixtures';

/**
 * Slack's documented worked example (https://docs.slack.dev/authentication/verifying-requests-from-slack).
 * The signature was checked independently with:
 *   printf 'v0:1531420618:%s' "$BODY" | openssl dgst -sha256 -hmac 8f742231b10e8888abcd99yyyzzz85a5
 */
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
/** The example's own moment: Slack's timestamp, read by a clock that agrees. */
const NOW = new Date(Number(TIMESTAMP) * 1000);

const headers = (overrides: Record<string, string | undefined> = {}) => ({
  'x-slack-signature': SIGNATURE,
  'x-slack-request-timestamp': TIMESTAMP,
  'content-type': 'application/x-www-form-urlencoded',
  ...overrides,
});

const verify = (
  overrides: { headers?: Record<string, string | undefined>; rawBody?: Buffer; now?: Date } = {},
) =>
  verifySlackRequest({
    signingSecret: SIGNING_SECRET,
    headers: overrides.headers ?? headers(),
    rawBody: overrides.rawBody ?? Buffer.from(BODY, 'utf8'),
    now: overrides.now ?? NOW,
  });

const refusal = (run: () => void) => {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(AuthenticationError);
  return describeError(error);
};

const INVALID = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'slack-signature-invalid',
  message: 'The request has an invalid Slack signature.',
};
const MISMATCH = {
  ...INVALID,
  cause: { name: 'Error', message: 'the signature does not match the body and timestamp' },
};
const MALFORMED = {
  ...INVALID,
  cause: { name: 'Error', message: 'the signature is not "v0=" followed by 64 lowercase hex digits' },
};
const MISSING = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'slack-signature-missing',
  message:
    'The request is not signed by Slack (X-Slack-Signature and X-Slack-Request-Timestamp are required).',
};
const STALE = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'slack-timestamp-stale',
  message: "The request's timestamp is more than 5 minutes from the current time.",
};

/** Signs like Slack, for bodies other than the documented one. */
const slackSign = (body: Buffer, timestamp: string): string =>
  `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:`).update(body).digest('hex')}`;

describe('verifySlackRequest', () => {
  it("accepts Slack's documented worked example", () => {
    expect(verify()).toBeUndefined();
  });

  it('reproduces the documented signature with an independent HMAC', () => {
    expect(slackSign(Buffer.from(BODY), TIMESTAMP)).toBe(SIGNATURE);
  });

  it('accepts timestamps up to exactly five minutes off in either direction', () => {
    expect(MAX_SLACK_REQUEST_AGE_SECONDS).toBe(300);
    expect(verify({ now: new Date((Number(TIMESTAMP) + 300) * 1000) })).toBeUndefined();
    expect(verify({ now: new Date((Number(TIMESTAMP) - 300) * 1000) })).toBeUndefined();
    // Sub-second parts of our clock do not count against the window.
    expect(verify({ now: new Date((Number(TIMESTAMP) + 300) * 1000 + 999) })).toBeUndefined();
  });

  it('refuses a body with one byte changed', () => {
    const tampered = Buffer.from(BODY.replace('user_name=roadrunner', 'user_name=roadrunneR'));
    expect(refusal(() => verify({ rawBody: tampered }))).toEqual(MISMATCH);
  });

  it('refuses a body with a byte appended or removed', () => {
    expect(refusal(() => verify({ rawBody: Buffer.from(`${BODY}&`) }))).toEqual(MISMATCH);
    expect(refusal(() => verify({ rawBody: Buffer.from(BODY.slice(0, -1)) }))).toEqual(MISMATCH);
  });

  it('refuses a changed timestamp (still within the window)', () => {
    expect(
      refusal(() => verify({ headers: headers({ 'x-slack-request-timestamp': '1531420619' }) })),
    ).toEqual(MISMATCH);
  });

  it('refuses a changed signature digit', () => {
    const changed = `${SIGNATURE.slice(0, -1)}4`;
    expect(refusal(() => verify({ headers: headers({ 'x-slack-signature': changed }) }))).toEqual(MISMATCH);
  });

  it('refuses another version prefix (v1=) even with the right digest', () => {
    const v1 = SIGNATURE.replace(/^v0=/, 'v1=');
    expect(refusal(() => verify({ headers: headers({ 'x-slack-signature': v1 }) }))).toEqual(MALFORMED);
  });

  it('refuses a signature without prefix, in upper case, or with spaces', () => {
    for (const signature of [
      SIGNATURE.slice(3),
      `v0=${SIGNATURE.slice(3).toUpperCase()}`,
      `${SIGNATURE} `,
      ` ${SIGNATURE}`,
      `${SIGNATURE},${SIGNATURE}`,
    ]) {
      expect(refusal(() => verify({ headers: headers({ 'x-slack-signature': signature }) }))).toEqual(
        MALFORMED,
      );
    }
  });

  it('refuses signatures of the wrong length without timingSafeEqual throwing', () => {
    for (const signature of [
      'v0=',
      'v0=ab',
      `${SIGNATURE}00`,
      SIGNATURE.slice(0, -2),
      `v0=${'a'.repeat(4096)}`,
    ]) {
      expect(refusal(() => verify({ headers: headers({ 'x-slack-signature': signature }) }))).toEqual(
        MALFORMED,
      );
    }
  });

  it('refuses a timestamp more than five minutes old, even when correctly signed', () => {
    const now = new Date((Number(TIMESTAMP) + 301) * 1000);
    expect(refusal(() => verify({ now }))).toEqual({
      ...STALE,
      cause: { name: 'Error', message: 'the timestamp is 301 seconds in the past' },
    });
  });

  it('refuses a timestamp more than five minutes in the future, even when correctly signed', () => {
    const now = new Date((Number(TIMESTAMP) - 301) * 1000);
    expect(refusal(() => verify({ now }))).toEqual({
      ...STALE,
      cause: { name: 'Error', message: 'the timestamp is 301 seconds in the future' },
    });
  });

  it('refuses a replay of the documented request today', () => {
    expect(refusal(() => verify({ now: new Date('2025-06-01T12:00:00Z') })).reason).toBe(
      'slack-timestamp-stale',
    );
  });

  it('checks the timestamp before the signature (a stale request with a bad signature is stale)', () => {
    const now = new Date((Number(TIMESTAMP) + 3600) * 1000);
    expect(refusal(() => verify({ now, headers: headers({ 'x-slack-signature': 'v0=00' }) })).reason).toBe(
      'slack-timestamp-stale',
    );
  });

  it.each([
    ['the signature header', { 'x-slack-signature': undefined }, 'x-slack-signature'],
    ['the timestamp header', { 'x-slack-request-timestamp': undefined }, 'x-slack-request-timestamp'],
    ['an empty signature header', { 'x-slack-signature': '' }, 'x-slack-signature'],
    ['an empty timestamp header', { 'x-slack-request-timestamp': '' }, 'x-slack-request-timestamp'],
    [
      'both headers',
      { 'x-slack-signature': undefined, 'x-slack-request-timestamp': undefined },
      'x-slack-signature, x-slack-request-timestamp',
    ],
  ])('refuses a request without %s', (_, overrides, missing) => {
    expect(refusal(() => verify({ headers: headers(overrides) }))).toEqual({
      ...MISSING,
      cause: { name: 'Error', message: `missing header(s): ${missing}` },
    });
  });

  it('reads header names in lower case only (as API Gateway payload 2.0 delivers them)', () => {
    const mixedCase = { 'X-Slack-Signature': SIGNATURE, 'X-Slack-Request-Timestamp': TIMESTAMP };
    expect(refusal(() => verify({ headers: mixedCase })).reason).toBe('slack-signature-missing');
  });

  it.each([
    'abc',
    '1531420618.5',
    '-1531420618',
    ' 1531420618',
    '1531420618,1531420618',
    '0x5b4784ca',
    '1e9',
    '1234567890123',
  ])('refuses the non-numeric or oversized timestamp %j', (timestamp) => {
    expect(refusal(() => verify({ headers: headers({ 'x-slack-request-timestamp': timestamp }) }))).toEqual({
      name: 'AuthenticationError',
      status: 401,
      reason: 'slack-timestamp-invalid',
      message: 'The X-Slack-Request-Timestamp header is not a Unix time in seconds.',
      cause: { name: 'Error', message: 'the timestamp is not 1 to 12 decimal digits' },
    });
  });

  it('refuses a request signed with another secret', () => {
    expect(
      refusal(() =>
        verifySlackRequest({
          signingSecret: '8f742231b10e8888abcd99yyyzzz85a6',
          headers: headers(),
          rawBody: Buffer.from(BODY),
          now: NOW,
        }),
      ),
    ).toEqual(MISMATCH);
  });

  it('never puts the secret, the signature or the body into the error', () => {
    const error = thrownBy(() => verify({ rawBody: Buffer.from(`${BODY}x`) })) as Error;
    const text = JSON.stringify(describeError(error)) + String(error.stack);
    expect(text).not.toContain(SIGNING_SECRET);
    expect(text).not.toContain(SIGNATURE.slice(3));
    expect(text).not.toContain('xyzz0WbapA4vBCDEFasx0q6G');
  });

  it('refuses to verify with an empty signing secret (anyone could sign)', () => {
    const error = thrownBy(() =>
      verifySlackRequest({ signingSecret: '', headers: headers(), rawBody: Buffer.from(BODY), now: NOW }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: 'The Slack signing secret is missing or empty',
    });
  });

  it('verifies an API Gateway base64 body on its decoded bytes', () => {
    const event = { body: Buffer.from(BODY).toString('base64'), isBase64Encoded: true };
    expect(verify({ rawBody: rawBodyOf(event) })).toBeUndefined();
    // The base64 text itself is not what Slack signed.
    expect(refusal(() => verify({ rawBody: Buffer.from(event.body) }))).toEqual(MISMATCH);
  });

  it('verifies bodies that are not valid UTF-8 byte for byte', () => {
    const bytes = Buffer.concat([
      Buffer.from('payload='),
      Buffer.from([0xff, 0xfe, 0x80]),
      Buffer.from('%7B%7D'),
    ]);
    const event = { body: bytes.toString('base64'), isBase64Encoded: true };
    const signed = headers({ 'x-slack-signature': slackSign(bytes, TIMESTAMP) });
    expect(verify({ headers: signed, rawBody: rawBodyOf(event) })).toBeUndefined();
    // Decoding to text and back (what a body parser does) would replace the invalid bytes and break it.
    const roundTripped = Buffer.from(bytes.toString('utf8'), 'utf8');
    expect(refusal(() => verify({ headers: signed, rawBody: roundTripped }))).toEqual(MISMATCH);
  });

  it('verifies an empty body', () => {
    const empty = rawBodyOf({});
    const signed = headers({ 'x-slack-signature': slackSign(empty, TIMESTAMP) });
    expect(verify({ headers: signed, rawBody: empty })).toBeUndefined();
  });
});

describe('rawBodyOf', () => {
  it('returns a plain text body as its UTF-8 bytes', () => {
    expect(rawBodyOf({ body: 'a=%C3%A9&b=é', isBase64Encoded: false })).toEqual(
      Buffer.from([0x61, 0x3d, 0x25, 0x43, 0x33, 0x25, 0x41, 0x39, 0x26, 0x62, 0x3d, 0xc3, 0xa9]),
    );
    expect(rawBodyOf({ body: 'text' })).toEqual(Buffer.from('text'));
  });

  it('decodes a base64 body (API Gateway isBase64Encoded)', () => {
    expect(rawBodyOf({ body: 'cGF5bG9hZD0lN0IlN0Q=', isBase64Encoded: true })).toEqual(
      Buffer.from('payload=%7B%7D'),
    );
  });

  it('returns no bytes for a missing or empty body', () => {
    expect(rawBodyOf({})).toEqual(Buffer.alloc(0));
    expect(rawBodyOf({ body: '', isBase64Encoded: true })).toEqual(Buffer.alloc(0));
  });
});
