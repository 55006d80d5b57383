/** POST /executions/{id}/stop → StopAutomationExecution (Cancel by default, or Complete). */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { authConfigFromEnvironment } from '../auth/config-source';
import { logDecision } from '../core/decision-log';
import { prepareStop } from '../core/decisions';
import { requireIdentity, responseFormatFor, type WebhookEvent, type WebhookResult } from '../core/event';
import { alreadyDoneResponse, decisionResponse } from '../core/responses';
import { createSsmClient } from '../core/ssm-client';
import { stopExecution } from '../core/ssm-requests';
import { parseExecutionId } from '../core/validation';
import { actAtGate } from '../gate/guard';
import { httpHandler } from '../middleware/chain';

const ssm = createSsmClient();

export const stopRoute =
  (client: SSMClient) =>
  async (event: WebhookEvent): Promise<WebhookResult> => {
    const executionId = parseExecutionId(event.pathParameters?.executionId);
    const identity = requireIdentity(event);
    const { input, result } = prepareStop(executionId, event.body, identity);
    const state = await actAtGate(client, executionId, 'stop', identity, () => stopExecution(client, input));
    if (state.kind === 'already') {
      logDecision(result, identity, 'already-done');
      return alreadyDoneResponse(responseFormatFor(event), result, state);
    }
    logDecision(result, identity);
    return decisionResponse(responseFormatFor(event), result, { recordedFor: identity.name, at: new Date() });
  };

export const handler = httpHandler(stopRoute(ssm), { authenticateWith: authConfigFromEnvironment });
