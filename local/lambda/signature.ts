/**
 * SigV4 as Lambda's front end checks it: the shared checks of `local/sigv4/verify.ts`, scoped to the
 * `lambda` signing name, answered with HTTP 403 and MissingAuthenticationTokenException,
 * IncompleteSignatureException, InvalidSignatureException or UnrecognizedClientException, as REST-JSON
 * services answer. Only `X-Amz-Date` in ISO-8601 basic format is read (the SDK always sends it); any
 * well-formed region is accepted. The clock-skew wording is the one AWS's REST front ends use.
 */
import { expiredOrNotYetCurrentMessage, type SigV4Dialect } from '../sigv4/verify';
import { LambdaError } from './errors';

export const LAMBDA_SIGV4: SigV4Dialect = {
  service: 'lambda',
  acceptsRegion: (region) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region),
  acceptsDateHeader: false,
  error: (name, message) => new LambdaError(name, message),
  missingTokenMessage: 'Missing Authentication Token',
  quotesTrimmedAuthorization: true,
  clockSkewMessage: expiredOrNotYetCurrentMessage,
  trimsScopeMessage: true,
  sessionTokenMessage: 'The security token included in the request is invalid.',
};
