/**
 * The webhook's CloudWatch metrics, written with Powertools Metrics in the embedded metric format (EMF):
 * JSON lines on stdout that CloudWatch Logs turns into metrics, with no PutMetricData call and no extra
 * permission. The stack's alarms and dashboard (lib/) are built on exactly these names, units and
 * dimensions; docs/operations.md ("Metrics") says what each means.
 *
 * One line per event, written at once. Each line carries two dimension sets (EMF allows several per
 * line): `[service]`, the aggregate the alarms watch, and `[service, <detail dimensions>]`, the breakdown
 * the dashboard shows; so CloudWatch extracts both series from one line. A buffered line is not used
 * because EMF applies a line's dimension sets to every metric in it: two events with different details
 * (an SSM read and a decision) buffered together would be counted under each other's dimensions.
 * Powertools' `singleMetric()` is its own answer to that ("a metric that should have different dimensions").
 * Writing at once also keeps the count when an invocation ends badly.
 *
 * The handler chains still use Powertools' `logMetrics` middleware ({@link flushMetrics}) on the one
 * module-scope instance: it publishes whatever is buffered on it at the end of each invocation and
 * clears the instance's per-invocation state, so a buffered metric added later is never lost.
 *
 * Recording a metric never fails the request: an error here is logged and dropped.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MetricUnit as MetricUnitName } from '@aws-lambda-powertools/metrics/types';
import { logger } from './logger';

/** The CloudWatch namespace of every metric; the stack's alarms and dashboard import it. */
export const METRICS_NAMESPACE = 'SsmApprovalWebhook';

/** The metric names, for the alarms and the dashboard (lib/) and the tests. */
export const METRIC_NAMES = {
  decisions: 'Decisions',
  authenticationFailures: 'AuthenticationFailures',
  ssmErrors: 'SsmErrors',
  ssmThrottles: 'SsmThrottles',
  ssmCallLatency: 'SsmCallLatency',
  notificationsSent: 'NotificationsSent',
  notificationsFailed: 'NotificationsFailed',
} as const;

/** What was decided (the route's action, or the Slack button's). */
export type DecisionAction = 'approve' | 'reject' | 'stop' | 'signal';

/**
 * What became of a decision: `sent` (SSM took it), `applied` (SSM's answer was lost, the execution shows
 * it), `already` (it was already so), `refused` (a 4xx, or a Slack click that may not act), `failed` (a 5xx,
 * or a Slack decision that could not be carried out).
 */
export type DecisionOutcome = 'sent' | 'applied' | 'already' | 'refused' | 'failed';

/**
 * Where a decision came from: a link's channel (`email`, `webhook`, `teams`; `link` for a hand-made one),
 * `slack` (its buttons), `api` (a client token). `unknown` only for a request refused before its caller
 * was known and that presented no credentials at all.
 */
export type DecisionChannel = 'email' | 'webhook' | 'slack' | 'teams' | 'link' | 'api' | 'unknown';

/** The notifier's delivery channels. */
export type NotificationChannel = 'email' | 'webhook' | 'slack' | 'teams';

/**
 * The one Metrics instance. The namespace is fixed here rather than read from POWERTOOLS_METRICS_NAMESPACE
 * (the stack sets that variable to the same value): the alarms are built on this constant, and no
 * variable may move the metrics away from them. The `service` dimension is the logger's service name.
 *
 * Powertools' own notices go to the structured log at ERROR only: its routine notice ("No application
 * metrics to publish") would otherwise be written on every invocation, since every event's line is
 * written at once and the buffer `logMetrics` flushes stays empty by design. Passing a logger is the way
 * Powertools offers to quiet it (aws-powertools/powertools-lambda-typescript#2036); every dimension this
 * module writes is a non-empty string, so the other notices (invalid dimensions) cannot occur.
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ssm-approval-webhook',
  logger: logger.createChild({ logLevel: 'ERROR' }),
});

/** Powertools' middy middleware for every handler chain; an invocation without metrics is normal. */
export const flushMetrics = () => logMetrics(metrics, { throwOnEmptyMetrics: false });

/** CloudWatch takes dimension values of 1 to 1024 characters; ours are short names, cut to be safe. */
const MAX_DIMENSION_VALUE_LENGTH = 128;
const dimensionValue = (value: string): string =>
  value.trim() === '' ? 'unknown' : value.slice(0, MAX_DIMENSION_VALUE_LENGTH);

/**
 * Writes one line now: the metric under `[service]` and, when `detail` names dimensions, under
 * `[service, ...detail]` too.
 */
const emit = (
  name: string,
  unit: MetricUnitName,
  value: number,
  detail: Readonly<Record<string, string>> = {},
): void => {
  try {
    // Powertools takes NaN and Infinity, which JSON writes as null: CloudWatch would drop the line.
    if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
    const line = metrics.singleMetric();
    const dimensions = Object.fromEntries(
      Object.entries(detail).map(([key, raw]) => [key, dimensionValue(raw)]),
    );
    if (Object.keys(dimensions).length > 0) {
      // An empty set is the aggregate: the default dimension (service) alone.
      line.addDimensions({});
      line.addDimensions(dimensions);
    }
    line.addMetric(name, unit, value);
  } catch (error) {
    logger.warn('Metric not recorded', { metric: name, error: error as Error });
  }
};

export const recordDecision = (decision: {
  readonly action: DecisionAction;
  readonly outcome: DecisionOutcome;
  readonly channel: DecisionChannel;
}): void =>
  emit(METRIC_NAMES.decisions, MetricUnit.Count, 1, {
    Action: decision.action,
    Outcome: decision.outcome,
    Channel: decision.channel,
  });

/** A caller refused for who it is or what it may do: the refusal's stable reason (`invalid-link-token`…). */
export const recordAuthenticationFailure = (reason: string): void =>
  emit(METRIC_NAMES.authenticationFailures, MetricUnit.Count, 1, { Reason: reason });

export interface SsmCallRecord {
  /** SSM's operation name (`GetAutomationExecution`). */
  readonly operation: string;
  /** From the call's start to its end, the SDK's retries included. */
  readonly durationMs: number;
  /** The error the call ended with: SSM's error name, or the network failure's. */
  readonly errorName?: string;
  /** Whether the error means SSM throttled the webhook. */
  readonly throttled?: boolean;
}

/** One SDK call to SSM: its latency, and its error when it failed. */
export const recordSsmCall = (call: SsmCallRecord): void => {
  emit(METRIC_NAMES.ssmCallLatency, MetricUnit.Milliseconds, Math.round(call.durationMs), {
    Operation: call.operation,
  });
  if (call.errorName === undefined) return;
  emit(METRIC_NAMES.ssmErrors, MetricUnit.Count, 1, { Operation: call.operation, ErrorName: call.errorName });
  if (call.throttled) emit(METRIC_NAMES.ssmThrottles, MetricUnit.Count, 1);
};

/** One notifier delivery that was sent, or that failed (duplicates and expired gates are neither). */
export const recordNotification = (channel: NotificationChannel, outcome: 'sent' | 'failed'): void =>
  emit(
    outcome === 'sent' ? METRIC_NAMES.notificationsSent : METRIC_NAMES.notificationsFailed,
    MetricUnit.Count,
    1,
    { Channel: channel },
  );
