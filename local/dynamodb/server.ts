/**
 * The local DynamoDB: dynalite (a DynamoDB-compatible server, in memory) with the webhook's state table
 * created in it with the same key as the stack's (lambda/notify/state-table.ts). Functions reach it
 * through the SDK's standard `AWS_ENDPOINT_URL_DYNAMODB`, so the notifier's Powertools Idempotency runs
 * the same code path as in Lambda.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_SCHEMA } from '../../lambda/notify/state-table';

// dynalite ships no types; it returns a Node http.Server.
// biome-ignore lint/suspicious/noExplicitAny: untyped CommonJS module
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server & any;

export const LOCAL_STATE_TABLE = 'ssm-approval-webhook-local-state';

export interface LocalDynamo {
  readonly url: string;
  readonly tableName: string;
  close(): Promise<void>;
}

/** dynalite accepts any credentials; these are the ones the local functions and the runner use. */
export const LOCAL_DYNAMO_CREDENTIALS = {
  accessKeyId: 'AKIALOCALDYNAMO00001',
  secretAccessKey: 'local-dummy',
};

export const startLocalDynamo = async (
  options: { host?: string; port?: number } = {},
): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: LOCAL_DYNAMO_CREDENTIALS,
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: LOCAL_STATE_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: STATE_TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: STATE_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
      }),
    );
    // createTableMs 0: the table is ACTIVE at once, no waiter needed. dynalite has no UpdateTimeToLive:
    // the local table keeps expired items, which is harmless, since Powertools checks `expiration` itself
    // before trusting a record.
  } finally {
    client.destroy();
  }
  return {
    url,
    tableName: LOCAL_STATE_TABLE,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
};
