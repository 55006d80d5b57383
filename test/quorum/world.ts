/**
 * What the quorum tests run against: the SSM simulator with this folder's runbooks (Test-Quorum), dynalite
 * for the seat claims, and an SDK client for any local principal (the operator, the signal role, a seat).
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type ClaimStore, dynamoClaimStore } from '../../lambda/quorum/claims';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';

export interface QuorumWorld {
  readonly simulator: Simulator;
  readonly dynamo: LocalDynamo;
  readonly dynamoClient: DynamoDBClient;
  readonly claims: ClaimStore;
  /** A client signing as the local principal `accessKeyId`; `maxAttempts` 1 for a mutating client. */
  ssmClient(accessKeyId: string, maxAttempts?: number): SSMClient;
  /** Closes the simulator, dynalite and the DynamoDB client (the caller destroys its SSM clients). */
  close(): Promise<void>;
}

export const startQuorumWorld = async (): Promise<QuorumWorld> => {
  const [simulator, dynamo] = await Promise.all([
    startSimulator({ runbookDir: join(__dirname, 'runbooks'), onInternalError: () => undefined }),
    startLocalDynamo(),
  ]);
  const dynamoClient = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: LOCAL_DYNAMO_CREDENTIALS,
  });
  return {
    simulator,
    dynamo,
    dynamoClient,
    claims: dynamoClaimStore(dynamoClient, dynamo.tableName),
    ssmClient: (accessKeyId, maxAttempts = 3) =>
      new SSMClient({
        endpoint: simulator.url,
        region: 'us-east-1',
        credentials: {
          accessKeyId,
          secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey as string,
        },
        maxAttempts,
      }),
    close: async () => {
      dynamoClient.destroy();
      await Promise.all([simulator.close(), dynamo.close()]);
    },
  };
};
