/**
 * The SSM `Comment` payload value. SSM records the webhook's role as the approver, so the comment is where
 * the person or system that acted, and the channel they used, are kept next to the decision:
 *
 *   `Approved via signed link by alice@example.com: Looks good`
 *   `Rejected via API token by jira`
 *   `Approved via Slack by alice (U0123ABCD): ok`
 *
 * SSM takes 1–512 characters per payload value. Lengths here count UTF-16 code units, which is never
 * less than the number of code points, so the result fits whichever way SSM counts.
 *
 * parseRecordedComment reads such a line back (a Slack message updated when a gate was decided elsewhere
 * says who decided it), so the wording below is a format: change the tables, not the code that reads them.
 */
import { singleLine } from '../core/plain-text';
import { isSlackId } from '../slack/fields';
import type { Identity } from './authenticate';
import type { MutatingAction } from './link-token';

export const MAX_COMMENT_LENGTH = 512;
/** Slack names are cut to this many characters (code points, the last one `…`) before they are recorded. */
export const MAX_SLACK_NAME_LENGTH = 80;
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
  slack: 'via Slack',
};

/** Links the notifier sent say how they arrived: `via e-mail link`, `via webhook link`. */
const VIA: Readonly<Record<NonNullable<Extract<Identity, { kind: 'link' }>['via']>, string>> = {
  email: 'via e-mail link',
  webhook: 'via webhook link',
  slack: 'via Slack link',
  teams: 'via Teams link',
};

/**
 * A Slack user's name as we record it: one line (singleLine: no line breaks, control or bidi characters),
 * at most 80 characters, and round brackets turned into square ones. The interactions function builds a
 * SlackIdentity's `name` with this; composeComment applies it again (it changes nothing the second time).
 *
 * Why the brackets: anyone can choose their Slack display name, and a name such as `bob (U0BOB): ` would
 * otherwise make `Approved via Slack by bob (U0BOB):  (U0MALLORY)` read, to people and to
 * parseRecordedComment alike, as bob's decision. With no `(` in the name, the first `(` after `by ` opens
 * the clicker's real user id: `Approved via Slack by bob [U0BOB]: (U0MALLORY)`.
 */
export const slackUserName = (raw: string): string =>
  singleLine(raw, MAX_SLACK_NAME_LENGTH).replace(/\(/g, '[').replace(/\)/g, ']');

const channelOf = (identity: Identity): string =>
  identity.kind === 'link' && identity.via !== undefined ? VIA[identity.via] : CHANNELS[identity.channel];

/**
 * A Slack user is named and identified: `alice (U0123ABCD)`; names can change, ids do not. A name that is
 * empty once made one line is recorded as the id: `U0123ABCD (U0123ABCD)`.
 */
const whoOf = (identity: Identity): string => {
  if (identity.kind !== 'slack') return identity.name;
  const name = slackUserName(identity.name);
  return `${name === '' ? identity.userId : name} (${identity.userId})`;
};

const headOf = (identity: Identity, action: MutatingAction): string =>
  `${VERBS[action]} ${channelOf(identity)} by ${whoOf(identity)}`;

/**
 * How many characters of a user's comment fit after who acted, so that nothing is cut: the confirmation
 * page sets its comment box's maxlength to this.
 */
export function commentRoom(identity: Identity, action: MutatingAction): number {
  return Math.max(0, MAX_COMMENT_LENGTH - headOf(identity, action).length - SEPARATOR.length);
}

/**
 * `<Verb> <channel> by <name>`, then `: <comment>` when the user wrote one, made one line (line breaks
 * collapsed to spaces, control and bidi characters removed; a blank comment counts as none). The user's
 * comment is shortened, ending in '…', to keep the whole within 512 characters; the identity part is never
 * shortened (link labels are at most 128 characters, Slack names 80 plus the user id).
 */
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

/** A decision as composeComment recorded it, read back from SSM's `Comment`. */
export interface RecordedDecision {
  /** `Approved`, `Rejected`, `Stopped` or `Signalled`. */
  readonly verb: string;
  /** The channel words after `via`: `Slack`, `e-mail link`, `signed link`, `API token`, … */
  readonly via: string;
  /** The link's label, the API client's name or the Slack user's name. */
  readonly name: string;
  /** The Slack user id, for decisions made with a Slack button. */
  readonly slackUserId?: string;
  /** What the person wrote, if anything. */
  readonly comment?: string;
}

const VIA_PREFIX = 'via ';
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Longest first, so that `Slack link` is not read as `Slack` (` by ` must follow either way). */
const alternation = (words: readonly string[]): string =>
  [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');

/** `<Verb> via <channel words> by <who>`, every word taken from the tables composeComment writes with. */
const RECORDED_HEAD = new RegExp(
  `^(${alternation(Object.values(VERBS))}) ${escapeRegExp(VIA_PREFIX)}(${alternation(
    [...Object.values(CHANNELS), ...Object.values(VIA)].map((words) => words.slice(VIA_PREFIX.length)),
  )}) by (.+)$`,
  'u',
);
const SLACK_VIA = CHANNELS.slack.slice(VIA_PREFIX.length);
/** `name (U…)` then `: comment` or nothing; the name has no round brackets (slackUserName). */
const SLACK_WHO = /^([^()]+) \(([^()]+)\)(?:: (.*))?$/u;
/** The name ends at the first `: `; notifier labels (e-mail addresses, `webhook:<name>`) never hold one. */
const OTHER_WHO = /^(.+?)(?:: (.*))?$/u;

/**
 * The inverse of composeComment: who decided, through which channel, and what they wrote; undefined for
 * any other text, such as the comment of someone who decided in the Systems Manager console.
 *
 * Reading rules: the verb and the channel words must be exactly those composeComment writes, and the text
 * one line. A Slack decision's user id is the first `(…)` after `by ` and must be a Slack id: names are
 * recorded without round brackets (slackUserName), so no name can put a fake id before the real one.
 * Other names end at the first `: `; a hand-made link label that holds `: ` is therefore read short, the
 * rest of it counted as comment. An empty comment counts as none.
 *
 * The text proves nothing by itself: whoever may signal the execution can type any comment. Believe it
 * only for a decision that SSM records as made by the webhook's own role.
 */
export function parseRecordedComment(comment: string): RecordedDecision | undefined {
  const head = RECORDED_HEAD.exec(comment);
  if (head === null) return undefined;
  const [, verb = '', via = '', rest = ''] = head;
  if (via === SLACK_VIA) {
    const [, name = '', userId, text] = SLACK_WHO.exec(rest) ?? [];
    return isSlackId(userId) ? recorded(verb, via, name, text, userId) : undefined;
  }
  // OTHER_WHO matches any non-empty line, and `rest` is one.
  const [, name = '', text] = OTHER_WHO.exec(rest) ?? [];
  return recorded(verb, via, name, text);
}

const recorded = (
  verb: string,
  via: string,
  name: string,
  comment: string | undefined,
  slackUserId?: string,
): RecordedDecision => ({
  verb,
  via,
  name,
  ...(slackUserId === undefined ? {} : { slackUserId }),
  ...(comment === undefined || comment === '' ? {} : { comment }),
});
