/** The audit line of every decision SSM accepted: who, through which channel, what was sent. */
import type { Identity } from '../auth/authenticate';
import type { SignalResult, StopResult } from './decisions';
import { logger } from './logger';

export const logDecision = (
  result: SignalResult | StopResult,
  identity: Identity | undefined,
  outcome: 'sent' | 'already-done' = 'sent',
): void => {
  logger.info(outcome === 'sent' ? 'Decision sent' : 'Decision already made', {
    outcome,
    executionId: result.executionId,
    action: result.action,
    operation: result.operation,
    ...('signalType' in result ? { signalType: result.signalType } : { stopType: result.stopType }),
    actor: identity?.name,
    channel: identity?.kind === 'link' && identity.via ? identity.via : identity?.channel,
    ...(identity?.kind === 'link' ? { tokenId: identity.tokenId } : {}),
    ...(identity?.kind === 'link' && identity.gate
      ? { gate: identity.gate.stepName, stepExecutionId: identity.gate.stepExecutionId }
      : {}),
  });
};
