/**
 * The audit record (README, "Audit record"). Every log line of a mutating request carries who asked and
 * from where: `sourceIp`, `userAgent` (from the request), `actor`, `channel`, `tokenId`, `keyId` and, for
 * step-bound links and Slack buttons, `gate` and `stepExecutionId` (once authenticated). A Slack click adds
 * `slackUserId`, `slackTeamId` and `slackChannelId`: the user id is who decided (names can change), the
 * team and channel where the button was. The decision's own line adds the `outcome`, what was sent, and
 * SSM's `ssmRequestId`; a refused request's line (the error responder's) carries `outcome: refused`, its
 * status and reason instead.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Identity } from '../auth/authenticate';
import type { SignalResult, StopResult } from './decisions';
import { logger } from './logger';

const LOG_MESSAGES = {
  sent: 'Decision sent',
  applied: 'Decision applied (SSM’s answer was lost; the execution shows it)',
  'already-done': 'Decision already made',
} as const;

export type DecisionLogOutcome = keyof typeof LOG_MESSAGES;

/** Where the request came from, as API Gateway saw it. The user agent is cut to 256 characters. */
export const requestAuditKeys = (event: Pick<APIGatewayProxyEventV2, 'requestContext'>) => ({
  sourceIp: event.requestContext.http.sourceIp,
  userAgent: event.requestContext.http.userAgent?.slice(0, 256),
});

/**
 * Who is asking: a link's token id (`jti`) and key id (its channel: `email`, `webhook`, `teams`, or `link`
 * for a hand-made one); a Slack user's name and ids (`slackUserId`, `slackTeamId`, `slackChannelId`) with
 * the button value's `jti` and key id; or an API client's name and a short id of its token (the first 12
 * hex characters of the token's SHA-256, which the operator can match against the stored hash; it reveals
 * nothing of the token).
 */
export const identityAuditKeys = (identity: Identity, apiToken?: string) =>
  identity.kind === 'slack'
    ? {
        actor: identity.name,
        channel: identity.channel,
        slackUserId: identity.userId,
        slackTeamId: identity.teamId,
        slackChannelId: identity.slackChannelId,
        tokenId: identity.tokenId,
        keyId: identity.keyId,
        gate: identity.gate.stepName,
        stepExecutionId: identity.gate.stepExecutionId,
      }
    : identity.kind === 'link'
      ? {
          actor: identity.name,
          channel: identity.via ?? identity.channel,
          tokenId: identity.tokenId,
          ...(identity.keyId ? { keyId: identity.keyId } : {}),
          ...(identity.gate
            ? { gate: identity.gate.stepName, stepExecutionId: identity.gate.stepExecutionId }
            : {}),
        }
      : {
          actor: identity.name,
          channel: identity.channel,
          ...(apiToken
            ? { tokenId: createHash('sha256').update(apiToken, 'utf8').digest('hex').slice(0, 12) }
            : {}),
        };

export const logDecision = (
  result: SignalResult | StopResult,
  outcome: DecisionLogOutcome,
  ssmRequestId: string | undefined,
): void => {
  logger.info(LOG_MESSAGES[outcome], {
    outcome,
    executionId: result.executionId,
    action: result.action,
    operation: result.operation,
    ...('signalType' in result ? { signalType: result.signalType } : { stopType: result.stopType }),
    ...(ssmRequestId ? { ssmRequestId } : {}),
  });
};
