/**
 * The Microsoft Teams message of one gate (pure; no network): what a Teams workflow webhook ("When a
 * Teams webhook request is received" → post card) takes, one Adaptive Card 1.4 with the gate's context
 * and buttons that open the confirmation page through links bound to the Teams channel. The buttons
 * only open the page ("Approve…", "Reject…"); nothing acts before the page's own button.
 *
 * Teams renders a Markdown subset in TextBlocks and fact values (bold, italic, lists, `[text](url)`
 * links), clients may turn bare URLs into links, and backslash escapes work differently between
 * clients. So untrusted text goes through `plainMarkdown`, which breaks every construct that could make
 * a link or fake our emphasis without relying on escapes: `](` gets a zero-width space between the brackets, `://` one
 * after the colon, `<` one after it, `{{` (Adaptive Cards' DATE/TIME functions) one between the braces;
 * `*` becomes the look-alike `∗` (U+2217), and `_` outside a word gets zero-width spaces around it. A
 * whole card stays well under Teams' 28 KB message limit: untrusted text is cut visibly.
 */
import { humanUtc } from '../../pages/html';
import { emptyTally, type Tally, tallyText } from '../../quorum/tally';
import { fittedText, messageLines, parameterRows, principalLabel, singleLine, timeLeft } from '../describe';
import type { GateNotification, NotificationLinks } from '../notification';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const ADAPTIVE_CARD_VERSION = '1.4';
/** Teams refuses messages larger than about 28 KB. */
export const MAX_TEAMS_MESSAGE_BYTES = 28 * 1024;

/** Longest gate Message shown, in characters after neutralizing (UTF-16 code units). */
export const MAX_CARD_MESSAGE_LENGTH = 2500;
/** Most parameters shown (then one "N more" fact). */
export const MAX_CARD_PARAMETERS = 6;
/** Longest parameter name and value shown, in characters after neutralizing. */
const MAX_PARAMETER_NAME_LENGTH = 100;
const MAX_PARAMETER_VALUE_LENGTH = 200;
/** Longest fact value, in characters after neutralizing. */
const MAX_FACT_LENGTH = 300;
const MAX_TITLE_STEP_LENGTH = 40;
const MAX_TITLE_LENGTH = 200;
const ZWSP = '\u200B';

export interface TextBlock {
  readonly type: 'TextBlock';
  readonly text: string;
  readonly wrap: true;
  readonly size?: 'Small' | 'Default' | 'Medium' | 'Large';
  readonly weight?: 'Bolder';
  readonly isSubtle?: true;
  readonly spacing?: 'Medium';
}

export interface FactSet {
  readonly type: 'FactSet';
  readonly facts: readonly { readonly title: string; readonly value: string }[];
  readonly spacing?: 'Medium';
}

export interface OpenUrlAction {
  readonly type: 'Action.OpenUrl';
  readonly title: string;
  readonly url: string;
}

export interface AdaptiveCard {
  readonly $schema: typeof ADAPTIVE_CARD_SCHEMA;
  readonly type: 'AdaptiveCard';
  readonly version: typeof ADAPTIVE_CARD_VERSION;
  readonly body: readonly (TextBlock | FactSet)[];
  readonly actions: readonly OpenUrlAction[];
}

/** The body a Teams workflow webhook takes. */
export interface TeamsWorkflowMessage {
  readonly type: 'message';
  readonly attachments: readonly [
    { readonly contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; readonly content: AdaptiveCard },
  ];
}

export interface GateCardInput {
  readonly notification: GateNotification;
  /** The links minted for the Teams channel (Approve… and Reject… open them; Stop is not offered here). */
  readonly links: NotificationLinks;
  /** The time the card is written, for "time left". */
  readonly now: Date;
  /** Opens the confirmation page's overview through a link bound to the channel; no Details button without it. */
  readonly detailsUrl?: string;
  /**
   * A quorum gate's approvals so far (lambda/quorum/tally.ts); a gate that needs more than one approval
   * shows an Approvals fact either way (none given: nobody has approved yet).
   */
  readonly tally?: Tally;
}

const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;
const isWordCharacter = (character: string | undefined): boolean =>
  character !== undefined && WORD_CHARACTER.test(character);

/**
 * Untrusted text for a TextBlock or a fact: no link (`[text](url)`, `<url>`, bare `scheme://`), no
 * emphasis (`*`, `_` outside words) and no DATE/TIME function can form. Line breaks are kept.
 */
export const plainMarkdown = (text: string): string => {
  const points = Array.from(text);
  return points
    .map((character, index) => {
      const next = points[index + 1];
      switch (character) {
        case '*':
          return '∗';
        case '_':
          return isWordCharacter(points[index - 1]) && isWordCharacter(next)
            ? character
            : `${ZWSP}${character}${ZWSP}`;
        case ']':
          return next === '(' ? `]${ZWSP}` : character;
        case '<':
          return `<${ZWSP}`;
        case ':':
          return next === '/' && points[index + 2] === '/' ? `:${ZWSP}` : character;
        case '{':
          return next === '{' ? `{${ZWSP}` : character;
        default:
          return character;
      }
    })
    .join('');
};

/** `plainMarkdown` of `text`, cut visibly to at most `max` code units (see fittedText). */
const fitted = (text: string, max: number, render: (text: string) => string = plainMarkdown): string =>
  fittedText(text, render, max);

const text = (value: string, options: Omit<TextBlock, 'type' | 'text' | 'wrap'> = {}): TextBlock => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...options,
});

