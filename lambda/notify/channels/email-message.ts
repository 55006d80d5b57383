/**
 * The approval e-mail: subject, HTML part and plain-text part for one recipient of one gate.
 *
 * The HTML is built for mail clients, not browsers: nested tables, inline styles only (clients drop
 * or rewrite `<style>`), no images, scripts, web fonts or anything else loaded from elsewhere, and a
 * fluid 600px column that reads on a phone. Buttons are "border buttons": the `<a>` itself is the
 * coloured box (its border is the padding), so the whole box is the link in every client, Outlook's
 * Word engine included, and it is at least 44px tall. Everything from SSM goes through the pages'
 * `html` tag (escaped) after describe.ts has made it plain text of bounded length.
 *
 * Both parts carry the same facts and each of the three links exactly once. The links only open the
 * confirmation page; the e-mail says so, and says that the links are the recipient's own.
 */
import { html, humanUtc, isoUtc, PALETTE, type SafeHtml, SITE_NAME } from '../../pages/html';
import type { Tally } from '../../quorum/tally';
import { tallyText } from '../../quorum/words';
import { messageLines, parameterRows, principalLabel, singleLine, timeLeft } from '../describe';
import type { GateNotification, NotificationLinks, RenderedEmail } from '../notification';

export interface ApprovalEmailInput {
  readonly notification: GateNotification;
  /** This recipient's own links. */
  readonly links: NotificationLinks;
  /** The address the e-mail goes to; named in the "these links are yours" warning. */
  readonly recipient: string;
  /** The time the e-mail is written, for "time left". */
  readonly now: Date;
  /**
   * A quorum gate's approvals so far (lambda/quorum/tally.ts), when the e-mail is written after some came
   * in: the facts then say who approved (`Approved so far: alice@example.com (1 of 2)`).
   */
  readonly tally?: Tally;
}

/** Longest subject, in code points: long enough for a runbook and a step name, short enough for inboxes. */
export const MAX_SUBJECT_LENGTH = 120;

const p = PALETTE;
/** Shown for a parameter whose list of values is empty. */
const EMPTY = '(empty)';
const FONT = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif';
const MONO = 'font-family:SFMono-Regular,Menlo,Consolas,Liberation Mono,monospace';
/** Long ARNs, ids and values break anywhere rather than widen the column on a phone. */
const WRAP = 'word-break:break-word;overflow-wrap:anywhere';

/** The facts both parts show, as plain text (not yet escaped). */
interface Facts {
  readonly subject: string;
  readonly runbook: string;
  readonly lead: string;
  readonly message: readonly string[];
  readonly details: readonly { readonly label: string; readonly value: string; readonly mono?: boolean }[];
  readonly parameters: ReturnType<typeof parameterRows>;
  readonly expiry: string;
  readonly personal: string;
  readonly confirmNote: string;
  readonly stopNote: string;
}

const SUBJECT_PREFIX = 'Approval needed: ';
const SUBJECT_SEPARATOR = ' – ';
/** Longest step name kept whole in the subject; the runbook name gets the rest of the room. */
const MAX_SUBJECT_STEP_LENGTH = 40;

/**
 * `Approval needed: <runbook> – <step>`, on one line (no header injection) and at most
 * MAX_SUBJECT_LENGTH code points: a long runbook name is shortened before the step name is.
 */
const subjectOf = (runbook: string, step: string): string => {
  const stepPart = singleLine(step, MAX_SUBJECT_STEP_LENGTH);
  const room =
    MAX_SUBJECT_LENGTH - SUBJECT_PREFIX.length - SUBJECT_SEPARATOR.length - Array.from(stepPart).length;
  return `${SUBJECT_PREFIX}${singleLine(runbook, room)}${SUBJECT_SEPARATOR}${stepPart}`;
};

/** `Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z)`: for people, and to the second. */
const exactUtc = (date: Date): string => `${humanUtc(date)} (${isoUtc(date)})`;

/**
 * A quorum gate's rows: that the approvals must come from different people (the same person twice counts
 * once), and who has approved so far, when someone has.
 */
const quorumDetails = (needed: number, tally: Tally | undefined): Facts['details'] => {
  const rows = [{ label: 'Quorum', value: `Needs ${needed} approvals from different people` }];
  if (tally !== undefined && tally.approvals.length > 0) {
    // The tally in the words every channel uses (lambda/quorum/words.ts).
    rows.push({ label: 'Approved so far', value: tallyText(tally) });
  }
  return rows;
};

