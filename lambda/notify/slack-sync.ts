/**
 * Keeps posted Slack messages true (issue 9, "Messages stay true"): once a gate no longer waits, because it
 * was decided elsewhere (a link, an API client, the console), timed out, or the run ended, each of its
 * posted messages still showing buttons is replaced (`chat.update`) by what SSM says happened, and marked
 * closed in the table so that the next status-change event leaves it alone.
 *
 * Only SSM's record is used, never what a click or a page said it did: the gate's outcome (result, end
 * time) and the first decision's Comment, which composeComment wrote when the webhook decided
 * (`Approved via e-mail link by alice@example.com: ok`) and parseRecordedComment reads back. A comment
 * is believed only when SSM recorded the webhook's signal role as the approver: anyone else may type the
 * same words. Another approver's decision (the console, the CLI) names that principal, with its comment.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ErrorCode, type WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { parseRecordedComment } from '../auth/identity-comment';
import { ConfigurationError } from '../core/errors';
import { actedAsRole } from '../gate/approvers';
import type { ExecutionView, GateOutcome, GateView } from '../gate/execution-view';
import { NO_BOT_TOKEN } from './channels/slack';
import {
  type DecidedMessageInput,
  decidedMessage,
  type GateResult,
  type SlackMessage,
} from './channels/slack-message';
import type { GateKey, PostedMessage, SlackPostStore } from './slack-posts';

/** A gate of a finished run that SSM still shows waiting (or never ended) closed with the run: why, by status. */
const RESULT_OF_RUN: Readonly<Record<string, GateResult>> = {
  Cancelled: 'Cancelled',
  Cancelling: 'Cancelled',
  TimedOut: 'TimedOut',
  Failed: 'Failed',
};

/** The decision word SSM records for each result (ApproverDecisions' `Decision`). */
const DECISION_OF: Partial<Readonly<Record<GateResult, string>>> = {
  Approved: 'Approve',
  Rejected: 'Reject',
};

/** What happened at the gate: its own outcome, else (a finished run) the run's end. */
const resultOf = (view: ExecutionView, gate: GateView): GateResult =>
  gate.outcome?.result ?? RESULT_OF_RUN[view.status] ?? 'Other';

/**
 * The decision that made the result: the first whose Decision matches it (with several approvers, the one
 * Reject that rejected), else the first. None for a gate nobody decided.
 */
const decisionOf = (
  outcome: GateOutcome | undefined,
  result: GateResult,
): GateOutcome['decisions'][number] | undefined => {
  const wanted = DECISION_OF[result];
  if (!outcome || wanted === undefined) return undefined;
  return outcome.decisions.find((decision) => decision.decision === wanted) ?? outcome.decisions[0];
};

type Decision = GateOutcome['decisions'][number];

/** A decision someone else made: the principal SSM recorded (an ARN) and their own comment. */
const foreignDecider = (
  decision: Decision,
): Pick<DecidedMessageInput['outcome'], 'by' | 'where' | 'comment'> => ({
  where: 'AWS (console, CLI or API)',
  ...(decision.approver ? { by: { name: decision.approver } } : {}),
  ...(decision.comment?.trim() ? { comment: decision.comment } : {}),
});

/**
 * Who decided, through which channel, and their comment: the recorded Comment tells when the webhook
 * wrote it (SSM names the signal role as the approver); otherwise SSM's approver and the comment as typed.
 */
const deciderOf = (
  decision: Decision | undefined,
  signalRoleArn: string,
): Pick<DecidedMessageInput['outcome'], 'by' | 'where' | 'comment'> => {
  if (decision === undefined) return {};
  if (decision.approver === undefined || !actedAsRole(decision.approver, signalRoleArn)) {
    return foreignDecider(decision);
  }
  const comment = decision.comment;
  if (comment === undefined || comment.trim() === '') return {};
  const recorded = parseRecordedComment(comment);
  if (!recorded) return { comment };
  const said = recorded.comment === undefined ? {} : { comment: recorded.comment };
  if (recorded.slackUserId !== undefined) {
    // In Slack, a mention says who; "via Slack" would only repeat where the reader is.
    return { by: { slackUserId: recorded.slackUserId, name: recorded.name }, ...said };
  }
  return { where: recorded.via, by: { name: recorded.name }, ...said };
};

