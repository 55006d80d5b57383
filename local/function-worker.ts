/**
 * One local "Lambda function": a worker thread that imports the handler module with the function's own
 * environment (its own credentials, like its own IAM role in AWS) and answers invocations posted to it.
 * Module-scope state (SSM client, secret cache) lives per function, as in a Lambda execution environment.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

export interface WorkerData {
  readonly functionName: string;
  readonly entry: string;
  readonly handler: string;
  readonly timeoutMs: number;
}

export interface Invocation {
  readonly id: number;
  readonly requestId: string;
  readonly event: APIGatewayProxyEventV2;
}

export type InvocationReply =
  | { readonly id: number; readonly result: APIGatewayProxyResultV2 }
  | { readonly id: number; readonly error: string };

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export const lambdaContext = (functionName: string, requestId: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const run = (port: NonNullable<typeof parentPort>, data: WorkerData): void => {
  // require, not import(): the worker runs under tsx's CommonJS hook (see api-server.ts).
  const module = require(path.join(__dirname, '..', data.entry)) as Record<string, Handler>;
  const handler = module[data.handler];
  if (typeof handler !== 'function')
    throw new Error(`${data.entry} does not export a function '${data.handler}'.`);
  port.on('message', (invocation: Invocation) => {
    handler(invocation.event, lambdaContext(data.functionName, invocation.requestId, data.timeoutMs)).then(
      (result) => port.postMessage({ id: invocation.id, result } satisfies InvocationReply),
      (error: unknown) =>
        port.postMessage({ id: invocation.id, error: String(error) } satisfies InvocationReply),
    );
  });
  port.postMessage({ ready: true });
};

if (parentPort && workerData) {
  run(parentPort, workerData as WorkerData);
}
