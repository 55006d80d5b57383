/**
 * Pages answering the confirmation form's POST: one for success, one for every problem. Neither
 * takes the token, so neither can echo it.
 */
import type { Tally } from '../quorum/tally';
import { CONTINUES_ONCE_ALL_IN, recordedLine } from '../quorum/words';
import { ACTION_WORDS, DECIDE_IN_SLACK, type PageAction } from './actions';
import { html, page, type SafeHtml, timeElement } from './html';
import { tallyRow } from './tally';

/** Actions whose success a page can report: the link actions, plus `signal` for completeness. */
export type ResultAction = PageAction | 'signal';

/** Facts to show beside the outcome. All optional: without them the page is still correct. */
export interface ResultOutcome {
  /** Label of the person the decision was recorded for (the link's approver). */
  readonly recordedFor?: string;
  /** The comment the person typed (not the full `Comment` sent to SSM, which adds who and how). */
  readonly comment?: string;
  /** When Systems Manager accepted the request. */
  readonly at?: Date;
  /** For stop: the StopAutomationExecution type sent. @default 'Cancel' */
  readonly stopType?: 'Cancel' | 'Complete';
  /** For signal: the signal type sent. */
  readonly signalType?: string;
  /**
   * For approve: the approvals the step needs (its MinRequiredApprovals) when more than one: the step
   * may still wait after this approval, so the page does not say the runbook continues.
   */
  readonly approvalsNeeded?: number;
  /**
   * For approve on a quorum gate: the approvals SSM shows after this one (tallyOf). The page then says
   * `Approval recorded: 1 of 2 approvals: alice@example.com · 1 more needed.` and shows the tally; it
   * takes precedence over approvalsNeeded.
   */
  readonly tally?: Tally;
}

export interface ResultPageInput {
  readonly executionId: string;
  readonly action: ResultAction;
  readonly outcome?: ResultOutcome;
}

interface ResultWords {
  readonly heading: string;
  readonly label: string;
  readonly done: string | SafeHtml;
}

const resultWords = (action: ResultAction, outcome: ResultOutcome): ResultWords => {
  if (action === 'signal') {
    const type = outcome.signalType;
    return {
      heading: 'Signal sent',
      label: type === undefined ? 'Signal' : `Signal (${type})`,
      done: 'Signal sent. Systems Manager accepted it.',
    };
  }
  const words = ACTION_WORDS[action];
  if (action === 'stop' && outcome.stopType === 'Complete') {
    // SSM does not document what Complete does beyond "stop": say only what is known.
    return {
      heading: words.doneHeading,
      label: 'Stop (complete)',
      done: 'Stopped. Systems Manager accepted the request to stop the execution as Complete.',
    };
  }
  if (action === 'approve' && outcome.tally !== undefined) {
    const { tally } = outcome;
    return tally.remaining > 0
      ? {
          heading: 'Approval recorded',
          label: words.label,
          done: `${recordedLine(tally, { style: 'display' })}. ${CONTINUES_ONCE_ALL_IN}`,
        }
      : {
          heading: words.doneHeading,
          label: words.label,
          done: `${recordedLine(tally, { style: 'display' })}. The runbook continues.`,
        };
  }
  if (action === 'approve' && outcome.approvalsNeeded !== undefined && outcome.approvalsNeeded > 1) {
    return {
      heading: 'Approval recorded',
      label: words.label,
      done: `Your approval was recorded. This approval step needs ${outcome.approvalsNeeded} approvals from different approvers; the runbook continues once they are in.`,
    };
  }
  return { heading: words.doneHeading, label: words.label, done: words.done };
};

const optionalRow = (term: string, value: string | undefined): SafeHtml =>
  value === undefined || value === '' ? html`` : html`<dt>${term}</dt>\n<dd>${value}</dd>\n`;

