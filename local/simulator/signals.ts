/**
 * SendAutomationSignal: Approve, Reject, StartStep, Resume and StopStep applied to an execution.
 *
 * Documented: Approve/Reject take an optional Comment; StartStep and Resume need StepName; StopStep
 * needs StepExecutionId; only a principal in the step's Approvers may approve or reject; the step
 * resumes once MinRequiredApprovals approvals are in.
 * The error for each refused signal is InvalidAutomationSignalException ("The signal isn't valid for
 * the current Automation execution") unless a step does not exist (AutomationStepNotFoundException).
 * SSM's messages for these errors are undocumented: the wording below is the simulator's.
 */
import type { SignalType } from '@aws-sdk/client-ssm';
import { SsmError } from './errors';
import {
  type Context,
  completeStep,
  type Decision,
  type ExecutionRecord,
  failStep,
  runStep,
  type StepRecord,
  TERMINAL,
} from './execution';
import { callerIdentity, identityKey, matchesApprover } from './principals';

export type Payload = Readonly<Record<string, readonly string[]>>;

const invalidSignal = (message: string): SsmError =>
  new SsmError('InvalidAutomationSignalException', message);

/** The single value of a payload key. Assumption: more than one value is refused; other keys are ignored. */
const payloadValue = (
  payload: Payload,
  key: string,
  signal: SignalType,
  required: boolean,
): string | undefined => {
  const values = payload[key];
  if (values === undefined || values.length === 0) {
    if (required) throw invalidSignal(`The ${signal} signal requires ${key} in its payload.`);
    return undefined;
  }
  if (values.length > 1) throw invalidSignal(`The ${signal} signal takes exactly one ${key} value.`);
  return values[0];
};

const requireStepName = (execution: ExecutionRecord, payload: Payload, signal: SignalType): string => {
  const name = payloadValue(payload, 'StepName', signal, true) ?? '';
  if (!execution.runbook.mainSteps.some((step) => step.name === name)) {
    throw new SsmError(
      'AutomationStepNotFoundException',
      `Step ${name} does not exist in automation execution ${execution.id}.`,
    );
  }
  return name;
};

const waitingApproval = (execution: ExecutionRecord): StepRecord => {
  const record = execution.current;
  if (record?.status !== 'Waiting' || record.definition.action !== 'aws:approve' || !record.approval) {
    throw invalidSignal(`Automation execution ${execution.id} is not waiting for an approval.`);
  }
  return record;
};

const decisionOutputs = (
  status: 'Approved' | 'Rejected',
  decisions: readonly Decision[],
): Record<string, string[]> => ({
  ApprovalStatus: [status],
  // SSM documents ApproverDecisions as "a JSON map that includes the approval decision of each approver"
  // without its keys. The keys are those real executions show (Approver, Decision, ApprovalDecisionTime,
  // Comment: https://repost.aws/questions/QU5C69u39dSR63RgqyIYtDYQ); one JSON object per decision is the
  // simulator's assumption.
  ApproverDecisions: decisions.map((d) =>
    JSON.stringify({
      Approver: d.approver,
      Decision: d.decision,
      ...(d.comment !== undefined ? { Comment: d.comment } : {}),
      ApprovalDecisionTime: d.time.toISOString(),
    }),
  ),
});

