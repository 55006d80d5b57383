/**
 * Slack request signatures (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 *
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body)>
 *
 * Checked over the exact bytes API Gateway received, before anything else in the request is read or
 * parsed: any failure is a 401 (AuthenticationError) whose detail says what is wrong without echoing a
 * header. Timestamps more than five minutes from our clock, in either direction, are refused so that a
 * captured request cannot be replayed later.
 *
 * Written by hand with node:crypto: Slack's verifier lives in Bolt (`@slack/bolt`, not a dependency, a
 * whole app framework) and is not exported on its own; `@slack/web-api`, which we use, only calls Slack.
 * The check is one HMAC over a documented string and one constant-time comparison.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, ConfigurationError } from '../core/errors';

/** Header names as API Gateway (payload 2.0) passes them: lower case. */
export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
/** The only signature version Slack has defined. */
export const SLACK_SIGNATURE_VERSION = 'v0';
/** Slack's recommendation: refuse requests whose timestamp is more than five minutes off. */
export const MAX_SLACK_REQUEST_AGE_SECONDS = 5 * 60;

/** `v0=` and 64 lowercase hex digits (a SHA-256), as Slack sends it. */
const SIGNATURE_PATTERN = /^v0=([0-9a-f]{64})$/;
/** Unix seconds; at most 12 digits keeps the number exact and refuses nonsense early. */
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;

export interface SlackRequest {
  /** The Slack app's signing secret (from the stack's secret). */
  readonly signingSecret: string;
  /** Request headers with lower-case names (API Gateway payload 2.0 delivers them so). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: see {@link rawBodyOf}. */
  readonly rawBody: Buffer;
  /** The verifier's clock. @default new Date() */
  readonly now?: Date;
}

/**
 * The request body as the bytes Slack sent. API Gateway hands over text bodies as they are and others
 * base64-encoded (`isBase64Encoded`); decoding anything (URL-decoding, re-encoding text) before the
 * signature check would verify something other than what Slack signed.
 */
export function rawBodyOf(event: { readonly body?: string; readonly isBase64Encoded?: boolean }): Buffer {
  if (event.body === undefined) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded === true ? 'base64' : 'utf8');
}

const refused = (reason: string, detail: string, why: string): AuthenticationError =>
  new AuthenticationError(reason, detail, { cause: new Error(why) });

/**
 * Verifies Slack's signature of a request; returns nothing when it holds and throws an
 * AuthenticationError otherwise (`slack-signature-missing`, `slack-timestamp-invalid`,
 * `slack-timestamp-stale`, `slack-signature-invalid`). The cause, for the log, says which check failed;
 * no header value, secret or body is ever put into an error. A missing signing secret is a
 * ConfigurationError (500): an empty HMAC key would let anyone sign.
 */
export function verifySlackRequest(request: SlackRequest): void {
  const { signingSecret, headers, rawBody } = request;
  if (typeof signingSecret !== 'string' || signingSecret.length === 0) {
    throw new ConfigurationError('The Slack signing secret is missing or empty');
  }
  const signature = headers[SLACK_SIGNATURE_HEADER];
  const timestamp = headers[SLACK_TIMESTAMP_HEADER];
  if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '') {
    const missing = [
      ...(signature === undefined || signature === '' ? [SLACK_SIGNATURE_HEADER] : []),
      ...(timestamp === undefined || timestamp === '' ? [SLACK_TIMESTAMP_HEADER] : []),
    ];
    throw refused(
      'slack-signature-missing',
      'The request is not signed by Slack (X-Slack-Signature and X-Slack-Request-Timestamp are required).',
      `missing header(s): ${missing.join(', ')}`,
    );
  }
  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    throw refused(
      'slack-timestamp-invalid',
      'The X-Slack-Request-Timestamp header is not a Unix time in seconds.',
      'the timestamp is not 1 to 12 decimal digits',
    );
  }
  const nowSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const skew = nowSeconds - Number(timestamp);
  if (Math.abs(skew) > MAX_SLACK_REQUEST_AGE_SECONDS) {
    throw refused(
      'slack-timestamp-stale',
      `The request's timestamp is more than ${MAX_SLACK_REQUEST_AGE_SECONDS / 60} minutes from the current time.`,
      `the timestamp is ${Math.abs(skew)} seconds ${skew > 0 ? 'in the past' : 'in the future'}`,
    );
  }
  const presented = SIGNATURE_PATTERN.exec(signature)?.[1];
  if (presented === undefined) {
    throw refused(
      'slack-signature-invalid',
      'The request has an invalid Slack signature.',
      'the signature is not "v0=" followed by 64 lowercase hex digits',
    );
  }
  const expected = createHmac('sha256', signingSecret)
    .update(`${SLACK_SIGNATURE_VERSION}:${timestamp}:`, 'utf8')
    .update(rawBody)
    .digest();
  // Both are 32 bytes (the pattern above fixes the length), so timingSafeEqual cannot throw.
  if (!timingSafeEqual(Buffer.from(presented, 'hex'), expected)) {
    throw refused(
      'slack-signature-invalid',
      'The request has an invalid Slack signature.',
      'the signature does not match the body and timestamp',
    );
  }
}
