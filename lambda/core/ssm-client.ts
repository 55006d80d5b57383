/**
 * The SSM client's configuration, read once: up to 3 attempts of at most 2.5 s each (1 s to connect).
 * Each call also gets an abort signal from the request's budget (lambda/decision/budget.ts), so the
 * function answers before its 10 s timeout, which is itself well inside API Gateway's 30 s. The endpoint comes from the standard
 * AWS_ENDPOINT_URL_SSM variable when it is set (the local simulator), from the region otherwise.
 *
 * Every client made here measures its calls (lambda/core/metrics.ts): an SDK middleware, rather than
 * timing at each call site, so that no call (reads, decisions, the notifier's) goes uncounted.
 */
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { recordSsmCall } from './metrics';
import { THROTTLING_ERRORS } from './problem';

export const SSM_CLIENT_CONFIG: Readonly<SSMClientConfig> = {
  maxAttempts: 3,
  retryMode: 'standard',
  // Without throwOnRequestTimeout the request timeout only logs a warning and a hung call runs on.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
};

/** SSM's throttling errors (problem.ts), and the one its write APIs use for "too many updates". */
const isThrottling = (errorName: string): boolean =>
  THROTTLING_ERRORS.has(errorName) || errorName === 'TooManyUpdates';

/**
 * The name a failed call is counted under: SSM's error name (`InvalidAutomationSignalException`), the
 * SDK's for a timeout or an abort (`TimeoutError`, `AbortError`), or Node's code for a network failure,
 * whose name is only `Error` (`ECONNREFUSED`).
 */
export const ssmErrorNameOf = (error: unknown): string => {
  // Read as fields, not through instanceof: an error made in another realm (Node's own socket errors
  // under a test runner's sandbox) is no `instanceof Error` there.
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
  };
  if (typeof code === 'string' && code !== '' && (name === 'Error' || name === undefined)) return code;
  return typeof name === 'string' && name !== '' ? name : 'UnknownError';
};

/** `GetAutomationExecutionCommand` → `GetAutomationExecution`. */
const operationOf = (commandName: string | undefined): string =>
  commandName?.replace(/Command$/, '') || 'Unknown';

/**
 * Added at the initialize step, the outermost: one measurement per SDK call, the SDK's retries inside it,
 * and the error the caller sees (after retries), so the counts match what the webhook answered.
 */
const SSM_METRICS_MIDDLEWARE = { step: 'initialize', name: 'ssmApprovalWebhookMetrics' } as const;

export const createSsmClient = (overrides: SSMClientConfig = {}): SSMClient => {
  const client = new SSMClient({ ...SSM_CLIENT_CONFIG, ...overrides });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName);
      const started = performance.now();
      try {
        const output = await next(args);
        recordSsmCall({ operation, durationMs: performance.now() - started });
        return output;
      } catch (error) {
        const errorName = ssmErrorNameOf(error);
        recordSsmCall({
          operation,
          durationMs: performance.now() - started,
          errorName,
          throttled: isThrottling(errorName),
        });
        throw error;
      }
    },
    SSM_METRICS_MIDDLEWARE,
  );
  return client;
};
