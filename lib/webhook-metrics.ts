import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The CloudWatch namespace of the functions' own metrics (Powertools Metrics, embedded metric format):
 * `POWERTOOLS_METRICS_NAMESPACE` of every function.
 */
export const METRICS_NAMESPACE = 'SsmApprovalWebhook';

/** The variable Powertools Metrics reads its namespace from. */
export const METRICS_NAMESPACE_ENV = 'POWERTOOLS_METRICS_NAMESPACE';

/**
 * The metrics the functions emit, with the detail dimensions each carries besides `service`. Every metric
 * is also emitted as an aggregate with `service` alone: alarms watch the aggregate, the dashboard searches
 * the details. This is the contract with the handlers' metrics module; the names are CloudWatch's.
 */
export const WEBHOOK_METRICS = {
  /** Count. Outcome: sent | applied | already | refused | failed. */
  decisions: { name: 'Decisions', dimensions: ['Action', 'Outcome', 'Channel'] },
  authenticationFailures: { name: 'AuthenticationFailures', dimensions: ['Reason'] },
  ssmErrors: { name: 'SsmErrors', dimensions: ['Operation', 'ErrorName'] },
  /** Count, aggregate only. */
  ssmThrottles: { name: 'SsmThrottles', dimensions: [] },
  /** Milliseconds. */
  ssmCallLatency: { name: 'SsmCallLatency', dimensions: ['Operation'] },
  notificationsSent: { name: 'NotificationsSent', dimensions: ['Channel'] },
  notificationsFailed: { name: 'NotificationsFailed', dimensions: ['Channel'] },
} as const satisfies Record<string, { readonly name: string; readonly dimensions: readonly string[] }>;

export type WebhookMetricName = keyof typeof WEBHOOK_METRICS;

/** The period of every alarm and dashboard graph: fine enough to page on, coarse enough to be cheap. */
export const METRICS_PERIOD = Duration.minutes(5);

/** The aggregate metric (dimension `service` only) of `metric`, summed over `METRICS_PERIOD` unless told. */
export function aggregateMetric(
  metric: WebhookMetricName,
  serviceName: string,
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: WEBHOOK_METRICS[metric].name,
    dimensionsMap: { service: serviceName },
    statistic: cloudwatch.Stats.SUM,
    period: METRICS_PERIOD,
    ...options,
  });
}

/**
 * A CloudWatch SEARCH over the detail dimensions of `metric` (exactly those and `service`), one line per
 * combination: dashboards only, since alarms cannot watch a SEARCH.
 */
export function searchExpression(
  metric: WebhookMetricName,
  serviceName: string,
  statistic: string = cloudwatch.Stats.SUM,
): string {
  const { name, dimensions } = WEBHOOK_METRICS[metric];
  const schema = [METRICS_NAMESPACE, 'service', ...dimensions].join(',');
  return `SEARCH('{${schema}} service="${serviceName}" MetricName="${name}"', '${statistic}', ${METRICS_PERIOD.toSeconds()})`;
}

/**
 * The label of each line of `searchExpression(metric)`: its detail dimensions' values, through CloudWatch's
 * dynamic labels (`${PROP('Dim.Channel')}`), so a line reads "approve applied link", not the expression.
 */
export function searchLabel(metric: WebhookMetricName, suffix?: string): string {
  const parts = WEBHOOK_METRICS[metric].dimensions.map((dimension) => `\${PROP('Dim.${dimension}')}`);
  return [...parts, ...(suffix === undefined ? [] : [suffix])].join(' ');
}