const requireUrl = (name: string, url: string): string => {
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new RangeError(`${name} must be an http(s) URL`);
  return url;
};

/** `runbook – step` on one line, a long runbook name shortened before the step name. */
const runbookAndStep = (notification: GateNotification): string => {
  const step = singleLine(notification.gate.stepName, MAX_TITLE_STEP_LENGTH);
  const room = MAX_TITLE_LENGTH - 3 - Array.from(step).length;
  return `${singleLine(notification.execution.documentName, room)} – ${step}`;
};

const facts = (notification: GateNotification, now: Date, tally: Tally | undefined): FactSet['facts'] => {
  const { execution, gate } = notification;
  const runbook = singleLine(execution.documentName);
  const version = execution.documentVersion ? singleLine(execution.documentVersion) : undefined;
  const rows: { title: string; value: string }[] = [
    { title: 'Runbook', value: version ? `${runbook} (version ${version})` : runbook },
    { title: 'Approval step', value: singleLine(gate.stepName) },
  ];
  if (gate.deadline) {
    const left = timeLeft(gate.deadline, now);
    rows.push({
      title: 'Time left',
      value:
        left === 'timed out'
          ? `timed out at ${humanUtc(gate.deadline)}`
          : `${left}, until ${humanUtc(gate.deadline)}`,
    });
  }
  if (gate.minRequiredApprovals > 1) {
    // `1 of 2 approvals: alice@example.com; 1 more needed`: a card is not updated, so it says who had
    // approved when it was sent; the links' page shows the tally as it is when opened.
    rows.push({ title: 'Approvals', value: tallyText(tally ?? emptyTally(gate.minRequiredApprovals)) });
  }
  if (execution.executedBy) rows.push({ title: 'Started by', value: principalLabel(execution.executedBy) });
  if (execution.startedAt) rows.push({ title: 'Started', value: humanUtc(execution.startedAt) });
  rows.push({ title: 'Execution', value: singleLine(execution.executionId) });
  return rows.map(({ title, value }) => ({ title, value: fitted(value, MAX_FACT_LENGTH) }));
};

const lead = (notification: GateNotification, now: Date): string => {
  const runbook = singleLine(notification.execution.documentName);
  const step = singleLine(notification.gate.stepName);
  const left = notification.gate.deadline ? timeLeft(notification.gate.deadline, now) : undefined;
  const sentence =
    left === undefined
      ? `The runbook ${runbook} is waiting for a decision at its approval step ${step}.`
      : left === 'timed out'
        ? `The runbook ${runbook} was waiting for a decision at its approval step ${step}; the step has timed out.`
        : `The runbook ${runbook} is waiting for a decision at its approval step ${step}: ${left} left.`;
  return fitted(sentence, 2 * MAX_FACT_LENGTH);
};

/** The Message as paragraphs: a TextBlock needs a blank line to break one. */
const messageBlocks = (notification: GateNotification): TextBlock[] => {
  const { message } = notification.gate;
  const lines = message ? messageLines(message, Number.MAX_SAFE_INTEGER) : [];
  if (lines.length === 0) return [];
  const paragraphs = (source: string): string =>
    source
      .split('\n')
      .filter((line) => line !== '')
      .map(plainMarkdown)
      .join('\n\n');
  return [
    text('Message from the runbook', { weight: 'Bolder', spacing: 'Medium' }),
    text(fitted(lines.join('\n'), MAX_CARD_MESSAGE_LENGTH, paragraphs)),
  ];
};

const parameterBlocks = (notification: GateNotification): (TextBlock | FactSet)[] => {
  const rows = parameterRows(notification.execution.parameters, Number.MAX_SAFE_INTEGER, MAX_CARD_PARAMETERS);
  if (rows.length === 0) return [];
  return [
    text('Parameters', { weight: 'Bolder', spacing: 'Medium' }),
    {
      type: 'FactSet',
      facts: rows.map(({ name, value }) => ({
        title: fitted(name, MAX_PARAMETER_NAME_LENGTH),
        value: value === '' ? '(empty)' : fitted(value, MAX_PARAMETER_VALUE_LENGTH),
      })),
    },
  ];
};

/** The card posted while the gate waits: the context, then Approve…, Reject… and Details. */
export const gateCard = (input: GateCardInput): TeamsWorkflowMessage => {
  const { notification, links, now, detailsUrl, tally } = input;
  const actions: OpenUrlAction[] = [
    { type: 'Action.OpenUrl', title: 'Approve…', url: requireUrl('links.approve', links.approve) },
    { type: 'Action.OpenUrl', title: 'Reject…', url: requireUrl('links.reject', links.reject) },
  ];
  if (detailsUrl !== undefined) {
    actions.push({ type: 'Action.OpenUrl', title: 'Details', url: requireUrl('detailsUrl', detailsUrl) });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        content: {
          $schema: ADAPTIVE_CARD_SCHEMA,
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          body: [
            text(`Approval needed: ${plainMarkdown(runbookAndStep(notification))}`, {
              size: 'Large',
              weight: 'Bolder',
            }),
            text(lead(notification, now)),
            ...messageBlocks(notification),
            { type: 'FactSet', facts: facts(notification, now, tally), spacing: 'Medium' },
            ...parameterBlocks(notification),
            text(
              `The buttons open a page that asks you to confirm; opening it changes nothing. The links expire ${humanUtc(links.expiresAt)}.`,
              { size: 'Small', isSubtle: true, spacing: 'Medium' },
            ),
          ],
          actions,
        },
      },
    ],
  };
};
