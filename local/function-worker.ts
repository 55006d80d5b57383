/**
 * One instance of a local "Lambda function" (an execution environment): a worker thread that imports the
 * handler module with the function's own environment (its own credentials, like its own IAM role in AWS)
 * and runs the invocations posted to it, one at a time, as Lambda does. Module-scope state (SSM client,
 * secret cache, the logger's keys) lives per instance, as in a Lambda execution environment; the pool
 * (function-pool.ts) starts more instances when all are busy.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface WorkerData {
  readonly functionName: string;
  readonly entry: string;
  readonly handler: string;
  readonly timeoutMs: number;
  /** This instance's log stream, in Lambda's format (`2026/11/21/[$LATEST]<32 hex>`). */
  readonly logStreamName: string;
}

export interface Invocation {
  readonly id: number;
  readonly requestId: string;
  /** An API Gateway event for the webhook's functions; the SNS or EventBridge event for the notifier. */
  readonly event: unknown;
}

export type InvocationReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

/** What an instance posts once its module loaded (Lambda's init phase is over). */
export interface ReadyMessage {
  readonly ready: true;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const lambdaContext = (
  functionName: string,
  requestId: string,
  timeoutMs: number,
  logStreamName = 'local',
): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const run = (port: NonNullable<typeof parentPort>, data: WorkerData): void => {
  // require, not import(): the worker runs under tsx's CommonJS hook (see function-pool.ts).
  const module = require(path.join(__dirname, '..', data.entry)) as Record<string, Handler>;
  const handler = module[data.handler];
  if (typeof handler !== 'function')
    throw new Error(`${data.entry} does not export a function '${data.handler}'.`);
  let busy = false;
  port.on('message', (invocation: Invocation) => {
    if (busy) {
      // The pool never does this; an instance that did would mix invocations' module-scope state.
      port.postMessage({ id: invocation.id, error: 'instance busy' } satisfies InvocationReply);
      return;
    }
    busy = true;
    const context = lambdaContext(
      data.functionName,
      invocation.requestId,
      data.timeoutMs,
      data.logStreamName,
    );
    const reply = (message: InvocationReply) => {
      busy = false;
      try {
        port.postMessage(message);
      } catch (error) {
        // A result that cannot be copied out (a function, say) fails the invocation, as Lambda's
        // serialization of the result would.
        port.postMessage({ id: invocation.id, error: String(error) } satisfies InvocationReply);
      }
    };
    Promise.resolve()
      .then(() => handler(invocation.event, context))
      .then(
        (result) => reply({ id: invocation.id, result }),
        (error: unknown) => reply({ id: invocation.id, error: String(error) }),
      );
  });
  port.postMessage({ ready: true } satisfies ReadyMessage);
};

if (parentPort && workerData) {
  run(parentPort, workerData as WorkerData);
}
