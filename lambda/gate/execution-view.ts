/**
 * What an execution looks like to the webhook: GetAutomationExecution's answer turned into the facts a
 * decision needs (pure). SSM reports a step's resolved inputs as JSON-encoded strings
 * (`"Approvers": "[\"arn:…\"]"`), so they are decoded here, once.
 */
import type { AutomationExecution, StepExecution } from '@aws-sdk/client-ssm';
import type { ExecutionSummary, GateSummary } from '../notify/notification';

/** SSM's default timeout of an aws:approve step when the runbook sets none: 7 days. */
export const DEFAULT_APPROVE_TIMEOUT_SECONDS = 604_800;

/** Execution statuses after which nothing can be decided any more. */
const FINISHED = new Set([
  'Success',
  'Failed',
  'TimedOut',
  'Cancelled',
  'Cancelling',
  'CompletedWithSuccess',
  'CompletedWithFailure',
  'Exited',
]);

/** What happened at a gate that no longer waits, as far as SSM shows it. */
export interface GateOutcome {
  /** `Approved` / `Rejected` from the step's ApprovalStatus output, else the step's status (`TimedOut`, `Cancelled`, …). */
  readonly result: 'Approved' | 'Rejected' | 'TimedOut' | 'Cancelled' | 'Failed' | 'Other';
  readonly stepStatus: string;
  readonly endedAt?: Date;
  /** The decisions SSM recorded (ApproverDecisions output), when it shows them. */
  readonly decisions: readonly {
    /** The principal SSM recorded as deciding (for the webhook: its signal role's session). */
    readonly approver?: string;
    readonly decision?: string;
    readonly comment?: string;
    readonly at?: Date;
  }[];
}

/** One aws:approve step execution of the run: waiting, or decided, timed out or cancelled. */
export interface GateView extends GateSummary {
  readonly stepStatus: string;
  readonly waiting: boolean;
  /** Present once the gate no longer waits. */
  readonly outcome?: GateOutcome;
  /** The step's `NotificationArn` input, when the runbook set one. */
  readonly notificationArn?: string;
}

export interface ExecutionView extends ExecutionSummary {
  /** `AutomationExecutionStatus`: InProgress, Waiting, Success, … */
  readonly status: string;
  readonly finished: boolean;
  readonly endedAt?: Date;
  /** The step SSM reports as current (`CurrentStepName`). */
  readonly currentStepName?: string;
  /** Every aws:approve step execution, in the order SSM lists them. */
  readonly gates: readonly GateView[];
}

/** A step input as the runbook gave it: SSM reports JSON text; anything unparsable is kept as text. */
const decoded = (raw: string | undefined): unknown => {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

const stringList = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const positiveInteger = (value: unknown, fallback: number): number => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : fallback;
};

const decisionsOf = (step: StepExecution): GateOutcome['decisions'] =>
  (step.Outputs?.ApproverDecisions ?? []).flatMap((entry) => {
    const value = decoded(entry);
    const list = Array.isArray(value) ? value : [value];
    return list
      .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
      .map((item) => {
        // Real executions write ApprovalDecisionTime; DecisionTime is read too, should a region differ.
        const time = item.ApprovalDecisionTime ?? item.DecisionTime;
        const at = typeof time === 'string' ? new Date(time) : undefined;
        return {
          ...(typeof item.Approver === 'string' ? { approver: item.Approver } : {}),
          ...(typeof item.Decision === 'string' ? { decision: item.Decision } : {}),
          ...(typeof item.Comment === 'string' ? { comment: item.Comment } : {}),
          ...(at && !Number.isNaN(at.getTime()) ? { at } : {}),
        };
      });
  });

const outcomeOf = (step: StepExecution): GateOutcome => {
  const status = step.StepStatus ?? 'Unknown';
  const approval = step.Outputs?.ApprovalStatus?.[0];
  const result: GateOutcome['result'] =
    approval === 'Approved' || approval === 'Rejected'
      ? approval
      : status === 'TimedOut' || status === 'Cancelled' || status === 'Failed'
        ? status
        : 'Other';
  return {
    result,
    stepStatus: status,
    ...(step.ExecutionEndTime ? { endedAt: step.ExecutionEndTime } : {}),
    decisions: decisionsOf(step),
  };
};

const gateOf = (step: StepExecution): GateView => {
  const inputs = step.Inputs ?? {};
  const approvers = stringList(decoded(inputs.Approvers));
  const timeoutSeconds = step.TimeoutSeconds ?? DEFAULT_APPROVE_TIMEOUT_SECONDS;
  const startedAt = step.ExecutionStartTime;
  const waiting = step.StepStatus === 'Waiting';
  const message = optionalString(decoded(inputs.Message));
  const notificationArn = optionalString(decoded(inputs.NotificationArn));
  return {
    stepName: step.StepName ?? '',
    stepExecutionId: step.StepExecutionId ?? '',
    approvers,
    minRequiredApprovals: positiveInteger(decoded(inputs.MinRequiredApprovals), 1),
    timeoutSeconds,
    ...(message === undefined ? {} : { message }),
    ...(startedAt ? { startedAt, deadline: new Date(startedAt.getTime() + timeoutSeconds * 1000) } : {}),
    ...(notificationArn === undefined ? {} : { notificationArn }),
    stepStatus: step.StepStatus ?? 'Unknown',
    waiting,
    // A gate that needs several approvals may show the ones it has while it still waits (a quorum's tally).
    ...(waiting && step.Outputs?.ApproverDecisions !== undefined ? { decisions: decisionsOf(step) } : {}),
    ...(waiting || step.StepStatus === 'Pending' || step.StepStatus === 'InProgress'
      ? {}
      : { outcome: outcomeOf(step) }),
  };
};

export const executionView = (execution: AutomationExecution): ExecutionView => {
  const status = execution.AutomationExecutionStatus ?? 'Unknown';
  return {
    executionId: execution.AutomationExecutionId ?? '',
    documentName: execution.DocumentName ?? '',
    ...(execution.DocumentVersion ? { documentVersion: execution.DocumentVersion } : {}),
    ...(execution.ExecutedBy ? { executedBy: execution.ExecutedBy } : {}),
    ...(execution.ExecutionStartTime ? { startedAt: execution.ExecutionStartTime } : {}),
    ...(execution.ExecutionEndTime ? { endedAt: execution.ExecutionEndTime } : {}),
    parameters: execution.Parameters ?? {},
    status,
    finished: FINISHED.has(status),
    ...(execution.CurrentStepName ? { currentStepName: execution.CurrentStepName } : {}),
    gates: (execution.StepExecutions ?? []).filter((step) => step.Action === 'aws:approve').map(gateOf),
  };
};

/** The gates waiting for a decision now (SSM runs one step at a time, so at most one in practice). */
export const waitingGates = (view: ExecutionView): readonly GateView[] =>
  view.finished ? [] : view.gates.filter((gate) => gate.waiting);

/** The gate a step-bound link names, found by its step execution id. */
export const findGate = (view: ExecutionView, stepExecutionId: string): GateView | undefined =>
  view.gates.find((gate) => gate.stepExecutionId === stepExecutionId);