const decide = (
  execution: ExecutionRecord,
  callerArn: string,
  signal: 'Approve' | 'Reject',
  payload: Payload,
  context: Context,
): void => {
  const comment = payloadValue(payload, 'Comment', signal, false);
  const record = waitingApproval(execution);
  const approval = record.approval as NonNullable<StepRecord['approval']>;
  if (!approval.approvers.some((approver) => matchesApprover(callerArn, approver, context.accountId))) {
    // Assumption: SSM refuses a non-approver with InvalidAutomationSignalException (the operation's
    // modelled error for a signal the execution cannot take); the exact error is undocumented.
    throw invalidSignal(`${callerArn} is not an approver of step ${record.definition.name}.`);
  }
  const caller = callerIdentity(callerArn);
  const identity = caller ? identityKey(caller) : callerArn;
  if (approval.decisions.some((d) => d.identity === identity)) {
    throw invalidSignal(`${callerArn} has already sent its decision for step ${record.definition.name}.`);
  }
  approval.decisions.push({
    approver: callerArn,
    identity,
    decision: signal,
    time: context.now,
    ...(comment !== undefined ? { comment } : {}),
  });
  if (signal === 'Reject') {
    // Assumption: one rejection decides the step, whatever MinRequiredApprovals says.
    const message = `The approval request was rejected by ${callerArn}.`;
    failStep(execution, record, 'Failed', message, context, decisionOutputs('Rejected', approval.decisions));
    return;
  }
  const approvals = approval.decisions.filter((d) => d.decision === 'Approve').length;
  if (approvals >= approval.minRequiredApprovals) {
    completeStep(execution, record, context, decisionOutputs('Approved', approval.decisions));
  } else {
    // Assumption (undocumented): a step that waits for more approvals shows the decisions it has so far
    // in ApproverDecisions, without an ApprovalStatus. The webhook does not depend on it: it also keeps
    // its own record of the seats it signalled through (lambda/quorum/claims.ts).
    const { ApproverDecisions = [] } = decisionOutputs('Approved', approval.decisions);
    record.outputs = { ApproverDecisions };
  }
};

const startStep = (execution: ExecutionRecord, payload: Payload, context: Context): void => {
  const name = requireStepName(execution, payload, 'StartStep');
  if (execution.mode !== 'Interactive') {
    throw invalidSignal(`StartStep is only valid for an execution in Interactive mode.`);
  }
  // Assumption: StartStep starts the step that comes next, not an arbitrary one.
  if (execution.awaitingStart !== name) {
    throw invalidSignal(
      `Step ${name} cannot be started now${execution.awaitingStart ? `; the next step is ${execution.awaitingStart}` : ''}.`,
    );
  }
  runStep(execution, name, context);
};

const resume = (execution: ExecutionRecord, payload: Payload, context: Context): void => {
  const name = requireStepName(execution, payload, 'Resume');
  const record = execution.current;
  if (
    record?.status !== 'Waiting' ||
    record.definition.action !== 'aws:pause' ||
    record.definition.name !== name
  ) {
    throw invalidSignal(`Step ${name} is not paused.`);
  }
  completeStep(execution, record, context);
};

const stopStep = (execution: ExecutionRecord, payload: Payload, context: Context): void => {
  const id = payloadValue(payload, 'StepExecutionId', 'StopStep', true) ?? '';
  const record = execution.steps.find((step) => step.id === id);
  if (!record) {
    throw new SsmError(
      'AutomationStepNotFoundException',
      `Step execution ${id} does not exist in automation execution ${execution.id}.`,
    );
  }
  if (record.status !== 'InProgress' && record.status !== 'Waiting') {
    throw invalidSignal(`Step execution ${id} is ${record.status} and cannot be stopped.`);
  }
  failStep(execution, record, 'Cancelled', 'The step was stopped by a StopStep signal.', context);
};

/**
 * Applies a signal. @throws SsmError InvalidAutomationSignalException, AutomationStepNotFoundException
 */
export const applySignal = (
  execution: ExecutionRecord,
  callerArn: string,
  signal: SignalType,
  payload: Payload,
  context: Context,
): void => {
  if (TERMINAL.has(execution.status)) {
    throw invalidSignal(
      `Automation execution ${execution.id} is ${execution.status} and accepts no more signals.`,
    );
  }
  switch (signal) {
    case 'Approve':
    case 'Reject':
      decide(execution, callerArn, signal, payload, context);
      return;
    case 'StartStep':
      startStep(execution, payload, context);
      return;
    case 'Resume':
      resume(execution, payload, context);
      return;
    case 'StopStep':
      stopStep(execution, payload, context);
      return;
    default:
      // Revoke (newer SDKs) has no documented effect; the simulator refuses it.
      throw invalidSignal(`The ${String(signal)} signal is not supported.`);
  }
};
