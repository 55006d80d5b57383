/**
 * The Slack messages of one gate, as Block Kit (pure; no network): the message `chat.postMessage`
 * posts while the gate waits (a quorum gate's shows who has approved so far; tallyMessage brings it up
 * to date after each approval), the one `chat.update` replaces it with once the gate is decided elsewhere,
 * times out or the run ends, and the short ephemeral answers to a click that cannot act.
 *
 * Everything from SSM and from people (runbook and step names, the gate's Message, parameters, who
 * started the run, comments) is untrusted text. In `mrkdwn` it goes through `escapeMrkdwn`:
 * - `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`, as Slack documents, so nothing can form a
 *   mention (`<@U123>`, `<!channel>`), a link (`<https://…|Approve>`) or a date token;
 * - Slack has no escape for its formatting characters, so `*`, `~` and `` ` `` (and `_` when not inside
 *   a word, which keeps `my_bucket` intact) get a zero-width space on either side: whether Slack takes
 *   that space for white space or for a letter, the character then neither opens nor closes formatting,
 *   so a runbook cannot make its text look like our own bold status lines;
 * - every text object carrying such text is `verbatim`, so Slack does not turn bare URLs, `#channel`
 *   names or `@here` into links or mentions either.
 * Header and button texts are `plain_text`, in which Slack forms no mention, link or formatting. Every limit Slack sets on a
 * field is respected: untrusted text is cut visibly (`… (cut, N characters in all)`), while our own
 * signed button values and URLs, which cannot be cut, are refused when too long.
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  SectionBlock,
} from '@slack/web-api';
import type { ExecutionView, GateOutcome, GateView } from '../../gate/execution-view';
import { humanUtc } from '../../pages/html';
import { emptyTally, type Tally } from '../../quorum/tally';
import { approverName, type TallyWordsOptions, tallyText } from '../../quorum/words';
import { fittedText, messageLines, parameterRows, principalLabel, singleLine, timeLeft } from '../describe';
import type { GateNotification } from '../notification';

/** Slack's limits (Block Kit reference), in characters. */
export const SLACK_LIMITS = {
  blocks: 50,
  /** `text` of a section or of a context element. */
  text: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  blockId: 255,
} as const;

/** The `action_id`s of the gate message's buttons, which the interactivity handler dispatches on. */
export const ACTION_IDS = { approve: 'approve', reject: 'reject', details: 'details' } as const;

/** At most this many parameters in the context block (then one "N more" element). */
export const MAX_CONTEXT_PARAMETERS = 5;
/** Longest parameter name or value in the context block, in code points. */
export const MAX_CONTEXT_VALUE_LENGTH = 80;
/** Longest step name kept whole in the header; the runbook name gets the rest of the room. */
const MAX_HEADER_STEP_LENGTH = 40;
const SEPARATOR = ' – ';
const MESSAGE_LABEL = '*Message from the runbook*\n';
const ZWSP = '\u200B';

