/**
 * Errors the local SES v2 endpoint answers with, named as SES v2 (a REST-JSON service) names them on
 * the wire: an HTTP status, the name in the `x-amzn-ErrorType` header (which the SDK reads first, see
 * `loadRestJsonErrorCode` in @smithy/core) and a JSON body `{"message": "…"}`.
 */

/** SES v2's own errors (modelled in its API, status from the model) and the AWS front end's auth errors. */
const STATUS = {
  BadRequestException: 400,
  MessageRejected: 400,
  NotFoundException: 404,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  InternalServiceErrorException: 500,
} as const;

export type SesErrorName = keyof typeof STATUS;

export class SesError extends Error {
  readonly code: SesErrorName;

  constructor(code: SesErrorName, message: string) {
    super(message);
    this.name = 'SesError';
    this.code = code;
  }

  get httpStatus(): number {
    return STATUS[this.code];
  }
}

export interface SesResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const jsonResponse = (requestId: string, status: number, body: unknown): SesResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId },
  body: JSON.stringify(body),
});

export const errorResponse = (requestId: string, error: SesError): SesResponse => ({
  status: error.httpStatus,
  headers: {
    'content-type': 'application/json',
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': error.code,
  },
  body: JSON.stringify({ message: error.message }),
});
