/**
 * The gate check (DESIGN.md §1, §3): SendAutomationSignal names only the execution, so a decision meant
 * for one approval step would land on whichever step waits now. Before a step-bound link acts, the
 * function reads the execution and this module decides, purely, whether the link's gate is the one
 * waiting, whether the same decision is already there (a double click, a second tab), or why not.
 */
import type { GateRef, LinkAction } from '../auth/link-token';
import { WebhookError } from '../core/errors';
import { type ExecutionView, findGate, type GateView, waitingGates } from './execution-view';

/** 409: the link's gate no longer waits; the detail names the link's gate and where the run is now. */
export class GateClosedError extends WebhookError {
  readonly status = 409;
  readonly title = 'This approval step is no longer waiting';
}

/** What the link may do now, or why it may not (`closed`, see {@link inspectGate}). */
export type GateInspection = GateState | { readonly kind: 'closed'; readonly error: GateClosedError };

/** What the link may do now. */
export type GateState =
  /** The link's gate waits (or, for a link without a gate, some gate waits): act. */
  | { readonly kind: 'open'; readonly gate?: GateView }
  /** The execution already shows this very decision: nothing to do, and nothing went wrong. */
  | { readonly kind: 'already'; readonly gate?: GateView; readonly at?: Date; readonly by?: string };

const UTC_TIME = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const RESULT_WORDS: Readonly<Record<string, string>> = {
  Approved: 'approved',
  Rejected: 'rejected',
  TimedOut: 'timed out',
  Cancelled: 'cancelled',
  Failed: 'failed',
};

/** Where the run is now, in words: `the runbook is now waiting at gate ApproveProduction`. */
export const whereNow = (view: ExecutionView): string => {
  if (view.finished) return `the runbook has finished (${view.status})`;
  const waiting = waitingGates(view)[0];
  if (waiting) return `the runbook is now waiting at gate ${waiting.stepName}`;
  return view.currentStepName
    ? `the runbook is now at step ${view.currentStepName} (${view.status})`
    : `the runbook is ${view.status}`;
};

/** What happened at a gate that no longer waits: `ApproveStaging was approved at 2026-12-01 16:04 UTC`. */
export const whatHappened = (gate: GateView): string => {
  const outcome = gate.outcome;
  if (!outcome) return `${gate.stepName} is ${gate.stepStatus}`;
  const word = RESULT_WORDS[outcome.result] ?? `ended (${outcome.stepStatus})`;
  return `${gate.stepName} was ${word}${outcome.endedAt ? ` at ${UTC_TIME(outcome.endedAt)}` : ''}`;
};

/** The decision a gate shows: the first recorded decision's comment says who (the webhook writes it). */
const recordedBy = (gate: GateView): string | undefined =>
  gate.outcome?.decisions.find((d) => d.comment !== undefined)?.comment;

const sameDecision = (gate: GateView, action: LinkAction): boolean =>
  (action === 'approve' && gate.outcome?.result === 'Approved') ||
  (action === 'reject' && gate.outcome?.result === 'Rejected');

const already = (gate: GateView | undefined, at: Date | undefined, by: string | undefined): GateState => ({
  kind: 'already',
  ...(gate ? { gate } : {}),
  ...(at ? { at } : {}),
  ...(by ? { by } : {}),
});

/**
 * Decides what a link may do on this execution now.
 * - step-bound link (`gate` given): its gate must be the waiting one; else GateClosedError naming both, or
 *   `already` when that gate shows this same decision (for stop: the execution is already cancelled);
 * - link without a gate: approve and reject need some gate waiting (else GateClosedError); stop needs a
 *   run that has not finished (an already cancelled run is `already`).
 * @throws GateClosedError
 */
export const assessGate = (view: ExecutionView, action: LinkAction, gate?: GateRef): GateState => {
  const inspection = inspectGate(view, action, gate);
  if (inspection.kind === 'closed') throw inspection.error;
  return inspection;
};

/** {@link assessGate} without the throw: the confirmation page shows a closed gate instead of a button. */
export const inspectGate = (view: ExecutionView, action: LinkAction, gate?: GateRef): GateInspection => {
  const closed = (reason: string, detail: string): GateInspection => ({
    kind: 'closed',
    error: new GateClosedError(reason, detail),
  });
  const stopped = view.status === 'Cancelled' || view.status === 'Cancelling';
  if (gate === undefined) {
    if (action === 'stop') {
      if (stopped) return already(undefined, view.endedAt, undefined);
      if (view.finished) {
        return closed('execution-finished', `Nothing to stop: ${whereNow(view)}.`);
      }
      return { kind: 'open' };
    }
    const waiting = waitingGates(view)[0];
    if (waiting) return { kind: 'open', gate: waiting };
    return closed('no-gate-waiting', `The execution is not waiting for an approval: ${whereNow(view)}.`);
  }
  const found = findGate(view, gate.stepExecutionId);
  if (found?.waiting && !view.finished) return { kind: 'open', gate: found };
  if (action === 'stop' && stopped) return already(found, view.endedAt, undefined);
  if (found && sameDecision(found, action)) return already(found, found.outcome?.endedAt, recordedBy(found));
  if (!found) {
    return closed(
      'gate-not-found',
      `This link was for gate ${gate.stepName} (step execution ${gate.stepExecutionId}), which this execution does not show; ${whereNow(view)}.`,
    );
  }
  return closed(
    'gate-moved-on',
    `This link was for gate ${gate.stepName}; ${whatHappened(found)}; ${whereNow(view)}.`,
  );
};
