/**
 * The last word on every failure: registered first, so its onError runs after every other middleware's.
 * It maps the error with `toProblem` (the one mapping), logs it (4xx as a warning with the reason, 5xx as an
 * error with the full error for operators) and answers problem+json, or an HTML page for people.
 *
 * It also counts the failure (lambda/core/metrics.ts): a refusal for who the caller is or what it may do
 * (an AuthenticationError or ForbiddenError) in `AuthenticationFailures` by its reason, and on a route that
 * changes an execution, the decision that did not happen in `Decisions` (`refused` for a 4xx, `failed` for
 * a 5xx).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decisionChannelOf } from '../core/decision-log';
import { AuthenticationError, ForbiddenError } from '../core/errors';
import { responseFormatFor, type WebhookEvent, type WebhookResult } from '../core/event';
import {
  type DecisionAction,
  type DecisionChannel,
  recordAuthenticationFailure,
  recordDecision,
} from '../core/metrics';
import { toProblem } from '../core/problem';
import { problemResponse } from '../core/responses';
import { ROUTES, routeKey } from '../routes';

/** The routes that change an execution, by route key, and what they do. */
const MUTATING_ROUTES: ReadonlyMap<string, DecisionAction> = new Map(
  ROUTES.flatMap((route) =>
    route.action === 'approve' ||
    route.action === 'reject' ||
    route.action === 'stop' ||
    route.action === 'signal'
      ? [[routeKey(route), route.action] as const]
      : [],
  ),
);

/**
 * The channel a refused decision is counted under: the caller's, once authenticated; before that, the kind
 * of credentials presented (a Bearer token → `api`, a link token → `link`), or `unknown` without any.
 */
const channelOfRefused = (event: WebhookEvent): DecisionChannel => {
  if (event.identity) return decisionChannelOf(event.identity);
  if (event.headers?.authorization) return 'api';
  const body: unknown = event.body;
  return typeof body === 'object' && body !== null && 'token' in body ? 'link' : 'unknown';
};

export const errorResponder = (logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, WebhookResult> => ({
  onError: async (request: Request<APIGatewayProxyEventV2, WebhookResult>) => {
    const problem = toProblem(request.error);
    const fields = { outcome: 'refused', status: problem.status, reason: problem.reason, code: problem.code };
    if (problem.status >= 500) {
      logger.error('Request failed', { ...fields, error: request.error as Error });
    } else {
      logger.warn('Request refused', fields);
    }
    if (request.error instanceof AuthenticationError || request.error instanceof ForbiddenError) {
      recordAuthenticationFailure(problem.reason);
    }
    const action = MUTATING_ROUTES.get(request.event.routeKey);
    if (action !== undefined) {
      recordDecision({
        action,
        outcome: problem.status >= 500 ? 'failed' : 'refused',
        channel: channelOfRefused(request.event as unknown as WebhookEvent),
      });
    }
    request.response = problemResponse(problem, responseFormatFor(request.event));
  },
});
