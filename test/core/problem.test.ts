import {
  AutomationExecutionNotFoundException,
  AutomationStepNotFoundException,
  InternalServerError,
  InvalidAutomationSignalException,
  InvalidAutomationStatusUpdateException,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import {
  AuthenticationError,
  ForbiddenError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../lambda/core/errors';
import { toProblem } from '../../lambda/core/problem';

const ssmError = (name: string, fault: 'client' | 'server' = 'client') =>
  new SSMServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: 400 },
    message: `${name} from SSM`,
  });

describe('toProblem', () => {
  it.each([
    [
      new AutomationExecutionNotFoundException({ message: 'x', $metadata: {} }),
      404,
      'execution-not-found',
      'AutomationExecutionNotFoundException',
    ],
    [
      new AutomationStepNotFoundException({ message: 'x', $metadata: {} }),
      404,
      'step-not-found',
      'AutomationStepNotFoundException',
    ],
    [
      new InvalidAutomationSignalException({ message: 'x', $metadata: {} }),
      409,
      'signal-not-accepted',
      'InvalidAutomationSignalException',
    ],
    [
      new InvalidAutomationStatusUpdateException({ message: 'x', $metadata: {} }),
      409,
      'execution-not-stoppable',
      'InvalidAutomationStatusUpdateException',
    ],
    [
      new InternalServerError({ message: 'x', $metadata: {} }),
      502,
      'ssm-internal-error',
      'InternalServerError',
    ],
    [ssmError('AccessDeniedException'), 502, 'ssm-access-denied', 'AccessDeniedException'],
    [ssmError('UnrecognizedClientException'), 502, 'ssm-access-denied', 'UnrecognizedClientException'],
    [ssmError('ValidationException'), 502, 'ssm-error', 'ValidationException'],
  ])('maps SSM %s', (error, status, reason, code) => {
    const problem = toProblem(error);
    expect({
      status: problem.status,
      reason: problem.reason,
      code: problem.code,
      headers: problem.headers,
    }).toEqual({
      status,
      reason,
      code,
      headers: undefined,
    });
  });

  it('maps throttling after retries to 503 with Retry-After', () => {
    expect(toProblem(ssmError('ThrottlingException'))).toEqual({
      status: 503,
      title: 'SSM is throttling',
      reason: 'ssm-throttled',
      detail: 'SSM throttled the webhook’s requests after retries. Try again in 5 seconds.',
      code: 'ThrottlingException',
      headers: { 'retry-after': '5' },
    });
  });

  it.each([
    Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('getaddrinfo ENOTFOUND ssm.example'), { code: 'ENOTFOUND' }),
  ])('maps a network failure (%s) to 502 naming what to check', (error) => {
    expect(toProblem(error)).toEqual({
      status: 502,
      title: 'SSM unreachable',
      reason: 'ssm-unreachable',
      detail:
        'The webhook could not reach SSM in time; nothing was changed. Check the function’s network path to the SSM endpoint (VPC endpoint or NAT) and try again.',
    });
  });

  it('maps our named errors with their status, reason and detail', () => {
    expect(toProblem(new ValidationError('invalid-json', 'The body is not valid JSON.'))).toEqual({
      status: 400,
      title: 'Invalid request',
      reason: 'invalid-json',
      detail: 'The body is not valid JSON.',
    });
    expect(toProblem(new ForbiddenError('link-expired', 'The link expired.'))).toMatchObject({ status: 403 });
    expect(toProblem(new UnsupportedMediaTypeError('unsupported-media-type', 'x'))).toMatchObject({
      status: 415,
    });
  });

  it('adds the Bearer challenge to a 401, with invalid_token once a credential was refused', () => {
    expect(toProblem(new AuthenticationError('missing-credentials', 'x')).headers).toEqual({
      'www-authenticate': 'Bearer realm="ssm-approval-webhook"',
    });
    expect(toProblem(new AuthenticationError('invalid-api-token', 'x')).headers).toEqual({
      'www-authenticate': 'Bearer realm="ssm-approval-webhook", error="invalid_token"',
    });
  });

  it('turns anything unexpected into a generic 500 that reveals nothing', () => {
    expect(toProblem(new TypeError("Cannot read properties of undefined (reading 'secret')"))).toEqual({
      status: 500,
      title: 'Internal error',
      reason: 'internal-error',
      detail: 'The webhook failed unexpectedly. The error is in its log.',
    });
    expect(toProblem('a thrown string')).toMatchObject({ status: 500, reason: 'internal-error' });
  });
});

describe('our own 503', () => {
  it('says when to come back, as SSM’s do', () => {
    const { SecretUnavailableError } =
      require('../../lambda/core/errors') as typeof import('../../lambda/core/errors');
    expect(toProblem(new SecretUnavailableError('secret-unavailable', 'x'))).toEqual({
      status: 503,
      title: 'Webhook configuration unavailable',
      detail: 'x',
      reason: 'secret-unavailable',
      headers: { 'retry-after': '5' },
    });
  });
});