export const renderResultPage = ({ executionId, action, outcome = {} }: ResultPageInput): string => {
  const words = resultWords(action, outcome);
  // This page runs after SSM has acted: a bad date drops the row rather than turning success into a 500.
  const at =
    outcome.at === undefined || Number.isNaN(outcome.at.getTime())
      ? html``
      : html`<dt>Accepted at</dt>\n<dd>${timeElement(outcome.at)}</dd>\n`;
  const body = html`<p>${words.done}</p>
<dl>
<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
<dt>Action</dt>
<dd>${words.label}</dd>
${action === 'approve' && outcome.tally !== undefined ? tallyRow(outcome.tally) : html``}${optionalRow('Recorded for', outcome.recordedFor)}${optionalRow('Comment', outcome.comment)}${at}</dl>
<p>You can close this page. The execution's history in Systems Manager records this.</p>`;
  return page({ title: words.heading, heading: words.heading, body, status: 'success' });
};

/** What an execution already showed when a link's decision arrived (see lambda/gate/gate-check.ts). */
export interface AlreadyDoneInput {
  readonly executionId: string;
  readonly action: PageAction;
  /** The approval step the link was for. */
  readonly gateName?: string;
  /** When the decision was made, if SSM shows it. */
  readonly at?: Date;
  /** Who it was recorded for (the decision's comment), if SSM shows it. */
  readonly by?: string;
}

const ALREADY_WORDS: Readonly<Record<PageAction, { heading: string; lead: string }>> = {
  approve: {
    heading: 'Already approved',
    lead: 'This approval step was already approved. Nothing more to do.',
  },
  reject: {
    heading: 'Already rejected',
    lead: 'This approval step was already rejected. Nothing more to do.',
  },
  stop: { heading: 'Already stopped', lead: 'This execution was already stopped. Nothing more to do.' },
};

/**
 * The calm answer to a decision that is already there (a double click, a second tab, a colleague who
 * was faster with the same decision): not an error, and nothing was sent again.
 */
export const renderAlreadyDonePage = ({
  executionId,
  action,
  gateName,
  at,
  by,
}: AlreadyDoneInput): string => {
  const words = ALREADY_WORDS[action];
  const when =
    at === undefined || Number.isNaN(at.getTime())
      ? html``
      : html`<dt>Decided at</dt>\n<dd>${timeElement(at)}</dd>\n`;
  const body = html`<p>${words.lead}</p>
<dl>
<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
${optionalRow('Approval step', gateName)}${optionalRow('Recorded as', by)}${when}</dl>
<p>You can close this page. The execution's history in Systems Manager records the decision.</p>`;
  return page({ title: words.heading, heading: words.heading, body, status: 'success' });
};

/**
 * Reason codes the pages explain in their own words: the `reason` values thrown across lambda/ and
 * produced by lambda/core/problem.ts, with the status each travels with. Any
 * other reason falls back to the caller's title and detail, with a next step chosen by status.
 */
export type ProblemReason =
  | 'missing-credentials' // 401
  | 'invalid-link-token' // 401: bad signature, malformed, unknown or retired key
  | 'link-expired' // 403
  | 'link-wrong-execution' // 403
  | 'link-wrong-action' // 403
  | 'slack-link-view-only' // 403: a link that came with a Slack message, used to act
  | 'invalid-execution-id' // 400
  | 'invalid-action' // 400: a link path naming no link action
  | 'invalid-field' // 400 (e.g. a comment that is too long)
  | 'missing-field' // 400
  | 'invalid-form' // 400
  | 'body-too-large' // 413
  | 'unsupported-media-type' // 415
  | 'execution-not-found' // 404
  | 'signal-not-accepted' // 409: InvalidAutomationSignalException
  | 'execution-not-stoppable' // 409: InvalidAutomationStatusUpdateException
  | 'ssm-throttled' // 503 (or 429)
  | 'secret-unavailable' // 503: the webhook could not read its own secret in time
  | 'ssm-unavailable' // 503: ServiceUnavailable, or a 429/503 without SSM's body
  | 'ssm-unreadable-answer' // 502: an answer that is not SSM's JSON
  | 'ssm-unreachable' // 502: network failure or timeout
  | 'ssm-internal-error' // 502
  | 'ssm-error' // 502: any other SSM error
  | 'ssm-access-denied' // 502
  | 'gate-moved-on' // 409: a step-bound link whose gate was decided, timed out or passed
  | 'gate-not-found' // 409: a step-bound link whose gate the execution does not show
  | 'no-gate-waiting' // 409: a link without a gate while no approval step waits
  | 'execution-finished' // 409: a stop link for a run that has ended
  | 'link-stop-type' // 403: a stop link that tried to choose Complete
  | 'decided-otherwise' // 409: SSM's answer was lost, and the execution shows another outcome
  | 'outcome-unknown' // 504: SSM's answer was lost, and the execution does not show the outcome
  | 'internal-error'; // 500

