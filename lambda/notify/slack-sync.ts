/**
 * Keeps posted Slack messages true (issue 9, "Messages stay true"): once a gate no longer waits, because it
 * was decided elsewhere (a link, an API client, the console), timed out, or the run ended, each of its
 * posted messages still showing buttons is replaced (`chat.update`) by what SSM says happened, and marked
 * closed in the table so that the next status-change event leaves it alone.
 *
 * One update per message, although several syncs run for the same close at about the same time (the Slack
 * function's after a click, the notifier's for each status-change event: step and run): each message is
 * claimed first (SlackPostStore.claimClose, a conditional write only one sync wins), and a message another
 * sync claimed is skipped, since that sync makes the update. The claimer then records the message closed, or
 * gives the claim back when the update failed and fails itself, so that its own retry (or the next sync)
 * updates the message. The trade-off: a sync that crashes between claim and update (its Lambda timed out)
 * leaves the message with its buttons until a sync after the claim went stale (CLOSE_CLAIM_STALE_SECONDS,
 * 60 s): Lambda's retry of the crashed invocation, or the run's next status-change event. Repeating the
 * update instead, or not claiming at all, would show every message updated two or three times per decision.
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
import { parseSeats } from '../quorum/seats';
import { tallyOf } from '../quorum/tally';
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
 * wrote it (SSM names the signal role, or one of the approver seats, as the approver); otherwise SSM's
 * approver and the comment as typed.
 */
