/**
 * SigV4 as STS's front end checks it: the shared checks of `local/sigv4/verify.ts`, scoped to the `sts`
 * signing name and answered with the AWS query front end's error codes (MissingAuthenticationToken,
 * IncompleteSignature, SignatureDoesNotMatch, InvalidClientTokenId) in STS's XML error shape. Any
 * well-formed region is accepted (STS has regional endpoints, and the global one signs for us-east-1).
 */
import { expiredOrNotYetCurrentMessage, type SigV4Dialect, type SigV4ErrorName } from '../sigv4/verify';
import { StsError, type StsErrorName } from './errors';

/** The query front end's code for each failed check. */
const CODES: Readonly<Record<SigV4ErrorName, StsErrorName>> = {
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
};

export const STS_SIGV4: SigV4Dialect = {
  service: 'sts',
  acceptsRegion: (region) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region),
  acceptsDateHeader: true,
  error: (name, message) => new StsError(CODES[name], message),
  missingTokenMessage: 'Request is missing Authentication Token',
  quotesTrimmedAuthorization: false,
  clockSkewMessage: expiredOrNotYetCurrentMessage,
  trimsScopeMessage: false,
  sessionTokenMessage: 'The security token included in the request is invalid.',
};
