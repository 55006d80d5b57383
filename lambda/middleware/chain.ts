/**
 * The middy chain every HTTP handler shares. Order matters: Powertools' metrics flush is registered first,
 * so that it runs after everything else, the error responder's metrics included; the error responder is
 * registered right after the logger so that its onError runs after every other middleware's and sees every
 * failure; bodies are parsed before authentication because a link token arrives in the form body; handlers
 * run last and hold no try/catch of their own.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { ConfigSource } from '../auth/config-source';
import { decisionChannelOf, requestAuditKeys, setCallerChannel } from '../core/decision-log';
import type { WebhookEvent, WebhookResult } from '../core/event';
import { logger } from '../core/logger';
import { flushMetrics } from '../core/metrics';
import { routeOf } from '../core/route';
import { authenticateCaller } from './authenticate';
import { errorResponder } from './error-responder';
import { requestBody } from './request-body';

export interface ChainOptions {
  /** Routes that change an execution authenticate the caller; the confirmation page checks its link itself. */
  readonly authenticateWith?: ConfigSource;
}

/** Log keys for every line of the request; the raw id is cut short, it is not validated yet. */
const requestKeys = {
  before: async (request: { event: APIGatewayProxyEventV2 }) => {
    const { action } = routeOf(request.event);
    logger.appendKeys({
      action,
      executionId: request.event.pathParameters?.executionId?.slice(0, 64),
      ...requestAuditKeys(request.event),
    });
  },
};

/**
 * The authenticated caller's channel, for the `Decisions` metric the handler's audit line counts
 * (logDecision); cleared at the end, so no invocation counts under another's channel.
 */
const callerChannel: MiddlewareObj = {
  before: async (request: Request) => {
    const { identity } = request.event as WebhookEvent;
    setCallerChannel(identity ? decisionChannelOf(identity) : undefined);
  },
  after: async () => setCallerChannel(undefined),
  onError: async () => setCallerChannel(undefined),
};

export const httpHandler = (
  handle: (event: WebhookEvent, context: Context) => Promise<WebhookResult>,
  options: ChainOptions = {},
) => {
  const chain = middy<APIGatewayProxyEventV2, WebhookResult>()
    .use(flushMetrics())
    // Never the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: it carries link tokens and API tokens.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(errorResponder(logger))
    .use(requestKeys)
    .use(httpHeaderNormalizer())
    .use(requestBody());
  if (options.authenticateWith) chain.use(authenticateCaller(options.authenticateWith));
  chain.use(callerChannel);
  return chain.handler(handle as never);
};
