/**
 * A quorum gate's Slack messages kept current while it waits (issue 10: chat messages show the tally):
 * after an approval that leaves the gate waiting, each recorded message of the gate (slack-posts.ts) is
 * replaced (`chat.update`) by tallyMessage, the waiting gate's message with where the quorum stands now.
 *
 * chat.update replaces the whole message and a post's record keeps only its channel, ts and team, so the
 * buttons are made again as the notifier's Slack channel makes them (both use
 * lambda/notify/channels/slack-controls.ts): the Approve and Reject values signed for the post's team and
 * channel, the gate and the action, and the Details button a view-only link minted for channel `slack`; both
 * live as long as a link minted now (until the gate times out, at most the configured maxLinkTtlSeconds).
 *
 * A message is never closed here: closing is slack-sync.ts's, once the gate no longer waits. A message
 * whose record shows it closed, or claimed by a sync that closes it, is left alone. A close can still win
 * the race between reading the record and updating the message (the last approval arrives meanwhile),
 * and our update may then land after the close's; so a message whose record is closed or claimed after
 * the update is given the closed message again, from what SSM shows (closedGateMessage).
 *
 * Best effort for the callers (lambda/handlers/signal.ts, lambda/slack/decision-job.ts): a failure here
 * is logged by them and never changes the answer to the decision, which SSM has already taken.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebClient } from '@slack/web-api';
import type { AuthConfig } from '../auth/secret-document';
import { type ExecutionView, findGate, type GateView } from '../gate/execution-view';
import { signSlackControls } from '../notify/channels/slack-controls';
import { type SlackMessage, tallyMessage } from '../notify/channels/slack-message';
import type { NotifierConfig } from '../notify/config';
import { mintLinks } from '../notify/links';
import type { GateKey, PostedMessage, SlackPostStore } from '../notify/slack-posts';
import { closedGateMessage, seatsForMessages } from '../notify/slack-sync';
import type { Tally } from './tally';

/** The Slack Web API methods the refresh uses. */
export type SlackChat = Pick<WebClient, 'chat'>;

