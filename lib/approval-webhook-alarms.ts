import { Token } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_FUNCTION_DEFAULTS } from './webhook-function';
import { aggregateMetric, METRICS_PERIOD } from './webhook-metrics';

/**
 * The thresholds of the alarms, each "at or above this many in one 5-minute period". Every default is the
 * smallest count that needs a person, except authentication failures, where a few are normal.
 */
export interface AlarmThresholds {
  /**
   * 5xx answers of the HTTP API (`AWS/ApiGateway` `5xx`, by ApiId). The webhook answers 5xx only when it
   * could not carry out a decision (SSM failed or throttled, the outcome is unknown, a bug): each one is a
   * person or a ticketing system left without a decision.
   * @default 1
   */
  readonly apiServerErrors?: number;
  /**
   * `SsmThrottles`: SSM calls refused for their rate after the SDK's retries, in each of two of three
   * periods (see `ApprovalWebhookAlarms.ssmThrottling`).
   * @default 1
   */
  readonly ssmThrottles?: number;
  /** The notifier function's `Errors` (`AWS/Lambda`): invocations that failed and will be retried or dead-lettered. @default 1 */
  readonly notifierErrors?: number;
  /** `NotificationsFailed`: messages (e-mail, Slack, Teams, webhook) that could not be sent. @default 1 */
  readonly notificationsFailed?: number;
  /**
   * `AuthenticationFailures`: requests refused for their credentials (bad or expired link, unknown API token,
   * bad Slack signature). A few are normal (an old link clicked, a scanner); a spike is someone guessing, or
   * a broken integration after a key rotation.
   * @default 20
   */
  readonly authenticationFailures?: number;
  /** Messages visible in the notifier's dead-letter queue (`ApproximateNumberOfMessagesVisible`, maximum). @default 1 */
  readonly deadLetters?: number;
}

/** The default thresholds, exported so tests and docs can quote them. */
export const ALARM_THRESHOLD_DEFAULTS: Readonly<Required<AlarmThresholds>> = {
  apiServerErrors: 1,
  ssmThrottles: 1,
  notifierErrors: 1,
  notificationsFailed: 1,
  authenticationFailures: 20,
  deadLetters: 1,
};

/**
 * How many periods the SSM throttling alarm looks at, and how many of them must breach. One throttled period
 * is often a burst that the SDK's retries and the caller's `Retry-After` absorb (another tool sharing the
 * account's SSM API rate); throttling in two of three consecutive periods means decisions keep failing with
 * 429/503 and someone must find the other caller or raise the quota. Two of three, not two in a row, so that
 * one quiet period in a sustained problem does not reset it.
 */
export const SSM_THROTTLING_EVALUATION = { evaluationPeriods: 3, datapointsToAlarm: 2 } as const;

/** Raised when a threshold cannot make a working alarm. */
export class AlarmThresholdsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AlarmThresholdsError';
  }
}

/** The thresholds with their defaults, each checked to be a whole number of at least 1. */
export function resolveAlarmThresholds(thresholds: AlarmThresholds = {}): Required<AlarmThresholds> {
  const resolved = { ...ALARM_THRESHOLD_DEFAULTS, ...thresholds };
  for (const [name, value] of Object.entries(resolved)) {
    if (Token.isUnresolved(value) || !Number.isInteger(value) || value < 1) {
      throw new AlarmThresholdsError(
        `alarmThresholds.${name} must be a whole number of at least 1, got ${value}`,
      );
    }
  }
  return resolved;
}

export interface ApprovalWebhookAlarmsProps {
  /** The webhook's HTTP API: its 5xx answers. */
  readonly httpApi: apigwv2.IHttpApi;
  /** The notifier function: its errors. */
  readonly notifierFunction: lambda.IFunction;
  /** The notifier's dead-letter queue: its depth. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Where the alarms send their state changes (into ALARM and back to OK). The topic must let CloudWatch
   * publish (`cloudwatch.amazonaws.com`), which a topic encrypted with the AWS-managed SNS key does not.
   * @default - no action: the alarms show in the console and the dashboard only
   */
  readonly alarmTopic?: sns.ITopic;
  /** @default - `ALARM_THRESHOLD_DEFAULTS` */
  readonly thresholds?: AlarmThresholds;
  /** `POWERTOOLS_SERVICE_NAME` of the functions: the `service` dimension of their metrics. @default 'ssm-approval-webhook' */
  readonly serviceName?: string;
}

/**
 * The webhook's alarms: one per thing that needs a person. Each watches one 5-minute sum (the DLQ: its
 * maximum depth), treats missing data as not breaching (no traffic is not a failure, and the functions
 * emit their metrics only when something happens), and, given a topic, tells it of every change into ALARM
 * and back to OK. Each description says what it means and what to do; README "Operations" and
 * docs/operations.md say the same at length.
 */
