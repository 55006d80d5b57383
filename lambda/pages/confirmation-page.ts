/**
 * The page a signed link opens (GET). It changes nothing: mail scanners and chat unfurlers fetch
 * links before people do. Only its button, a plain form POST carrying the token, acts. A link that came
 * with a Slack message opens the same facts without a button (renderSlackDetailsPage).
 */
import { messageLines, parameterRows, principalLabel, timeLeft } from '../notify/describe';
import type { ExecutionSummary, GateSummary } from '../notify/notification';
import type { QuorumApproval, Tally } from '../quorum/tally';
import { ACTION_WORDS, type PageAction } from './actions';
import { html, page, type SafeHtml, timeElement } from './html';
import { moreApprovals, tallyRow } from './tally';

/** SSM accepts at most 512 characters per signal payload value (`Comment`). */
export const DEFAULT_MAX_COMMENT_LENGTH = 512;

export interface ConfirmationPageInput {
  /** Execution id, already validated as a UUID by the caller (escaped here all the same). */
  readonly executionId: string;
  readonly action: PageAction;
  /** Label of the person the link was issued for, from the verified token. */
  readonly approver: string;
  /** When the link stops working. */
  readonly expiresAt: Date;
  /** The link's token, sent back by the form. Placed only in a hidden input's value. */
  readonly token: string;
  /**
   * `maxlength` of the comment box. The handler may need less than SSM's 512 when it adds the
   * approver and channel to the same `Comment`.
   * @default 512
   */
  readonly maxCommentLength?: number;
  /** What is being decided, as SSM reports it now. Without it the page shows only the execution id. */
  readonly context?: DecisionContext;
  /**
   * The link's approver's own approval of this quorum gate, as SSM shows it (approvalBy in
   * lambda/quorum/tally.ts). An approve link then says so instead of offering the button: the same person
   * approving again would count for nothing. Reject and stop links are offered as ever.
   */
  readonly yourApproval?: QuorumApproval;
  /**
   * Why this link cannot approve: it was sent to a Teams channel or a webhook, and the gate needs approvals
   * from several people (lambda/quorum/channel-links.ts). An approve link then says so instead of
   * offering the button, which the webhook would refuse (409 `quorum-needs-a-person`).
   */
  readonly cannotApprove?: string;
}

/** The facts a person needs to decide, read from SSM when the page is opened. */
export interface DecisionContext {
  readonly execution: ExecutionSummary;
  /** The gate the link decides (step-bound links) or the one waiting now (links without a gate). */
  readonly gate?: GateSummary;
  /** Whether the link is bound to this one gate; links made by hand act on whichever gate waits. */
  readonly boundToGate: boolean;
  readonly now: Date;
  /** A quorum gate's approvals so far (MinRequiredApprovals > 1): shown in place of "Approvals needed". */
  readonly tally?: Tally;
}

const rows = (entries: readonly (readonly [string, SafeHtml | string | undefined])[]): SafeHtml[] =>
  entries
    .filter(
      (entry): entry is readonly [string, SafeHtml | string] => entry[1] !== undefined && entry[1] !== '',
    )
    .map(([term, value]) => html`<dt>${term}</dt>\n<dd>${value}</dd>\n`);

/** The runbook, gate, time left, the approvals so far and who started it: rows of the page's first list. */
export const contextRows = ({ execution, gate, now, tally }: DecisionContext): SafeHtml[] => {
  const approvals =
    gate === undefined || gate.minRequiredApprovals <= 1
      ? []
      : tally === undefined
        ? rows([['Approvals needed', String(gate.minRequiredApprovals)]])
        : [tallyRow(tally)];
  return [
    ...rows([
      [
        'Runbook',
        execution.documentVersion === undefined
          ? execution.documentName
          : html`${execution.documentName} <span class="hint">(version ${execution.documentVersion})</span>`,
      ],
      ['Approval step', gate?.stepName],
      [
        'Time left',
        gate?.deadline === undefined
          ? undefined
          : html`${timeLeft(gate.deadline, now)}, until ${timeElement(gate.deadline)}`,
      ],
    ]),
    ...approvals,
    ...rows([
      ['Started by', execution.executedBy === undefined ? undefined : principalLabel(execution.executedBy)],
      ['Started at', execution.startedAt === undefined ? undefined : timeElement(execution.startedAt)],
    ]),
  ];
};

