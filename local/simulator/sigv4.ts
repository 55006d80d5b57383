/**
 * SigV4 verification: re-sign the received request with the caller's secret (using the same
 * @smithy/signature-v4 the SDK signs with) and compare signatures in constant time.
 *
 * Checks, in the order and wording observed from AWS JSON services (recorded by the dynalite project
 * against DynamoDB, which runs on the same AWS request framework as SSM):
 * MissingAuthenticationToken → IncompleteSignature (missing Credential/Signature/SignedHeaders/date,
 * malformed date, algorithm, credential scope shape) → InvalidSignature (expired or future date, Host
 * not signed, wrong scope) → UnrecognizedClient (unknown access key, any session token) →
 * InvalidSignature (signature mismatch).
 *
 * The scope's region must be the region the service runs in: AWS answers a request signed for another
 * region with InvalidSignatureException "Credential should be scoped to a valid region, not '<region>'. "
 * (as reported from several AWS JSON services; see the assumptions in docs/simulator.md). Scope messages
 * are joined as AWS joins them, each sentence followed by a space, the date sentence last and without one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { SsmError } from './errors';
import { findPrincipal, type Principal, type PrincipalMap } from './principals';

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query exactly as received (`req.url`). */
  readonly url: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface Caller {
  readonly accessKeyId: string;
  readonly principal: Principal;
  readonly region: string;
}

/** How far the request date may be from the server's clock (the SigV4 standard window). */
const MAX_SKEW_MS = 15 * 60 * 1000;
const SERVICE = 'ssm';
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const basicIso = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Parses `YYYYMMDDTHHMMSSZ` (or an RFC 7231 Date header); undefined when not a date. */
const parseDate = (text: string): Date | undefined => {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (basic) {
    const [, y, mo, d, h, mi, s] = basic;
    const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const parsed = /GMT$/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
};

const authorizationParameters = (header: string): Record<string, string> => {
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
 * Authenticates a request to the service in `serviceRegion`. `now` is the server's wall clock (not the
 * engine's injectable clock: clients sign with real time).
 * @throws SsmError MissingAuthenticationTokenException, IncompleteSignatureException,
 *   InvalidSignatureException, UnrecognizedClientException
 */
export const verifySignature = async (
  request: ReceivedRequest,
  principals: PrincipalMap,
  now: Date,
  serviceRegion: string,
): Promise<Caller> => {
  const authorization = request.headers.authorization;
  if (!authorization?.trim().startsWith('AWS4-')) {
    throw new SsmError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  const parameters = authorizationParameters(authorization.trim());
  const dateText = request.headers['x-amz-date'] ?? request.headers.date;
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!parameters[name]) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!dateText)
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing) throw new SsmError('IncompleteSignatureException', `${missing}Authorization=${authorization}`);
  const date = parseDate(dateText as string);
  if (!date) {
    throw new SsmError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${dateText}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const algorithm = authorization.trim().split(' ')[0];
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new SsmError(
      'IncompleteSignatureException',
      `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
    );
  }
  const credential = (parameters.Credential as string).replace(/\/+$/, '');
  const scope = credential.split('/');
  if (scope.length !== 5) {
    throw new SsmError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = scope;
  if (date.getTime() < now.getTime() - MAX_SKEW_MS) {
    throw new SsmError(
      'InvalidSignatureException',
      `Signature expired: ${basicIso(date)} is now earlier than ${basicIso(new Date(now.getTime() - MAX_SKEW_MS))} (${basicIso(now)} - 15 min.)`,
    );
  }
  if (date.getTime() > now.getTime() + MAX_SKEW_MS) {
    throw new SsmError(
      'InvalidSignatureException',
      `Signature not yet current: ${basicIso(date)} is still later than ${basicIso(new Date(now.getTime() + MAX_SKEW_MS))} (${basicIso(now)} + 15 min.)`,
    );
  }
  const signedHeaders = (parameters.SignedHeaders as string).split(';');
  if (!signedHeaders.includes('host')) {
    throw new SsmError(
      'InvalidSignatureException',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  let scopeProblems = '';
  if (region !== serviceRegion)
    scopeProblems += `Credential should be scoped to a valid region, not '${region}'. `;
  if (service !== SERVICE) scopeProblems += `Credential should be scoped to correct service: '${SERVICE}'. `;
  if (terminator !== 'aws4_request') {
    scopeProblems += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  }
  const shortDate = basicIso(date).slice(0, 8);
  if (scopeDate !== shortDate) {
    scopeProblems += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${shortDate}', from '${dateText}'.`;
  }
  if (scopeProblems) throw new SsmError('InvalidSignatureException', scopeProblems);
  const principal = findPrincipal(principals, accessKeyId);
  if (!principal)
    throw new SsmError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  // The simulator issues no temporary credentials, so no session token can be valid.
  if (request.headers['x-amz-security-token'] !== undefined) {
    throw new SsmError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid',
    );
  }
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const declaredHash = request.headers['x-amz-content-sha256'];
  // The signer trusts this header as the payload hash; make sure it is the hash of this body.
  if (declaredHash !== undefined && declaredHash !== bodyHash) {
    throw new SsmError('InvalidSignatureException', BAD_SIGNATURE);
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
    credentials: { accessKeyId, secretAccessKey: principal.secretAccessKey },
    region,
    service: SERVICE,
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
    throw new SsmError('InvalidSignatureException', BAD_SIGNATURE);
  }
  return { accessKeyId, principal, region };
};
