/**
 * SigV4 verification for the local SES v2 endpoint: re-sign the received request with the caller's
 * secret (the same @smithy/signature-v4 the SDK signs with) and compare in constant time.
 *
 * The same checks, in the same order, as the SSM simulator's `local/simulator/sigv4.ts`, but scoped to
 * the `ses` signing name and answered the way REST-JSON services answer them: HTTP 403 with
 * MissingAuthenticationTokenException, IncompleteSignatureException, InvalidSignatureException or
 * UnrecognizedClientException. (sigv4.ts hard-codes the `ssm` service and SSM's error type, so it
 * cannot be called for SES as it stands.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ReceivedRequest } from '../simulator/sigv4';
import { SesError } from './errors';

/** SES v2's signing name (the SDK's endpoint rules: `signingName: "ses"`). */
const SERVICE = 'ses';
/** How far the request date may be from the server's clock (the SigV4 standard window). */
const MAX_SKEW_MS = 15 * 60 * 1000;
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

export type { ReceivedRequest };

/** Access key id → secret access key. */
export type SesCredentials = Readonly<Record<string, string>>;

const basicIso = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const parseBasicDate = (text: string): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

const authorizationParameters = (header: string): Record<string, string> => {
  const parameters: Record<string, string> = {};
  for (const part of header.slice(header.indexOf(' ') + 1).split(',')) {
    const [key, ...rest] = part.trim().split('=');
    if (key) parameters[key] = rest.join('=');
  }
  return parameters;
};

/** The region of the credential scope in an Authorization header, if there is a well-formed one. */
export const signedRegion = (authorization: string | undefined): string | undefined => {
  if (!authorization?.trim().startsWith('AWS4-')) return undefined;
  const scope = (authorizationParameters(authorization.trim()).Credential ?? '').split('/');
  return scope.length === 5 && scope[2] ? scope[2] : undefined;
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
 * Authenticates a request and returns the caller's access key id and signing region.
 * @throws SesError with one of the four 403 errors above.
 */
export const verifySesSignature = async (
  request: ReceivedRequest,
  credentials: SesCredentials,
  now: Date,
): Promise<{ readonly accessKeyId: string; readonly region: string }> => {
  const authorization = request.headers.authorization?.trim();
  if (!authorization?.startsWith('AWS4-')) {
    throw new SesError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const parameters = authorizationParameters(authorization);
  const dateText = request.headers['x-amz-date'];
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!parameters[name]) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!dateText) missing += "Authorization header requires existence of a 'X-Amz-Date' header. ";
  if (missing) throw new SesError('IncompleteSignatureException', `${missing}Authorization=${authorization}`);
  const date = parseBasicDate(dateText as string);
  if (!date) {
    throw new SesError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${dateText}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const algorithm = authorization.split(' ')[0];
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new SesError(
      'IncompleteSignatureException',
      `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
    );
  }
  const credential = (parameters.Credential as string).replace(/\/+$/, '');
  const scope = credential.split('/');
  if (scope.length !== 5) {
    throw new SesError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = scope;
  if (Math.abs(date.getTime() - now.getTime()) > MAX_SKEW_MS) {
    throw new SesError(
      'InvalidSignatureException',
      `Signature expired or not yet current: ${basicIso(date)} is more than 15 minutes from ${basicIso(now)}.`,
    );
  }
  const signedHeaders = (parameters.SignedHeaders as string).split(';');
  if (!signedHeaders.includes('host')) {
    throw new SesError(
      'InvalidSignatureException',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  let scopeProblems = '';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    scopeProblems += `Credential should be scoped to a valid region, not '${region}'. `;
  if (service !== SERVICE) scopeProblems += `Credential should be scoped to correct service: '${SERVICE}'. `;
  if (terminator !== 'aws4_request') {
    scopeProblems += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  }
  if (scopeDate !== basicIso(date).slice(0, 8)) {
    scopeProblems += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${basicIso(date).slice(0, 8)}', from '${dateText}'.`;
  }
  if (scopeProblems) throw new SesError('InvalidSignatureException', scopeProblems.trim());
  const secretAccessKey = Object.hasOwn(credentials, accessKeyId) ? credentials[accessKeyId] : undefined;
  // The local endpoint issues no temporary credentials, so no session token can be valid.
  if (secretAccessKey === undefined || request.headers['x-amz-security-token'] !== undefined) {
    throw new SesError('UnrecognizedClientException', INVALID_TOKEN);
  }
  const declaredHash = request.headers['x-amz-content-sha256'];
  // The signer trusts this header as the payload hash; make sure it is the hash of this body.
  if (
    declaredHash !== undefined &&
    declaredHash !== createHash('sha256').update(request.body).digest('hex')
  ) {
    throw new SesError('InvalidSignatureException', BAD_SIGNATURE);
  }
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = request.headers[name] ?? '';
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: SERVICE,
    sha256: Hash.bind(null, 'sha256'),
    // Sign exactly the headers the client signed: never add x-amz-content-sha256 of our own.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: (request.headers.host ?? '').replace(/:\d+$/, ''),
      path: url.pathname,
      query: queryOf(url.searchParams),
      headers,
      body: request.body,
    }),
    { signingDate: date, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (
    expectedHeaders !== signedHeaders.join(';') ||
    !sameSignature(expected, parameters.Signature as string)
  ) {
    throw new SesError('InvalidSignatureException', BAD_SIGNATURE);
  }
  return { accessKeyId, region };
};