interface Explanation {
  readonly heading: string;
  readonly explanation: string;
  readonly next: string;
}

const ASK_FOR_NEW_LINK =
  'Ask the person or team that started the runbook for a new link, if the execution is still waiting.';
const USE_LINK_AS_RECEIVED = 'Open the link exactly as you received it, without editing the address.';
const CHECK_CONSOLE =
  "Check the execution's current status in the Systems Manager console (Automation, Executions). There is nothing more to do here.";
const RETRY_AFTER_CHECK =
  "Check the execution's status in the Systems Manager console. If it is still waiting, go back to the link's page and press the button again.";
const TELL_OPERATORS =
  'If it keeps happening, tell the team that runs this webhook and give them the execution id.';

const NOT_UNDERSTOOD: Explanation = {
  heading: 'The request was not understood',
  explanation: 'The form data was missing, too large or malformed. Nothing was changed.',
  next: "Go back to the link's page, check your comment, and press the button again. If this happens again, ask for a new link.",
};

const UNKNOWN_OUTCOME: Explanation = {
  heading: 'Systems Manager could not carry out the request',
  explanation:
    'The webhook did not get a usable answer from Systems Manager, so it is not known whether your request was carried out.',
  next: `${RETRY_AFTER_CHECK} ${TELL_OPERATORS}`,
};

