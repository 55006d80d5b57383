/**
 * Errors the local STS answers with, as STS (an awsQuery service) sends them: an HTTP status and an XML
 * `ErrorResponse` whose `Error` names the `Type` (Sender or Receiver), the `Code` (which the SDK maps to
 * its exception class, see `loadQueryErrorCode` in @aws-sdk/core) and the `Message`, plus the request id.
 */

const STATUS = {
  // STS's own errors (modelled in its API).
  AccessDenied: 403,
  ValidationError: 400,
  InvalidAction: 400,
  MissingAction: 400,
  MalformedPolicyDocument: 400,
  // The AWS query front end's authentication errors.
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  SignatureDoesNotMatch: 403,
  InvalidClientTokenId: 403,
  InternalFailure: 500,
} as const;

export type StsErrorName = keyof typeof STATUS;

export class StsError extends Error {
  override readonly name = 'StsError';

  constructor(
    readonly code: StsErrorName,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return STATUS[this.code];
  }
}

export interface StsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** STS's XML namespace, on every response. */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * Escapes text for an XML element. Written by hand (and the documents below by template) because the
 * answers are two fixed shapes of a few elements; an XML library would add a dependency for no gain.
 */
export const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const xmlResponse = (requestId: string, status: number, body: string): StsResponse => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId },
  body,
});

export const errorResponse = (requestId: string, error: StsError): StsResponse =>
  xmlResponse(
    requestId,
    error.httpStatus,
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
      '  <Error>\n' +
      `    <Type>${error.httpStatus >= 500 ? 'Receiver' : 'Sender'}</Type>\n` +
      `    <Code>${error.code}</Code>\n` +
      `    <Message>${xmlText(error.message)}</Message>\n` +
      '  </Error>\n' +
      `  <RequestId>${requestId}</RequestId>\n` +
      '</ErrorResponse>\n',
  );
