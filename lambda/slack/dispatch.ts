/**
 * Hands a decision from the HTTP side to the asynchronous side: the function invokes itself with
 * InvocationType `Event` (Lambda queues the event and answers 202 at once), so Slack gets its answer
 * within its 3 seconds while the decision itself may take as long as SSM needs.
 *
 * The call is short (about a second per attempt, two attempts). A second attempt after a lost answer may
 * queue the job twice; that is safe: each job is bound to its gate, so the second finds the gate already
 * decided and sends nothing (lambda/decision/carry-out.ts).
 */
import {
  InvokeCommand,
  LambdaClient,
  type LambdaClientConfig,
  LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { ConfigurationError } from '../core/errors';
import type { SlackDecisionJob } from './decision-job';
import type { SealedJobEvent } from './job-token';

/** Bounded well inside Slack's 3 s, with room left to tell the clicker when it fails. */
export const LAMBDA_CLIENT_CONFIG: Readonly<LambdaClientConfig> = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 500, requestTimeout: 1_000, throwOnRequestTimeout: true },
};

/** The endpoint comes from AWS_ENDPOINT_URL_LAMBDA when set (the local runner), from the region otherwise. */
export const createLambdaClient = (overrides: LambdaClientConfig = {}): LambdaClient =>
  new LambdaClient({ ...LAMBDA_CLIENT_CONFIG, ...overrides });

/**
 * The job could not be handed on. `maybeStarted`: the request may have reached Lambda and its answer was
 * lost (a timeout, a reset, a 5xx), so the job may still run; false only when it provably never was queued.
 */
export class DispatchError extends Error {
  readonly maybeStarted: boolean;

  constructor(message: string, maybeStarted: boolean, options: { cause: unknown }) {
    super(message, options);
    this.name = 'DispatchError';
    this.maybeStarted = maybeStarted;
  }
}

export type Dispatch = (job: SlackDecisionJob) => Promise<void>;

/** Errors raised before any byte reached Lambda: the job was not queued. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

const provablyNotQueued = (error: unknown): boolean => {
  if (error instanceof LambdaServiceException) {
    // Lambda answered with an error of the request (not found, denied, throttled, too large): not queued.
    return error.$fault === 'client';
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
};

/**
 * Invokes `functionName` (this very function: AWS_LAMBDA_FUNCTION_NAME) with the job, sealed by `seal`
 * (job-token.ts: the asynchronous side acts only on a job this webhook signed), as its event.
 * Throws DispatchError.
 */
export const lambdaDispatch =
  (
    client: LambdaClient,
    functionName: string | undefined,
    seal: (job: SlackDecisionJob) => Promise<SealedJobEvent>,
  ): Dispatch =>
  async (job) => {
    if (functionName === undefined || functionName === '') {
      throw new ConfigurationError(
        'AWS_LAMBDA_FUNCTION_NAME is not set: the Slack function cannot hand on decisions',
      );
    }
    const event = await seal(job);
    let status: number | undefined;
    try {
      const answer = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      status = answer.StatusCode;
    } catch (error) {
      throw new DispatchError(
        'Could not invoke the Slack function asynchronously',
        !provablyNotQueued(error),
        {
          cause: error,
        },
      );
    }
    if (status !== 202) {
      throw new DispatchError(
        `Lambda answered the asynchronous invoke with status ${status}, not 202`,
        true,
        {
          cause: new Error(`StatusCode ${status}`),
        },
      );
    }
  };
