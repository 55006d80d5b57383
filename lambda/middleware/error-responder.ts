/**
 * The last word on every failure: registered first, so its onError runs after every other middleware's.
 * It maps the error with `toProblem` (the one mapping), logs it (4xx as a warning with the reason, 5xx as an
 * error with the full error for operators) and answers problem+json, or an HTML page for people.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { responseFormatFor, type WebhookResult } from '../core/event';
import { toProblem } from '../core/problem';
import { problemResponse } from '../core/responses';

export const errorResponder = (logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, WebhookResult> => ({
  onError: async (request: Request<APIGatewayProxyEventV2, WebhookResult>) => {
    const problem = toProblem(request.error);
    const fields = { outcome: 'refused', status: problem.status, reason: problem.reason, code: problem.code };
    if (problem.status >= 500) {
      logger.error('Request failed', { ...fields, error: request.error as Error });
    } else {
      logger.warn('Request refused', fields);
    }
    request.response = problemResponse(problem, responseFormatFor(request.event));
  },
});
