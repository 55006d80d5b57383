/**
 * The controls of a gate's Slack message, shared by the notifier's Slack channel (slack.ts), which posts the
 * message, and the quorum refresh (lambda/quorum/refresh-messages.ts), which makes it again for chat.update.
 */
import type { AuthConfig } from '../../auth/secret-document';
import { type ButtonAction, type SlackPlace, signButtonValue } from '../../slack/button-token';
import type { GateNotification, NotificationLinks } from '../notification';
import type { GateMessageInput } from './slack-message';

export interface SlackControlsInput {
  readonly notification: GateNotification;
  /** The team and channel the message is posted to; the button values are bound to them. */
  readonly place: SlackPlace;
  /** The links minted for channel `slack` and approver `slack:<channel id>`: they only show the page. */
  readonly links: NotificationLinks;
  readonly now: Date;
}

/**
 * Seconds from `now` to the links' expiry, rounded up: mintLinks counts whole seconds from `now` rounded
 * down, so this gives the buttons exactly the links' `exp`.
 */
const secondsUntil = (expiresAt: Date, now: Date): number =>
  Math.ceil((expiresAt.getTime() - now.getTime()) / 1000);

/**
 * Signs a gate message's controls for one Slack channel: the Approve and Reject button values
 * (lambda/slack/button-token.ts), bound to the team, the channel, the gate and the action and living exactly
 * as long as the links, and the Details button's URL, the view-only `links.approve`.
 */
export const signSlackControls = async (
  config: AuthConfig,
  { notification: { execution, gate }, place, links, now }: SlackControlsInput,
): Promise<Pick<GateMessageInput, 'buttons' | 'detailsUrl'>> => {
  const button = (action: ButtonAction): Promise<string> =>
    signButtonValue(config, {
      executionId: execution.executionId,
      runbook: execution.documentName,
      gate: { stepName: gate.stepName, stepExecutionId: gate.stepExecutionId },
      action,
      teamId: place.teamId,
      channelId: place.channelId,
      ttlSeconds: secondsUntil(links.expiresAt, now),
      now,
    });
  return {
    buttons: { approve: await button('approve'), reject: await button('reject') },
    detailsUrl: links.approve,
  };
};