export class ApprovalWebhookAlarms extends Construct {
  /** The HTTP API answered 5xx: a decision was not carried out, or its outcome is unknown. */
  public readonly apiServerErrors: cloudwatch.Alarm;
  /** SSM throttled the webhook's calls in two of three periods. */
  public readonly ssmThrottling: cloudwatch.Alarm;
  /** The notifier function failed (after sending what it could). */
  public readonly notifierErrors: cloudwatch.Alarm;
  /** A notification could not be sent. */
  public readonly notificationsFailed: cloudwatch.Alarm;
  /** Authentication failures above the usual level. */
  public readonly authenticationFailures: cloudwatch.Alarm;
  /** Failed notifier events wait in the dead-letter queue. */
  public readonly deadLetters: cloudwatch.Alarm;
  /** Every alarm above, in this order. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ApprovalWebhookAlarmsProps) {
    super(scope, id);
    const thresholds = resolveAlarmThresholds(props.thresholds);
    const service = props.serviceName ?? WEBHOOK_FUNCTION_DEFAULTS.serviceName;
    const sum = { statistic: cloudwatch.Stats.SUM, period: METRICS_PERIOD };

    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      alarmDescription: string,
      evaluation: { evaluationPeriods: number; datapointsToAlarm: number } = {
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      },
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        ...evaluation,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription,
      });
      if (props.alarmTopic !== undefined) {
        const action = new actions.SnsAction(props.alarmTopic);
        created.addAlarmAction(action);
        created.addOkAction(action);
      }
      return created;
    };

    this.apiServerErrors = alarm(
      'ApiServerErrors',
      props.httpApi.metricServerError(sum),
      thresholds.apiServerErrors,
      'ssm-approval-webhook: the API answered 5xx. A decision (approve, reject, signal, stop, Slack click) was ' +
        'not carried out, or SSM may have received it and the outcome is unknown (504). What to do: search the ' +
        "functions' logs for level ERROR in the period; the problem's code names the SSM error. Check the " +
        'execution in SSM (aws ssm get-automation-execution) before anyone clicks again.',
    );
    this.ssmThrottling = alarm(
      'SsmThrottling',
      aggregateMetric('ssmThrottles', service),
      thresholds.ssmThrottles,
      'ssm-approval-webhook: SSM throttled the webhook in 2 of 3 five-minute periods, after the SDK retries. ' +
        'Decisions and notifications fail with 429/503 and Retry-After. What to do: find who else calls SSM ' +
        'Automation APIs in this account and region (CloudTrail, errorCode ThrottlingException), slow it down, ' +
        'or ask for a higher Service Quota.',
      SSM_THROTTLING_EVALUATION,
    );
    this.notifierErrors = alarm(
      'NotifierErrors',
      props.notifierFunction.metricErrors(sum),
      thresholds.notifierErrors,
      'ssm-approval-webhook: the notifier function failed. Lambda retries it twice, sending only what was not ' +
        "sent; then the event goes to the dead-letter queue. What to do: read the notifier's log (level ERROR) " +
        'for the channel and the cause (SES identity, Slack token, webhook URL, SSM access), fix it, and watch ' +
        'the dead-letter alarm.',
    );
    this.notificationsFailed = alarm(
      'NotificationsFailed',
      aggregateMetric('notificationsFailed', service),
      thresholds.notificationsFailed,
      'ssm-approval-webhook: a notification (e-mail, Slack, Teams or webhook) could not be sent, so an approver ' +
        'may not know that a gate waits. What to do: see the dashboard for the channel and the notifier log ' +
        "('Notification failed') for the cause; send the approver a link by hand (npm run link) if the gate " +
        'is urgent.',
    );
    this.authenticationFailures = alarm(
      'AuthenticationFailures',
      aggregateMetric('authenticationFailures', service),
      thresholds.authenticationFailures,
      `ssm-approval-webhook: ${thresholds.authenticationFailures} or more requests in 5 minutes were refused for ` +
        'their credentials. Someone may be guessing tokens, or an integration broke (API token re-issued, ' +
        'link key retired, Slack signing secret changed). What to do: see the dashboard for the reason, the ' +
        'access log for source IPs; fix the integration, or revoke the API client and lower the stage throttle.',
    );
    this.deadLetters = alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: METRICS_PERIOD,
      }),
      thresholds.deadLetters,
      "ssm-approval-webhook: failed notifier events wait in the notifier's dead-letter queue (kept 14 days). " +
        'Their approvers were not told. What to do: read the messages (the error and the event), fix the cause, ' +
        'then invoke the notifier again with each event or send the links by hand (docs/operations.md); ' +
        'delete each message once handled.',
    );
    this.alarms = [
      this.apiServerErrors,
      this.ssmThrottling,
      this.notifierErrors,
      this.notificationsFailed,
      this.authenticationFailures,
      this.deadLetters,
    ];
  }
}