const factsOf = ({ notification, links, recipient, now, tally }: ApprovalEmailInput): Facts => {
  const { execution, gate } = notification;
  const runbook = singleLine(execution.documentName);
  const step = singleLine(gate.stepName);
  const version = execution.documentVersion ? singleLine(execution.documentVersion) : undefined;
  const left = gate.deadline ? timeLeft(gate.deadline, now) : undefined;

  const details: { label: string; value: string; mono?: boolean }[] = [
    { label: 'Runbook', value: version ? `${runbook} (version ${version})` : runbook },
    { label: 'Approval step', value: step },
  ];
  if (gate.deadline && left !== undefined) {
    details.push({
      label: 'Time left',
      value:
        left === 'timed out'
          ? `timed out at ${exactUtc(gate.deadline)}`
          : `${left}, until ${exactUtc(gate.deadline)}`,
    });
  }
  if (gate.minRequiredApprovals > 1) details.push(...quorumDetails(gate.minRequiredApprovals, tally));
  if (execution.executedBy) {
    details.push({ label: 'Started by', value: principalLabel(execution.executedBy) });
  }
  if (execution.startedAt) details.push({ label: 'Started', value: humanUtc(execution.startedAt) });
  details.push({ label: 'Execution', value: singleLine(execution.executionId), mono: true });

  const person = singleLine(recipient);
  return {
    subject: subjectOf(runbook, step),
    runbook,
    lead:
      left === undefined
        ? `The runbook ${runbook} is waiting for a decision at its approval step ${step}.`
        : left === 'timed out'
          ? `The runbook ${runbook} was waiting for a decision at its approval step ${step}; the step has timed out.`
          : `The runbook ${runbook} is waiting for a decision at its approval step ${step}: ${left} left.`,
    message: gate.message ? messageLines(gate.message) : [],
    details,
    parameters: parameterRows(execution.parameters),
    expiry: `The links expire ${exactUtc(links.expiresAt)}.`,
    personal: `These links are for ${person} only: do not forward this e-mail; anyone with them can act in your name.`,
    confirmNote:
      'Opening a link changes nothing: it shows a page that asks you to confirm, and only the button on that page acts.',
    stopNote: 'Cancels the execution, not just this approval step.',
  };
};

// ---------------------------------------------------------------------------------------------------
// Plain text

/** `Label:` padded so the values line up. */
const detailLines = (details: Facts['details']): string[] => {
  const width = Math.max(...details.map(({ label }) => label.length)) + 2;
  return details.map(({ label, value }) => `${`${label}:`.padEnd(width)}${value}`);
};

const renderText = (facts: Facts, links: NotificationLinks): string => {
  const lines: string[] = [facts.subject, '', facts.lead, ''];
  if (facts.message.length > 0) {
    lines.push('Message from the runbook:', ...facts.message.map((line) => `> ${line}`.trimEnd()), '');
  }
  lines.push(...detailLines(facts.details), '');
  if (facts.parameters.length > 0) {
    lines.push(
      'Parameters:',
      ...facts.parameters.map(({ name, value }) => `  ${name}: ${value === '' ? EMPTY : value}`),
      '',
    );
  }
  lines.push(
    'Approve:',
    links.approve,
    '',
    'Reject:',
    links.reject,
    '',
    'Stop the whole execution (not just this approval step):',
    links.stop,
    '',
    facts.confirmNote,
    facts.expiry,
    facts.personal,
    '',
    '-- ',
    SITE_NAME,
    '',
  );
  return lines.join('\n');
};

// ---------------------------------------------------------------------------------------------------
// HTML

/** A filled button: the link's own border makes the box (12px + 20px line + 12px = 44px tall). */
const button = (href: string, label: string, colour: string): SafeHtml =>
  html`<a href="${href}" style="display:inline-block;${FONT};font-size:16px;line-height:20px;font-weight:600;color:${p.onButton};background-color:${colour};border:solid ${colour};border-width:12px 24px;border-radius:6px;text-decoration:none">${label}</a>`;

const smallParagraph = (text: string): SafeHtml =>
  html`<p style="margin:0 0 12px;font-size:14px;line-height:20px">${text}</p>
`;

