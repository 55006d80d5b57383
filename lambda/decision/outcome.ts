/**
 * Did a decision take effect? (pure) Judged from the execution as read before the call and as read
 * after it, when SSM's own answer cannot tell: lost, timed out, a 5xx, or a retry that SSM refused
 * because an earlier attempt of the same call had already been applied.
 */
import type { MutatingAction } from '../auth/link-token';
import { type ExecutionView, findGate, type GateView, waitingGates } from '../gate/execution-view';
import { whatHappened, whereNow } from '../gate/gate-check';
import { tallyOf } from '../quorum/tally';

export type Judgement =
  /** The execution shows the decision asked for. */
  | { readonly kind: 'applied'; readonly gate?: GateView }
  /** The execution shows something else decided it (another decision, a timeout, the run ended). */
  | { readonly kind: 'other'; readonly detail: string }
  /** Nothing shows yet: the call may still be applied, or may have been lost. */
  | { readonly kind: 'pending' };

export interface Intent {
  readonly action: MutatingAction;
  /** For `signal`: the signal type and the one payload value it carries (StepName, StepExecutionId). */
  readonly signalType?: string;
  readonly payloadValue?: string;
  /** For `stop`. */
  readonly stopType?: 'Cancel' | 'Complete';
  /**
   * For an Approve sent through an approver seat (docs/quorum.md): the seat's role ARN. An approval that
   * does not close its gate shows only as this seat's Approve in SSM's ApproverDecisions.
   */
  readonly seat?: string;
}

/** The gate a decision aimed at: the link's own, or the one waiting before the call. */
export const targetGate = (before: ExecutionView, stepExecutionId?: string): GateView | undefined =>
  stepExecutionId !== undefined ? findGate(before, stepExecutionId) : waitingGates(before)[0];

const judgeDecision = (
  action: 'approve' | 'reject',
  target: GateView | undefined,
  after: ExecutionView,
  seat?: string,
): Judgement => {
  // Nothing waited before the call: SSM's own answer (or, if lost, "unknown") stands.
  if (target === undefined) return { kind: 'pending' };
  const now = findGate(after, target.stepExecutionId);
  if (now === undefined) return { kind: 'pending' };
  if (now.waiting) {
    // One approval of several: applied once SSM's record shows this seat's Approve.
    // tallyOf names a seat's approval by the seat's role ARN, anyone else's by the principal SSM recorded.
    const shown =
      action === 'approve' &&
      seat !== undefined &&
      tallyOf(now, [seat]).approvals.some((approval) => approval.seat === seat);
    return shown ? { kind: 'applied', gate: now } : { kind: 'pending' };
  }
  const wanted = action === 'approve' ? 'Approved' : 'Rejected';
  if (now.outcome?.result === wanted) return { kind: 'applied', gate: now };
  return { kind: 'other', detail: `${whatHappened(now)}; ${whereNow(after)}.` };
};

const STOPPED = new Set(['Cancelled', 'Cancelling']);

const judgeStop = (type: 'Cancel' | 'Complete', before: ExecutionView, after: ExecutionView): Judgement => {
  // Cancelled before the call: already so. Otherwise finished before the call: SSM's answer stands.
  if (before.finished) return STOPPED.has(before.status) ? { kind: 'applied' } : { kind: 'pending' };
  if (!after.finished) return { kind: 'pending' };
  if (
    type === 'Cancel' ? STOPPED.has(after.status) : after.status === 'Success' || STOPPED.has(after.status)
  ) {
    return { kind: 'applied' };
  }
  return { kind: 'other', detail: `The execution ended as ${after.status} on its own.` };
};

/** Resume and StartStep name a step that waits; applied once it no longer waits. StopStep: its step ends Cancelled. */
const judgeStepSignal = (intent: Intent, before: ExecutionView, after: ExecutionView): Judgement => {
  const value = intent.payloadValue;
  if (value === undefined) return { kind: 'pending' };
  if (intent.signalType === 'Resume' || intent.signalType === 'StartStep') {
    const waitsAt = (view: ExecutionView) => view.currentStepName === value && view.status === 'Waiting';
    if (!waitsAt(before))
      return { kind: 'other', detail: `Step ${value} was not waiting: ${whereNow(before)}.` };
    return waitsAt(after) ? { kind: 'pending' } : { kind: 'applied' };
  }
  // StopStep: the view does not show whether the step was stopped or ended otherwise: unknown.
  return { kind: 'pending' };
};

export const judge = (
  intent: Intent,
  before: ExecutionView,
  after: ExecutionView,
  gateId?: string,
): Judgement => {
  switch (intent.action) {
    case 'approve':
    case 'reject':
      return judgeDecision(intent.action, targetGate(before, gateId), after, intent.seat);
    case 'stop':
      return judgeStop(intent.stopType ?? 'Cancel', before, after);
    default:
      if (intent.signalType === 'Approve' || intent.signalType === 'Reject') {
        return judgeDecision(
          intent.signalType === 'Approve' ? 'approve' : 'reject',
          targetGate(before),
          after,
          intent.seat,
        );
      }
      return judgeStepSignal(intent, before, after);
  }
};
