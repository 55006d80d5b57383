/**
 * The EventBridge patterns on which the notifier runs: SSM Automation status changes that can mean an
 * approval gate waits, or that a gate or the whole run ended (then posted Slack messages are updated). The
 * CDK stack creates one rule per pattern; the local runner delivers only the simulator's events that match
 * one, as EventBridge would.
 */
export interface EventPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: Readonly<Record<string, readonly string[]>>;
}

/** An execution's status became Waiting (an approval, a pause, or an Interactive step). */
export const WAITING_EXECUTION_PATTERN: EventPattern = {
  source: ['aws.ssm'],
  'detail-type': ['EC2 Automation Execution Status-change Notification'],
  detail: { Status: ['Waiting'] },
};

/** Any status change of an aws:approve step (which one SSM sends as a step starts waiting is undocumented). */
export const APPROVE_STEP_PATTERN: EventPattern = {
  source: ['aws.ssm'],
  'detail-type': ['EC2 Automation Step Status-change Notification'],
  detail: { Action: ['aws:approve'] },
};

/**
 * An execution ended (it succeeded, failed, timed out or was stopped): every gate it still showed closes
 * with it, and their Slack messages must say so. Whether SSM sends a step event for a waiting gate that a
 * stop or the run's timeout ends is not documented; this event always comes.
 */
export const FINISHED_EXECUTION_PATTERN: EventPattern = {
  source: ['aws.ssm'],
  'detail-type': ['EC2 Automation Execution Status-change Notification'],
  detail: {
    Status: ['Success', 'Failed', 'TimedOut', 'Cancelled', 'CompletedWithSuccess', 'CompletedWithFailure'],
  },
};

export const NOTIFIER_EVENT_PATTERNS: readonly EventPattern[] = [
  WAITING_EXECUTION_PATTERN,
  APPROVE_STEP_PATTERN,
  FINISHED_EXECUTION_PATTERN,
];

/** EventBridge's matching for these patterns' subset of the syntax: exact string values, ANDed fields. */
export const matchesPattern = (event: object, pattern: EventPattern): boolean => {
  const { source, detail: eventDetail } = event as { source?: unknown; detail?: unknown };
  const detail = (eventDetail ?? {}) as Record<string, unknown>;
  return (
    pattern.source.includes(String(source)) &&
    pattern['detail-type'].includes(String((event as Record<string, unknown>)['detail-type'])) &&
    Object.entries(pattern.detail).every(([field, values]) => values.includes(String(detail[field])))
  );
};