/** What `chat.postMessage` and `chat.update` take besides the channel: fallback text and blocks. */
export interface SlackMessage {
  /** Shown in notifications and by clients that cannot show blocks (mrkdwn, escaped). */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export interface GateMessageInput {
  readonly notification: GateNotification;
  /** The signed values of the Approve and Reject buttons (they come back in the interaction payload). */
  readonly buttons: { readonly approve: string; readonly reject: string };
  /** Opens the confirmation page through a link bound to the Slack channel. */
  readonly detailsUrl: string;
  /** The time the message is written, for "time left". */
  readonly now: Date;
  /**
   * A quorum gate's approvals so far (lambda/quorum/tally.ts). A gate that needs more than one approval
   * always shows a tally line (none given: nobody has approved yet); the Approve and Reject buttons stay
   * while approvals are still needed.
   */
  readonly tally?: Tally;
}

export type GateResult = GateOutcome['result'];

export interface DecidedMessageInput {
  readonly notification: GateNotification;
  readonly outcome: {
    readonly result: GateResult;
    /** Who decided (or stopped the run): a Slack user is mentioned, anyone else named. */
    readonly by?: { readonly slackUserId?: string; readonly name: string };
    readonly at?: Date;
    readonly comment?: string;
    /** Where the decision was made when not in Slack: `e-mail link`, `the AWS console`, `an API client`. */
    readonly where?: string;
  };
  /** A quorum gate's approvals as SSM recorded them: shown above the outcome line. */
  readonly tally?: Tally;
}

/**
 * What the clicker alone is told when a click did not simply go through: why nothing was changed, or that
 * the outcome is not known yet. Each is one plain sentence (no mrkdwn of ours, nothing from the request).
 */
export type EphemeralReason =
  | 'not-approver'
  | 'already-decided'
  | 'gate-moved-on'
  | 'run-finished'
  | 'ssm-unavailable'
  | 'outcome-unknown'
  | 'invalid-button'
  | 'button-expired'
  | 'wrong-channel'
  | 'approvers-unavailable'
  | 'modal-failed'
  | 'not-started'
  | 'start-unknown'
  | 'approval-recorded'
  | 'failed';

const EPHEMERAL_TEXT: Readonly<Record<EphemeralReason, string>> = {
  'not-approver': 'You are not an approver for this runbook, so nothing was changed.',
  'already-decided': 'This approval step has already been decided, so nothing was changed.',
  'gate-moved-on': 'The runbook no longer waits at this approval step, so nothing was changed.',
  'run-finished': 'The runbook has finished, so nothing was changed.',
  'ssm-unavailable':
    'Systems Manager could not be reached, so nothing was changed. Please try again in a minute.',
  'outcome-unknown':
    'Systems Manager did not confirm your decision, so it may or may not have been applied. The message will show the outcome once it is known.',
  'invalid-button': 'This button is not valid, so nothing was changed.',
  'button-expired': 'This button has expired, so nothing was changed.',
  'wrong-channel':
    'This button was not posted in this channel, so nothing was changed. Use the message the approval was posted with.',
  'approvers-unavailable':
    'Slack could not tell whether you are an approver for this runbook, so nothing was changed. Please try again in a minute.',
  'modal-failed': 'Slack did not open the form, so nothing was changed. Please press the button again.',
  'not-started': 'Your decision could not be started, so nothing was changed. Please try again in a minute.',
  'start-unknown':
    'Your decision may or may not have been applied: it was handed on, but the answer was lost. The message will show the outcome.',
  'approval-recorded':
    'Your approval was recorded. This approval step needs more approvals before the runbook goes on.',
  failed:
    'Something went wrong while carrying out your decision. The message will show whether it was applied; the details are in the webhook’s log.',
};

/** The ephemeral answer to a click that could not act. */
export const ephemeralText = (reason: EphemeralReason): string => EPHEMERAL_TEXT[reason];

// ---------------------------------------------------------------------------------------------------
// Text

const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;
const isWordCharacter = (character: string | undefined): boolean =>
  character !== undefined && WORD_CHARACTER.test(character);

/**
 * Untrusted text for a `mrkdwn` object: `&`, `<`, `>` as entities (no mention, link or date token can
 * form), and `*`, `~`, `` ` `` always, `_` unless between two letters or digits, fenced by zero-width
 * spaces so that they cannot open or close formatting. Line breaks are kept.
 */
export const escapeMrkdwn = (text: string): string => {
  const points = Array.from(text);
  return points
    .map((character, index) => {
      switch (character) {
        case '&':
          return '&amp;';
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '*':
        case '~':
        case '`':
          return `${ZWSP}${character}${ZWSP}`;
        case '_':
          return isWordCharacter(points[index - 1]) && isWordCharacter(points[index + 1])
            ? character
            : `${ZWSP}${character}${ZWSP}`;
        default:
          return character;
      }
    })
    .join('');
};

/** Untrusted text escaped for mrkdwn, at most `max` characters. */
const mrkdwnText = (text: string, max: number): string => fittedText(text, escapeMrkdwn, max);

const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text, verbatim: true });

/** Seconds since the epoch, for Slack's date token. */
const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * `<!date^…^{date_short_pretty} {time}|Friday 21 November 2025, 15:04 UTC>`: Slack shows the time in
 * the reader's own time zone ("today 4:04 PM"); clients that cannot, the fallback in UTC.
 */
export const slackDate = (date: Date): string =>
  `<!date^${epochSeconds(date)}^{date_short_pretty} {time}|${humanUtc(date)}>`;

