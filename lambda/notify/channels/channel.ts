/**
 * The one interface every notification channel implements (DESIGN.md §8): e-mail, the outgoing webhook,
 * Slack and Teams. A channel gets the gate, the recipient and the links minted for that recipient (bound to
 * the channel: a `slack` link only shows the page), and sends one message; it throws when the message was
 * not accepted.
 */
import type { LinkChannel } from '../../auth/link-token';
import type { GateNotification, NotificationLinks } from '../notification';

export interface Channel {
  /** The channel name used in routing, idempotency keys, links (`chn`) and logs: email, webhook, slack, teams. */
  readonly name: LinkChannel;
  /** The approver label the links carry for this recipient (shown on pages, recorded in SSM's Comment). */
  approverLabel(recipient: string): string;
  send(message: OutgoingMessage): Promise<void>;
}

export interface OutgoingMessage {
  readonly notification: GateNotification;
  readonly recipient: string;
  readonly links: NotificationLinks;
  /** Stable per gate, recipient and channel: receivers can drop duplicates with it. */
  readonly deliveryId: string;
  readonly now: Date;
}
