/**
 * The webhook's one DynamoDB table (DESIGN.md §8): idempotency records of the notifier today, posted chat
 * messages and quorum tallies later. The key and TTL attribute names are Powertools Idempotency's
 * defaults (DynamoDBPersistenceLayer), so the CDK table, the local table and the library agree.
 */
export const STATE_TABLE_SCHEMA = {
  /** String partition key. */
  partitionKey: 'id',
  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  ttlAttribute: 'expiration',
} as const;

/** The environment variable that names the table for the functions. */
export const STATE_TABLE_ENV = 'STATE_TABLE_NAME';