/** `runbook – step` on one line and at most `max` code points, a long runbook name shortened first. */
const runbookAndStep = (notification: GateNotification, max: number): string => {
  const step = singleLine(notification.gate.stepName, MAX_HEADER_STEP_LENGTH);
  const room = max - SEPARATOR.length - Array.from(step).length;
  return `${singleLine(notification.execution.documentName, room)}${SEPARATOR}${step}`;
};

// ---------------------------------------------------------------------------------------------------
// Blocks

const headerBlock = (notification: GateNotification): HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: runbookAndStep(notification, SLACK_LIMITS.headerText) },
});

/** The gate's Message as a quote under a label, so that it never reads as ours; none when blank. */
const messageBlocks = (notification: GateNotification): SectionBlock[] => {
  const { message } = notification.gate;
  const lines = message ? messageLines(message, Number.MAX_SAFE_INTEGER) : [];
  if (lines.length === 0) return [];
  const quote = (text: string): string =>
    escapeMrkdwn(text)
      .split('\n')
      .map((line) => (line === '' ? '>' : `> ${line}`))
      .join('\n');
  const text = fittedText(lines.join('\n'), quote, SLACK_LIMITS.text - MESSAGE_LABEL.length);
  return [{ type: 'section', text: mrkdwn(`${MESSAGE_LABEL}${text}`) }];
};

/** `*Label*\nvalue`, the value escaped and cut to the field limit. */
const field = (label: string, value: string): MrkdwnElement => {
  const head = `*${label}*\n`;
  return mrkdwn(`${head}${mrkdwnText(value, SLACK_LIMITS.fieldText - head.length)}`);
};

/** A field whose value is already mrkdwn of ours (a date token). */
const rawField = (label: string, value: string): MrkdwnElement => mrkdwn(`*${label}*\n${value}`);

const factFields = (notification: GateNotification, now: Date | undefined): MrkdwnElement[] => {
  const { execution, gate } = notification;
  const runbook = singleLine(execution.documentName);
  const version = execution.documentVersion ? singleLine(execution.documentVersion) : undefined;
  const fields = [
    field('Runbook', version ? `${runbook} (version ${version})` : runbook),
    field('Approval step', singleLine(gate.stepName)),
  ];
  if (now !== undefined && gate.deadline) {
    const left = timeLeft(gate.deadline, now);
    fields.push(
      rawField('Times out', `${slackDate(gate.deadline)} (${left === 'timed out' ? left : `${left} left`})`),
    );
  }
  if (gate.minRequiredApprovals > 1) {
    fields.push(field('Approvals needed', String(gate.minRequiredApprovals)));
  }
  if (execution.executedBy) fields.push(field('Started by', principalLabel(execution.executedBy)));
  fields.push(field('Execution', singleLine(execution.executionId)));
  return fields;
};

const factsBlock = (notification: GateNotification, now: Date | undefined): SectionBlock => ({
  type: 'section',
  fields: factFields(notification, now),
});

/** The first few parameters, one element each (`*Name:* value`); none when the runbook has none. */
const parametersBlocks = (notification: GateNotification): ContextBlock[] => {
  const rows = parameterRows(
    notification.execution.parameters,
    MAX_CONTEXT_VALUE_LENGTH,
    MAX_CONTEXT_PARAMETERS,
  );
  if (rows.length === 0) return [];
  return [
    {
      type: 'context',
      elements: rows.map(({ name, value }) =>
        name === '…'
          ? mrkdwn(escapeMrkdwn(value))
          : mrkdwn(`*${escapeMrkdwn(name)}:* ${value === '' ? '(empty)' : escapeMrkdwn(value)}`),
      ),
    },
  ];
};

/** Longest name of one approver in the tally line, in characters after escaping. */
const MAX_TALLY_NAME = 200;

/**
 * words.ts's display wording in mrkdwn: the count bold; a Slack user who approved with a button is
 * mentioned (Slack shows their current name), anyone else named, escaped.
 */
export const SLACK_TALLY_WORDS: TallyWordsOptions = {
  style: 'display',
  head: (head) => `*${head}*`,
  name: (approval) =>
    approval.slackUserId !== undefined && SLACK_USER_ID.test(approval.slackUserId)
      ? `<@${approval.slackUserId}>`
      : mrkdwnText(approverName(approval), MAX_TALLY_NAME),
};

