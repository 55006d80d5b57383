/**
 * At most one message per gate, recipient and channel (DESIGN.md §8): SNS and EventBridge both deliver at
 * least once, and both may fire for the same gate. Powertools Idempotency keeps one record per delivery
 * key in the state table; a second call with the same key returns without sending, and a call while the
 * first is still sending is told so instead of sending twice.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { MAX_LINK_TTL_SECONDS } from '../auth/link-token';

/** What identifies one message: the idempotency key is a hash of exactly these fields. */
export interface DeliveryKey {
  readonly executionId: string;
  readonly stepExecutionId: string;
  readonly channel: string;
  readonly recipient: string;
}

export type DeliveryOutcome = 'sent' | 'duplicate' | 'in-progress';

export type DeliverOnce = (key: DeliveryKey, send: () => Promise<void>) => Promise<DeliveryOutcome>;

/**
 * Records outlive every link (and so every gate that can still be decided through the webhook): a
 * redelivery days later still finds its record.
 */
export const DELIVERY_RECORD_SECONDS = MAX_LINK_TTL_SECONDS + 24 * 3600;

export interface IdempotentDelivery {
  readonly deliverOnce: DeliverOnce;
  /** Call once per invocation: an in-progress record then expires with the invocation's deadline. */
  readonly registerLambdaContext: (context: Context) => void;
}

export const idempotentDelivery = (tableName: string): IdempotentDelivery => {
  const config = new IdempotencyConfig({ expiresAfterSeconds: DELIVERY_RECORD_SECONDS });
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName });
  const once = makeIdempotent(
    async (_key: DeliveryKey, send: () => Promise<void>): Promise<{ readonly sent: true }> => {
      await send();
      return { sent: true };
    },
    { persistenceStore, config, dataIndexArgument: 0 },
  );
  return {
    registerLambdaContext: (context) => config.registerLambdaContext(context),
    deliverOnce: async (key, send) => {
      let sent = false;
      try {
        await once(key, async () => {
          await send();
          sent = true;
        });
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) return 'in-progress';
        throw error;
      }
      return sent ? 'sent' : 'duplicate';
    },
  };
};
