/**
 * One decision, carried out so that its answer is true (DESIGN.md §3, "Truthful answers"):
 * 1. read the execution: an API client's scope must cover its runbook, and the gate a step-bound link
 *    names must be the waiting one; the target gate is remembered for step 4;
 * 2. send the mutating call, within the request's budget, recording whether any attempt may have
 *    reached SSM without an answer;
 * 3. SSM accepted: done;
 * 4. SSM's answer was lost, or a retry was refused as "not accepted now": read the execution again and
 *    answer from it: applied (200), already so (200, nothing more to do), decided otherwise (409), or
 *    outcome unknown (504, with how to check). "Try again" is left to the one case where nothing was
 *    sent: the connection was never made.
 */
import { type SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { authorizeApiRunbook, type Identity } from '../auth/authenticate';
import type { LinkAction } from '../auth/link-token';
import { DecidedOtherwiseError, OutcomeUnknownError } from '../core/errors';
import { readExecution } from '../core/ssm-requests';
import type { ExecutionView } from '../gate/execution-view';
import { assessGate, type GateState } from '../gate/gate-check';
import { sendTracked } from './attempts';
import {
  AFTER_FIRST_READ_RESERVE_MS,
  AFTER_MUTATION_RESERVE_MS,
  ANSWER_RESERVE_MS,
  type Budget,
} from './budget';
import { type Intent, judge } from './outcome';

/** SSM's answers to a decision that the execution's state no longer takes. */
const REFUSED_NOW = new Set(['InvalidAutomationSignalException', 'InvalidAutomationStatusUpdateException']);

export type DecisionOutcome =
  /** SSM accepted the call. */
  | { readonly kind: 'sent'; readonly ssmRequestId?: string }
  /** SSM's answer was lost, and the execution shows the decision: it was applied. */
  | { readonly kind: 'applied'; readonly ssmRequestId?: string }
  /** The execution already showed this decision, made before this request: nothing more was done. */
  | Extract<GateState, { kind: 'already' }>;

export interface DecisionRequest {
  readonly client: SSMClient;
  readonly executionId: string;
  readonly identity: Identity;
  readonly intent: Intent;
  /** The SendAutomationSignal or StopAutomationExecution command, built by the caller. */
  readonly command: object;
  readonly budget: Budget;
}

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
  const gate = identity.kind === 'link' ? identity.gate : undefined;
  const before: ExecutionView = await readExecution(
    client,
    executionId,
    budget.signal(AFTER_FIRST_READ_RESERVE_MS),
  );
  if (identity.kind === 'api') authorizeApiRunbook(identity, before.documentName);
  if (gate !== undefined) {
    // A link never carries `signal` (authorizeLink refuses it before the handler runs).
    const state = assessGate(before, intent.action as LinkAction, gate);
    if (state.kind === 'already') return state;
  }
  const sent = await sendTracked(client, request.command, budget.signal(AFTER_MUTATION_RESERVE_MS));
  if (sent.ok) return { kind: 'sent', ...requestIdOf(sent.output) };
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
