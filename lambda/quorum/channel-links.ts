/**
 * Links that name a channel, not a person. The notifier labels a Teams card's links `teams:<name>` and
 * an outgoing webhook's links `webhook:<name>` (lambda/notify/channels/teams.ts, webhook.ts): whoever
 * reads the channel, or the receiving system, holds them. Counted as a "person" of a quorum
 * (person.ts), one human holding an e-mail link and a Teams link would fill two seats, so a gate that
 * needs approvals from several people takes no approval through such a link; a rejection through it
 * stays allowed (any one rejection rejects, whoever sends it).
 */
import type { LinkChannel } from '../auth/link-token';
import { QuorumNeedsPersonError } from './errors';

/** The link channels whose links reach a channel or a system rather than one person. */
export type SharedLinkChannel = Extract<LinkChannel, 'teams' | 'webhook'>;

const SHARED: Readonly<Record<SharedLinkChannel, string>> = {
  teams: 'a Teams channel',
  webhook: 'a webhook',
};

const isShared = (channel: string | undefined): channel is SharedLinkChannel =>
  channel !== undefined && Object.hasOwn(SHARED, channel);

/**
 * The shared channel a link was sent to: its `chn` claim when it has one (the notifier sets it), else
 * its approver label's prefix (a link made by hand with a channel's label); undefined for a person's link.
 */
export const sharedChannelOf = (link: {
  readonly approver: string;
  readonly channel?: LinkChannel | undefined;
}): SharedLinkChannel | undefined => {
  if (isShared(link.channel)) return link.channel;
  const prefix = link.approver.split(':', 1)[0];
  return link.approver.includes(':') && isShared(prefix) ? prefix : undefined;
};

/** Why such a link cannot approve a gate that needs `needed` approvals: the 409's detail and the page's sentence. */
export const sharedLinkSentence = (channel: SharedLinkChannel, needed: number): string =>
  `This link was sent to ${SHARED[channel]}, not to one person; a step that needs approvals from ${needed} different people counts only approvals from a person's own link (e-mail), Slack or an API client.`;

/** The refusal of an approval through a shared link of a gate needing `needed` > 1 approvals. */
export const sharedLinkRefusal = (channel: SharedLinkChannel, needed: number): QuorumNeedsPersonError =>
  new QuorumNeedsPersonError('quorum-needs-a-person', sharedLinkSentence(channel, needed));
