/** The audit line of every decision SSM accepted: who, through which channel, what was sent. */
import type { Identity } from '../auth/authenticate';
import type { SignalResult, StopResult } from './decisions';
import { logger } from './logger';

export const logDecision = (result: SignalResult | StopResult, identity: Identity | undefined): void => {
  logger.info('Decision sent', {
    outcome: 'sent',
    executionId: result.executionId,
    action: result.action,
    operation: result.operation,
    ...('signalType' in result ? { signalType: result.signalType } : { stopType: result.stopType }),
    actor: identity?.name,
    channel: identity?.channel,
  });
};
