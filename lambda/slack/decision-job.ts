/**
 * The asynchronous side of a Slack decision: the HTTP side checked Slack's signature, the button and who
 * clicked, and handed this job to the function itself (lambda/slack/dispatch.ts). Here the decision is
 * carried out like a step-bound link's (lambda/decision/carry-out.ts: the gate check, one send per
 * attempt, a truthful outcome), audited, and shown in Slack: the message is brought up to date, and the
 * clicker alone is told in plain words when their click changed nothing.
 *
 * Nothing here throws: Lambda retries a failed asynchronous event, and a retried decision would reach
 * the clicker as a second, confusing answer. Every failure becomes one ephemeral reason
 * ({@link ephemeralReasonFor}) and a log line with its cause.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { SendAutomationSignalCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { WebClient } from '@slack/web-api';
import type { Context } from 'aws-lambda';
import type { SlackIdentity } from '../auth/authenticate';
import { parseRecordedComment } from '../auth/identity-comment';
import { type GateRef, isExecutionId, isGateRef } from '../auth/link-token';
import { identityAuditKeys, logDecision } from '../core/decision-log';
import { type PreparedSignal, prepareSignal } from '../core/decisions';
import { DecidedOtherwiseError, ForbiddenError, OutcomeUnknownError } from '../core/errors';
import { toProblem } from '../core/problem';
import { readExecution } from '../core/ssm-requests';
import { ANSWER_RESERVE_MS, budgetOf } from '../decision/budget';
import type { DecisionOutcome } from '../decision/carry-out';
import { actedAsRole } from '../gate/approvers';
import { type ExecutionView, findGate, type GateView } from '../gate/execution-view';
import { GateClosedError } from '../gate/gate-check';
import {
  decidedMessage,
  type EphemeralReason,
  ephemeralText,
  SLACK_TALLY_WORDS,
} from '../notify/channels/slack-message';
import type { GateNotification } from '../notify/notification';
import { decide, type Quorum, type QuorumStanding } from '../quorum/decide';
import { quorumFromEnvironment, tallyRefreshFromEnvironment } from '../quorum/environment';
import { refreshBestEffort, type TallyRefresh } from '../quorum/refresh-messages';
import { alreadyLine, CONTINUES_ONCE_ALL_IN, recordedLine } from '../quorum/words';
import { BUTTON_ACTIONS, type ButtonAction } from './button-token';
import { isRecord, isSlackId } from './fields';

export const SLACK_DECISION_KIND = 'slack-decision';

/** The event the HTTP side invokes the function with. Everything in it was verified there. */
export interface SlackDecisionJob {
  readonly kind: typeof SLACK_DECISION_KIND;
  readonly executionId: string;
  readonly gate: GateRef;
  readonly action: ButtonAction;
  /** The execution's DocumentName the button was made for; checked against SSM before anything is sent. */
  readonly runbook: string;
  /** What the person wrote in the modal, as typed. */
  readonly comment?: string;
  /** The Slack user who clicked: id, and name made one line (at most 80 characters). */
  readonly user: { readonly id: string; readonly name: string };
  readonly teamId: string;
  readonly channelId: string;
  /** The message the button was in, to update it. */
  readonly messageTs?: string;
  /** The button value's `jti` and key id, for the audit record. */
  readonly tokenId: string;
  readonly keyId: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

export const MAX_SLACK_USER_NAME_LENGTH = 80;
const MESSAGE_TS_PATTERN = /^[0-9]{1,12}\.[0-9]{6}$/;
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** An event that claims to be a decision job (it is then parsed strictly by {@link parseDecisionJob}). */
export const isDecisionJobEvent = (event: unknown): boolean =>
  isRecord(event) && event.kind === SLACK_DECISION_KIND && !('requestContext' in event);

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

const optionalText = (value: unknown, max: number): boolean =>
  value === undefined || (typeof value === 'string' && value.length <= max);

/**
 * The job, checked field by field; undefined (with the first problem) when it is not one. It arrives
 * sealed (job-token.ts opens it first), so a bad job is a bug, but it must still never act.
 */
export const parseDecisionJob = (
  event: unknown,
): { readonly job: SlackDecisionJob } | { readonly problem: string } => {
  if (!isRecord(event) || event.kind !== SLACK_DECISION_KIND)
    return { problem: 'not a slack-decision event' };
  const user = isRecord(event.user) ? event.user : {};
  const checks: [boolean, string][] = [
    [isExecutionId(event.executionId), 'executionId'],
    [isGateRef(event.gate), 'gate'],
    [BUTTON_ACTIONS.includes(event.action as ButtonAction), 'action'],
    [isText(event.runbook, 128), 'runbook'],
    [optionalText(event.comment, 3000), 'comment'],
    [isSlackId(user.id), 'user.id'],
    [isText(user.name, MAX_SLACK_USER_NAME_LENGTH), 'user.name'],
    [isSlackId(event.teamId), 'teamId'],
    [isSlackId(event.channelId), 'channelId'],
    [
      event.messageTs === undefined ||
        (typeof event.messageTs === 'string' && MESSAGE_TS_PATTERN.test(event.messageTs)),
      'messageTs',
    ],
    [typeof event.tokenId === 'string' && UUID_PATTERN.test(event.tokenId), 'tokenId'],
    [typeof event.keyId === 'string' && KEY_ID_PATTERN.test(event.keyId), 'keyId'],
    [optionalText(event.sourceIp, 64), 'sourceIp'],
    [optionalText(event.userAgent, 256), 'userAgent'],
  ];
  const failed = checks.find(([ok]) => !ok);
  if (failed) return { problem: `"${failed[1]}" is missing or malformed` };
  const gate = event.gate as GateRef;
  return {
    job: {
      kind: SLACK_DECISION_KIND,
      executionId: event.executionId as string,
      gate: { stepName: gate.stepName, stepExecutionId: gate.stepExecutionId },
      action: event.action as ButtonAction,
      runbook: event.runbook as string,
      ...(event.comment === undefined ? {} : { comment: event.comment as string }),
      user: { id: user.id as string, name: user.name as string },
      teamId: event.teamId as string,
      channelId: event.channelId as string,
      ...(event.messageTs === undefined ? {} : { messageTs: event.messageTs as string }),
      tokenId: event.tokenId as string,
      keyId: event.keyId as string,
      ...(event.sourceIp === undefined ? {} : { sourceIp: event.sourceIp as string }),
      ...(event.userAgent === undefined ? {} : { userAgent: event.userAgent as string }),
    },
  };
};

/** The identity SSM's Comment and the audit record name: the Slack user, bound to the button's gate. */
export const slackIdentityOf = (job: SlackDecisionJob): SlackIdentity => ({
  kind: 'slack',
  channel: 'slack',
  name: job.user.name,
  userId: job.user.id,
  teamId: job.teamId,
  slackChannelId: job.channelId,
  gate: job.gate,
  tokenId: job.tokenId,
  keyId: job.keyId,
});

/** SSM was busy or out of reach, and nothing was sent (carry-out throws these only then). */
const SSM_UNAVAILABLE = new Set([
  'ssm-throttled',
  'ssm-unavailable',
  'ssm-internal-error',
  'ssm-unreachable',
]);

/**
 * The one mapping from a failed decision to what the clicker is told. A closed gate is told apart by
 * what the execution shows now (`view`, read after the failure when it could be): decided → already
 * decided; the run ended → finished; otherwise the run moved on.
 */
export const ephemeralReasonFor = (
  error: unknown,
  view: ExecutionView | undefined,
  gate: GateRef,
): EphemeralReason => {
  if (error instanceof GateClosedError || error instanceof DecidedOtherwiseError) {
    const found = view ? findGate(view, gate.stepExecutionId) : undefined;
    const result = found?.outcome?.result;
    if (result === 'Approved' || result === 'Rejected') return 'already-decided';
    if (view?.finished || error.reason === 'execution-finished') return 'run-finished';
    return 'gate-moved-on';
  }
  if (error instanceof OutcomeUnknownError) return 'outcome-unknown';
  if (error instanceof ForbiddenError && error.reason === 'slack-button-wrong-runbook')
    return 'invalid-button';
  if (SSM_UNAVAILABLE.has(toProblem(error).reason)) return 'ssm-unavailable';
  return 'failed';
};

/** The Slack Web API methods the job uses. */
export type SlackChat = Pick<WebClient, 'chat'>;

export interface DecisionJobDependencies {
  /** Reads the execution (with the SDK's retries). */
  readonly client: SSMClient;
  /** Sends the signal: `maxAttempts: 1` (see carry-out). */
  readonly mutationClient: SSMClient;
  /** The bot's Web API client; undefined when the secret has no bot token (then nothing is posted). */
  readonly slack: () => Promise<SlackChat | undefined>;
  /** Brings every recorded message of the execution up to date (the notifier's sync); how many it updated. */
  readonly syncMessages: (view: ExecutionView) => Promise<number>;
  readonly logger: Logger;
  /**
   * The approver seats and their claims, for gates that need more than one approval
   * (lambda/quorum/decide.ts). @default from the environment (APPROVER_SEAT_ROLE_ARNS, STATE_TABLE_NAME)
   */
  readonly quorum?: () => Quorum;
  /**
   * Brings a quorum gate's Slack messages up to date after an approval that leaves it waiting
   * (lambda/quorum/refresh-messages.ts). @default from the environment (STATE_TABLE_NAME, NOTIFIER_CONFIG),
   * with {@link slack} as the bot client
   */
  readonly refreshMessages?: (refresh: TallyRefresh) => Promise<number>;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** One refresh per bot client provider (the handler passes the same one to every job), made on first use. */
const environmentRefresh = new WeakMap<object, (refresh: TallyRefresh) => Promise<number>>();
const refreshOf = (deps: DecisionJobDependencies): ((refresh: TallyRefresh) => Promise<number>) => {
  if (deps.refreshMessages !== undefined) return deps.refreshMessages;
  let refresh = environmentRefresh.get(deps.slack);
  if (refresh === undefined) {
    refresh = tallyRefreshFromEnvironment(deps.client, { slack: deps.slack });
    environmentRefresh.set(deps.slack, refresh);
  }
  return refresh;
};

/** One quorum dependency per mutation client, made on first use and kept while the function lives. */
const environmentQuorum = new WeakMap<SSMClient, () => Quorum>();
const quorumOf = (deps: DecisionJobDependencies): (() => Quorum) => {
  if (deps.quorum !== undefined) return deps.quorum;
  let quorum = environmentQuorum.get(deps.mutationClient);
  if (quorum === undefined) {
    quorum = quorumFromEnvironment(deps.mutationClient);
    environmentQuorum.set(deps.mutationClient, quorum);
  }
  return quorum;
};

/**
 * What the clicker alone is told about a quorum gate, in the words of the result pages (lambda/quorum/words.ts)
 * with Slack's tally line: `Approval recorded: *1 of 2 approvals:* <@U0ALICE> · 1 more needed. The runbook
 * continues once the last approval is in.`, or that their approval was already in.
 */
export const quorumEphemeralText = (standing: Pick<QuorumStanding, 'kind' | 'tally'>): string =>
  standing.kind === 'already'
    ? `${alreadyLine(standing.tally, SLACK_TALLY_WORDS)}. Nothing more was sent: one person's approval counts once.`
    : `${recordedLine(standing.tally, SLACK_TALLY_WORDS)}. ${CONTINUES_ONCE_ALL_IN}`;

/** The approver seats (seat 1 is the signal role); none when they are not configured or not readable. */
const seatsOf = (deps: DecisionJobDependencies, logger: Logger): readonly string[] => {
  try {
    return quorumOf(deps)().seats;
  } catch (error) {
    logger.warn('Approver seats not readable: a recorded decision is not matched to its Slack user', {
      error: error instanceof Error ? error : new Error(String(error)),
    });
    return [];
  }
};

/**
 * Whether the gate's decision of this kind was recorded for this very Slack user (same user id, through a
 * Slack button): then this job is a duplicated hand-off of the one that decided, and its clicker was told
 * already. The Comment is believed only for a decision SSM records as made by one of the webhook's seats:
 * anyone who may signal the execution can type the same words (parseRecordedComment).
 */
export const decidedByClicker = (
  state: Extract<DecisionOutcome, { kind: 'already' }>,
  job: Pick<SlackDecisionJob, 'action' | 'user'>,
  seats: readonly string[],
): boolean => {
  const wanted = job.action === 'approve' ? 'Approve' : 'Reject';
  return (state.gate?.outcome?.decisions ?? []).some((decision) => {
    if (decision.decision !== wanted || decision.comment === undefined) return false;
    const { approver } = decision;
    if (approver === undefined || !seats.some((seat) => actedAsRole(approver, seat))) return false;
    const recorded = parseRecordedComment(decision.comment);
    return recorded?.via === 'Slack' && recorded.slackUserId === job.user.id;
  });
};

/** What became of a job (for tests and the log). */
export interface JobReport {
  readonly outcome: DecisionOutcome['kind'] | 'refused';
  /**
   * What the clicker was told, when anything: an EphemeralReason, or `already-approved` (this person's
   * approval of a quorum gate was already in; {@link quorumEphemeralText}).
   */
  readonly told?: EphemeralReason | 'already-approved';
  /** Whether the clicked message was updated here (rather than by the sync). */
  readonly messageUpdated: boolean;
}

const errorFields = (error: unknown): { error: Error } => ({
  error: error instanceof Error ? error : new Error(String(error)),
});

/** The notification a decided message is built from: what SSM shows, or what the job knows. */
const notificationOf = (job: SlackDecisionJob, view: ExecutionView | undefined): GateNotification => {
  const gate: GateView | undefined = view ? findGate(view, job.gate.stepExecutionId) : undefined;
  return {
    execution: view ?? { executionId: job.executionId, documentName: job.runbook, parameters: {} },
    gate: gate ?? {
      ...job.gate,
      approvers: [],
      minRequiredApprovals: 1,
      timeoutSeconds: 0,
    },
  };
};

/** Carries out one job; never throws (see the module comment). */
export const runDecisionJob = async (
  deps: DecisionJobDependencies,
  job: SlackDecisionJob,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<JobReport> => {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  const identity = slackIdentityOf(job);
  logger.appendKeys({
    action: job.action,
    executionId: job.executionId,
    sourceIp: job.sourceIp,
    userAgent: job.userAgent,
    ...identityAuditKeys(identity),
  });
  const budget = budgetOf(context);

  const slack = async (): Promise<SlackChat | undefined> => {
    try {
      const client = await deps.slack();
      if (client === undefined) logger.error('Slack not told: the secret has no Slack bot token');
      return client;
    } catch (error) {
      logger.error('Slack not told: the Slack client could not be made', errorFields(error));
      return undefined;
    }
  };
  const tell = async (reason: JobReport['told'], text?: string): Promise<void> => {
    const client = await slack();
    if (client === undefined) return;
    try {
      await client.chat.postEphemeral({
        channel: job.channelId,
        user: job.user.id,
        text: text ?? ephemeralText(reason as EphemeralReason),
      });
    } catch (error) {
      logger.error('Could not tell the Slack user', { told: reason, ...errorFields(error) });
    }
  };
  const readNow = async (): Promise<ExecutionView | undefined> => {
    try {
      return await readExecution(deps.client, job.executionId, budget.signal(ANSWER_RESERVE_MS));
    } catch (error) {
      logger.warn('Could not read the execution after the decision', errorFields(error));
      return undefined;
    }
  };
  const sync = async (view: ExecutionView | undefined): Promise<number> => {
    if (view === undefined) return 0;
    try {
      return await deps.syncMessages(view);
    } catch (error) {
      logger.error('Could not bring the Slack messages up to date', errorFields(error));
      return 0;
    }
  };

  let state: DecisionOutcome;
  let standing: QuorumStanding | undefined;
  let prepared: PreparedSignal;
  try {
    prepared = prepareSignal(
      job.action,
      job.executionId,
      job.comment === undefined ? {} : { comment: job.comment },
      identity,
    );
    const { input } = prepared;
    ({ outcome: state, quorum: standing } = await decide({
      client: deps.client,
      mutationClient: deps.mutationClient,
      executionId: job.executionId,
      identity,
      intent: {
        action: job.action,
        signalType: input.SignalType,
        payloadValue: Object.values(input.Payload ?? {})[0]?.[0],
      },
      command: () => new SendAutomationSignalCommand(input),
      // The button names its runbook (who may decide was checked for it); never act on another one.
      authorize: ({ documentName }) => {
        if (documentName !== job.runbook) {
          throw new ForbiddenError(
            'slack-button-wrong-runbook',
            'This button was made for another runbook than the execution runs.',
            { cause: new Error(`the button names ${job.runbook}; the execution runs ${documentName}`) },
          );
        }
      },
      budget,
      quorum: quorumOf(deps),
    }));
  } catch (error) {
    const view = await readNow();
    const told = ephemeralReasonFor(error, view, job.gate);
    const problem = toProblem(error);
    const fields = { outcome: 'refused', told, reason: problem.reason, code: problem.code };
    if (told === 'failed' || told === 'outcome-unknown' || told === 'ssm-unavailable') {
      logger.error('Slack decision failed', { ...fields, ...errorFields(error) });
    } else {
      logger.warn('Slack decision refused', fields);
    }
    await tell(told);
    await sync(view);
    return { outcome: 'refused', told, messageUpdated: false };
  }

  if (state.kind === 'already') logDecision(prepared.result, 'already-done', undefined);
  else logDecision(prepared.result, state.kind, state.ssmRequestId);
  const view = await readNow();
  const synced = await sync(view);
  if (standing?.kind === 'already') {
    // This person's approval was already in: the buttons stay for the others.
    await tell('already-approved', quorumEphemeralText(standing));
    return { outcome: state.kind, told: 'already-approved', messageUpdated: false };
  }
  if (state.kind === 'already') {
    if (decidedByClicker(state, job, seatsOf(deps, logger))) {
      // A duplicated hand-off (the same job run twice) found its own decision: the clicker was told then.
      logger.info('Slack decision already made by the same user: nothing more said');
      return { outcome: state.kind, messageUpdated: false };
    }
    await tell('already-decided');
    return { outcome: state.kind, told: 'already-decided', messageUpdated: false };
  }
  const gate = view ? findGate(view, job.gate.stepExecutionId) : undefined;
  if (job.action === 'approve' && gate?.waiting && gate.minRequiredApprovals > 1) {
    // One approval of several: the buttons must stay for the others.
    await tell('approval-recorded', standing === undefined ? undefined : quorumEphemeralText(standing));
    if (view !== undefined && standing !== undefined) {
      await refreshBestEffort(refreshOf(deps), { view, gate, tally: standing.tally }, logger);
    }
    return { outcome: state.kind, told: 'approval-recorded', messageUpdated: false };
  }
  if (gate !== undefined && !gate.waiting && synced > 0) {
    return { outcome: state.kind, messageUpdated: false };
  }
  if (job.action === 'approve' && (gate === undefined || gate.waiting)) {
    // SSM does not show the gate closed (or could not be read): this approval may be one of several the
    // gate needs, and removing the buttons would leave the others without them. The notifier's sync closes
    // the message from SSM's own record once the gate no longer waits.
    logger.info('Slack message left with its buttons: SSM does not show the gate closed', {
      gateKnown: gate !== undefined,
    });
    return { outcome: state.kind, messageUpdated: false };
  }
  // A rejection SSM does not show yet, or a decision whose gate has no recorded message: show ours at once
  // (a Reject closes the gate, whoever else approved); the notifier's sync rewrites it from SSM's own
  // record when the status-change event arrives.
  const messageUpdated =
    job.messageTs !== undefined && (await updateClicked(job, view, now(), slack, logger));
  return { outcome: state.kind, messageUpdated };
};

const updateClicked = async (
  job: SlackDecisionJob,
  view: ExecutionView | undefined,
  at: Date,
  slack: () => Promise<SlackChat | undefined>,
  logger: Logger,
): Promise<boolean> => {
  const client = await slack();
  if (client === undefined || job.messageTs === undefined) return false;
  const comment = job.comment?.trim();
  const message = decidedMessage({
    notification: notificationOf(job, view),
    outcome: {
      result: job.action === 'approve' ? 'Approved' : 'Rejected',
      by: { slackUserId: job.user.id, name: job.user.name },
      at,
      ...(comment ? { comment } : {}),
    },
  });
  try {
    await client.chat.update({ channel: job.channelId, ts: job.messageTs, ...message });
    return true;
  } catch (error) {
    logger.error('Could not update the Slack message', errorFields(error));
    return false;
  }
};