/** `*1 of 2 approvals:* <@U0ALICE>, bob@example.com · 1 more needed` */
export const tallyLine = (tally: Tally): string => tallyText(tally, SLACK_TALLY_WORDS);

/** The tally as a context block, for a gate that needs more than one approval; none otherwise. */
const tallyBlocks = (notification: GateNotification, tally: Tally | undefined): ContextBlock[] => {
  const needed = notification.gate.minRequiredApprovals;
  if (needed <= 1) return [];
  return [{ type: 'context', elements: [mrkdwn(tallyLine(tally ?? emptyTally(needed)))] }];
};

/** The actions block's `block_id`: names the gate (its step execution id) the buttons act on. */
export const gateBlockId = (notification: GateNotification): string =>
  `gate:${notification.gate.stepExecutionId}`.slice(0, SLACK_LIMITS.blockId);

const requireValue = (name: string, value: string): string => {
  if (value.length === 0 || value.length > SLACK_LIMITS.buttonValue) {
    throw new RangeError(
      `${name} must have 1 to ${SLACK_LIMITS.buttonValue} characters, has ${value.length}`,
    );
  }
  return value;
};

const requireUrl = (name: string, url: string): string => {
  if (url.length > SLACK_LIMITS.buttonUrl) {
    throw new RangeError(`${name} must have at most ${SLACK_LIMITS.buttonUrl} characters, has ${url.length}`);
  }
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new RangeError(`${name} must be an http(s) URL`);
  return url;
};

const actionsBlock = (input: GateMessageInput): ActionsBlock => {
  const approve: Button = {
    type: 'button',
    action_id: ACTION_IDS.approve,
    text: { type: 'plain_text', text: 'Approve' },
    style: 'primary',
    value: requireValue('buttons.approve', input.buttons.approve),
  };
  const reject: Button = {
    type: 'button',
    action_id: ACTION_IDS.reject,
    text: { type: 'plain_text', text: 'Reject' },
    style: 'danger',
    value: requireValue('buttons.reject', input.buttons.reject),
  };
  const details: Button = {
    type: 'button',
    action_id: ACTION_IDS.details,
    text: { type: 'plain_text', text: 'Details' },
    url: requireUrl('detailsUrl', input.detailsUrl),
  };
  // Once SSM shows every approval needed, only Details stays: the gate is about to move on.
  const decidable = input.tally === undefined || input.tally.remaining > 0;
  return {
    type: 'actions',
    block_id: gateBlockId(input.notification),
    elements: decidable ? [approve, reject, details] : [details],
  };
};

/** The message posted while the gate waits: the context, then Approve, Reject and Details. */
export const gateMessage = (input: GateMessageInput): SlackMessage => {
  const { notification, now } = input;
  const left = notification.gate.deadline ? timeLeft(notification.gate.deadline, now) : undefined;
  const subject = `Approval needed: ${runbookAndStep(notification, 200)}`;
  return {
    text: escapeMrkdwn(
      left === undefined ? subject : `${subject} (${left === 'timed out' ? left : `${left} left`})`,
    ),
    blocks: [
      headerBlock(notification),
      ...messageBlocks(notification),
      factsBlock(notification, now),
      ...tallyBlocks(notification, input.tally),
      ...parametersBlocks(notification),
      actionsBlock(input),
    ],
  };
};

/**
 * A still-waiting quorum gate's message brought up to date after an approval: gateMessage with where the
 * quorum stands now (lambda/quorum/standing.ts: SSM's record completed by the seat claims, since SSM may
 * not show a waiting gate's decisions yet). chat.update replaces the whole message, so the buttons must be
 * given again: the posted ones (their values, e.g. from the interaction payload's `message.blocks`) or
 * newly signed ones (lambda/quorum/refresh-messages.ts).
 */
