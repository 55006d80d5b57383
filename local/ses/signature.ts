/**
 * SigV4 verification for the local SES v2 endpoint: the shared checks of `local/sigv4/verify.ts`, scoped
 * to the `ses` signing name and answered the way REST-JSON services answer them: HTTP 403 with
 * MissingAuthenticationTokenException, IncompleteSignatureException, InvalidSignatureException or
 * UnrecognizedClientException. Only `X-Amz-Date` in ISO-8601 basic format is read; any well-formed
 * region is accepted.
 */
import {
  authorizationParameters,
  type ReceivedRequest,
  type SigV4Dialect,
  verifySigV4,
} from '../sigv4/verify';
import { SesError } from './errors';

export type { ReceivedRequest };

/** Access key id → secret access key. */
export type SesCredentials = Readonly<Record<string, string>>;

const SES: SigV4Dialect = {
  /** SES v2's signing name (the SDK's endpoint rules: `signingName: "ses"`). */
  service: 'ses',
  acceptsRegion: (region) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region),
  acceptsDateHeader: false,
  error: (name, message) => new SesError(name, message),
  missingTokenMessage: 'Missing Authentication Token',
  quotesTrimmedAuthorization: true,
  clockSkewMessage: (_kind, { date, now }) =>
    `Signature expired or not yet current: ${date} is more than 15 minutes from ${now}.`,
  trimsScopeMessage: true,
  sessionTokenMessage: 'The security token included in the request is invalid.',
};

/** The region of the credential scope in an Authorization header, if there is a well-formed one. */
export const signedRegion = (authorization: string | undefined): string | undefined => {
  if (!authorization?.trim().startsWith('AWS4-')) return undefined;
  const scope = (authorizationParameters(authorization.trim()).Credential ?? '').split('/');
  return scope.length === 5 && scope[2] ? scope[2] : undefined;
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
  const { accessKeyId, region } = await verifySigV4(
    request,
    SES,
    (accessKeyId) => {
      const secretAccessKey = Object.hasOwn(credentials, accessKeyId) ? credentials[accessKeyId] : undefined;
      return secretAccessKey === undefined ? undefined : { secretAccessKey };
    },
    now,
  );
  return { accessKeyId, region };
};