export interface MessageRefreshDependencies {
  readonly posts: Pick<SlackPostStore, 'postsOf'>;
  /** The bot's Web API client; undefined when the secret has no bot token (then nothing is refreshed). */
  readonly slack: () => Promise<SlackChat | undefined>;
  /** The secret's key ring, which signs the buttons and the details link. */
  readonly loadAuthConfig: () => Promise<AuthConfig>;
  /**
   * The notifier's settings: `apiUrl` for the details link, `maxLinkTtlSeconds` for its and the buttons'
   * lifetime, `signalRoleArn` for a message that must be closed again (closedGateMessage).
   */
  readonly config: Pick<NotifierConfig, 'apiUrl' | 'maxLinkTtlSeconds' | 'signalRoleArn'>;
  /** Reads the execution again, for a message whose gate closed while it was refreshed. */
  readonly readExecution: (executionId: string) => Promise<ExecutionView>;
  readonly logger: Logger;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** A quorum gate that still waits after an approval, and where its quorum stands. */
export interface TallyRefresh {
  /** The execution as read after the approval. */
  readonly view: ExecutionView;
  readonly gate: GateView;
  /** lambda/quorum/standing.ts: SSM's record completed by the seat claims. */
  readonly tally: Tally;
}

const errorOf = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** The waiting gate's message for one post, its buttons signed for the post's team and channel. */
const messageFor = async (
  deps: MessageRefreshDependencies,
  refresh: TallyRefresh,
  post: PostedMessage,
  now: Date,
): Promise<SlackMessage | undefined> => {
  const { view, gate, tally } = refresh;
  const config = await deps.loadAuthConfig();
  const links = await mintLinks(config, {
    apiUrl: deps.config.apiUrl,
    notification: { execution: view, gate },
    // The Slack channel's approver label (lambda/notify/channels/slack.ts): the link only shows.
    approver: `slack:${post.channelId}`,
    channel: 'slack',
    maxTtlSeconds: deps.config.maxLinkTtlSeconds,
    now,
  });
  if (links === undefined) return undefined;
  const controls = await signSlackControls(config, {
    notification: { execution: view, gate },
    place: post,
    links,
    now,
  });
  return tallyMessage(view, gate, tally, { ...controls, now });
};

/** Neither closed nor claimed by a sync that closes it. */
const isOpen = (post: PostedMessage): boolean => post.closed === undefined && post.closing === undefined;

/**
 * chat.updates each open recorded message of a still-waiting quorum gate with tallyMessage; returns how
 * many now show the tally. A gate that no longer waits, or needs one approval, is left to slack-sync.ts.
 * One message's failure is logged and the others are still tried; a failure to read the records throws.
 */
export const refreshTallyMessages = async (
  deps: MessageRefreshDependencies,
  refresh: TallyRefresh,
): Promise<number> => {
  const { logger } = deps;
  const { view, gate } = refresh;
  if (!gate.waiting || gate.minRequiredApprovals <= 1) return 0;
  const key: GateKey = { executionId: view.executionId, stepExecutionId: gate.stepExecutionId };
  const open = (await deps.posts.postsOf(key)).filter(isOpen);
  if (open.length === 0) return 0;
  const client = await deps.slack();
  if (client === undefined) {
    logger.debug('Slack messages not refreshed: the secret has no Slack bot token', { ...key });
    return 0;
  }
  const now = (deps.now ?? (() => new Date()))();
  const updated: PostedMessage[] = [];
  for (const post of open) {
    const where = { ...key, gate: gate.stepName, channelId: post.channelId, ts: post.ts };
    try {
      const message = await messageFor(deps, refresh, post, now);
      if (message === undefined) {
        logger.info('Slack message not refreshed: the gate times out in less than a minute', where);
        continue;
      }
      await client.chat.update({
        channel: post.channelId,
        ts: post.ts,
        text: message.text,
        blocks: message.blocks,
      });
      updated.push(post);
      logger.info('Slack message refreshed with the tally', {
        ...where,
        approvals: refresh.tally.approvals.length,
        needed: refresh.tally.needed,
      });
    } catch (error) {
      logger.error('Slack message not refreshed with the tally', { ...where, error: errorOf(error) });
    }
  }
  if (updated.length > 0) await closeAgainIfRaced(deps, client, key, updated);
  return updated.length;
};

/**
 * The messages just refreshed whose record now shows a close (closed, or claimed by a sync): that close may
 * have landed before our update, which would then show buttons on a gate that no longer waits. They get
 * the closed message again from what SSM shows now; the sync's record of them stays as it is.
 */
const closeAgainIfRaced = async (
  deps: MessageRefreshDependencies,
  client: SlackChat,
  key: GateKey,
  updated: readonly PostedMessage[],
): Promise<void> => {
  const { logger } = deps;
  try {
    const now = await deps.posts.postsOf(key);
    const raced = updated.filter((post) =>
      now.some((record) => record.channelId === post.channelId && !isOpen(record)),
    );
    if (raced.length === 0) return;
    const view = await deps.readExecution(key.executionId);
    const gate = findGate(view, key.stepExecutionId);
    if (gate === undefined || (gate.waiting && !view.finished)) return;
    const message = closedGateMessage(view, gate, deps.config.signalRoleArn, seatsForMessages(logger));
    for (const post of raced) {
      await client.chat.update({
        channel: post.channelId,
        ts: post.ts,
        text: message.text,
        blocks: message.blocks,
      });
      logger.warn('Slack message closed again: its gate closed while it was refreshed', {
        ...key,
        channelId: post.channelId,
        ts: post.ts,
      });
    }
  } catch (error) {
    logger.error('Could not check whether refreshed Slack messages raced their gate closing', {
      ...key,
      error: errorOf(error),
    });
  }
};

/**
 * Runs a refresh for a caller whose answer must not depend on it (the decision is already SSM's): a
 * failure is logged, never thrown.
 */
export const refreshBestEffort = async (
  refreshMessages: (refresh: TallyRefresh) => Promise<number>,
  refresh: TallyRefresh,
  logger: Pick<Logger, 'error'>,
): Promise<void> => {
  try {
    await refreshMessages(refresh);
  } catch (error) {
    logger.error('Slack messages not refreshed with the tally', {
      executionId: refresh.view.executionId,
      stepExecutionId: refresh.gate.stepExecutionId,
      error: errorOf(error),
    });
  }
};
