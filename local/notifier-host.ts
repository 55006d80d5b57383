/**
 * The notifier as Lambda runs it for its two triggers, locally: a pool of instances (function-pool.ts),
 * each a worker thread with the function's own environment (its own simulator credentials, the local
 * DynamoDB and SES endpoints), invoked asynchronously with the SNS and EventBridge events the simulator
 * emits. As with Lambda's asynchronous invocation, events wait (in the pool's queue) while every instance
 * is busy, and a failed invocation (an error, a timeout) is retried twice; locally after 1 s and 2 s
 * instead of 1 and 2 minutes, so that a developer sees the outcome while looking.
 */
import { type FunctionPool, startFunctionPool } from './function-pool';

/** Where the notifier's handler lives (the CDK construct bundles the same file). */
export const NOTIFIER_ENTRY = { entry: 'lambda/handlers/notifier.ts', handler: 'handler' } as const;

/** Lambda retries a failed asynchronous invocation twice. */
export const ASYNC_RETRY_DELAYS_MS = [1_000, 2_000] as const;

/** The notifier's timeout in the stack (APPROVAL_NOTIFIER_DEFAULTS.timeout in lib/approval-notifier.ts). */
export const NOTIFIER_TIMEOUT_MS = 30_000;

export interface LocalNotifier {
  /** Invokes the notifier asynchronously, as SNS and EventBridge do; resolves when it is done (or gave up). */
  deliver(event: unknown): Promise<void>;
  /** Resolves once every delivery so far has finished (tests wait on this). */
  idle(): Promise<void>;
  /** Stops every instance; resolves with how many there were. */
  close(): Promise<number>;
}

export interface LocalNotifierOptions {
  readonly retryDelaysMs?: readonly number[];
  readonly onError?: (error: unknown) => void;
  /** @default NOTIFIER_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default DEFAULT_MAX_INSTANCES */
  readonly maxInstances?: number;
}

export const startLocalNotifier = async (
  env: Readonly<Record<string, string>>,
  options: LocalNotifierOptions = {},
): Promise<LocalNotifier> => {
  const fn: FunctionPool = await startFunctionPool({
    functionName: 'local-notifier',
    code: NOTIFIER_ENTRY,
    environment: env,
    timeoutMs: options.timeoutMs ?? NOTIFIER_TIMEOUT_MS,
    ...(options.maxInstances === undefined ? {} : { maxInstances: options.maxInstances }),
    // Lambda queues asynchronous invocations; it never drops one for want of an instance.
    overflow: 'queue',
  });
  const delays = options.retryDelaysMs ?? ASYNC_RETRY_DELAYS_MS;
  const onError = options.onError ?? ((error) => console.error('local notifier:', error));
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  const run = async (event: unknown): Promise<void> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fn.invoke(event);
        return;
      } catch (error) {
        if (closed) return; // stopped with the runner: nothing to retry, nothing to report
        const delay = delays[attempt];
        if (delay === undefined) {
          onError(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  };
  return {
    deliver: (event) => {
      const done = run(event).finally(() => inFlight.delete(done));
      inFlight.add(done);
      return done;
    },
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: () => {
      closed = true;
      return fn.close();
    },
  };
};
