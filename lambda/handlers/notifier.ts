/**
 * The notifier function: invoked by the stack's SNS topic (an aws:approve step's NotificationArn) and by
 * the EventBridge rule on SSM Automation status changes. It reads each named execution from SSM
 * (GetAutomationExecution, its only SSM permission) and sends each waiting gate's approvers their links,
 * once per gate, recipient and channel (see lambda/notify/notifier.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { authConfigFromEnvironment } from '../auth/config-source';
import { ConfigurationError } from '../core/errors';
import { logger } from '../core/logger';
import { createSsmClient } from '../core/ssm-client';
import { readExecution } from '../core/ssm-requests';
import type { Channel } from '../notify/channels/channel';
import { emailChannel } from '../notify/channels/email';
import { webhookChannel } from '../notify/channels/webhook';
import { parseNotifierConfig } from '../notify/config';
import { type DeliveryReport, notify } from '../notify/notifier';
import { idempotentDelivery } from '../notify/once';
import { STATE_TABLE_ENV } from '../notify/state-table';
import { triggerOf } from '../notify/triggers';

const ssm = createSsmClient();
/** Bounded like the SSM client: a hung SES call must not eat the function's timeout. */
const ses = new SESv2Client({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
});

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`${name} is not set`);
  return value;
};

/** Built on first use from the environment, then kept for the execution environment's life. */
let runtime: ReturnType<typeof buildRuntime> | undefined;
const buildRuntime = () => {
  const config = parseNotifierConfig(required('NOTIFIER_CONFIG'));
  const delivery = idempotentDelivery(required(STATE_TABLE_ENV));
  const channels: Partial<Record<Channel['name'], Channel>> = {
    ...(config.email ? { email: emailChannel(ses, config.email.from) } : {}),
    webhook: webhookChannel({
      targets: config.webhooks,
      secretOf: async (name) => (await authConfigFromEnvironment()).webhookSecrets.get(name),
    }),
  };
  return { config, delivery, channels };
};

export const notifierHandler = async (event: unknown, context: Context): Promise<DeliveryReport[]> => {
  runtime ??= buildRuntime();
  const { config, delivery, channels } = runtime;
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
    },
    triggerOf(event),
  );
};

export const handler = middy(notifierHandler).use(
  injectLambdaContext(logger, { resetKeys: true, logEvent: false }),
);
