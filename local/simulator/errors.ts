/**
 * Errors the simulator answers with, named exactly as SSM (and the AWS service framework in front of
 * it) names them on the wire. One class, `SsmError`, carries the wire name; `protocol.ts` is the one
 * place that turns it into an HTTP response.
 */

/** Errors modelled in SSM's API for the five operations we serve (they carry a `Message` member). */
export const MODELED_ERRORS = [
  'AutomationDefinitionNotFoundException',
  'AutomationDefinitionVersionNotFoundException',
  'AutomationExecutionLimitExceededException',
  'AutomationExecutionNotFoundException',
  'AutomationStepNotFoundException',
  'IdempotentParameterMismatch',
  'InternalServerError',
  'InvalidAutomationExecutionParametersException',
  'InvalidAutomationSignalException',
  'InvalidAutomationStatusUpdateException',
  'InvalidFilterKey',
  'InvalidFilterValue',
  'InvalidNextToken',
  'InvalidTarget',
] as const;

/** Errors raised by the AWS request framework before an operation runs (they carry `message`). */
export const FRAMEWORK_ERRORS = [
  'AccessDeniedException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'SerializationException',
  'UnknownOperationException',
  'UnrecognizedClientException',
  'ValidationException',
] as const;

export type ModeledErrorName = (typeof MODELED_ERRORS)[number];
export type FrameworkErrorName = (typeof FRAMEWORK_ERRORS)[number];
export type SsmErrorName = ModeledErrorName | FrameworkErrorName;

const MODELED: ReadonlySet<string> = new Set(MODELED_ERRORS);

/**
 * An error as SSM reports it. `message` may be empty: some framework errors (a body that is not
 * JSON, an unknown X-Amz-Target) are answered by AWS with no message at all.
 */
export class SsmError extends Error {
  readonly code: SsmErrorName;

  constructor(code: SsmErrorName, message = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SsmError';
    this.code = code;
  }

  /** HTTP status: 500 for InternalServerError, 400 for everything else (SSM API reference). */
  get httpStatus(): number {
    return this.code === 'InternalServerError' ? 500 : 400;
  }

  /**
   * The JSON member that carries the message. SSM's error shapes model it as `Message`; the
   * framework's own errors use `message` (as observed from AWS JSON services). SDK and CLI accept both.
   * Assumption: SerializationException with a message uses `Message`, as DynamoDB was observed to do.
   */
  get messageMember(): 'Message' | 'message' {
    return MODELED.has(this.code) || this.code === 'SerializationException' ? 'Message' : 'message';
  }
}

export const isSsmError = (error: unknown): error is SsmError => error instanceof SsmError;
