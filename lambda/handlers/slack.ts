/**
 * The Slack function, running as the signal role (SSM takes Approve only from a step's Approvers). One
 * handler, two kinds of event:
 * - API Gateway's `POST /slack/interactions` (it has `requestContext.http`): the HTTP side checks and
 *   answers Slack within its 3 seconds (lambda/slack/interactions.ts);
 * - `{kind: 'slack-decision', token}`, which the HTTP side invokes this function with asynchronously: the
 *   job, sealed with the secret's key ring (lambda/slack/job-token.ts), is opened, the decision carried
 *   out and the Slack message updated (lambda/slack/decision-job.ts).
 * Anything else is logged and ignored.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { WebClient } from '@slack/web-api';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { authConfigFromEnvironment } from '../auth/config-source';
import { setCallerChannel } from '../core/decision-log';
import { ConfigurationError } from '../core/errors';
import type { WebhookResult } from '../core/event';
import { logger } from '../core/logger';
import { flushMetrics, recordDecision } from '../core/metrics';
import { createSsmClient } from '../core/ssm-client';
import { NOTIFIER_CONFIG_ENV, type NotifierConfig, parseNotifierConfig } from '../notify/config';
import { dynamoSlackPostStore } from '../notify/slack-posts';
import { syncSlackMessages } from '../notify/slack-sync';
import { STATE_TABLE_ENV } from '../notify/state-table';
import { createDeciders } from '../slack/deciders';
import {
  isDecisionJobEvent,
  type JobReport,
  runDecisionJob,
  type SlackDecisionJob,
} from '../slack/decision-job';
import { createLambdaClient, lambdaDispatch } from '../slack/dispatch';
import { interactionsHandler } from '../slack/interactions';
import { openJob, sealJob } from '../slack/job-token';
import { createSlackClient } from '../slack/web-client';

const ssm = createSsmClient();
/** The mutating call is never repeated by the SDK (see lambda/decision/carry-out.ts). */
const ssmOnce = createSsmClient({ maxAttempts: 1 });
const dynamo = new DynamoDBClient({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
});
const lambda = createLambdaClient();
const deciders = createDeciders();

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`${name} is not set`);
  return value;
};

/** The routing rules, parsed once per execution environment. */
let notifierConfig: NotifierConfig | undefined;
const routing = (): NotifierConfig => {
  notifierConfig ??= parseNotifierConfig(required(NOTIFIER_CONFIG_ENV));
  return notifierConfig;
};

/**
 * One WebClient per bot token and purpose, kept while the token stays the same (a rotated token gets a
 * new one): the HTTP side must answer within 3 s (short timeout, no retry), the asynchronous side may wait.
 */
const clients = new Map<string, WebClient>();
const slackClient = (botToken: string, purpose: 'http' | 'job'): WebClient => {
  const key = `${purpose}:${botToken}`;
  let client = clients.get(key);
  if (client === undefined) {
    for (const old of clients.keys()) if (old.startsWith(`${purpose}:`)) clients.delete(old);
    client = createSlackClient(
      botToken,
      purpose === 'http' ? { timeoutMs: 1_500, retries: 0 } : { timeoutMs: 5_000, retries: 2 },
    );
    clients.set(key, client);
  }
  return client;
};

const jobSlack = async (): Promise<WebClient | undefined> => {
  const token = (await authConfigFromEnvironment()).slack?.botToken;
  return token === undefined ? undefined : slackClient(token, 'job');
};

const http = interactionsHandler({
  loadAuthConfig: authConfigFromEnvironment,
  routing,
  slack: (botToken) => slackClient(botToken, 'http'),
  deciders,
  dispatch: lambdaDispatch(lambda, process.env.AWS_LAMBDA_FUNCTION_NAME, async (job) =>
    sealJob(await authConfigFromEnvironment(), job),
  ),
  logger,
});

let posts: ReturnType<typeof dynamoSlackPostStore> | undefined;

/**
 * Decisions the job could not carry out, counted here from its report (sent, applied and already-made ones
 * are counted by its audit line, logDecision): `failed` when the clicker was told it failed or may have
 * failed, `refused` otherwise (the gate was decided or moved on, the button was for another runbook).
 */
const FAILED_TOLD: ReadonlySet<string> = new Set(['failed', 'outcome-unknown', 'ssm-unavailable']);
const countUnmade = (job: SlackDecisionJob, report: JobReport): void => {
  if (report.outcome !== 'refused') return;
  recordDecision({
    action: job.action,
    outcome: report.told !== undefined && FAILED_TOLD.has(report.told) ? 'failed' : 'refused',
    channel: 'slack',
  });
};

/** Every decision of this side comes from a Slack button: its audit line counts it under `slack`. */
const slackCaller = {
  before: async () => setCallerChannel('slack'),
  after: async () => setCallerChannel(undefined),
  onError: async () => setCallerChannel(undefined),
};

const decision = middy(async (event: unknown, context: Context): Promise<void> => {
  // Only a job this webhook sealed is acted on: anyone allowed to invoke the function could send one.
  const parsed = await openJob(await authConfigFromEnvironment(), event);
  if ('problem' in parsed) {
    logger.error('Slack decision job refused: nothing was done', { problem: parsed.problem });
    return;
  }
  const report = await runDecisionJob(
    {
      client: ssm,
      mutationClient: ssmOnce,
      slack: jobSlack,
      // Made on first use, inside the job's own error handling: a missing table name is logged, not retried.
      syncMessages: async (view) => {
        posts ??= dynamoSlackPostStore(dynamo, required(STATE_TABLE_ENV));
        return syncSlackMessages(
          { posts, slack: jobSlack, logger, signalRoleArn: routing().signalRoleArn },
          view,
        );
      },
      logger,
    },
    parsed.job,
    context,
  );
  countUnmade(parsed.job, report);
})
  // The metrics flush first, so it runs last (see lambda/middleware/chain.ts).
  .use(flushMetrics())
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
  .use(slackCaller);

const isHttpEvent = (event: unknown): event is APIGatewayProxyEventV2 =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as { requestContext?: { http?: unknown } }).requestContext?.http === 'object';

export const handler = async (event: unknown, context: Context): Promise<WebhookResult | undefined> => {
  if (isHttpEvent(event)) return http(event, context);
  if (isDecisionJobEvent(event)) {
    await decision(event, context);
    return undefined;
  }
  logger.warn('Event ignored: neither a Slack interaction nor a decision job', {
    keys: typeof event === 'object' && event !== null ? Object.keys(event).slice(0, 10) : typeof event,
  });
  return undefined;
};
