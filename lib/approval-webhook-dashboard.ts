import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_FUNCTION_DEFAULTS } from './webhook-function';
import {
  aggregateMetric,
  METRICS_PERIOD,
  searchExpression,
  searchLabel,
  type WebhookMetricName,
} from './webhook-metrics';

export interface ApprovalWebhookDashboardProps {
  /** The webhook's HTTP API: requests, 4xx, 5xx, latency. */
  readonly httpApi: apigwv2.IHttpApi;
  /** Every function of the webhook by a short name (`signal`, `notifier`, …): errors, throttles, duration. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The notifier's dead-letter queue: depth and age. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Shown in an alarm status widget at the top. @default - none */
  readonly alarms?: readonly cloudwatch.IAlarm[];
  /** `POWERTOOLS_SERVICE_NAME` of the functions: the `service` dimension of their metrics. @default 'ssm-approval-webhook' */
  readonly serviceName?: string;
}

/** Graphs a few lines a row; 24 is the dashboard's width. */
const WIDTH = 8;
const HEIGHT = 6;

/**
 * The webhook's CloudWatch dashboard (name generated, so two webhooks in one account stay apart): the
 * alarms, what was decided (by action, outcome and channel), who failed to authenticate and why, what SSM
 * answered (errors by name, throttles, latency by operation), what the notifier sent and failed to send by
 * channel, the API's answers, each function's health, and the dead-letter queue.
 *
 * The functions' own metrics are graphed with SEARCH expressions over their detail dimensions, so a new
 * action, reason or channel appears without a change here; SEARCH serves dashboards only, the alarms watch
 * the aggregates (`ApprovalWebhookAlarms`).
 */
export class ApprovalWebhookDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ApprovalWebhookDashboardProps) {
    super(scope, id);
    const service = props.serviceName ?? WEBHOOK_FUNCTION_DEFAULTS.serviceName;
    const period = METRICS_PERIOD;
    const search = (metric: WebhookMetricName, statistic?: string): cloudwatch.MathExpression =>
      new cloudwatch.MathExpression({
        expression: searchExpression(metric, service, statistic),
        label: searchLabel(metric, statistic),
        period,
        usingMetrics: {},
      });
    const graph = (title: string, left: cloudwatch.IMetric[], width = WIDTH): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, width, height: HEIGHT, period });
    const sum = { statistic: cloudwatch.Stats.SUM, period };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard');

    if (props.alarms !== undefined && props.alarms.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms',
          alarms: [...props.alarms],
          width: 24,
          height: 3,
        }),
      );
    }

    this.dashboard.addWidgets(
      graph('Decisions by action, outcome and channel', [search('decisions')], 12),
      graph('Decisions (all)', [aggregateMetric('decisions', service, { label: 'Decisions' })], 12),
    );
    this.dashboard.addWidgets(
      graph('Authentication failures by reason', [
        search('authenticationFailures'),
        aggregateMetric('authenticationFailures', service, { label: 'All' }),
      ]),
      graph('SSM errors by operation and name', [search('ssmErrors')]),
      graph('SSM throttles (after retries)', [
        aggregateMetric('ssmThrottles', service, { label: 'SsmThrottles' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('SSM call latency p50 by operation (ms)', [search('ssmCallLatency', 'p50')], 12),
      graph('SSM call latency p99 by operation (ms)', [search('ssmCallLatency', 'p99')], 12),
    );
    this.dashboard.addWidgets(
      graph('Notifications sent by channel', [search('notificationsSent')], 12),
      graph('Notifications failed by channel', [search('notificationsFailed')], 12),
    );
    this.dashboard.addWidgets(
      graph('API requests, 4xx and 5xx', [
        props.httpApi.metricCount({ ...sum, label: 'Requests' }),
        props.httpApi.metricClientError({ ...sum, label: '4xx' }),
        props.httpApi.metricServerError({ ...sum, label: '5xx' }),
      ]),
      graph('API latency (ms)', [
        props.httpApi.metricLatency({ statistic: cloudwatch.Stats.percentile(50), period, label: 'p50' }),
        props.httpApi.metricLatency({ statistic: cloudwatch.Stats.percentile(99), period, label: 'p99' }),
      ]),
      graph('Dead-letter queue', [
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period,
          label: 'Messages visible',
        }),
        props.deadLetterQueue.metricApproximateAgeOfOldestMessage({
          statistic: cloudwatch.Stats.MAXIMUM,
          period,
          label: 'Age of oldest (s)',
        }),
      ]),
    );

    const functions = Object.entries(props.functions);
    this.dashboard.addWidgets(
      graph(
        'Lambda errors',
        functions.map(([name, fn]) => fn.metricErrors({ ...sum, label: name })),
      ),
      graph(
        'Lambda throttles',
        functions.map(([name, fn]) => fn.metricThrottles({ ...sum, label: name })),
      ),
      graph(
        'Lambda duration p99 (ms)',
        functions.map(([name, fn]) =>
          fn.metricDuration({ statistic: cloudwatch.Stats.percentile(99), period, label: name }),
        ),
      ),
    );
  }
}