const deciderOf = (
  decision: Decision | undefined,
  webhookRoles: readonly string[],
): Pick<DecidedMessageInput['outcome'], 'by' | 'where' | 'comment'> => {
  if (decision === undefined) return {};
  const { approver } = decision;
  if (approver === undefined || !webhookRoles.some((role) => actedAsRole(approver, role))) {
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
 * comment with no "by". A quorum gate (MinRequiredApprovals > 1) also shows its approvals (tallyOf).
 *
 * @param seats the approver seats (seat 1 is the signal role): a quorum gate's decisions are made as them.
 */
export const closedGateMessage = (
  view: ExecutionView,
  gate: GateView,
  signalRoleArn: string,
  seats: readonly string[] = [],
): SlackMessage => {
  const result = resultOf(view, gate);
  const decision = decisionOf(gate.outcome, result);
  const at = decision?.at ?? gate.outcome?.endedAt ?? view.endedAt;
  const webhookRoles = seats.includes(signalRoleArn) ? seats : [signalRoleArn, ...seats];
  return decidedMessage({
    notification: { execution: view, gate },
    outcome: { result, ...deciderOf(decision, webhookRoles), ...(at ? { at } : {}) },
    ...(gate.minRequiredApprovals > 1 ? { tally: tallyOf(gate, webhookRoles) } : {}),
  });
};

/**
 * The approver seats from APPROVER_SEAT_ROLE_ARNS, for the functions that update messages without deciding
 * (the notifier's sync): none when unset, and none (warned) when unreadable, since a message is still
 * closed correctly, only naming a seat's decider by its role.
 */
export const seatsForMessages = (logger: Pick<Logger, 'warn'>, env: NodeJS.ProcessEnv = process.env) => {
  try {
    return parseSeats(env);
  } catch (error) {
    logger.warn('Approver seats not readable: Slack messages name their deciders by role', {
      error: error as Error,
    });
    return [];
  }
};

export interface SlackSyncDependencies {
  readonly posts: SlackPostStore;
  /** The webhook's signal role: only decisions SSM recorded for it carry comments the webhook wrote. */
  readonly signalRoleArn: string;
  /** The bot's WebClient, or undefined when the secret has no bot token. */
  readonly slack: () => Promise<WebClient | undefined>;
  readonly logger: Logger;
  /** When a claim is made (claimClose). @default () => new Date() */
  readonly now?: () => Date;
  /** The approver seats (seat 1 first). @default from APPROVER_SEAT_ROLE_ARNS ({@link seatsForMessages}) */
  readonly seats?: readonly string[];
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
 * For every gate of the run that no longer waits (a finished run closes every gate), claims each of its
 * posted messages not yet closed, chat.updates it, then markClosed; a message another sync claimed is
 * skipped (that sync updates it). A failed update gives the claim back, is logged, and is rethrown after the
 * others were tried.
 *
 * Returns how many recorded messages of those gates need nothing more: closed before, updated (or found
 * gone) now, or claimed by the sync that updates them; not how many this call updated, which depends on
 * which of several syncs at once won each claim. 0 means that none is recorded: only then does the Slack
 * function update the clicked message of a closed gate itself (lambda/slack/decision-job.ts, `synced > 0`),
 * and counting only this call's updates would make it update a message the notifier's sync had just
 * updated or claimed.
 */
export const syncSlackMessages = async (
  deps: SlackSyncDependencies,
  view: ExecutionView,
): Promise<number> => {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  let seats = deps.seats;
  let client: WebClient | undefined;
  let settled = 0;
  const failures: unknown[] = [];
  for (const gate of closedGates(view)) {
    const key: GateKey = { executionId: view.executionId, stepExecutionId: gate.stepExecutionId };
    let open: PostedMessage[];
    try {
      const recorded = await deps.posts.postsOf(key);
      open = recorded.filter((post) => post.closed === undefined);
      settled += recorded.length - open.length;
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
    seats ??= seatsForMessages(logger);
    const message = closedGateMessage(view, gate, deps.signalRoleArn, seats);
    for (const post of open) {
      const where = { ...key, gate: gate.stepName, channelId: post.channelId, ts: post.ts, result };
      try {
        // The client before the claim: without a token nothing is claimed that would then wait to go stale.
        client ??= await deps.slack();
        if (!client) throw new ConfigurationError(NO_BOT_TOKEN);
        const claimedAt = now();
        if (await deps.posts.claimClose(key, post.channelId, claimedAt)) {
          await closeClaimed(deps, client, { key, post, result, message, claimedAt, where });
        } else {
          logger.info('Slack message left to the sync that claimed it (or closed it meanwhile)', where);
        }
        settled += 1;
      } catch (error) {
        logger.error('Slack message not updated', { ...where, error: error as Error });
        failures.push(error);
      }
    }
  }
  if (failures.length > 0) throw failures[0];
  return settled;
};

/**
 * The one update of a message this sync claimed. Marked closed after it, also when Slack says it can never
 * be updated (the message or channel is gone: warned). Any other failure of the update gives the claim back
 * and is thrown. A failure of markClosed itself keeps the claim: the message already shows the result (or
 * never can), and once the claim is stale a later sync only writes the same message again.
 */
const closeClaimed = async (
  deps: SlackSyncDependencies,
  client: WebClient,
  claimed: {
    readonly key: GateKey;
    readonly post: PostedMessage;
    readonly result: GateResult;
    readonly message: SlackMessage;
    readonly claimedAt: Date;
    readonly where: Record<string, unknown>;
  },
): Promise<void> => {
  const { key, post, result, message, claimedAt, where } = claimed;
  try {
    await client.chat.update({
      channel: post.channelId,
      ts: post.ts,
      text: message.text,
      blocks: message.blocks,
    });
  } catch (error) {
    const permanent = permanentSlackError(error);
    if (permanent === undefined) {
      await releaseClaim(deps, key, post.channelId, claimedAt, where);
      throw error;
    }
    deps.logger.warn('Slack message left as it is: Slack cannot update it any more', {
      ...where,
      slackError: permanent,
    });
    await deps.posts.markClosed(key, post.channelId, result);
    return;
  }
  await deps.posts.markClosed(key, post.channelId, result);
  deps.logger.info('Slack message updated: the gate no longer waits', where);
};

/**
 * Gives the claim back so that the next sync updates the message at once. When that fails too, the claim
 * goes stale after CLOSE_CLAIM_STALE_SECONDS instead; logged, but the update's failure is the one thrown.
 */
const releaseClaim = async (
  deps: SlackSyncDependencies,
  key: GateKey,
  channelId: string,
  claimedAt: Date,
  where: Record<string, unknown>,
): Promise<void> => {
  try {
    await deps.posts.releaseClose(key, channelId, claimedAt);
  } catch (error) {
    deps.logger.error(
      'Slack message claim not given back: the next sync updates it once the claim is stale',
      {
        ...where,
        error: error as Error,
      },
    );
  }
};
