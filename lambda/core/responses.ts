/** Builds HTTP responses: JSON successes, problem+json errors, and their HTML twins for people. */

import type { GateState } from '../gate/gate-check';
import { HTML_SECURITY_HEADERS, JSON_SECURITY_HEADERS } from '../pages/headers';
import { renderAlreadyDonePage, renderProblemPage, renderResultPage } from '../pages/result-page';
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

/** The answer to a decision that SSM accepted: the JSON result, or a result page for people. */
export const decisionResponse = (
  format: ResponseFormat,
  result: SignalResult | StopResult,
  seen: {
    readonly recordedFor: string;
    readonly comment?: string;
    readonly at: Date;
    readonly approvalsNeeded?: number;
  },
): WebhookResult =>
  format === 'html'
    ? htmlResponse(
        200,
        renderResultPage({
          executionId: result.executionId,
          action: result.action,
          outcome: {
            ...seen,
            ...('signalType' in result ? { signalType: result.signalType } : { stopType: result.stopType }),
          },
        }),
      )
    : jsonResponse(200, result);

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
