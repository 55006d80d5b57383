/** Builds HTTP responses: JSON successes, problem+json errors, and their HTML twins for people. */

import type { GateState } from '../gate/gate-check';
import { HTML_SECURITY_HEADERS, JSON_SECURITY_HEADERS } from '../pages/headers';
import { html, page } from '../pages/html';
import { renderAlreadyDonePage, renderProblemPage, renderResultPage } from '../pages/result-page';
import { tallyRow } from '../pages/tally';
import type { QuorumStanding } from '../quorum/decide';
import type { Tally } from '../quorum/tally';
import { alreadyLine, approverName, CONTINUES_ONCE_ALL_IN, recordedLine } from '../quorum/words';
import type { SignalResult, StopResult } from './decisions';
import type { ResponseFormat, WebhookResult } from './event';
import { PROBLEM_TYPE_PREFIX, type Problem } from './problem';

const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** Payload 2.0 headers in lower case, as API Gateway passes them on; never cached, by browsers or proxies. */
const JSON_HEADERS = lowerCaseKeys(JSON_SECURITY_HEADERS);
const HTML_HEADERS = lowerCaseKeys(HTML_SECURITY_HEADERS);

export const jsonResponse = (statusCode: number, body: unknown): WebhookResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...JSON_HEADERS },
  body: JSON.stringify(body),
});

export const htmlResponse = (statusCode: number, html: string): WebhookResult => ({
  statusCode,
  headers: { ...HTML_HEADERS },
  body: html,
});

export const problemResponse = (problem: Problem, format: ResponseFormat): WebhookResult => {
  const response =
    format === 'html'
      ? htmlResponse(problem.status, renderProblemPage(problem))
      : {
          statusCode: problem.status,
          headers: { 'content-type': 'application/problem+json', ...JSON_HEADERS },
          body: JSON.stringify({
            type: `${PROBLEM_TYPE_PREFIX}${problem.reason}`,
            title: problem.title,
            status: problem.status,
            detail: problem.detail,
            ...(problem.code === undefined ? {} : { code: problem.code }),
          }),
        };
  return { ...response, headers: { ...response.headers, ...problem.headers } };
};

/**
 * A quorum gate's tally in a JSON answer: `{needed, approved, remaining, approvers, summary}`, the summary in
 * the plain wording of lambda/quorum/words.ts (`Approval recorded: 1 of 2 approvals: alice@example.com; 1
 * more needed`), which the pages and Slack show with ` · ` in place of `; `.
 */
const quorumJson = (tally: Tally, summary: string) => ({
  needed: tally.needed,
  approved: tally.approvals.length,
  remaining: tally.remaining,
  approvers: tally.approvals.map(approverName),
  summary,
});

/**
 * The answer to a decision that SSM accepted: the JSON result, or a result page for people. An approval
 * of a quorum gate that still waits (`tally`) says how many approvals are in and how many are needed.
 */
export const decisionResponse = (
  format: ResponseFormat,
  result: SignalResult | StopResult,
  seen: {
    readonly recordedFor: string;
    readonly comment?: string;
    readonly at: Date;
    readonly approvalsNeeded?: number;
    readonly tally?: Tally;
  },
): WebhookResult => {
  const { tally } = seen;
  if (format === 'html') {
    return htmlResponse(
      200,
      renderResultPage({
        executionId: result.executionId,
        action: result.action,
        outcome: {
          recordedFor: seen.recordedFor,
          at: seen.at,
          ...(seen.comment === undefined ? {} : { comment: seen.comment }),
          ...(seen.approvalsNeeded === undefined ? {} : { approvalsNeeded: seen.approvalsNeeded }),
          // The page says `Approval recorded: 1 of 2 approvals: … · 1 more needed.` and shows the tally.
          ...(tally === undefined ? {} : { tally }),
          ...('signalType' in result ? { signalType: result.signalType } : { stopType: result.stopType }),
        },
      }),
    );
  }
  return jsonResponse(
    200,
    tally === undefined ? result : { ...result, quorum: quorumJson(tally, recordedLine(tally)) },
  );
};

/**
 * The answer to a person whose approval of a quorum gate is already in (a second click, another tab, the
 * same person through another link): nothing was sent, and the tally says where the gate stands.
 */
export const alreadyApprovedResponse = (
  format: ResponseFormat,
  result: SignalResult,
  standing: Pick<QuorumStanding, 'gate' | 'tally'>,
): WebhookResult => {
  if (format === 'html') {
    const summary = alreadyLine(standing.tally, { style: 'display' });
    const body = html`<p>${summary}. Nothing more was sent: one person's approval counts once.</p>
<dl>
<dt>Execution</dt>
<dd><code>${result.executionId}</code></dd>
<dt>Approval step</dt>
<dd>${standing.gate.stepName}</dd>
${tallyRow(standing.tally)}</dl>
<p>You can close this page. ${CONTINUES_ONCE_ALL_IN}</p>`;
    return htmlResponse(
      200,
      page({ title: 'Already approved by you', heading: 'Already approved by you', body, status: 'success' }),
    );
  }
  return jsonResponse(200, {
    executionId: result.executionId,
    action: result.action,
    alreadyDone: true,
    gate: standing.gate.stepName,
    quorum: quorumJson(standing.tally, alreadyLine(standing.tally)),
  });
};

/**
 * The answer when the execution already showed this decision: a calm page for people, and for API
 * callers a 200 that says nothing was sent (`alreadyDone`).
 */
export const alreadyDoneResponse = (
  format: ResponseFormat,
  result: SignalResult | StopResult,
  state: Extract<GateState, { kind: 'already' }>,
): WebhookResult => {
  const action =
    result.action !== 'signal'
      ? result.action
      : 'signalType' in result && result.signalType === 'Reject'
        ? 'reject'
        : 'approve';
  const gateName = state.gate?.stepName;
  if (format === 'html') {
    return htmlResponse(
      200,
      renderAlreadyDonePage({
        executionId: result.executionId,
        action,
        ...(gateName === undefined ? {} : { gateName }),
        ...(state.at === undefined ? {} : { at: state.at }),
        ...(state.by === undefined ? {} : { by: state.by }),
      }),
    );
  }
  return jsonResponse(200, {
    executionId: result.executionId,
    action: result.action,
    alreadyDone: true,
    ...(gateName === undefined ? {} : { gate: gateName }),
    ...(state.at === undefined ? {} : { decidedAt: state.at.toISOString() }),
  });
};
