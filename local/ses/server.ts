/**
 * The local SES v2 endpoint that `npm start` runs: an HTTP server speaking SES v2's wire protocol for
 * `SendEmail` (REST-JSON, `POST /v2/email/outbound-emails`, SigV4 with signing name `ses`), which
 * keeps each accepted e-mail in memory instead of sending it. The SDK reaches it through its own
 * endpoint setting (`AWS_ENDPOINT_URL_SESV2=<url>`, or `endpoint: url`); no path prefix is needed.
 */
import { randomUUID } from 'node:crypto';
import { startLocalEndpoint } from '../http-endpoint';
import { errorResponse, jsonResponse, SesError, type SesResponse } from './errors';
import { isVerifiedSender, parseSendEmail, type StoredEmail, unverifiedSender } from './send-email';
import { type ReceivedRequest, type SesCredentials, signedRegion, verifySesSignature } from './signature';

export type { StoredEmail } from './send-email';

export interface LocalSesOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /**
   * The verified identities: e-mail addresses and domains. A sender none of them verifies is answered
   * with MessageRejected. Undefined: every sender is accepted.
   */
  readonly verifiedIdentities?: readonly string[];
  /** Access key id → secret access key. Given: every request must be SigV4-signed by one of them. */
  readonly credentials?: SesCredentials;
  /** The clock that stamps `sentAt` (signatures are always checked against the wall clock). */
  readonly now?: () => Date;
}

export interface LocalSes {
  readonly url: string;
  /** Every accepted e-mail, oldest first. */
  messages(): readonly StoredEmail[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** The one operation served. */
const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
/** Larger bodies are refused with 413 (SES v2 takes messages up to 40 MB; ours are small). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_REGION = 'us-east-1';

/** An SES message id: 16 hex digits (the first four a version, then the send time), a UUID, `-000000`. */
const newMessageId = (sentAt: Date): string =>
  `0100${sentAt.getTime().toString(16).padStart(12, '0')}-${randomUUID()}-000000`;

const parseJson = (body: Uint8Array): unknown => {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new SesError('BadRequestException', 'The request body is not valid JSON.');
  }
};

interface Dependencies extends LocalSesOptions {
  readonly store: (email: StoredEmail) => void;
}

const sendEmail = async (request: ReceivedRequest, deps: Dependencies): Promise<SesResponse> => {
  const requestId = randomUUID();
  const { pathname } = new URL(request.url, 'http://localhost');
  if (request.method !== 'POST' || pathname !== SEND_EMAIL_PATH) {
    return errorResponse(
      requestId,
      new SesError(
        'NotFoundException',
        `Nothing at ${request.method} ${pathname}: the local SES v2 endpoint serves only SendEmail (POST ${SEND_EMAIL_PATH}).`,
      ),
    );
  }
  try {
    const region = deps.credentials
      ? (await verifySesSignature(request, deps.credentials, new Date())).region
      : (signedRegion(request.headers.authorization) ?? DEFAULT_REGION);
    const email = parseSendEmail(request.body.length > 0 ? parseJson(request.body) : undefined);
    if (deps.verifiedIdentities && !isVerifiedSender(email.from, deps.verifiedIdentities)) {
      throw unverifiedSender(email.from, region);
    }
    const sentAt = (deps.now ?? (() => new Date()))();
    const messageId = newMessageId(sentAt);
    deps.store({ messageId, ...email, sentAt: sentAt.toISOString() });
    return jsonResponse(requestId, 200, { MessageId: messageId });
  } catch (error) {
    if (error instanceof SesError) return errorResponse(requestId, error);
    console.error('local SES: request failed', error);
    return errorResponse(
      requestId,
      new SesError('InternalServiceErrorException', 'An internal error occurred.'),
    );
  }
};

/** Starts the endpoint; resolves once it listens. */
export const startLocalSes = async (options: LocalSesOptions = {}): Promise<LocalSes> => {
  const stored: StoredEmail[] = [];
  const deps: Dependencies = { ...options, store: (email) => stored.push(Object.freeze(email)) };
  const endpoint = await startLocalEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    handle: (request) => sendEmail(request, deps),
  });
  return {
    url: endpoint.url,
    messages: () => [...stored],
    close: endpoint.close,
  };
};
