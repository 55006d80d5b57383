/**
 * The notifier as Lambda runs it for its two triggers, locally: a worker thread with the function's own
 * environment (its own simulator credentials, the local DynamoDB and SES endpoints), invoked
 * asynchronously with the SNS and EventBridge events the simulator emits. Like Lambda's asynchronous
 * invocation, a failed invocation is retried twice; locally after 1 s and 2 s instead of 1 and 2 minutes,
 * so that a developer sees the outcome while looking.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { startFunction } from './api-server';

/** Where the notifier's handler lives (the CDK construct bundles the same file). */
export const NOTIFIER_ENTRY = { entry: 'lambda/handlers/notifier.ts', handler: 'handler' } as const;

/** Lambda retries a failed asynchronous invocation twice. */
export const ASYNC_RETRY_DELAYS_MS = [1_000, 2_000] as const;

export interface LocalNotifier {
  /** Invokes the notifier asynchronously, as SNS and EventBridge do; resolves when it is done (or gave up). */
  deliver(event: unknown): Promise<void>;
  /** Resolves once every delivery so far has finished (tests wait on this). */
  idle(): Promise<void>;
  close(): Promise<number>;
}

export const startLocalNotifier = async (
  env: Readonly<Record<string, string>>,
  options: { readonly retryDelaysMs?: readonly number[]; readonly onError?: (error: unknown) => void } = {},
): Promise<LocalNotifier> => {
  const fn = await startFunction('notifier', NOTIFIER_ENTRY, env);
  const delays = options.retryDelaysMs ?? ASYNC_RETRY_DELAYS_MS;
  const onError = options.onError ?? ((error) => console.error('local notifier:', error));
  const inFlight = new Set<Promise<void>>();
  const run = async (event: unknown): Promise<void> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        // The worker passes any event through; the cast only satisfies the HTTP-shaped signature.
        await fn.invoke(event as APIGatewayProxyEventV2);
        return;
      } catch (error) {
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
    close: () => fn.stop(),
  };
};