const messageBlock = (lines: readonly string[]): SafeHtml => {
  if (lines.length === 0) return html``;
  const body = lines.map((line, index) => (index === 0 ? html`${line}` : html`<br>${line}`));
  return html`<p style="margin:0 0 4px;font-size:14px;font-weight:600;color:${p.mutedText}">Message from the runbook</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px">
<tr><td style="padding:12px 16px;background-color:${p.background};border-left:4px solid ${p.border};font-size:16px;line-height:24px;${WRAP}">${body}</td></tr>
</table>
`;
};

const LABEL_CELL = `padding:6px 12px 6px 0;vertical-align:top;font-size:14px;line-height:20px;font-weight:600;color:${p.mutedText}`;
const VALUE_CELL = `padding:6px 0;vertical-align:top;font-size:14px;line-height:20px;${WRAP}`;

const detailsTable = (details: Facts['details']): SafeHtml =>
  html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;border-top:1px solid ${p.border}">
${details.map(
  ({ label, value, mono }) =>
    html`<tr><td width="120" style="${LABEL_CELL};width:120px;border-bottom:1px solid ${p.border}">${label}</td><td style="${VALUE_CELL};border-bottom:1px solid ${p.border}${mono ? `;${MONO}` : ''}">${value}</td></tr>
`,
)}</table>
`;

/**
 * One parameter per row, the name above its value: a name column beside the values would be squeezed
 * to a few letters on a phone (table cells shrink to their narrowest breakable width).
 */
const parametersTable = (rows: Facts['parameters']): SafeHtml => {
  if (rows.length === 0) return html``;
  return html`<p style="margin:0 0 4px;font-size:14px;font-weight:600;color:${p.mutedText}">Parameters</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;border-top:1px solid ${p.border}">
${rows.map(
  ({ name, value }) =>
    html`<tr><td style="padding:6px 0;font-size:14px;line-height:20px;border-bottom:1px solid ${p.border};${WRAP}"><strong>${name}</strong><br><span style="${MONO}">${value === '' ? html`<em style="${FONT};color:${p.mutedText}">${EMPTY}</em>` : value}</span></td></tr>
`,
)}</table>
`;
};

const renderHtml = (facts: Facts, links: NotificationLinks): string =>
  html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<meta name="referrer" content="no-referrer">
<title>${facts.subject}</title>
</head>
<body style="margin:0;padding:0;background-color:${p.background};color:${p.text};${FONT}">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${facts.lead}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:${p.background}">
<tr><td align="center" style="padding:16px 8px">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:${p.surface};border:1px solid ${p.border};border-top:4px solid ${p.primary};border-radius:8px">
<tr><td style="padding:24px 20px;${FONT};font-size:16px;line-height:24px;color:${p.text};text-align:left">
<p style="margin:0 0 8px;font-size:14px;color:${p.mutedText}">${SITE_NAME}</p>
<h1 style="margin:0 0 12px;font-size:22px;line-height:28px;font-weight:700;color:${p.text};${WRAP}">Approval needed: ${facts.runbook}</h1>
<p style="margin:0 0 20px;${WRAP}">${facts.lead}</p>
${messageBlock(facts.message)}${detailsTable(facts.details)}${parametersTable(facts.parameters)}<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 8px">
<tr><td style="padding:0 12px 12px 0">${button(links.approve, 'Approve', p.primary)}</td><td style="padding:0 0 12px 0">${button(links.reject, 'Reject', p.danger)}</td></tr>
</table>
<p style="margin:0;font-size:14px;line-height:20px"><a href="${links.stop}" style="display:inline-block;padding:12px 0;color:${p.danger};font-weight:600;text-decoration:underline">Stop the whole execution</a></p>
<p style="margin:0 0 20px;font-size:14px;line-height:20px;color:${p.mutedText}">${facts.stopNote}</p>
${smallParagraph(facts.confirmNote)}${smallParagraph(facts.expiry)}<p style="margin:0;padding:12px 16px;font-size:14px;line-height:20px;background-color:${p.background};border-left:4px solid ${p.danger};${WRAP}"><strong>${facts.personal}</strong></p>
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`.value;

/** Subject, HTML and plain text of the approval e-mail for one recipient. */
export const renderApprovalEmail = (input: ApprovalEmailInput): RenderedEmail => {
  const facts = factsOf(input);
  return {
    subject: facts.subject,
    text: renderText(facts, input.links),
    html: renderHtml(facts, input.links),
  };
};
