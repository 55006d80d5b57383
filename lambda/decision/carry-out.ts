/**
 * One decision, carried out so that its answer is true (DESIGN.md §3, "Truthful answers"):
 * 1. read the execution: an API client's scope must cover its runbook, and the gate a step-bound link
 *    names must be the waiting one; the target gate is remembered for step 4;
 * 2. send the mutating call, within the request's budget, once per attempt and with no retry inside
 *    the SDK: Approve names only the execution, so an SDK retry of an applied Approve would decide
 *    whichever gate waits next. A new attempt is made only after one that provably did nothing (the
 *    connection was never made, or SSM throttled it), and only after reading the execution again: the
 *    gate aimed at must still be the one waiting;
 * 3. SSM accepted: done;
 * 4. SSM's answer was lost, or a retry was refused as "not accepted now": read the execution again and
 *    answer from it: applied (200), already so (200, nothing more to do), decided otherwise (409), or
 *    outcome unknown (504, with how to check). "Try again" is left to the one case where nothing was
 *    sent: the connection was never made.
 */
import { type SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { authorizeApiRunbook, gateOf, type Identity } from '../auth/authenticate';
import type { LinkAction } from '../auth/link-token';
import { DecidedOtherwiseError, OutcomeUnknownError } from '../core/errors';
import { THROTTLING_ERRORS } from '../core/problem';
import { readExecution } from '../core/ssm-requests';
import type { ExecutionView, GateView } from '../gate/execution-view';
import { assessGate, type GateState, whereNow } from '../gate/gate-check';
import { type Sent, sendTracked } from './attempts';
import {
  AFTER_FIRST_READ_RESERVE_MS,
  AFTER_MUTATION_RESERVE_MS,
  ANSWER_RESERVE_MS,
  type Budget,
} from './budget';
import { type Intent, judge, targetGate } from './outcome';

/** Attempts at the mutating call, each made only after the previous one provably did nothing. */
export const MAX_MUTATION_ATTEMPTS = 3;

/** The attempt did nothing: the connection was never made, or SSM throttled it. */
const provablyNothingDone = (sent: Extract<Sent<unknown>, { ok: false }>): boolean => {
  const last = sent.attempts.at(-1);
  return (
    !sent.maybeApplied &&
    (last === 'not-sent' ||
      (last === 'refused' &&
        sent.error instanceof SSMServiceException &&
        THROTTLING_ERRORS.has(sent.error.name)))
  );
};

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** SSM's answers to a decision that the execution's state no longer takes. */
const REFUSED_NOW = new Set(['InvalidAutomationSignalException', 'InvalidAutomationStatusUpdateException']);

export type DecisionOutcome =
  /** SSM accepted the call. `gate`: the approval step it aimed at, as read before. */
  | { readonly kind: 'sent'; readonly ssmRequestId?: string; readonly gate?: GateView }
  /** SSM's answer was lost, and the execution shows the decision: it was applied. */
  | { readonly kind: 'applied'; readonly ssmRequestId?: string; readonly gate?: GateView }
  /** The execution already showed this decision, made before this request: nothing more was done. */
  | Extract<GateState, { kind: 'already' }>;

export interface DecisionRequest {
  /** Reads the execution (with the SDK's retries). */
  readonly client: SSMClient;
  /**
   * Sends the mutating call: a client with `maxAttempts: 1`, so that the SDK never repeats a call that
   * may have been applied. @default client
   */
  readonly mutationClient?: SSMClient;
  readonly executionId: string;
  readonly identity: Identity;
  readonly intent: Intent;
  /** Builds the SendAutomationSignal or StopAutomationExecution command (a fresh one per attempt). */
  readonly command: () => object;
  /**
   * A check of the execution as first read, before anything is sent (a Slack button must name the
   * execution's runbook); it throws to refuse.
   */
  readonly authorize?: (before: ExecutionView) => void;
  readonly budget: Budget;
  /**
   * The execution as {@link readAndCheck} already read and checked it for this request (the quorum path
   * reads it first to choose a seat): step 1 is then not done again.
   */
  readonly checked?: ExecutionView;
}

/** What step 1 found: the execution as read, or that it already shows this decision. */
export type Checked =
  | { readonly kind: 'checked'; readonly before: ExecutionView }
  | Extract<GateState, { kind: 'already' }>;

/**
 * Step 1 alone: reads the execution and refuses what may not be done on it (an API client's runbook scope,
 * the caller's own check, a step-bound credential's gate), or finds the decision already there.
 */
export const readAndCheck = async (
  request: Pick<DecisionRequest, 'client' | 'executionId' | 'identity' | 'intent' | 'authorize' | 'budget'>,
): Promise<Checked> => {
  const { client, executionId, identity, intent, budget } = request;
  const gate = gateOf(identity);
  const before: ExecutionView = await readExecution(
    client,
    executionId,
    budget.signal(AFTER_FIRST_READ_RESERVE_MS),
  );
  if (identity.kind === 'api') authorizeApiRunbook(identity, before.documentName);
  request.authorize?.(before);
  if (gate !== undefined) {
    // A link never carries `signal` (authorizeLink refuses it before the handler runs).
    const state = assessGate(before, intent.action as LinkAction, gate);
    if (state.kind === 'already') return state;
  }
  return { kind: 'checked', before };
};

/** SSM's request id of an answer (or of the error that carried it), for the audit record. */
const requestIdOf = (answer: unknown): { ssmRequestId?: string } => {
  const id = (answer as { $metadata?: { requestId?: string } } | null)?.$metadata?.requestId;
  return id ? { ssmRequestId: id } : {};
};

export const howToCheck = (executionId: string): string =>
  `Check the execution before you try again: aws ssm get-automation-execution --automation-execution-id ${executionId} (or the Systems Manager console, Automation, Executions).`;

const outcomeUnknown = (executionId: string, cause: unknown): OutcomeUnknownError =>
  new OutcomeUnknownError(
    'outcome-unknown',
    `SSM may have applied the decision, but its answer was lost and the execution does not show the outcome yet. ${howToCheck(executionId)}`,
    { cause },
  );

const alreadyFrom = (state: Extract<ReturnType<typeof judge>, { kind: 'applied' }>): DecisionOutcome => {
  const outcome = state.gate?.outcome;
  const by = outcome?.decisions.find((d) => d.comment !== undefined)?.comment;
  return {
    kind: 'already',
    ...(state.gate ? { gate: state.gate } : {}),
    ...(outcome?.endedAt ? { at: outcome.endedAt } : {}),
    ...(by ? { by } : {}),
  };
};

export const carryOut = async (request: DecisionRequest): Promise<DecisionOutcome> => {
  const { client, executionId, identity, intent, budget } = request;
  const gate = gateOf(identity);
  let before: ExecutionView;
  if (request.checked !== undefined) {
    before = request.checked;
  } else {
    const checked = await readAndCheck(request);
    if (checked.kind === 'already') return checked;
    before = checked.before;
  }
  const mutationClient = request.mutationClient ?? client;
  const target = targetGate(before, gate?.stepExecutionId);
  let sent = await sendTracked(mutationClient, request.command(), budget.signal(AFTER_MUTATION_RESERVE_MS));
  for (
    let attempt = 2;
    !sent.ok && attempt <= MAX_MUTATION_ATTEMPTS && provablyNothingDone(sent);
    attempt += 1
  ) {
    const signal = budget.signal(AFTER_MUTATION_RESERVE_MS);
    await pause(100 * 2 ** attempt, signal);
    if (signal.aborted) break;
    // Nothing was done, but time passed: the gate aimed at must still be the one waiting.
    const now = await readExecution(client, executionId, budget.signal(AFTER_MUTATION_RESERVE_MS));
    if (gate !== undefined) {
      const state = assessGate(now, intent.action as LinkAction, gate);
      if (state.kind === 'already') return state;
    } else if (target !== undefined && targetGate(now)?.stepExecutionId !== target.stepExecutionId) {
      throw new DecidedOtherwiseError(
        'decided-otherwise',
        `Your decision was not applied: the approval step ${target.stepName} stopped waiting before it could be sent; ${whereNow(now)}.`,
        { cause: sent.error },
      );
    }
    sent = await sendTracked(mutationClient, request.command(), signal);
  }
  if (sent.ok) return { kind: 'sent', ...requestIdOf(sent.output), ...(target ? { gate: target } : {}) };
  const refusedNow = sent.error instanceof SSMServiceException && REFUSED_NOW.has(sent.error.name);
  if (!sent.maybeApplied && !refusedNow) throw sent.error;

  let after: ExecutionView;
  try {
    after = await readExecution(client, executionId, budget.signal(ANSWER_RESERVE_MS));
  } catch {
    if (sent.maybeApplied) throw outcomeUnknown(executionId, sent.error);
    throw sent.error;
  }
  const judgement = judge(intent, before, after, gate?.stepExecutionId);
  if (judgement.kind === 'applied') {
    return sent.maybeApplied ? { kind: 'applied', ...requestIdOf(sent.error) } : alreadyFrom(judgement);
  }
  if (judgement.kind === 'other') {
    // A step-bound link gets the gate check's own words, which name its gate and where the run is now.
    if (gate !== undefined) assessGate(after, intent.action as LinkAction, gate);
    throw new DecidedOtherwiseError(
      'decided-otherwise',
      `Your decision was not applied: ${judgement.detail}`,
      {
        cause: sent.error,
      },
    );
  }
  if (sent.maybeApplied) throw outcomeUnknown(executionId, sent.error);
  throw sent.error;
};
