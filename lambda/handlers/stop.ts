/** POST /executions/{id}/stop → StopAutomationExecution (Cancel by default, or Complete). */
import { type SSMClient, StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { authConfigFromEnvironment } from '../auth/config-source';
import { logDecision } from '../core/decision-log';
import { prepareStop } from '../core/decisions';
import { requireIdentity, responseFormatFor, type WebhookEvent, type WebhookResult } from '../core/event';
import { alreadyDoneResponse, decisionResponse } from '../core/responses';
import { createSsmClient } from '../core/ssm-client';
import { parseExecutionId } from '../core/validation';
import { budgetOf } from '../decision/budget';
import { carryOut } from '../decision/carry-out';
import { httpHandler } from '../middleware/chain';

const ssm = createSsmClient();
/** The mutating call is never repeated by the SDK (see lambda/decision/carry-out.ts). */
const ssmOnce = createSsmClient({ maxAttempts: 1 });

export const stopRoute =
  (client: SSMClient, mutationClient: SSMClient = client) =>
  async (
    event: WebhookEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
    options?: { readonly signal?: AbortSignal },
  ): Promise<WebhookResult> => {
    const executionId = parseExecutionId(event.pathParameters?.executionId);
    const identity = requireIdentity(event);
    const { input, result } = prepareStop(executionId, event.body, identity);
    const state = await carryOut({
      client,
      executionId,
      identity,
      intent: { action: 'stop', stopType: result.stopType },
      command: () => new StopAutomationExecutionCommand(input),
      mutationClient,
      budget: budgetOf(context, options?.signal),
    });
    if (state.kind === 'already') {
      logDecision(result, 'already-done', undefined);
      return alreadyDoneResponse(responseFormatFor(event), result, state);
    }
    logDecision(result, state.kind, state.ssmRequestId);
    return decisionResponse(responseFormatFor(event), result, { recordedFor: identity.name, at: new Date() });
  };

export const handler = httpHandler(stopRoute(ssm, ssmOnce), { authenticateWith: authConfigFromEnvironment });
