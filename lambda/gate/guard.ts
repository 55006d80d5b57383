/**
 * Runs a decision of a step-bound link only while its gate waits (DESIGN.md §1): read the execution,
 * assess the gate, act, and when SSM then refuses the signal (someone was faster: a double click, a
 * second tab) read again to tell "the same decision is already there" from "the run moved on".
 * Identities without a gate (API clients, links made by hand) act as before, without a read.
 */
import { type SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import type { Identity } from '../auth/authenticate';
import type { LinkAction, MutatingAction } from '../auth/link-token';
import { readExecution } from '../core/ssm-requests';
import { assessGate, type GateState } from './gate-check';

/** SSM's answers to a decision that the execution's state no longer takes. */
const REFUSED_NOW = new Set(['InvalidAutomationSignalException', 'InvalidAutomationStatusUpdateException']);

export const actAtGate = async (
  client: SSMClient,
  executionId: string,
  action: MutatingAction,
  identity: Identity,
  act: () => Promise<void>,
): Promise<GateState> => {
  const gate = identity.kind === 'link' ? identity.gate : undefined;
  if (gate === undefined) {
    await act();
    return { kind: 'open' };
  }
  // A link never carries `signal` (authorizeLink refuses it before the handler runs).
  const linkAction = action as LinkAction;
  const before = assessGate(await readExecution(client, executionId), linkAction, gate);
  if (before.kind === 'already') return before;
  try {
    await act();
  } catch (error) {
    if (!(error instanceof SSMServiceException) || !REFUSED_NOW.has(error.name)) throw error;
    // Throws GateClosedError when the run moved on; SSM's own error stands if the gate still waits.
    const after = assessGate(await readExecution(client, executionId), linkAction, gate);
    if (after.kind === 'already') return after;
    throw error;
  }
  return before;
};
