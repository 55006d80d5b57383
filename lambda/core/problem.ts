/**
 * The one place that maps errors to HTTP: our named errors, SSM's errors and network failures become an
 * RFC 9457 problem; anything else is a generic 500 whose details stay in the log.
 */
import { SSMServiceException } from '@aws-sdk/client-ssm';
import { challengeFor } from '../auth/authenticate';
import { AuthenticationError, WebhookError } from './errors';

export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** A stable, machine-readable reason (`execution-not-found`, `link-expired`, ...). */
  readonly reason: string;
  /** The SSM error name, when one caused the problem. */
  readonly code?: string;
  /** Extra response headers (`WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export const PROBLEM_TYPE_PREFIX = 'urn:ssm-approval-webhook:problem:';

/** Seconds a caller should wait after SSM throttled us (the SDK already retried). */
export const THROTTLED_RETRY_AFTER_SECONDS = 5;

interface SsmMapping {
  readonly status: number;
  readonly title: string;
  readonly reason: string;
  readonly detail: string;
}

const SSM_ERRORS: Readonly<Record<string, SsmMapping>> = {
  AutomationExecutionNotFoundException: {
    status: 404,
    title: 'Execution not found',
    reason: 'execution-not-found',
    detail: 'SSM has no Automation execution with this id in the webhook’s account and region.',
  },
  AutomationStepNotFoundException: {
    status: 404,
    title: 'Step not found',
    reason: 'step-not-found',
    detail: 'SSM found no step with this name or step execution id in the execution.',
  },
  InvalidAutomationSignalException: {
    status: 409,
    title: 'Signal not accepted now',
    reason: 'signal-not-accepted',
    detail:
      'SSM did not accept the signal in the execution’s current state: it was already decided, is not waiting for this signal, or the webhook’s role is not among the step’s approvers.',
  },
  InvalidAutomationStatusUpdateException: {
    status: 409,
    title: 'Execution cannot be stopped',
    reason: 'execution-not-stoppable',
    detail: 'SSM cannot stop the execution in its current state: it has most likely already finished.',
  },
  InternalServerError: {
    status: 502,
    title: 'SSM failed',
    reason: 'ssm-internal-error',
    detail:
      'SSM reported an internal error after retries; nothing was changed. Try again; if it persists, check the AWS Health Dashboard.',
  },
};

/** SSM's names for "too many requests": nothing was done (also what carry-out may try again). */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'Throttling',
]);

const CREDENTIAL_ERRORS = new Set([
  'IncompleteSignature',
  'IncompleteSignatureException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Statuses that mean "not now" even without a body to name the error (a 429 or 503 from SSM or a proxy). */
const BUSY_STATUSES = new Set([429, 503]);

const fromSsm = (error: SSMServiceException): Problem => {
  const known = SSM_ERRORS[error.name];
  if (known) return { ...known, code: error.name };
  const retryAfter = { 'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS) };
  if (
    !THROTTLING_ERRORS.has(error.name) &&
    (error.name === 'ServiceUnavailable' || BUSY_STATUSES.has(error.$metadata?.httpStatusCode ?? 0))
  ) {
    return {
      status: 503,
      title: 'SSM is unavailable',
      reason: 'ssm-unavailable',
      detail: `SSM answered that it cannot take requests now (HTTP ${error.$metadata?.httpStatusCode ?? 503}). Try again in ${THROTTLED_RETRY_AFTER_SECONDS} seconds.`,
      code: error.name,
      headers: retryAfter,
    };
  }
  if (THROTTLING_ERRORS.has(error.name)) {
    return {
      status: 503,
      title: 'SSM is throttling',
      reason: 'ssm-throttled',
      detail: `SSM throttled the webhook’s requests after retries. Try again in ${THROTTLED_RETRY_AFTER_SECONDS} seconds.`,
      code: error.name,
      headers: retryAfter,
    };
  }
  if (CREDENTIAL_ERRORS.has(error.name)) {
    return {
      status: 502,
      title: 'SSM refused the webhook',
      reason: 'ssm-access-denied',
      detail:
        'SSM refused the webhook’s own AWS credentials. Check that the function’s role allows this SSM action on automation executions in this account and region.',
      code: error.name,
    };
  }
  return {
    status: 502,
    title: 'SSM rejected the request',
    reason: 'ssm-error',
    detail: `SSM answered with ${error.name}. Check the webhook’s log for the request id.`,
    code: error.name,
  };
};

const isNetworkFailure = (error: Error): boolean => {
  const code = (error as { code?: unknown }).code;
  return (
    error.name === 'TimeoutError' ||
    error.name === 'AbortError' ||
    (typeof code === 'string' && NETWORK_ERROR_CODES.has(code))
  );
};

/** SSM's answer was not SSM's JSON: an HTML error page from a proxy, or a truncated body. */
const isUnreadableAnswer = (error: Error): number | undefined => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'SyntaxError' && typeof status === 'number' ? status : undefined;
};

export const toProblem = (error: unknown): Problem => {
  if (error instanceof WebhookError) {
    return {
      status: error.status,
      title: error.title,
      detail: error.detail,
      reason: error.reason,
      ...(error instanceof AuthenticationError
        ? { headers: { 'www-authenticate': challengeFor(error) } }
        : {}),
      // Our own 503s (the secret could not be read in time) say when to come back, like SSM's.
      ...(error.status === 503 ? { headers: { 'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS) } } : {}),
    };
  }
  if (error instanceof SSMServiceException) return fromSsm(error);
  const unreadable = error instanceof Error ? isUnreadableAnswer(error) : undefined;
  if (unreadable !== undefined) {
    return {
      status: 502,
      title: 'SSM’s answer could not be read',
      reason: 'ssm-unreadable-answer',
      detail: `The answer to the webhook’s call to SSM (HTTP ${unreadable}) was not SSM’s JSON: a proxy or load balancer may be answering instead. Check the function’s network path to the SSM endpoint.`,
    };
  }
  if (error instanceof Error && isNetworkFailure(error)) {
    return {
      status: 502,
      title: 'SSM unreachable',
      reason: 'ssm-unreachable',
      detail:
        'The webhook could not reach SSM in time; nothing was changed. Check the function’s network path to the SSM endpoint (VPC endpoint or NAT) and try again.',
    };
  }
  return {
    status: 500,
    title: 'Internal error',
    reason: 'internal-error',
    detail: 'The webhook failed unexpectedly. The error is in its log.',
  };
};
