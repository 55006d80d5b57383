/**
 * The notifier's work for one trigger: for each execution it names, read the truth from SSM, find the
 * aws:approve gates that wait and that the webhook can decide (its signal role among the Approvers), route
 * them to recipients, mint each recipient's own step-bound links, and send each message at most once.
 * Every skip is logged with its reason. A failed message does not stop the others; the invocation then
 * fails so that Lambda's retry sends what is missing (what was sent is not sent again).
 *
 * Before that, each execution's posted Slack messages are made true (slack-sync.ts): a gate that no longer
 * waits gets its messages' buttons replaced by what happened. So every status change that wakes the
 * notifier, including a run that ends, updates Slack. A failed update does not stop the run's
 * notifications; it fails the invocation at the end, and the retry updates what is still open.
 *
 * Each message sent and each that failed is counted by channel (NotificationsSent, NotificationsFailed in
 * lambda/core/metrics.ts) where it is reported.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SSMServiceException } from '@aws-sdk/client-ssm';
import type { AuthConfig } from '../auth/secret-document';
import { recordNotification } from '../core/metrics';
import { listsRole } from '../gate/approvers';
import { type ExecutionView, waitingGates } from '../gate/execution-view';
import type { Channel } from './channels/channel';
import type { NotifierConfig } from './config';
import { mintLinks } from './links';
import type { GateNotification } from './notification';
import type { DeliverOnce, DeliveryKey } from './once';
import { routeFor } from './routing';
import type { Trigger } from './triggers';

export interface NotifierDependencies {
  readonly config: NotifierConfig;
  readonly readExecution: (executionId: string) => Promise<ExecutionView>;
  readonly loadAuthConfig: () => Promise<AuthConfig>;
  readonly channels: Readonly<Partial<Record<Channel['name'], Channel>>>;
  readonly deliverOnce: DeliverOnce;
  readonly logger: Logger;
  readonly now: () => Date;
  /**
   * Updates the execution's posted Slack messages whose gates no longer wait; resolves to how many it
   * updated (syncSlackMessages). Without it, messages are only posted.
   */
  readonly slackSync?: (view: ExecutionView) => Promise<number>;
}

/** What one invocation did, per message: for the log and the tests. */
export interface DeliveryReport extends DeliveryKey {
  readonly gate: string;
  readonly outcome: 'sent' | 'duplicate' | 'in-progress' | 'failed' | 'expired';
}

export class NotificationFailedError extends Error {
  /** Executions whose Slack messages could not all be updated. */
  readonly unsyncedExecutions: readonly string[];

