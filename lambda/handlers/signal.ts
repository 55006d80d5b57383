/** POST /executions/{id}/approve | reject | signal → SendAutomationSignal. */
import { SendAutomationSignalCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { authConfigFromEnvironment } from '../auth/config-source';
import { logDecision } from '../core/decision-log';
import { prepareSignal, type SignalAction } from '../core/decisions';
import { requireIdentity, responseFormatFor, type WebhookEvent, type WebhookResult } from '../core/event';
import { logger } from '../core/logger';
import { alreadyApprovedResponse, alreadyDoneResponse, decisionResponse } from '../core/responses';
import { routeOf } from '../core/route';
import { createSsmClient } from '../core/ssm-client';
import { parseExecutionId } from '../core/validation';
import { ANSWER_RESERVE_MS, budgetOf, within } from '../decision/budget';
import { httpHandler } from '../middleware/chain';
import { decide, type Quorum } from '../quorum/decide';
import { quorumFromEnvironment, tallyRefreshFromEnvironment } from '../quorum/environment';
import { refreshBestEffort, type TallyRefresh } from '../quorum/refresh-messages';

const ssm = createSsmClient();
/** The mutating call is never repeated by the SDK (see lambda/decision/carry-out.ts). */
const ssmOnce = createSsmClient({ maxAttempts: 1 });

/**
 * @param quorum the approver seats and their claims, for gates that need more than one approval
 * (lambda/quorum/decide.ts); made on first use.
 * @param refreshMessages brings a quorum gate's Slack messages up to date after an approval that leaves it
 * waiting (lambda/quorum/refresh-messages.ts). The person waits for the answer, so its Slack calls are
 * short and not retried: a message it misses shows the tally again after the next approval.
 */
/** The answer could wait no longer for the Slack messages' refresh. */
class RefreshCutShortError extends Error {
  constructor() {
    super('The time left for answering ran out before the Slack messages were refreshed');
    this.name = 'RefreshCutShortError';
  }
}

export const signalRoute =
  (
    client: SSMClient,
    mutationClient: SSMClient = client,
    quorum: () => Quorum = quorumFromEnvironment(mutationClient),
    refreshMessages: (refresh: TallyRefresh) => Promise<number> = tallyRefreshFromEnvironment(client, {
      slackClient: { timeoutMs: 2_000, retries: 0 },
    }),
  ) =>
  async (
    event: WebhookEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
    options?: { readonly signal?: AbortSignal },
  ): Promise<WebhookResult> => {
    const action = routeOf(event).action as SignalAction;
    const executionId = parseExecutionId(event.pathParameters?.executionId);
    const identity = requireIdentity(event);
    const { input, result, userComment } = prepareSignal(action, executionId, event.body, identity);
    const budget = budgetOf(context, options?.signal);
    const { outcome: state, quorum: standing } = await decide({
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
      budget,
      quorum,
    });
    const format = responseFormatFor(event);
    if (standing?.kind === 'already') {
      logDecision(result, 'already-done', undefined);
      return alreadyApprovedResponse(format, result, standing);
    }
    if (state.kind === 'already') {
      logDecision(result, 'already-done', undefined);
      return alreadyDoneResponse(format, result, state);
    }
    logDecision(result, state.kind, state.ssmRequestId);
    if (standing?.view !== undefined) {
      // The gate still waits for others: its Slack messages show the new tally (best effort, logged).
      // It never holds up the answer past the function's budget: what it has not done by then is left.
      const { view, gate, tally } = standing;
      const bounded = (refresh: TallyRefresh) =>
        within(refreshMessages(refresh), budget.signal(ANSWER_RESERVE_MS), () => new RefreshCutShortError());
      await refreshBestEffort(bounded, { view, gate, tally }, logger);
    }
    return decisionResponse(format, result, {
      recordedFor: identity.name,
      at: new Date(),
      ...(standing === undefined ? {} : { tally: standing.tally }),
      ...(userComment === undefined ? {} : { comment: userComment }),
    });
  };

export const handler = httpHandler(signalRoute(ssm, ssmOnce), {
  authenticateWith: authConfigFromEnvironment,
});
