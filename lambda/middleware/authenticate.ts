/**
 * Every route that changes an execution passes here before validation and before any SSM call: the caller
 * proves who it is with an API token (`Authorization: Bearer`) or a signed link token (the `token` form or
 * JSON field), and the identity is kept on the event for the decision and the log. Failing requests
 * never reach the handler.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import { authenticate } from '../auth/authenticate';
import type { ConfigSource } from '../auth/config-source';
import { withKeyRefresh } from '../auth/key-refresh';
import type { MutatingAction } from '../auth/link-token';
import { identityAuditKeys } from '../core/decision-log';
import { SecretUnavailableError, ValidationError } from '../core/errors';
import type { WebhookEvent } from '../core/event';
import { logger } from '../core/logger';
import { routeOf } from '../core/route';
import { AFTER_FIRST_READ_RESERVE_MS, budgetOf, within } from '../decision/budget';

/** Beyond what the decision needs after the secret: room for the first read of the execution. */
const SECRET_READ_LEEWAY_MS = 1_500;

export const authenticateCaller = (loadConfig: ConfigSource): MiddlewareObj => ({
  before: async (request: Request) => {
    const event = request.event as WebhookEvent;
    const { action } = routeOf(event);
    if (action === 'confirm') throw new Error('The confirmation page does not change executions.');
    const linkToken = event.body.token;
    if (linkToken !== undefined && typeof linkToken !== 'string') {
      throw new ValidationError('invalid-field', "'token' must be a single string.");
    }
    const executionId = event.pathParameters?.executionId ?? '';
    // Reading the secret may take a Secrets Manager call: it must leave the decision its own time.
    const budget = budgetOf(request.context);
    event.identity = await within(
      withKeyRefresh(loadConfig, (config) =>
        authenticate(
          config,
          { authorization: event.headers.authorization, linkToken },
          { executionId, action: action as MutatingAction },
        ),
      ),
      budget.signal(AFTER_FIRST_READ_RESERVE_MS + SECRET_READ_LEEWAY_MS),
      () =>
        new SecretUnavailableError(
          'secret-unavailable',
          'The webhook could not read its configuration in time; nothing was changed. Try again shortly.',
        ),
    );
    delete event.body.token;
    const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(event.headers.authorization ?? '')?.[1];
    logger.appendKeys(identityAuditKeys(event.identity, bearer));
  },
});
