/**
 * The state of one automation execution and the transitions that move it through its runbook's
 * steps. Pure and synchronous: time and ids come from the context, nothing here does I/O.
 *
 * Documented behaviour followed here (AWS Systems Manager User Guide):
 * - steps run in order, or to `nextStep`; `isEnd` stops the execution after the step, failed or not;
 * - `onFailure`: Abort (default) fails the execution, Continue goes on, `step:Name` goes to Name;
 * - `isCritical` (default true, false with onFailure Continue): a failed critical step makes the final
 *   status Failed;
 * - `aws:approve` and `aws:pause` put the step and the execution in Waiting; their default timeout is
 *   7 days, after which "the step and the automation stop running and return a status of Timed Out";
 * - Interactive mode pauses in Waiting before each step until StartStep.
 *
 * Every status change goes through `setExecutionStatus`/`setStepStatus` (the `status` fields are
 * read-only elsewhere), which journal it in `ExecutionRecord.transitions` for the engine to publish
 * as EventBridge events and SNS notifications (see events.ts).
 */
import type { AutomationExecutionStatus, ExecutionMode } from '@aws-sdk/client-ssm';
import { interpolate, UnresolvedReferenceError } from './interpolate';
import type { ResolvedParameters } from './parameters';
import type { Runbook, StepDefinition } from './runbook';
import { approvalOf, encodeInputs, lookupFor } from './step-inputs';

export type Status = Extract<
  AutomationExecutionStatus,
  'Pending' | 'InProgress' | 'Waiting' | 'Success' | 'TimedOut' | 'Cancelled' | 'Failed'
>;

export const TERMINAL: ReadonlySet<Status> = new Set(['Success', 'TimedOut', 'Cancelled', 'Failed']);

/**
 * Simulator-only guard: a runbook whose onFailure/nextStep loops forever would otherwise recurse
 * without end. The execution fails after this many step executions.
 */
export const MAX_STEP_EXECUTIONS = 500;

/** Seconds an aws:approve or aws:pause step waits when the runbook sets no timeoutSeconds. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 604_800;

export interface Decision {
  readonly approver: string;
  /** Distinct-approver key (see principals.identityKey). */
  readonly identity: string;
  readonly decision: 'Approve' | 'Reject';
  readonly comment?: string;
  readonly time: Date;
}

export interface Approval {
  readonly approvers: readonly string[];
  readonly minRequiredApprovals: number;
  readonly message?: string;
  /** The SNS topic told that the step waits (the step's `NotificationArn` input). */
  readonly notificationArn?: string;
  readonly decisions: Decision[];
}

export interface StepRecord {
  readonly id: string;
  readonly definition: StepDefinition;
  /** Changed only through setStepStatus. */
  readonly status: Status;
  startTime?: Date;
  endTime?: Date;
  /** Resolved inputs, each JSON-encoded as SSM reports them. */
  inputs?: Record<string, string>;
  outputs?: Record<string, string[]>;
  failureMessage?: string;
  approval?: Approval;
  /** When a waiting step times out. */
  deadline?: Date;
}

export interface ExecutionRecord {
  readonly id: string;
  readonly runbook: Runbook;
  readonly mode: ExecutionMode;
  readonly executedBy: string;
  readonly parameters: ResolvedParameters;
  readonly startTime: Date;
  readonly steps: StepRecord[];
  /** Changed only through setExecutionStatus. */
  readonly status: Status;
  endTime?: Date;
  failureMessage?: string;
  /** The step that is running or waiting for a signal. */
  current?: StepRecord;
  /** Interactive mode: the step StartStep may start next. */
  awaitingStart?: string;
  /** The failure message of a failed critical step that did not abort the execution. */
  criticalFailure?: string;
  /** Status changes not yet published, oldest first (the engine drains it after each operation). */
  readonly transitions: Transition[];
}

/** One status change of an execution (`step` undefined) or of one of its step executions. */
export interface Transition {
  readonly step?: StepRecord;
  readonly status: Status;
  readonly at: Date;
}

/** Sets the execution's status, journalling the change (none when the status stays the same). */
export const setExecutionStatus = (execution: ExecutionRecord, status: Status, at: Date): void => {
  if (execution.status === status) return;
  (execution as { status: Status }).status = status;
  execution.transitions.push({ status, at });
};