export const PROBLEM_REASONS: Readonly<Record<ProblemReason, Explanation>> = {
  'missing-credentials': {
    heading: 'This link is incomplete',
    explanation:
      'The request carried no approval token. Links are sometimes cut short when copied or wrapped in an e-mail. Nothing was changed.',
    next: `Open the link from the original message again, or copy the whole address. ${ASK_FOR_NEW_LINK}`,
  },
  'invalid-link-token': {
    heading: 'This link is not valid',
    explanation:
      'The link could not be verified: it was changed or cut short, or it was signed with a key that is no longer in use. Nothing was changed.',
    next: `${USE_LINK_AS_RECEIVED} ${ASK_FOR_NEW_LINK}`,
  },
  'link-expired': {
    heading: 'This link has expired',
    explanation: 'Approval links work for a limited time, and this one has run out. Nothing was changed.',
    next: ASK_FOR_NEW_LINK,
  },
  'link-wrong-execution': {
    heading: 'This link is for a different execution',
    explanation:
      'The link was issued for another execution than the one in the address, so it cannot act on this one. Nothing was changed.',
    next: USE_LINK_AS_RECEIVED,
  },
  'link-wrong-action': {
    heading: 'This link does not allow this action',
    explanation: 'The link was issued for a different action than the one requested. Nothing was changed.',
    next: `Use the link for the action you want, exactly as you received it. ${ASK_FOR_NEW_LINK}`,
  },
  'slack-link-view-only': {
    heading: 'Decide in Slack',
    explanation:
      'This link came with a Slack message, where everyone in the channel can open it, so it only shows the details. Nothing was changed.',
    next: DECIDE_IN_SLACK,
  },
  'invalid-execution-id': {
    heading: 'This address is not valid',
    explanation:
      'The execution id in the address is not in the expected form (a UUID). The link may have been cut short or changed. Nothing was changed.',
    next: `${USE_LINK_AS_RECEIVED} ${ASK_FOR_NEW_LINK}`,
  },
  'invalid-action': {
    heading: 'Unknown action',
    explanation:
      'The address names an action that links do not offer: a link can approve, reject or stop an execution. Nothing was changed.',
    next: USE_LINK_AS_RECEIVED,
  },
  'invalid-field': NOT_UNDERSTOOD,
  'missing-field': NOT_UNDERSTOOD,
  'invalid-form': NOT_UNDERSTOOD,
  'body-too-large': NOT_UNDERSTOOD,
  'unsupported-media-type': NOT_UNDERSTOOD,
  'execution-not-found': {
    heading: 'Execution not found',
    explanation:
      "Systems Manager has no execution with this id in the webhook's account and Region. It may be older than the retention period, or the link may belong to another account or Region.",
    next: 'Check the execution id, and ask whoever sent the link for the right one.',
  },
  'signal-not-accepted': {
    heading: 'This approval was already decided or the execution is no longer waiting',
    explanation:
      "Someone may have approved or rejected it already, or the execution has moved on, timed out or been stopped. Less likely, the webhook's role is not among the step's approvers. Your request changed nothing.",
    next: CHECK_CONSOLE,
  },
  'execution-not-stoppable': {
    heading: 'This execution cannot be stopped now',
    explanation: 'It has already finished, or it is already being stopped. Your request changed nothing.',
    next: CHECK_CONSOLE,
  },
  'ssm-throttled': {
    heading: 'Systems Manager is busy',
    explanation:
      'Systems Manager turned the request away because it received too many requests. Nothing was changed.',
    next: "Wait a minute, then go back to the link's page and press the button again.",
  },
  'ssm-unreachable': {
    heading: 'Systems Manager could not be reached',
    explanation:
      'The webhook got no answer from Systems Manager in time, so it is not known whether your request was carried out.',
    next: `${RETRY_AFTER_CHECK} ${TELL_OPERATORS}`,
  },
  'secret-unavailable': {
    heading: 'The webhook is not available right now',
    explanation: 'The webhook could not read its own configuration in time. Nothing was changed.',
    next: "Wait a minute, then go back to the link's page and press the button again.",
  },
  'ssm-unavailable': {
    heading: 'Systems Manager is not available right now',
    explanation: 'Systems Manager answered that it cannot take requests at the moment. Nothing was changed.',
    next: "Wait a minute, then go back to the link's page and press the button again.",
  },
  'ssm-unreadable-answer': UNKNOWN_OUTCOME,
  'ssm-internal-error': UNKNOWN_OUTCOME,
  'ssm-error': UNKNOWN_OUTCOME,
  'ssm-access-denied': {
    heading: 'The webhook is not allowed to do this',
    explanation: "Systems Manager refused the webhook's own credentials. Nothing was changed.",
    next: 'Tell the team that runs this webhook and give them the execution id: its permissions need fixing.',
  },
  // The detail (shown below these words) names the link's gate and where the runbook is now.
  'gate-moved-on': {
    heading: 'This approval step is no longer waiting',
    explanation:
      'The link was sent for one approval step, and that step has been decided or has ended. Your request changed nothing.',
    next: 'If the runbook waits at another approval step, use the link sent for that step. Otherwise there is nothing more to do.',
  },
  'gate-not-found': {
    heading: 'This approval step is not part of this execution',
    explanation:
      'The link names an approval step that the execution does not show. Your request changed nothing.',
    next: `${USE_LINK_AS_RECEIVED} ${ASK_FOR_NEW_LINK}`,
  },
  'no-gate-waiting': {
    heading: 'The execution is not waiting for an approval',
    explanation: 'No approval step of this execution waits for a decision now. Your request changed nothing.',
    next: CHECK_CONSOLE,
  },
  'execution-finished': {
    heading: 'The execution has already finished',
    explanation: 'There is nothing left to stop. Your request changed nothing.',
    next: CHECK_CONSOLE,
  },
  'link-stop-type': {
    heading: 'A stop link only cancels',
    explanation:
      'A stop link cancels the execution and cannot choose another way of stopping it. Your request changed nothing.',
    next: "Go back to the link's page and press its button, without changing the form.",
  },
  'decided-otherwise': {
    heading: 'Your decision was not applied',
    explanation:
      'Systems Manager’s answer was lost on the way back, so the webhook read the execution: it shows a different outcome (the details below say which). Your decision changed nothing.',
    next: CHECK_CONSOLE,
  },
  'outcome-unknown': {
    heading: 'It is not known whether your decision was applied',
    explanation:
      'Systems Manager’s answer was lost on the way back, and the execution does not show the outcome yet. Your decision may still be applied.',
    next: "Check the execution's status in the Systems Manager console (Automation, Executions) before you do anything else. Press the button again only if the execution is still waiting at this approval step.",
  },
  'internal-error': {
    heading: 'Something went wrong',
    explanation:
      'The webhook hit an unexpected error, so it is not known whether your request was carried out.',
    next: `${RETRY_AFTER_CHECK} ${TELL_OPERATORS}`,
  },
};

