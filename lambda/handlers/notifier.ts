/**
 * The notifier function: invoked by the stack's SNS topic (an aws:approve step's NotificationArn) and by
 * the EventBridge rules on SSM Automation status changes. It reads each named execution from SSM
 * (GetAutomationExecution, its only SSM permission), updates the Slack messages of gates that no longer
 * wait, and sends each waiting gate's approvers their links, once per gate, recipient and channel (see
 * lambda/notify/notifier.ts): e-mail, outgoing webhooks, Slack (bot token from the secret) and Teams
 * (workflow URLs from the secret).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import middy from '@middy/core';
import type { WebClient } from '@slack/web-api';
import type { Context } from 'aws-lambda';
import { authConfigFromEnvironment } from '../auth/config-source';
import { ConfigurationError } from '../core/errors';
import { logger } from '../core/logger';
import { flushMetrics } from '../core/metrics';
import { createSsmClient } from '../core/ssm-client';
import { readExecution } from '../core/ssm-requests';
import type { ExecutionView } from '../gate/execution-view';
import type { Channel } from '../notify/channels/channel';
import { emailChannel } from '../notify/channels/email';
import { slackChannel } from '../notify/channels/slack';
import { teamsChannel } from '../notify/channels/teams';
import { webhookChannel } from '../notify/channels/webhook';
import { parseNotifierConfig } from '../notify/config';
import { type DeliveryReport, notify } from '../notify/notifier';
import { idempotentDelivery } from '../notify/once';
import { dynamoSlackPostStore } from '../notify/slack-posts';
import { syncSlackMessages } from '../notify/slack-sync';
import { STATE_TABLE_ENV } from '../notify/state-table';
import { triggerOf } from '../notify/triggers';
import { createSlackClient } from '../slack/web-client';

const ssm = createSsmClient();
/** Bounded like the SSM client: a hung SES call must not eat the function's timeout. */
const ses = new SESv2Client({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
});

/** The table of posted Slack messages (the state table), bounded like SES. */
const dynamodb = new DynamoDBClient({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
});

/**
 * The bot's WebClient, built once per bot token: the secret is read again every few minutes, and a
 * replaced token (npm run keys -- slack-credentials) gets a new client; undefined while there is none.
 */
let slackClient: { readonly token: string; readonly client: WebClient } | undefined;
const slackClientFromSecret = async (): Promise<WebClient | undefined> => {
  const token = (await authConfigFromEnvironment()).slack?.botToken;
  if (token === undefined) return undefined;
  if (slackClient?.token !== token) slackClient = { token, client: createSlackClient(token) };
  return slackClient.client;
};

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`${name} is not set`);
  return value;
};

/** Built on first use from the environment, then kept for the execution environment's life. */
let runtime: ReturnType<typeof buildRuntime> | undefined;
const buildRuntime = () => {
  const config = parseNotifierConfig(required('NOTIFIER_CONFIG'));
  const tableName = required(STATE_TABLE_ENV);
  const delivery = idempotentDelivery(tableName);
  const posts = dynamoSlackPostStore(dynamodb, tableName);
  const channels: Partial<Record<Channel['name'], Channel>> = {
    ...(config.email ? { email: emailChannel(ses, config.email.from) } : {}),
    webhook: webhookChannel({
      targets: config.webhooks,
      secretOf: async (name) => (await authConfigFromEnvironment()).webhookSecrets.get(name),
    }),
    slack: slackChannel({
      client: slackClientFromSecret,
      posts,
      loadAuthConfig: () => authConfigFromEnvironment(),
      logger,
    }),
    teams: teamsChannel({
      urlOf: async (name) => (await authConfigFromEnvironment()).teamsWebhookUrls.get(name),
    }),
  };
  const slackSync = (view: ExecutionView) =>
    syncSlackMessages(
      { posts, slack: slackClientFromSecret, logger, signalRoleArn: config.signalRoleArn },
      view,
    );
  return { config, delivery, channels, slackSync };
};

export const notifierHandler = async (event: unknown, context: Context): Promise<DeliveryReport[]> => {
  runtime ??= buildRuntime();
  const { config, delivery, channels, slackSync } = runtime;
  delivery.registerLambdaContext(context);
  return notify(
    {
      config,
      readExecution: (executionId) => readExecution(ssm, executionId),
      loadAuthConfig: () => authConfigFromEnvironment(),
      channels,
      deliverOnce: delivery.deliverOnce,
      logger,
      now: () => new Date(),
      slackSync,
    },
    triggerOf(event),
  );
};

/** The metrics flush first, so it runs last, after a failed invocation too (NotificationsFailed). */
export const handler = middy(notifierHandler)
  .use(flushMetrics())
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }));
