/**
 * SigV4 verification shared by the local stand-ins (the SSM simulator, the local SES v2 endpoint):
 * re-sign the received request with the caller's secret (using the same @smithy/signature-v4 the SDK
 * signs with) and compare signatures in constant time.
 *
 * Checks, in the order and wording observed from AWS services (recorded by the dynalite project against
 * DynamoDB, which runs on the same AWS request framework as SSM):
 * MissingAuthenticationToken → IncompleteSignature (missing Credential/Signature/SignedHeaders/date,
 * malformed date, algorithm, credential scope shape) → InvalidSignature (expired or future date, Host
 * not signed, wrong scope) → UnrecognizedClient (unknown access key; a session token the credentials were not
 * issued with) → ExpiredToken (a session that has expired) → InvalidSignature (signature mismatch).
 *
 * Session tokens: the lookup is given the access key id and the request's `X-Amz-Security-Token` and answers
 * with the credentials they name, as the SDK models credentials (`AwsCredentialIdentity`: a secret, and for
 * temporary credentials the session token and its expiry). The request is accepted only with exactly the
 * token the credentials carry, so a stand-in whose lookup knows no sessions refuses every token, and one
 * that does (the SSM simulator, wired to the local STS) accepts only the tokens issued for that key.
 *
 * What differs between services (signing name, the regions a scope may name, which date headers are
 * read, a few messages, the error type thrown) is a `SigV4Dialect`. Scope messages are joined as AWS
 * joins them, each sentence followed by a space, the date sentence last and without one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query exactly as received (`req.url`). */
  readonly url: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** The errors a failed check is answered with. */
export type SigV4ErrorName =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

/** How one service answers: everything the checks do not share. */
export interface SigV4Dialect {
  /** The signing name the credential scope must name. */
  readonly service: string;
  /** Whether the credential scope may name this region. */
  readonly acceptsRegion: (region: string) => boolean;
  /**
   * True: the date comes from `X-Amz-Date` or else `Date`, in ISO-8601 basic format or RFC 7231 form.
   * False: only from `X-Amz-Date`, only in basic format.
   */
  readonly acceptsDateHeader: boolean;
  /** The error thrown for a failed check. */
  readonly error: (name: SigV4ErrorName, message: string) => Error;
  /** The message when there is no AWS4 Authorization header. */
  readonly missingTokenMessage: string;
  /** True: the Authorization header is quoted trimmed in IncompleteSignature messages; false: as received. */
  readonly quotesTrimmedAuthorization: boolean;
  /**
   * The message for a date more than 15 minutes off. All times in ISO-8601 basic format; `limit` is the
   * earliest (`expired`) or latest (`not yet current`) date accepted.
   */
  readonly clockSkewMessage: (
    kind: 'expired' | 'not yet current',
    times: { readonly date: string; readonly now: string; readonly limit: string },
  ) => string;
  /** True: the scope message loses its trailing space. */
  readonly trimsScopeMessage: boolean;
  /** The message when a known access key comes with a session token its credentials were not issued with. */
  readonly sessionTokenMessage: string;
  /**
   * The error for a session token whose credentials have expired; needed only by a stand-in whose lookup
   * returns temporary credentials. @default `error('UnrecognizedClientException', sessionTokenMessage)`
   */
  readonly expiredTokenError?: () => Error;
}

/**
 * The clock-skew messages most AWS front ends give (SSM's JSON one, STS's query one, Lambda's REST one): one
 * sentence for each kind, naming the limit the date missed (the server's time ∓ 15 minutes). A dialect whose
 * service words it otherwise (SES v2) writes its own.
 */
export const expiredOrNotYetCurrentMessage: SigV4Dialect['clockSkewMessage'] = (
  kind,
  { date, now, limit },
) =>
  kind === 'expired'
    ? `Signature expired: ${date} is now earlier than ${limit} (${now} - 15 min.)`
    : `Signature not yet current: ${date} is still later than ${limit} (${now} + 15 min.)`;

/** What a lookup answers with: the secret the request must be signed with, and, for temporary credentials, their session. */
export interface LookedUpCredentials {
  readonly secretAccessKey: string;
  /** The session token these credentials were issued with; a request must carry exactly this one (or none when absent). */
  readonly sessionToken?: string;
  /** When temporary credentials stop being valid (checked against the server's wall clock). */
  readonly expiration?: Date;
}

/**
 * Finds the credentials an access key id, and the session token the request carries (undefined when none),
 * name; undefined for an unknown access key.
 */
export type CredentialLookup<Identity extends LookedUpCredentials> = (
  accessKeyId: string,
  sessionToken: string | undefined,
) => Identity | undefined;

export interface VerifiedCaller<Identity> {
  readonly accessKeyId: string;
  /** What `lookup` returned for the access key. */
  readonly identity: Identity;
  /** The region of the credential scope. */
  readonly region: string;
}

/** How far the request date may be from the server's clock (the SigV4 standard window). */
const MAX_SKEW_MS = 15 * 60 * 1000;
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const UNKNOWN_ACCESS_KEY = 'The security token included in the request is invalid.';