  constructor(
    readonly failures: readonly DeliveryReport[],
    options?: {
      cause?: unknown;
      /** Executions whose Slack messages could not all be updated. */
      unsyncedExecutions?: readonly string[];
    },
  ) {
    const unsynced = options?.unsyncedExecutions ?? [];
    const parts = [
      ...(failures.length > 0 ? [`${failures.length} notification(s) failed`] : []),
      ...(unsynced.length > 0
        ? [`the Slack messages of ${unsynced.length} execution(s) could not all be updated`]
        : []),
    ];
    super(
      `${parts.join('; ')}; Lambda's retry tries again (sent and updated ones are not repeated)`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'NotificationFailedError';
    this.unsyncedExecutions = unsynced;
  }
}

/** Stable per delivery key; receivers of the webhook can drop duplicates with it. */
export const deliveryIdOf = (key: DeliveryKey): string =>
  createHash('sha256')
    .update(JSON.stringify([key.executionId, key.stepExecutionId, key.channel, key.recipient]))
    .digest('hex')
    .slice(0, 32);

const OUTCOME_WORDS = {
  sent: 'Notification sent',
  duplicate: 'Skipped: already notified',
  'in-progress': 'Skipped: another invocation is sending this notification',
} as const;

const notFound = (error: unknown): boolean =>
  error instanceof SSMServiceException && error.name === 'AutomationExecutionNotFoundException';

const notifyGates = async (
  deps: NotifierDependencies,
  view: ExecutionView,
  reports: DeliveryReport[],
): Promise<void> => {
  const { config, logger } = deps;
  const gates = waitingGates(view);
  if (gates.length === 0) {
    logger.info('Skipped: no approval step waits', { executionId: view.executionId, status: view.status });
    return;
  }
  for (const gate of gates) {
    const where = { executionId: view.executionId, runbook: view.documentName, gate: gate.stepName };
    if (!listsRole(gate.approvers, config.signalRoleArn)) {
      logger.warn(
        "Skipped: the gate's Approvers do not list the webhook's signal role, so it cannot decide it",
        {
          ...where,
          signalRoleArn: config.signalRoleArn,
        },
      );
      continue;
    }
    const route = routeFor(config, view.documentName);
    if (!route) {
      logger.warn('Skipped: no routing rule matches the runbook and there is no default rule', where);
      continue;
    }
    if (route.deliveries.length === 0) {
      logger.info('Skipped: the matching routing rule names no recipients (it silences this runbook)', {
        ...where,
        rule: route.rule,
      });
      continue;
    }
    const notification: GateNotification = { execution: view, gate };
    for (const { channel: channelName, recipient } of route.deliveries) {
      const key: DeliveryKey = {
        executionId: view.executionId,
        stepExecutionId: gate.stepExecutionId,
        channel: channelName,
        recipient,
      };
      const report = (outcome: DeliveryReport['outcome']) => {
        reports.push({ ...key, gate: gate.stepName, outcome });
        // Counted as reported (NotificationsSent / NotificationsFailed); duplicates and expired gates are neither.
        if (outcome === 'sent' || outcome === 'failed') recordNotification(channelName, outcome);
      };
      const channel = deps.channels[channelName];
      if (!channel) {
        logger.error('Skipped: the channel is not configured', {
          ...where,
          channel: channelName,
          rule: route.rule,
        });
        report('failed');
        continue;
      }
      const now = deps.now();
      const links = await mintLinks(await deps.loadAuthConfig(), {
        apiUrl: config.apiUrl,
        notification,
        approver: channel.approverLabel(recipient),
        channel: channel.name,
        maxTtlSeconds: config.maxLinkTtlSeconds,
        now,
      });
      if (!links) {
        logger.warn('Skipped: the gate times out in less than a minute', { ...where, channel: channelName });
        report('expired');
        continue;
      }
      const deliveryId = deliveryIdOf(key);
      try {
        const outcome = await deps.deliverOnce(key, () =>
          channel.send({ notification, recipient, links, deliveryId, now }),
        );
        // Duplicates are the normal case (two triggers, at-least-once delivery): worth a line only in DEBUG.
        logger[outcome === 'sent' ? 'info' : 'debug'](OUTCOME_WORDS[outcome], {
          ...where,
          channel: channelName,
          recipient,
          rule: route.rule,
          outcome,
          deliveryId,
        });
        report(outcome);
      } catch (error) {
        logger.error('Notification failed', {
          ...where,
          channel: channelName,
          recipient,
          error: error as Error,
        });
        report('failed');
      }
    }
  }
};

/** Runs the Slack sync of one execution; false when it failed (logged here, thrown at the end). */
const syncSlack = async (
  deps: NotifierDependencies,
  slackSync: (view: ExecutionView) => Promise<number>,
  view: ExecutionView,
): Promise<boolean> => {
  try {
    await slackSync(view);
    return true;
  } catch (error) {
    deps.logger.error('Slack messages of a gate that no longer waits were not all updated', {
      executionId: view.executionId,
      runbook: view.documentName,
      error: error as Error,
    });
    return false;
  }
};

export const notify = async (deps: NotifierDependencies, trigger: Trigger): Promise<DeliveryReport[]> => {
  const { logger } = deps;
  for (const reason of trigger.ignored)
    logger.warn('Ignored part of the trigger', { source: trigger.source, reason });
  const reports: DeliveryReport[] = [];
  const unsynced: string[] = [];
  for (const executionId of trigger.executionIds) {
    let view: ExecutionView;
    try {
      view = await deps.readExecution(executionId);
    } catch (error) {
      // An SNS message may hold other UUIDs (a step execution id): those are "not found", and skipped.
      if (!notFound(error)) throw error;
      logger.info('Skipped: SSM knows no execution with this id', { executionId, source: trigger.source });
      continue;
    }
    if (deps.slackSync && !(await syncSlack(deps, deps.slackSync, view))) unsynced.push(view.executionId);
    await notifyGates(deps, view, reports);
  }
  const failures = reports.filter((report) => report.outcome === 'failed');
  if (failures.length > 0 || unsynced.length > 0) {
    throw new NotificationFailedError(failures, { unsyncedExecutions: unsynced });
  }
  return reports;
};