export const tallyMessage = (
  view: ExecutionView,
  gate: GateView,
  tally: Tally,
  post: Pick<GateMessageInput, 'buttons' | 'detailsUrl' | 'now'>,
): SlackMessage => gateMessage({ notification: { execution: view, gate }, ...post, tally });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The buttons of a posted gate message, read back from its blocks (a block_actions payload carries the
 * clicked message's `message.blocks`), so that tallyMessage can keep them without signing new ones. Only
 * our own actions block of that gate (`block_id` gate:<step execution id>) counts; undefined when it is
 * not there or lacks a button.
 */
export const postedButtons = (
  blocks: readonly unknown[],
  notification: GateNotification,
): Pick<GateMessageInput, 'buttons' | 'detailsUrl'> | undefined => {
  const actions = blocks.find(
    (block) => isRecord(block) && block.type === 'actions' && block.block_id === gateBlockId(notification),
  );
  const elements = isRecord(actions) && Array.isArray(actions.elements) ? actions.elements : [];
  const field = (actionId: string, key: 'value' | 'url'): string | undefined => {
    const element = elements.find((e) => isRecord(e) && e.action_id === actionId);
    const value = isRecord(element) ? element[key] : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const approve = field(ACTION_IDS.approve, 'value');
  const reject = field(ACTION_IDS.reject, 'value');
  const detailsUrl = field(ACTION_IDS.details, 'url');
  if (approve === undefined || reject === undefined || detailsUrl === undefined) return undefined;
  return { buttons: { approve, reject }, detailsUrl };
};

// ---------------------------------------------------------------------------------------------------
// Decided

const OUTCOME_WORDS: Readonly<Record<GateResult, { icon: string; word: string; why?: string }>> = {
  Approved: { icon: ':white_check_mark:', word: 'Approved' },
  Rejected: { icon: ':x:', word: 'Rejected' },
  TimedOut: {
    icon: ':hourglass:',
    word: 'Timed out',
    why: 'Nobody decided before the approval step timed out.',
  },
  Cancelled: {
    icon: ':no_entry_sign:',
    word: 'Cancelled',
    why: 'The execution was stopped before this step was decided.',
  },
  Failed: { icon: ':warning:', word: 'Failed', why: 'The approval step failed before it was decided.' },
  Other: {
    icon: ':information_source:',
    word: 'No longer waiting',
    why: 'The runbook moved on or finished without a decision here.',
  },
};

/** A Slack user id (`U…`, `W…` on Enterprise Grid); anything else is not put into a mention. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const MAX_NAME = 300;
const MAX_WHERE = 200;
const MAX_COMMENT = 1500;

/**
 * `:white_check_mark: *Approved* via e-mail link by alice@example.com at <date> — comment`, with a
 * second line saying why for a gate nobody decided.
 */
const outcomeText = ({ outcome }: DecidedMessageInput): string => {
  const { icon, word, why } = OUTCOME_WORDS[outcome.result];
  const parts = [`${icon} *${word}*`];
  if (outcome.where) parts.push(`via ${mrkdwnText(singleLine(outcome.where), MAX_WHERE)}`);
  if (outcome.by) {
    const { slackUserId, name } = outcome.by;
    parts.push(
      `by ${slackUserId !== undefined && SLACK_USER_ID.test(slackUserId) ? `<@${slackUserId}>` : mrkdwnText(singleLine(name), MAX_NAME)}`,
    );
  }
  if (outcome.at) parts.push(`at ${slackDate(outcome.at)}`);
  const comment = outcome.comment ? singleLine(outcome.comment) : '';
  if (comment) parts.push(`— ${mrkdwnText(comment, MAX_COMMENT)}`);
  return `${parts.join(' ')}${why ? `\n${why}` : ''}`;
};

/** The fallback text: `Approved by alice: runbook – step`. */
const outcomeFallback = ({ notification, outcome }: DecidedMessageInput): string => {
  const { word } = OUTCOME_WORDS[outcome.result];
  const by = outcome.by ? ` by ${singleLine(outcome.by.name, 100)}` : '';
  return escapeMrkdwn(`${word}${by}: ${runbookAndStep(notification, 200)}`);
};

/**
 * What the gate message becomes once the gate no longer waits: the same context without the buttons
 * (and without the timeout, which no longer matters), and a line saying what happened.
 */
export const decidedMessage = (input: DecidedMessageInput): SlackMessage => {
  const { notification } = input;
  return {
    text: outcomeFallback(input),
    blocks: [
      headerBlock(notification),
      ...messageBlocks(notification),
      factsBlock(notification, undefined),
      ...(input.tally === undefined ? [] : tallyBlocks(notification, input.tally)),
      ...parametersBlocks(notification),
      { type: 'section', text: mrkdwn(outcomeText(input)) },
    ],
  };
};