const isProblemReason = (reason: string): reason is ProblemReason => Object.hasOwn(PROBLEM_REASONS, reason);

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `Error 403 (Forbidden)`; unknown codes show just the number. */
export const statusLine = (status: number): string => {
  const text = STATUS_TEXT[status];
  return text === undefined ? `Error ${status}` : `Error ${status} (${text})`;
};

/** What to do next when the reason is not one the pages know. */
const nextStepFor = (status: number): string => {
  if (status === 401 || status === 403) return `${USE_LINK_AS_RECEIVED} ${ASK_FOR_NEW_LINK}`;
  if (status === 404) return 'Check the address, and ask whoever sent the link for the right one.';
  if (status === 409) return CHECK_CONSOLE;
  if (status === 429 || status === 503) return PROBLEM_REASONS['ssm-throttled'].next;
  if (status === 502 || status === 504) return UNKNOWN_OUTCOME.next;
  if (status >= 400 && status < 500) return NOT_UNDERSTOOD.next;
  return PROBLEM_REASONS['internal-error'].next;
};

/** Statuses whose title and detail are never shown: details of unexpected failures stay in the log. */
const isOpaque = (status: number): boolean =>
  !Number.isInteger(status) ||
  status < 400 ||
  status > 599 ||
  (status >= 500 && ![502, 503, 504].includes(status));

export interface ProblemPageInput {
  /** HTTP status of the response (the caller sets it; the page shows it). */
  readonly status: number;
  /** RFC 9457 `title`, used when the reason is unknown. */
  readonly title: string;
  /** RFC 9457 `detail`, safe to show (never a token or secret). Hidden for 500s. */
  readonly detail: string;
  /** Stable reason code; known codes get the wording of `PROBLEM_REASONS`. */
  readonly reason?: string;
}

/**
 * The HTML twin of a problem+json response. Never throws, whatever it is given: it runs on the error
 * path. A status outside 400–599 is shown as given but treated like a 500.
 */
export const renderProblemPage = ({ status, title, detail, reason }: ProblemPageInput): string => {
  const opaque = isOpaque(status);
  const known = reason !== undefined && isProblemReason(reason) ? PROBLEM_REASONS[reason] : undefined;
  const generic = PROBLEM_REASONS['internal-error'];
  const explanation: Explanation =
    known ??
    (opaque
      ? generic
      : { heading: title || statusLine(status), explanation: detail, next: nextStepFor(status) });

  // The caller's detail adds facts (which limit, which time) to a known reason's wording.
  const showDetail = known !== undefined && !opaque && detail !== '' && detail !== known.explanation;
  const paragraphs: SafeHtml[] = [];
  if (explanation.explanation !== '') paragraphs.push(html`<p>${explanation.explanation}</p>\n`);
  if (showDetail) paragraphs.push(html`<p class="detail">Details: ${detail}</p>\n`);

  const body = html`<p class="status">${statusLine(status)}</p>
${paragraphs}<h2>What to do next</h2>
<p>${explanation.next}</p>`;
  return page({ title: explanation.heading, heading: explanation.heading, body, status: 'error' });
};
