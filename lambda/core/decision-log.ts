/**
 * The audit record (README, "Audit record"). Every log line of a mutating request carries who asked and
 * from where: `sourceIp`, `userAgent` (from the request), `actor`, `channel`, `tokenId`, `keyId` and, for
 * step-bound links and Slack buttons, `gate` and `stepExecutionId` (once authenticated). A Slack click adds
 * `slackUserId`, `slackTeamId` and `slackChannelId`: the user id is who decided (names can change), the
 * team and channel where the button was. The decision's own line adds the `outcome`, what was sent, and
 * SSM's `ssmRequestId`; a refused request's line (the error responder's) carries `outcome: refused`, its
 * status and reason instead.
 *
 * The decision's line is also where the `Decisions` metric is counted (lambda/core/metrics.ts), so every
 * path that audits a decision (the HTTP routes, the Slack job) counts it, under the same channel.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Identity } from '../auth/authenticate';
import type { SignalResult, StopResult } from './decisions';
import { logger } from './logger';
import { type DecisionChannel, type DecisionOutcome, recordDecision } from './metrics';

const LOG_MESSAGES = {
  sent: 'Decision sent',
  applied: 'Decision applied (SSM’s answer was lost; the execution shows it)',
  'already-done': 'Decision already made',
} as const;

export type DecisionLogOutcome = keyof typeof LOG_MESSAGES;

const METRIC_OUTCOMES: Readonly<Record<DecisionLogOutcome, DecisionOutcome>> = {
  sent: 'sent',
  applied: 'applied',
  'already-done': 'already',
};

/** The channel a decision is counted under: a link's `via` when it has one, as the audit keys say. */
export const decisionChannelOf = (identity: Identity): DecisionChannel =>
  identity.kind === 'link' ? (identity.via ?? identity.channel) : identity.channel;

/**
 * The channel of the caller of the current invocation, set by the handler chains once the caller is known
 * (lambda/middleware/chain.ts after authentication; the Slack decision job's chain) and cleared when the
 * invocation ends. Module state like the logger's keys: Lambda runs one invocation at a time per
 * execution environment. It lets {@link logDecision} keep its signature (its callers know the result, not
 * the caller's channel).
 */
let callerChannel: DecisionChannel | undefined;

export const setCallerChannel = (channel: DecisionChannel | undefined): void => {
  callerChannel = channel;
};

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
          channel: decisionChannelOf(identity),
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

/**
 * The decision's audit line, and its count in the `Decisions` metric. `channel` defaults to the caller's
 * channel of the invocation ({@link setCallerChannel}); `unknown` when no chain set one.
 */
export const logDecision = (
  result: SignalResult | StopResult,
  outcome: DecisionLogOutcome,
  ssmRequestId: string | undefined,
  channel: DecisionChannel = callerChannel ?? 'unknown',
): void => {
  logger.info(LOG_MESSAGES[outcome], {
    outcome,
    executionId: result.executionId,
    action: result.action,
    operation: result.operation,
    ...('signalType' in result ? { signalType: result.signalType } : { stopType: result.stopType }),
    ...(ssmRequestId ? { ssmRequestId } : {}),
  });
  recordDecision({ action: result.action, outcome: METRIC_OUTCOMES[outcome], channel });
};
