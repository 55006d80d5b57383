/**
 * The Slack channel: one `chat.postMessage` per Slack channel id, with the bot token from the stack's
 * secret. The message (slack-message.ts) carries Approve and Reject buttons whose values are signed for
 * this workspace, this channel, the gate and the action (lambda/slack/button-token.ts), and a Details
 * button opening the confirmation page through a link minted for the `slack` channel, which only shows
 * (anyone in the channel sees it; in Slack the clicker's Slack user decides, through the buttons).
 *
 * Each posted message's channel and `ts` are recorded (slack-posts.ts) so that it can be made true when the
 * gate closes. A failure to record is logged, not thrown: throwing would make Lambda's retry post a second
 * message, while the one posted stays usable (its buttons answer "already decided" once the gate closed).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { WebClient } from '@slack/web-api';
import type { AuthConfig } from '../../auth/secret-document';
import { ConfigurationError } from '../../core/errors';
import { teamIdOf } from '../../slack/web-client';
import type { SlackPostStore } from '../slack-posts';
import type { Channel, OutgoingMessage } from './channel';
import { signSlackControls } from './slack-controls';
import { gateMessage } from './slack-message';

/** How long a post's record outlives its links (and so its buttons): time for a late status change. */
export const SLACK_POST_RECORD_GRACE_SECONDS = 24 * 3600;

export const NO_BOT_TOKEN = 'No Slack bot token in the secret (npm run keys -- slack-credentials)';

export interface SlackChannelDependencies {
  /** The bot's WebClient, or undefined when the secret has no bot token. */
  readonly client: () => Promise<WebClient | undefined>;
  readonly posts: SlackPostStore;
  /** The secret's key ring, which signs the button values. */
  readonly loadAuthConfig: () => Promise<AuthConfig>;
  readonly logger?: Logger;
}

export class SlackPostError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackPostError';
  }
}

export const slackChannel = (deps: SlackChannelDependencies): Channel => ({
  name: 'slack',
  approverLabel: (channelId) => `slack:${channelId}`,
  send: async ({ notification, recipient: channelId, links, now }: OutgoingMessage) => {
    const client = await deps.client();
    if (!client) throw new ConfigurationError(NO_BOT_TOKEN);
    const teamId = await teamIdOf(client);
    const { execution, gate } = notification;
    const config = await deps.loadAuthConfig();
    const controls = await signSlackControls(config, {
      notification,
      place: { teamId, channelId },
      links,
      now,
    });
    const message = gateMessage({ notification, ...controls, now });
    const posted = await client.chat.postMessage({
      channel: channelId,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    if (typeof posted.ts !== 'string') {
      throw new SlackPostError(`Slack accepted the message in ${channelId} but answered no ts`);
    }
    const key = { executionId: execution.executionId, stepExecutionId: gate.stepExecutionId };
    const post = { channelId: posted.channel ?? channelId, ts: posted.ts, teamId };
    const keepUntil = new Date(links.expiresAt.getTime() + SLACK_POST_RECORD_GRACE_SECONDS * 1000);
    try {
      await deps.posts.record(key, post, keepUntil);
    } catch (error) {
      deps.logger?.error(
        'The Slack message was posted but not recorded: it will not be updated when the gate closes',
        { ...key, ...post, error: error as Error },
      );
    }
  },
});
