/** POST /executions/{id}/approve | reject | signal → SendAutomationSignal. */
import { SendAutomationSignalCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { authConfigFromEnvironment } from '../auth/config-source';
import { logDecision } from '../core/decision-log';
import { prepareSignal, type SignalAction } from '../core/decisions';
import { requireIdentity, responseFormatFor, type WebhookEvent, type WebhookResult } from '../core/event';
import { alreadyDoneResponse, decisionResponse } from '../core/responses';
import { routeOf } from '../core/route';
import { createSsmClient } from '../core/ssm-client';
import { parseExecutionId } from '../core/validation';
import { budgetOf } from '../decision/budget';
import { carryOut } from '../decision/carry-out';
import { httpHandler } from '../middleware/chain';

const ssm = createSsmClient();
/** The mutating call is never repeated by the SDK (see lambda/decision/carry-out.ts). */
const ssmOnce = createSsmClient({ maxAttempts: 1 });

export const signalRoute =
  (client: SSMClient, mutationClient: SSMClient = client) =>
  async (
    event: WebhookEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
    options?: { readonly signal?: AbortSignal },
  ): Promise<WebhookResult> => {
    const action = routeOf(event).action as SignalAction;
    const executionId = parseExecutionId(event.pathParameters?.executionId);
    const identity = requireIdentity(event);
    const { input, result, userComment } = prepareSignal(action, executionId, event.body, identity);
    const state = await carryOut({
      client,
      executionId,
      identity,
      intent: {
        action,
        signalType: input.SignalType,
        payloadValue: Object.values(input.Payload ?? {})[0]?.[0],
      },
      command: () => new SendAutomationSignalCommand(input),
      mutationClient,
      budget: budgetOf(context, options?.signal),
    });
    if (state.kind === 'already') {
      logDecision(result, 'already-done', undefined);
      return alreadyDoneResponse(responseFormatFor(event), result, state);
    }
    logDecision(result, state.kind, state.ssmRequestId);
    return decisionResponse(responseFormatFor(event), result, {
      recordedFor: identity.name,
      at: new Date(),
      ...(state.gate && state.gate.minRequiredApprovals > 1
        ? { approvalsNeeded: state.gate.minRequiredApprovals }
        : {}),
      ...(userComment === undefined ? {} : { comment: userComment }),
    });
  };

export const handler = httpHandler(signalRoute(ssm, ssmOnce), {
  authenticateWith: authConfigFromEnvironment,
});