/** The gate's Message (line breaks kept) and the runbook's parameters (long values cut visibly). */
const messageAndParameters = ({ execution, gate }: DecisionContext): SafeHtml => {
  const lines = gate?.message === undefined ? [] : messageLines(gate.message);
  const message =
    lines.length === 0
      ? html``
      : html`<h2>Message from the runbook</h2>
<blockquote class="message">${lines.map((line, index) => (index === 0 ? html`${line}` : html`<br>${line}`))}</blockquote>
`;
  const parameters = parameterRows(execution.parameters);
  const table =
    parameters.length === 0
      ? html``
      : html`<h2>Parameters</h2>
<dl class="parameters">
${parameters.map((row) => html`<dt><code>${row.name}</code></dt>\n<dd>${row.value}</dd>\n`)}</dl>
`;
  return html`${message}${table}`;
};

/** The message and parameters, then a warning when the link's button acts on whichever gate waits. */
export const contextSections = (context: DecisionContext): SafeHtml => {
  const unbound = context.boundToGate
    ? html``
    : html`<p class="note">This link is not bound to one approval step: it acts on whichever approval step waits when you press the button. Links sent by the notifier are bound to their step; this one was made by hand.</p>
`;
  return html`${messageAndParameters(context)}${unbound}`;
};

/**
 * The form posts to the same path without the query, so the token travels in the body instead of
 * the URL. Relative to the page (`/…/executions/<id>/<action>`): it resolves to the same path under
 * any stage name or custom-domain base path.
 */
export const formActionPath = (action: PageAction): string => `./${action}`;

/** `You approved this at <time>; waiting for 1 more approval.` */
const yourApprovalSentence = (approval: QuorumApproval, tally: Tally | undefined): SafeHtml => {
  const when =
    approval.at === undefined || Number.isNaN(approval.at.getTime())
      ? html`You approved this`
      : html`You approved this at ${timeElement(approval.at)}`;
  const remaining = tally?.remaining ?? 0;
  return remaining > 0
    ? html`${when}; waiting for ${moreApprovals(remaining)}.`
    : html`${when}; the approval step has the approvals it needs.`;
};

/** A link's page without a form: why, the link's facts, and a closing note. Opening it changes nothing. */
const renderWithoutButton = (
  input: ConfirmationPageInput,
  heading: string,
  lead: SafeHtml | string,
  note: SafeHtml,
): string => {
  const { executionId, approver, expiresAt, context } = input;
  const body = html`<p>${lead}</p>
<dl>
${context ? contextRows(context) : html``}<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
<dt>Link issued for</dt>
<dd>${approver}</dd>
<dt>Link expires</dt>
<dd>${timeElement(expiresAt)}</dd>
</dl>
${context ? contextSections(context) : html``}<p class="note">${note}</p>`;
  return page({ title: heading, heading, body });
};

/**
 * An approve link whose person already approved this quorum gate: their approval, the tally, and no
 * button (approving twice would count once).
 */
const renderYourApprovalPage = (input: ConfirmationPageInput, approval: QuorumApproval): string =>
  renderWithoutButton(
    input,
    'You have approved',
    yourApprovalSentence(approval, input.context?.tally),
    html`Your approval counts once, so there is nothing more to do through this link. The runbook continues when other approvers have approved.`,
  );

/**
 * An approve link sent to a channel, not to one person, of a gate that needs several people: why it
 * cannot approve, the facts, and no button.
 */
const renderCannotApprovePage = (input: ConfirmationPageInput, reason: string): string =>
  renderWithoutButton(
    input,
    'This link cannot approve',
    reason,
    html`Nothing has happened. A rejection through this channel's reject link still counts: any one rejection rejects.`,
  );

