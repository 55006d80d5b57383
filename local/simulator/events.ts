/**
 * What SSM Automation tells the world when statuses change, in the shapes a Lambda function
 * receives them: EventBridge status-change events (source `aws.ssm`) and the SNS notification an
 * `aws:approve` step with a `NotificationArn` sends. Pure: ids and times come from the caller.
 *
 * Documented (Systems Manager User Guide, "Amazon EventBridge event examples for Systems Manager"):
 * detail-types `EC2 Automation Execution Status-change Notification` and `EC2 Automation Step
 * Status-change Notification`; `resources` = [automation-execution ARN, automation-definition ARN
 * with `:version`]; detail `ExecutionId`, `Definition`, `DefinitionVersion` (a number, `1.0`),
 * `Status`, `StartTime`, `EndTime` (e.g. `Nov 29, 2024 7:43:25 PM`), `Time`, plus `ExecutedBy` for
 * executions and `StepName`, `Action` for steps. The aws:approve documentation says Automation
 * sends the topic a message "letting principals know that they must either approve or reject an
 * Automation step", including the step's `Message`.
 */
import { createHash } from 'node:crypto';
import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { type ExecutionRecord, TERMINAL, type Transition } from './execution';

export const EXECUTION_STATUS_CHANGE = 'EC2 Automation Execution Status-change Notification';
export const STEP_STATUS_CHANGE = 'EC2 Automation Step Status-change Notification';

/**
 * The `detail` of both Automation status-change events. Execution events carry `ExecutedBy`, step
 * events `StepName` and `Action`.
 */
export interface AutomationStatusChangeDetail {
  readonly ExecutionId: string;
  /** The runbook (document) name. */
  readonly Definition: string;
  /** The document version as a number (documented example: `1.0`). */
  readonly DefinitionVersion: number;
  /** The new status: Pending, InProgress, Waiting, Success, TimedOut, Cancelled or Failed. */
  readonly Status: string;
  /** When the execution or step started, e.g. `Nov 29, 2024 7:43:23 PM` (UTC). */
  readonly StartTime?: string;
  /** When it ended, in the same form; only once it has (assumption). */
  readonly EndTime?: string;
  /** Milliseconds from StartTime to EndTime; only once it has ended (assumption). */
  readonly Time?: number;
  /** Execution events: the ARN of the principal that started the execution. */
  readonly ExecutedBy?: string;
  /** Step events: the step's name. */
  readonly StepName?: string;
  /** Step events: the step's action, e.g. `aws:approve`. */
  readonly Action?: string;
}

export type AutomationStatusChangeEvent = EventBridgeEvent<string, AutomationStatusChangeDetail>;

/** Where the events happen. */
export interface EventOrigin {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A time as the documented examples write it (`Nov 29, 2024 7:43:25 PM`). Assumption: in UTC, with
 * a plain space before AM/PM.
 */
export const detailTime = (date: Date): string => {
  const hours = date.getUTCHours();
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${hours % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
};

/** An EventBridge event `time`: ISO 8601 in UTC to the second, as AWS sends it. */
const eventTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The EventBridge event for one journalled status change.
 * Assumption: `time` is the time of the change; `EndTime` and `Time` are left out while the
 * execution or step has not ended (every documented example shows a finished one).
 */
export const statusChangeEvent = (
  execution: ExecutionRecord,
  transition: Transition,
  origin: EventOrigin,
  eventId: string,
): AutomationStatusChangeEvent => {
  const { step, status, at } = transition;
  const startTime = step ? step.startTime : execution.startTime;
  const ended = TERMINAL.has(status);
  const { name, documentVersion } = execution.runbook;
  const arn = `arn:${origin.partition}:ssm:${origin.region}:${origin.accountId}`;
  return {
    version: '0',
    id: eventId,
    'detail-type': step ? STEP_STATUS_CHANGE : EXECUTION_STATUS_CHANGE,
    source: 'aws.ssm',
    account: origin.accountId,
    time: eventTime(at),
    region: origin.region,
    resources: [
      `${arn}:automation-execution/${execution.id}`,
      `${arn}:automation-definition/${name}:${documentVersion}`,
    ],
    detail: {
      ExecutionId: execution.id,
      Definition: name,
      DefinitionVersion: Number(documentVersion),
      Status: status,
      ...(startTime ? { StartTime: detailTime(startTime) } : {}),
      ...(ended ? { EndTime: detailTime(at) } : {}),
      ...(ended && startTime ? { Time: at.getTime() - startTime.getTime() } : {}),
      ...(step
        ? { StepName: step.definition.name, Action: step.definition.action }
        : { ExecutedBy: execution.executedBy }),
    },
  };
};

/**
 * The SNS message text. Assumption: SSM does not document it; the simulator's names the execution,
 * the runbook and the step in plain words, followed by the step's Message after a blank line.
 */
export const approvalMessage = (execution: ExecutionRecord, stepName: string, message?: string): string =>
  `Approval required: Automation execution ${execution.id} of runbook ${execution.runbook.name} is waiting at step ${stepName}.${message ? `\n\n${message}` : ''}`;

/** The SNS subject (at most 100 characters). Assumption: undocumented; the simulator's own. */
export const approvalSubject = (execution: ExecutionRecord): string =>
  `Approval required for Automation execution ${execution.id}`;

/** Signature fields: the simulator signs nothing (assumption: a fixed placeholder). */
export const LOCAL_SNS_SIGNATURE = 'LOCAL-SIMULATOR-UNSIGNED';

/**
 * The ARN of the (imagined) subscription that delivers a topic to the listener: the topic ARN and a
 * UUID-shaped id derived from it, so that it is the same for every message to one topic.
 */
export const subscriptionArn = (topicArn: string): string => {
  const hex = createHash('sha256').update(topicArn).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `${topicArn}:${uuid}`;
};

/**
 * The SNS event a Lambda function subscribed to the step's topic receives when an aws:approve step
 * starts waiting. `EventSource`, `EventVersion`, `Type`, `SignatureVersion` and the URL forms are
 * those of real SNS-to-Lambda deliveries; `Signature` and the certificate are placeholders.
 */
export const approvalNotification = (
  execution: ExecutionRecord,
  transition: Transition,
  topicArn: string,
  messageId: string,
): SNSEvent => {
  const stepName = transition.step?.definition.name ?? '';
  const region = topicArn.split(':')[3] ?? '';
  const subscription = subscriptionArn(topicArn);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: approvalSubject(execution),
          Message: approvalMessage(execution, stepName, transition.step?.approval?.message),
          Timestamp: transition.at.toISOString(),
          SignatureVersion: '1',
          Signature: LOCAL_SNS_SIGNATURE,
          SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-local-simulator.pem`,
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscription}`,
          MessageAttributes: {},
        },
      },
    ],
  };
};

/** Whether a status change is an aws:approve step starting to wait with a topic to notify. */
export const notifiesTopic = (transition: Transition): string | undefined =>
  transition.status === 'Waiting' && transition.step?.definition.action === 'aws:approve'
    ? transition.step.approval?.notificationArn
    : undefined;