/** Sets a step execution's status, journalling the change (none when the status stays the same). */
export const setStepStatus = (
  execution: ExecutionRecord,
  record: StepRecord,
  status: Status,
  at: Date,
): void => {
  if (record.status === status) return;
  (record as { status: Status }).status = status;
  execution.transitions.push({ step: record, status, at });
};

export interface Context {
  readonly now: Date;
  readonly newId: () => string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

const stepDefinition = (execution: ExecutionRecord, name: string): StepDefinition => {
  const definition = execution.runbook.mainSteps.find((step) => step.name === name);
  if (!definition) throw new Error(`runbook ${execution.runbook.name} has no step ${name}`);
  return definition;
};

/** The step that follows a successful (or continued) step, if any. */
export const successorOf = (runbook: Runbook, step: StepDefinition): string | undefined => {
  if (step.declared.isEnd === true) return undefined;
  if (step.declared.nextStep !== undefined) return step.declared.nextStep;
  const index = runbook.mainSteps.findIndex((candidate) => candidate.name === step.name);
  return runbook.mainSteps[index + 1]?.name;
};

/** The record a step runs in: its first never-run record, or a new one when a step runs again. */
const recordFor = (execution: ExecutionRecord, name: string, context: Context): StepRecord => {
  const pending = execution.steps.find(
    (step) => step.definition.name === name && step.startTime === undefined,
  );
  if (pending) return pending;
  const record: StepRecord = {
    id: context.newId(),
    definition: stepDefinition(execution, name),
    status: 'Pending',
  };
  execution.steps.push(record);
  return record;
};

const endExecution = (
  execution: ExecutionRecord,
  status: Status,
  at: Date,
  failureMessage?: string,
): void => {
  setExecutionStatus(execution, status, at);
  execution.endTime = at;
  execution.current = undefined;
  execution.awaitingStart = undefined;
  if (failureMessage !== undefined) execution.failureMessage = failureMessage;
};

/** All steps have run (or a step ended the execution): the final status in Auto mode. */
const finish = (execution: ExecutionRecord, context: Context): void => {
  if (execution.mode === 'Interactive') {
    // Documented: after the last step the user completes the execution with StopAutomationExecution
    // (Type Complete). Assumption: until then it stays Waiting.
    setExecutionStatus(execution, 'Waiting', context.now);
    execution.current = undefined;
    execution.awaitingStart = undefined;
    return;
  }
  if (execution.criticalFailure !== undefined) {
    endExecution(execution, 'Failed', context.now, execution.criticalFailure);
  } else {
    endExecution(execution, 'Success', context.now);
  }
};

/** Moves on to `next` (or finishes when there is none). */
export const proceed = (execution: ExecutionRecord, next: string | undefined, context: Context): void => {
  if (next === undefined) {
    finish(execution, context);
    return;
  }
  if (execution.mode === 'Interactive') {
    setExecutionStatus(execution, 'Waiting', context.now);
    execution.current = undefined;
    execution.awaitingStart = next;
    return;
  }
  runStep(execution, next, context);
};

/** Marks a step successful and moves on. */
export const completeStep = (
  execution: ExecutionRecord,
  record: StepRecord,
  context: Context,
  outputs?: Record<string, string[]>,
): void => {
  setStepStatus(execution, record, 'Success', context.now);
  record.endTime = context.now;
  record.deadline = undefined;
  if (outputs) record.outputs = outputs;
  execution.current = undefined;
  proceed(execution, successorOf(execution.runbook, record.definition), context);
};

/**
 * Ends a step as Failed (or Cancelled, when a StopStep signal stopped it) and applies its onFailure.
 * Assumption (undocumented): a step stopped by StopStep follows onFailure like a failed step, and an
 * Abort after it ends the execution Cancelled rather than Failed.
 */
export const failStep = (
  execution: ExecutionRecord,
  record: StepRecord,
  status: 'Failed' | 'Cancelled',
  message: string,
  context: Context,
  outputs?: Record<string, string[]>,
): void => {
  setStepStatus(execution, record, status, context.now);
  record.endTime = context.now;
  record.deadline = undefined;
  record.failureMessage = message;
  if (outputs) record.outputs = outputs;
  execution.current = undefined;
  const { onFailure, declared } = record.definition;
  if (onFailure.kind === 'Abort') {
    endExecution(execution, status, context.now, status === 'Failed' ? message : undefined);
    return;
  }
  const critical = declared.isCritical ?? onFailure.kind !== 'Continue';
  if (critical && execution.criticalFailure === undefined) execution.criticalFailure = message;
  if (declared.isEnd === true) {
    finish(execution, context);
    return;
  }
  proceed(
    execution,
    onFailure.kind === 'Step' ? onFailure.step : successorOf(execution.runbook, record.definition),
    context,
  );
};

/** Runs a step: instant actions complete at once; aws:approve and aws:pause wait for a signal. */
export const runStep = (execution: ExecutionRecord, name: string, context: Context): void => {
  if (execution.steps.filter((step) => step.startTime !== undefined).length >= MAX_STEP_EXECUTIONS) {
    endExecution(
      execution,
      'Failed',
      context.now,
      `The simulator stopped the execution after ${MAX_STEP_EXECUTIONS} step executions.`,
    );
    return;
  }
  const record = recordFor(execution, name, context);
  // The execution's change is journalled before its step's, as it happens in that order.
  setExecutionStatus(execution, 'InProgress', context.now);
  record.startTime = context.now;
  setStepStatus(execution, record, 'InProgress', context.now);
  execution.current = record;
  execution.awaitingStart = undefined;
  let inputs: Record<string, unknown>;
  try {
    inputs = interpolate(record.definition.inputs, lookupFor(execution, context)) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof UnresolvedReferenceError)) throw error;
    failStep(execution, record, 'Failed', error.message, context);
    return;
  }
  record.inputs = encodeInputs(inputs);
  const { action, declared } = record.definition;
  if (action === 'aws:approve' || action === 'aws:pause') {
    const approval = action === 'aws:approve' ? approvalOf(inputs) : undefined;
    if (typeof approval === 'string') {
      failStep(execution, record, 'Failed', approval, context);
      return;
    }
    if (approval) record.approval = approval;
    record.deadline = new Date(
      context.now.getTime() + (declared.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000,
    );
    setStepStatus(execution, record, 'Waiting', context.now);
    setExecutionStatus(execution, 'Waiting', context.now);
    return;
  }
  // Simulator convention: an aws:executeScript step whose InputPayload has a non-empty string
  // SimulateFailure fails with that message. The document stays valid for real SSM, where
  // InputPayload is free-form.
  const payload = inputs.InputPayload;
  const simulated =
    action === 'aws:executeScript' && payload !== null && typeof payload === 'object'
      ? (payload as Record<string, unknown>).SimulateFailure
      : undefined;
  if (typeof simulated === 'string' && simulated !== '') {
    failStep(execution, record, 'Failed', simulated, context);
    return;
  }
  completeStep(execution, record, context);
};