const basicIso = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Parses `YYYYMMDDTHHMMSSZ` (or, when allowed, an RFC 7231 Date header); undefined when not a date. */
const parseDate = (text: string, httpDate: boolean): Date | undefined => {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (basic) {
    const [, y, mo, d, h, mi, s] = basic;
    const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const parsed = httpDate && /GMT$/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
};

/** The `key=value` parameters of an Authorization header (after its algorithm). */
export const authorizationParameters = (header: string): Record<string, string> => {
  const parameters: Record<string, string> = {};
  for (const part of header.slice(header.indexOf(' ') + 1).split(',')) {
    const [key, ...rest] = part.trim().split('=');
    if (key) parameters[key] = rest.join('=');
  }
  return parameters;
};

const queryOf = (search: URLSearchParams): Record<string, string | string[]> => {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
};

const sameSignature = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Authenticates a request. `lookup` finds the caller's identity (and so its secret) by access key id and
 * session token; `now` is the server's wall clock (clients sign with real time).
 * @throws whatever `dialect.error` makes, for each of the four `SigV4ErrorName`s, or
 *   `dialect.expiredTokenError` for expired temporary credentials.
 */
export const verifySigV4 = async <Identity extends LookedUpCredentials>(
  request: ReceivedRequest,
  dialect: SigV4Dialect,
  lookup: CredentialLookup<Identity>,
  now: Date,
): Promise<VerifiedCaller<Identity>> => {
  const received = request.headers.authorization;
  const authorization = received?.trim();
  if (!authorization?.startsWith('AWS4-'))
    throw dialect.error('MissingAuthenticationTokenException', dialect.missingTokenMessage);
  const parameters = authorizationParameters(authorization);
  const dateText = dialect.acceptsDateHeader
    ? (request.headers['x-amz-date'] ?? request.headers.date)
    : request.headers['x-amz-date'];
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!parameters[name]) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!dateText) {
    missing += dialect.acceptsDateHeader
      ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
      : "Authorization header requires existence of a 'X-Amz-Date' header. ";
  }
  if (missing) {
    const quoted = dialect.quotesTrimmedAuthorization ? authorization : received;
    throw dialect.error('IncompleteSignatureException', `${missing}Authorization=${quoted}`);
  }
  const date = parseDate(dateText as string, dialect.acceptsDateHeader);
  if (!date) {
    throw dialect.error(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${dateText}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const algorithm = authorization.split(' ')[0];
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw dialect.error(
      'IncompleteSignatureException',
      `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
    );
  }
  const credential = (parameters.Credential as string).replace(/\/+$/, '');
  const scope = credential.split('/');
  if (scope.length !== 5) {
    throw dialect.error(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = scope;
  const times = (limit: number) => ({
    date: basicIso(date),
    now: basicIso(now),
    limit: basicIso(new Date(limit)),
  });
  if (date.getTime() < now.getTime() - MAX_SKEW_MS) {
    throw dialect.error(
      'InvalidSignatureException',
      dialect.clockSkewMessage('expired', times(now.getTime() - MAX_SKEW_MS)),
    );
  }
  if (date.getTime() > now.getTime() + MAX_SKEW_MS) {
    throw dialect.error(
      'InvalidSignatureException',
      dialect.clockSkewMessage('not yet current', times(now.getTime() + MAX_SKEW_MS)),
    );
  }
  const signedHeaders = (parameters.SignedHeaders as string).split(';');
  if (!signedHeaders.includes('host')) {
    throw dialect.error(
      'InvalidSignatureException',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  let scopeProblems = '';
  if (!dialect.acceptsRegion(region))
    scopeProblems += `Credential should be scoped to a valid region, not '${region}'. `;
  if (service !== dialect.service) {
    scopeProblems += `Credential should be scoped to correct service: '${dialect.service}'. `;
  }
  if (terminator !== 'aws4_request') {
    scopeProblems += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  }
  const shortDate = basicIso(date).slice(0, 8);
  if (scopeDate !== shortDate) {
    scopeProblems += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${shortDate}', from '${dateText}'.`;
  }
  if (scopeProblems) {
    throw dialect.error(
      'InvalidSignatureException',
      dialect.trimsScopeMessage ? scopeProblems.trim() : scopeProblems,
    );
  }
  const sessionToken = request.headers['x-amz-security-token'];
  const identity = lookup(accessKeyId, sessionToken);
  if (!identity) throw dialect.error('UnrecognizedClientException', UNKNOWN_ACCESS_KEY);
  // A token the credentials were not issued with (none was issued, or it was issued for another key), or
  // temporary credentials used without their token: AWS knows no such credentials.
  if (identity.sessionToken !== sessionToken) {
    throw dialect.error('UnrecognizedClientException', dialect.sessionTokenMessage);
  }
  if (identity.expiration !== undefined && identity.expiration.getTime() <= now.getTime()) {
    throw (
      dialect.expiredTokenError?.() ??
      dialect.error('UnrecognizedClientException', dialect.sessionTokenMessage)
    );
  }
  const declaredHash = request.headers['x-amz-content-sha256'];
  // The signer trusts this header as the payload hash; make sure it is the hash of this body.
  if (
    declaredHash !== undefined &&
    declaredHash !== createHash('sha256').update(request.body).digest('hex')
  ) {
    throw dialect.error('InvalidSignatureException', BAD_SIGNATURE);
  }
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = request.headers[name] ?? '';
  const toSign = new HttpRequest({
    method: request.method,
    protocol: 'http:',
    hostname: (request.headers.host ?? '').replace(/:\d+$/, ''),
    path: url.pathname,
    query: queryOf(url.searchParams),
    headers,
    body: request.body,
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: identity.secretAccessKey },
    region,
    service: dialect.service,
    sha256: Hash.bind(null, 'sha256'),
    // Sign exactly the headers the client signed: never add x-amz-content-sha256 of our own.
    applyChecksum: false,
  });
  const signed = await signer.sign(toSign, { signingDate: date, signableHeaders: new Set(signedHeaders) });
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (
    expectedHeaders !== signedHeaders.join(';') ||
    !sameSignature(expected, parameters.Signature as string)
  ) {
    throw dialect.error('InvalidSignatureException', BAD_SIGNATURE);
  }
  return { accessKeyId, identity, region };
};
