/**
 * Errors the local Lambda Invoke API answers with, as Lambda (a REST-JSON service) sends them: an HTTP
 * status, the name in the `x-amzn-ErrorType` header (which the SDK reads first) and a JSON body. Lambda's
 * own modelled errors carry `{"Type": "User", "Message": "…"}` (the model's member names, capitalised);
 * the AWS front end's authentication errors carry `{"message": "…"}`.
 */

const STATUS = {
  InvalidRequestContentException: 400,
  InvalidParameterValueException: 400,
  ResourceNotFoundException: 404,
  RequestTooLargeException: 413,
  TooManyRequestsException: 429,
  AccessDeniedException: 403,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ServiceException: 500,
} as const;

export type LambdaErrorName = keyof typeof STATUS;

/** Answered with `{"message": …}`, as the front end answers before the request reaches Lambda. */
const FRONT_END_ERRORS: ReadonlySet<LambdaErrorName> = new Set([
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
]);

export class LambdaError extends Error {
  override readonly name = 'LambdaError';

  constructor(
    readonly code: LambdaErrorName,
    message: string,
    /** Extra members of the body (TooManyRequestsException's `Reason`). */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get httpStatus(): number {
    return STATUS[this.code];
  }
}

export interface LambdaResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const errorResponse = (requestId: string, error: LambdaError): LambdaResponse => ({
  status: error.httpStatus,
  headers: {
    'content-type': 'application/json',
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': error.code,
  },
  body: JSON.stringify(
    FRONT_END_ERRORS.has(error.code)
      ? { message: error.message }
      : { Type: 'User', Message: error.message, ...error.extra },
  ),
});