/** Applies a waiting step's timeout once its deadline has passed (evaluated lazily, on each access). */
export const expire = (execution: ExecutionRecord, now: Date): void => {
  const record = execution.current;
  if (record?.status !== 'Waiting' || !record.deadline || now < record.deadline) return;
  const at = record.deadline;
  setStepStatus(execution, record, 'TimedOut', at);
  record.endTime = at;
  record.deadline = undefined;
  record.failureMessage = `Step timed out after ${record.definition.declared.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS} seconds.`;
  endExecution(execution, 'TimedOut', at, record.failureMessage);
};

/** Ends the execution on StopAutomationExecution; the running or waiting step is Cancelled. */
export const stopExecution = (
  execution: ExecutionRecord,
  type: 'Cancel' | 'Complete',
  context: Context,
): void => {
  const record = execution.current;
  if (record) {
    setStepStatus(execution, record, 'Cancelled', context.now);
    record.endTime = context.now;
    record.deadline = undefined;
  }
  if (type === 'Cancel') {
    // The real service passes through Cancelling; the simulator has nothing to wind down.
    endExecution(execution, 'Cancelled', context.now);
  } else if (execution.criticalFailure !== undefined) {
    // Assumption: Complete (documented only for finishing an Interactive execution) ends the
    // execution as if its last step had run: Success, or Failed after a critical failure.
    endExecution(execution, 'Failed', context.now, execution.criticalFailure);
  } else {
    endExecution(execution, 'Success', context.now);
  }
};
