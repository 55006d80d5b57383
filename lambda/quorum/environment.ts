/**
 * The quorum path's dependencies from the function's environment, made on first use: only a gate that
 * needs more than one approval needs the seats (APPROVER_SEAT_ROLE_ARNS) and the state table
 * (STATE_TABLE_NAME), so a deployment without them still decides every other gate as before. The same
 * holds for the refresh of a quorum gate's Slack messages (refresh-messages.ts), which also needs the
 * notifier's settings (NOTIFIER_CONFIG) and the secret's bot token.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { WebClient } from '@slack/web-api';
import { authConfigFromEnvironment } from '../auth/config-source';
import { ConfigurationError } from '../core/errors';
import { logger } from '../core/logger';
import { readExecution } from '../core/ssm-requests';
import { NOTIFIER_CONFIG_ENV, parseNotifierConfig } from '../notify/config';
import { dynamoSlackPostStore } from '../notify/slack-posts';
import { STATE_TABLE_ENV } from '../notify/state-table';
import { createSlackClient, type SlackClientOptions } from '../slack/web-client';
import { type ClaimStore, dynamoClaimStore } from './claims';
import type { Quorum } from './decide';
import {
  type MessageRefreshDependencies,
  refreshTallyMessages,
  type SlackChat,
  type TallyRefresh,
} from './refresh-messages';
import { assumedRoleSeatClients } from './seat-clients';
import { parseSeats } from './seats';

const unusable = (): never => {
  throw new ConfigurationError('No approver seats are configured: there are no seat claims to keep');
};

/** DynamoDB calls bounded for a request that a person waits on (the SDK's defaults wait far longer). */
const dynamoClient = (): DynamoDBClient =>
  new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });

/** The seat claims in the state table named by STATE_TABLE_NAME; undefined when it is not set. */
export const claimStoreFromEnvironment = (env: NodeJS.ProcessEnv = process.env): ClaimStore | undefined => {
  const tableName = env[STATE_TABLE_ENV];
  return tableName ? dynamoClaimStore(dynamoClient(), tableName) : undefined;
};

/**
 * The seat claims in the state table. Without seats nothing is ever claimed (a quorum gate is refused
 * first, with a 409 that says why), so the table is then not required.
 */
const claimStore = (seats: readonly string[], env: NodeJS.ProcessEnv): ClaimStore => {
  if (seats.length === 0) {
    return { claimsOf: unusable, claim: unusable, markSent: unusable, release: unusable };
  }
  const store = claimStoreFromEnvironment(env);
  if (store === undefined) throw new ConfigurationError(`${STATE_TABLE_ENV} is not set`);
  return store;
};

/** @param seat1 the signal role's own mutation client (`maxAttempts: 1`). */
export const quorumFromEnvironment = (
  seat1: SSMClient,
  env: NodeJS.ProcessEnv = process.env,
): (() => Quorum) => {
  let quorum: Quorum | undefined;
  return () => {
    if (quorum !== undefined) return quorum;
    const seats = parseSeats(env);
    quorum = { seats, seatClients: assumedRoleSeatClients(seats, seat1), claims: claimStore(seats, env) };
    return quorum;
  };
};

/** How each caller makes its bot client: the Slack function passes its own; others build one here. */
export interface TallyRefreshOptions {
  /** The bot's client. @default one made from the secret's bot token (createSlackClient) */
  readonly slack?: () => Promise<SlackChat | undefined>;
  /** For the client made here. @default SLACK_TIMEOUT_MS, SLACK_RETRIES */
  readonly slackClient?: SlackClientOptions;
}

/**
 * refreshTallyMessages with its dependencies from the environment, made on first use: the posted messages
 * in the state table (STATE_TABLE_NAME), the notifier's settings (NOTIFIER_CONFIG: the API URL links
 * point to, their lifetime, the signal role) and the bot token from the secret. Without the table, the
 * settings or the token there is nothing to refresh: skipped with a debug line, since a deployment
 * without Slack is a normal one.
 */
export const tallyRefreshFromEnvironment = (
  client: SSMClient,
  options: TallyRefreshOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ((refresh: TallyRefresh) => Promise<number>) => {
  let made: MessageRefreshDependencies | undefined;
  const clients = new Map<string, WebClient>();
  const botClient = async (): Promise<SlackChat | undefined> => {
    const token = (await authConfigFromEnvironment()).slack?.botToken;
    if (token === undefined) return undefined;
    let slack = clients.get(token);
    if (slack === undefined) {
      clients.clear();
      slack = createSlackClient(token, options.slackClient);
      clients.set(token, slack);
    }
    return slack;
  };
  return async (refresh) => {
    if (made === undefined) {
      const tableName = env[STATE_TABLE_ENV];
      const configJson = env[NOTIFIER_CONFIG_ENV];
      if (!tableName || !configJson) {
        logger.debug('Slack messages not refreshed: no state table or notifier settings configured', {
          [STATE_TABLE_ENV]: Boolean(tableName),
          [NOTIFIER_CONFIG_ENV]: Boolean(configJson),
        });
        return 0;
      }
      made = {
        posts: dynamoSlackPostStore(dynamoClient(), tableName),
        slack: options.slack ?? botClient,
        loadAuthConfig: () => authConfigFromEnvironment(),
        config: parseNotifierConfig(configJson),
        readExecution: (executionId) => readExecution(client, executionId),
        logger,
      };
    }
    return refreshTallyMessages(made, refresh);
  };
};
