/**
 * The SSM `Comment` payload value. SSM records the webhook's role as the approver, so the comment is where
 * the person or system that acted, and the channel they used, are kept next to the decision:
 *
 *   `Approved via signed link by alice@example.com: Looks good`
 *   `Rejected via API token by jira`
 *
 * SSM takes 1–512 characters per payload value. Lengths here count UTF-16 code units, which is never
 * less than the number of code points, so the result fits whichever way SSM counts.
 */
import { singleLine } from '../core/plain-text';
import type { Identity } from './authenticate';
import type { MutatingAction } from './link-token';

export const MAX_COMMENT_LENGTH = 512;
const ELLIPSIS = '…';
const SEPARATOR = ': ';

const VERBS: Readonly<Record<MutatingAction, string>> = {
  approve: 'Approved',
  reject: 'Rejected',
  stop: 'Stopped',
  signal: 'Signalled',
};

const CHANNELS: Readonly<Record<Identity['channel'], string>> = {
  link: 'via signed link',
  api: 'via API token',
};

/**
 * `<Verb> <channel> by <name>`, then `: <comment>` when the user wrote one, made one line (line breaks
 * collapsed to spaces, control and bidi characters removed; a blank comment counts as none). The user's comment is shortened, ending in '…', to keep the
 * whole within 512 characters; the identity part is never shortened (names are at most 128 characters).
 */
/** Links the notifier sent say how they arrived: `via e-mail link`, `via webhook link`. */
const VIA: Readonly<Record<NonNullable<Extract<Identity, { kind: 'link' }>['via']>, string>> = {
  email: 'via e-mail link',
  webhook: 'via webhook link',
};

const channelOf = (identity: Identity): string =>
  identity.kind === 'link' && identity.via !== undefined ? VIA[identity.via] : CHANNELS[identity.channel];

const headOf = (identity: Identity, action: MutatingAction): string =>
  `${VERBS[action]} ${channelOf(identity)} by ${identity.name}`;

/**
 * How many characters of a user's comment fit after who acted, so that nothing is cut: the confirmation
 * page sets its comment box's maxlength to this.
 */
export function commentRoom(identity: Identity, action: MutatingAction): number {
  return Math.max(0, MAX_COMMENT_LENGTH - headOf(identity, action).length - SEPARATOR.length);
}

export function composeComment(identity: Identity, action: MutatingAction, userComment?: string): string {
  const head = headOf(identity, action);
  // One line, no control or bidi characters: a comment cannot fake an "Approved via … by …" line of its own.
  const comment = singleLine(userComment ?? '');
  const room = MAX_COMMENT_LENGTH - head.length - SEPARATOR.length;
  // With validated names room is always > 200; the check only keeps a hand-made identity within the limit.
  if (comment === '' || room < 2) {
    return truncate(head, MAX_COMMENT_LENGTH);
  }
  return `${head}${SEPARATOR}${truncate(comment, room)}`;
}

/** At most `max` UTF-16 code units; a shortened text ends in '…' and never in half a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end -= 1;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}