export const renderConfirmationPage = (input: ConfirmationPageInput): string => {
  const { executionId, action, approver, expiresAt, token } = input;
  if (action === 'approve' && input.yourApproval !== undefined) {
    return renderYourApprovalPage(input, input.yourApproval);
  }
  if (action === 'approve' && input.cannotApprove !== undefined) {
    return renderCannotApprovePage(input, input.cannotApprove);
  }
  const maxCommentLength = input.maxCommentLength ?? DEFAULT_MAX_COMMENT_LENGTH;
  if (!Number.isInteger(maxCommentLength) || maxCommentLength < 1) {
    throw new RangeError(`maxCommentLength must be a positive integer, got ${maxCommentLength}`);
  }
  const words = ACTION_WORDS[action];

  const comment = words.takesComment
    ? html`<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="4" maxlength="${maxCommentLength}" aria-describedby="comment-hint"></textarea>
<p id="comment-hint" class="hint">Up to ${maxCommentLength} characters. Recorded with your decision in the execution's history.</p>
`
    : html``;

  const context = input.context;
  // On a gate that needs several people, one approval does not let the runbook go on by itself.
  const tally = context?.tally;
  const effect =
    action === 'approve' && tally !== undefined && tally.needed > 1 && tally.remaining > 1
      ? `Your approval counts as one of the ${tally.needed} this approval step needs from different people; the runbook continues once the last one is in.`
      : words.effect;
  const body = html`<p>${effect}</p>
<dl>
${context ? contextRows(context) : html``}<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
<dt>Action</dt>
<dd>${words.label}</dd>
<dt>Link issued for</dt>
<dd>${approver}</dd>
<dt>Link expires</dt>
<dd>${timeElement(expiresAt)}</dd>
</dl>
${context ? contextSections(context) : html``}<p class="note">Nothing has happened yet. The execution changes only when you press the button below. If you are not ${approver}, do not use this link.</p>
<form method="post" action="${formActionPath(action)}" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="token" value="${token}">
${comment}<button type="submit" class="button${words.destructive ? ' button-danger' : ''}">${words.button}</button>
</form>`;

  return page({ title: words.question, heading: words.question, body });
};

export interface SlackDetailsPageInput {
  /** Execution id, already validated as a UUID by the caller (escaped here all the same). */
  readonly executionId: string;
  /** What is being decided, as SSM reports it now. Without it the page shows only the execution id. */
  readonly context?: DecisionContext;
}

/**
 * The page a Slack message's Details link opens: the same facts as the confirmation page, and no form.
 * Everyone in the channel can open that link, so it cannot be the credential; the message's buttons are,
 * because Slack tells us who clicked them (a POST with this link is refused: `slack-link-view-only`). The
 * lead sentence is DECIDE_IN_SLACK (actions.ts).
 */
export const renderSlackDetailsPage = ({ executionId, context }: SlackDetailsPageInput): string => {
  const heading = 'Decide in Slack';
  // Written out rather than interpolated so that the page holds the sentence as people read it (the
  // apostrophe unescaped, as in any other literal here); the tests check it equals DECIDE_IN_SLACK.
  const body = html`<p>Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook's approvers can decide.</p>
<dl>
${context ? contextRows(context) : html``}<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
</dl>
${context ? messageAndParameters(context) : html``}<p class="note">This page only shows the details; opening it changes nothing.</p>`;
  return page({ title: heading, heading, body });
};

export interface GateClosedPageInput {
  readonly executionId: string;
  /** What happened, in the words of the gate check (names the link's gate and where the run is now). */
  readonly detail: string;
  /** `gate-moved-on`, `no-gate-waiting`, … (lambda/gate/gate-check.ts). */
  readonly reason: string;
  readonly context?: DecisionContext;
}

const CLOSED_HEADINGS: Readonly<Record<string, string>> = {
  'no-gate-waiting': 'The execution is not waiting for an approval',
  'execution-finished': 'The execution has already finished',
  'gate-not-found': 'This approval step is not part of this execution',
};

/**
 * What a link's page shows when its gate no longer waits: what happened, and no button. Opening it
 * changes nothing, as ever.
 */
export const renderGateClosedPage = ({
  executionId,
  detail,
  reason,
  context,
}: GateClosedPageInput): string => {
  const heading = CLOSED_HEADINGS[reason] ?? 'This approval step is no longer waiting';
  const body = html`<p>${detail}</p>
<dl>
${context ? contextRows({ ...context, gate: undefined }) : html``}<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
</dl>
<p class="note">There is nothing to decide through this link any more. The execution's history in the Systems Manager console shows who decided what.</p>`;
  return page({ title: heading, heading, body });
};