/**
 * The message a gate's post becomes once it no longer waits (decidedMessage), built only from SSM's truth:
 * gate.outcome (result, endedAt) and parseRecordedComment(first decision comment) — a Slack decision
 * mentions the user (<@U…>), others say via/by; a comment the webhook did not write is shown as the
 * comment with no "by".
 */
export const closedGateMessage = (
  view: ExecutionView,
  gate: GateView,
  signalRoleArn: string,
): SlackMessage => {
  const result = resultOf(view, gate);
  const decision = decisionOf(gate.outcome, result);
  const at = decision?.at ?? gate.outcome?.endedAt ?? view.endedAt;
  return decidedMessage({
    notification: { execution: view, gate },
    outcome: { result, ...deciderOf(decision, signalRoleArn), ...(at ? { at } : {}) },
  });
};

export interface SlackSyncDependencies {
  readonly posts: SlackPostStore;
  /** The webhook's signal role: only decisions SSM recorded for it carry comments the webhook wrote. */
  readonly signalRoleArn: string;
  /** The bot's WebClient, or undefined when the secret has no bot token. */
  readonly slack: () => Promise<WebClient | undefined>;
  readonly logger: Logger;
}

/**
 * Slack errors after which an update can never succeed: the message or channel is gone or archived, or the
 * message is not the bot's. The post is marked closed (and a warning logged) instead of failing every
 * later status change of the run.
 */
const PERMANENT_UPDATE_ERRORS: ReadonlySet<string> = new Set([
  'message_not_found',
  'channel_not_found',
  'is_archived',
  'cant_update_message',
]);

const permanentSlackError = (error: unknown): string | undefined => {
  const platform = error as Partial<WebAPIPlatformError>;
  const code = platform?.code === ErrorCode.PlatformError ? platform.data?.error : undefined;
  return code !== undefined && PERMANENT_UPDATE_ERRORS.has(code) ? code : undefined;
};

/** The gates whose messages must show a final state: all of a finished run's, else those that ended. */
const closedGates = (view: ExecutionView): readonly GateView[] =>
  view.finished ? view.gates : view.gates.filter((gate) => !gate.waiting && gate.outcome !== undefined);

/**
 * For every gate of the run that no longer waits (a finished run closes every gate), chat.update each of
 * its posted messages not yet closed, then markClosed. Returns how many messages were updated. A failed
 * update is logged and rethrown after the others were tried.
 */
export const syncSlackMessages = async (
  deps: SlackSyncDependencies,
  view: ExecutionView,
): Promise<number> => {
  const { logger } = deps;
  let client: WebClient | undefined;
  let updated = 0;
  const failures: unknown[] = [];
  for (const gate of closedGates(view)) {
    const key: GateKey = { executionId: view.executionId, stepExecutionId: gate.stepExecutionId };
    let open: PostedMessage[];
    try {
      open = (await deps.posts.postsOf(key)).filter((post) => post.closed === undefined);
    } catch (error) {
      logger.error('Slack messages not updated: their records could not be read', {
        ...key,
        gate: gate.stepName,
        error: error as Error,
      });
      failures.push(error);
      continue;
    }
    if (open.length === 0) continue;
    const result = resultOf(view, gate);
    const message = closedGateMessage(view, gate, deps.signalRoleArn);
    for (const post of open) {
      const where = { ...key, gate: gate.stepName, channelId: post.channelId, ts: post.ts, result };
      try {
        client ??= await deps.slack();
        if (!client) throw new ConfigurationError(NO_BOT_TOKEN);
        try {
          await client.chat.update({
            channel: post.channelId,
            ts: post.ts,
            text: message.text,
            blocks: message.blocks,
          });
        } catch (error) {
          const permanent = permanentSlackError(error);
          if (permanent === undefined) throw error;
          logger.warn('Slack message left as it is: Slack cannot update it any more', {
            ...where,
            slackError: permanent,
          });
          await deps.posts.markClosed(key, post.channelId, result);
          continue;
        }
        await deps.posts.markClosed(key, post.channelId, result);
        updated += 1;
        logger.info('Slack message updated: the gate no longer waits', where);
      } catch (error) {
        logger.error('Slack message not updated', { ...where, error: error as Error });
        failures.push(error);
      }
    }
  }
  if (failures.length > 0) throw failures[0];
  return updated;
};
