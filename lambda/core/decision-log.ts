/** The audit line of every decision SSM accepted: who, through which channel, what was sent. */
import type { Identity } from '../auth/authenticate';
import type { SignalResult, StopResult } from './decisions';
import { logger } from './logger';

const LOG_MESSAGES = {
  sent: 'Decision sent',
  applied: 'Decision applied (SSM’s answer was lost; the execution shows it)',
  'already-done': 'Decision already made',
} as const;

export const logDecision = (
  result: SignalResult | StopResult,
  identity: Identity | undefined,
  outcome: 'sent' | 'applied' | 'already-done' = 'sent',
): void => {
  logger.info(LOG_MESSAGES[outcome], {
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
