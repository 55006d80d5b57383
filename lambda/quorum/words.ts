/**
 * The one wording of a quorum gate's tally (pure), so that JSON answers, result and confirmation pages,
 * Slack messages and ephemeral answers, e-mails and Teams cards count and name alike:
 *
 *   display (pages, Slack):              `1 of 2 approvals: alice@example.com · 1 more needed`
 *   plain   (JSON, e-mail, Teams, logs): `1 of 2 approvals: alice@example.com; 1 more needed`
 *
 * The middle dot sets what is still needed apart where people see the tally laid out; plain text, which
 * may be read by machines or in a font without the dot, takes "; ". Nothing is escaped here: each renderer
 * escapes the words for its medium (the pages' `html`, Slack's mrkdwn through {@link TallyWordsOptions}).
 */
import { singleLine } from '../core/plain-text';
import { principalLabel } from '../notify/describe';
// Types only: tally.ts re-exports these words, so a value import back would make a cycle.
import type { QuorumApproval, Tally } from './tally';

/** A person as people read them: the recorded name, or a short label of the principal SSM recorded. */
export const approverName = (approval: QuorumApproval): string =>
  approval.via === undefined && approval.slackUserId === undefined
    ? principalLabel(approval.person)
    : singleLine(approval.person);

const approvalsWord = (count: number): string => (count === 1 ? 'approval' : 'approvals');

/** `1 of 2 approvals` */
export const tallyCount = (tally: Tally): string =>
  `${tally.approvals.length} of ${tally.needed} ${approvalsWord(tally.needed)}`;

/** `1 more needed`, `2 needed from different people`, or nothing once the quorum is met. */
export const stillNeeded = (tally: Tally): string | undefined =>
  tally.remaining === 0
    ? undefined
    : tally.approvals.length === 0
      ? `${tally.remaining} needed from different people`
      : `${tally.remaining} more needed`;

/** `display`: ` · ` before what is still needed (pages, Slack); `plain`: `; ` (JSON, e-mail, Teams). */
export type TallyStyle = 'display' | 'plain';

const SEPARATORS: Readonly<Record<TallyStyle, string>> = { display: ' · ', plain: '; ' };

export interface TallyWordsOptions {
  /** @default 'plain' */
  readonly style?: TallyStyle;
  /** How one approver is written (Slack mentions a button's user). @default approverName */
  readonly name?: (approval: QuorumApproval) => string;
  /** How the count, with its colon when names follow, is written (Slack makes it bold). @default as is */
  readonly head?: (head: string) => string;
}

/**
 * The tally on one line: `1 of 2 approvals: alice@example.com · 1 more needed` (display) or with `; `
 * (plain); `0 of 2 approvals · 2 needed from different people`; `2 of 2 approvals: alice@example.com, bob`.
 */
export const tallyText = (tally: Tally, options: TallyWordsOptions = {}): string => {
  const { style = 'plain', name = approverName, head = (text: string) => text } = options;
  const names = tally.approvals.map(name).join(', ');
  const more = stillNeeded(tally);
  const count = names === '' ? head(tallyCount(tally)) : `${head(`${tallyCount(tally)}:`)} ${names}`;
  return more === undefined ? count : `${count}${SEPARATORS[style]}${more}`;
};

/** What a gate waiting for the rest of its approvals goes on to do, after the tally. */
export const CONTINUES_ONCE_ALL_IN = 'The runbook continues once the last approval is in.';

/** The answer to an approval that was recorded: `Approval recorded: 1 of 2 approvals: … · 1 more needed`. */
export const recordedLine = (tally: Tally, options: TallyWordsOptions = {}): string =>
  `Approval recorded: ${tallyText(tally, options)}`;

/**
 * The answer to a person whose approval SSM (or the seat claims) already hold:
 * `Already approved by you: 1 of 2 approvals: … · 1 more needed`.
 */
export const alreadyLine = (tally: Tally, options: TallyWordsOptions = {}): string =>
  `Already approved by you: ${tallyText(tally, options)}`;
