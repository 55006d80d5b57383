/**
 * GET /executions/{id}/{action}?token=… → a confirmation page; it changes nothing. Mail scanners and chat
 * unfurlers prefetch links, so only the page's button (a POST to the action route) signals SSM. The page
 * reads the execution (GetAutomationExecution, the function's only SSM permission) to show what is being
 * decided, and says what happened instead of offering a button when the link's gate no longer waits.
 *
 * A link that came with a Slack message (channel `slack`) opens the same facts without a button: anyone
 * in the channel can open it, so decisions there go through the message's buttons, which know who
 * clicked. A link from a Teams card is an ordinary link, as an e-mailed one.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { linkIdentity } from '../auth/authenticate';
import { authConfigFromEnvironment } from '../auth/config-source';
import { commentRoom } from '../auth/identity-comment';
import { withKeyRefresh } from '../auth/key-refresh';
import { authorizeLinkView, LINK_ACTIONS, type LinkAction, verifyLinkToken } from '../auth/link-token';
import { AuthenticationError, ValidationError } from '../core/errors';
import type { WebhookEvent, WebhookResult } from '../core/event';
import { htmlResponse } from '../core/responses';
import { createSsmClient } from '../core/ssm-client';
import { readExecution } from '../core/ssm-requests';
import { parseExecutionId } from '../core/validation';
import { ANSWER_RESERVE_MS, budgetOf } from '../decision/budget';
import { inspectGate } from '../gate/gate-check';
import { httpHandler } from '../middleware/chain';
import {
  renderConfirmationPage,
  renderGateClosedPage,
  renderSlackDetailsPage,
} from '../pages/confirmation-page';
import { renderAlreadyDonePage } from '../pages/result-page';

const ssm = createSsmClient();

const parseLinkAction = (raw: string | undefined): LinkAction => {
  if (!raw || !(LINK_ACTIONS as readonly string[]).includes(raw)) {
    throw new ValidationError(
      'invalid-action',
      `Links exist for ${LINK_ACTIONS.join(', ')}; not for this path.`,
    );
  }
  return raw as LinkAction;
};

export const confirmRoute =
  (client: SSMClient, now: () => Date = () => new Date()) =>
  async (event: WebhookEvent, lambda: Pick<Context, 'getRemainingTimeInMillis'>): Promise<WebhookResult> => {
    const executionId = parseExecutionId(event.pathParameters?.executionId);
    const action = parseLinkAction(event.pathParameters?.action);
    const token = event.queryStringParameters?.token;
    if (!token) {
      throw new AuthenticationError(
        'missing-credentials',
        'This page needs the signed link it was sent with.',
      );
    }
    const claims = await withKeyRefresh(authConfigFromEnvironment, (config) =>
      verifyLinkToken(config, token),
    );
    authorizeLinkView(claims, executionId, action);
    const view = await readExecution(client, executionId, budgetOf(lambda).signal(ANSWER_RESERVE_MS));
    const inspection = inspectGate(view, action, claims.gate);
    const context = {
      execution: view,
      ...(inspection.kind !== 'closed' && inspection.gate ? { gate: inspection.gate } : {}),
      boundToGate: claims.gate !== undefined,
      now: now(),
    };
    if (inspection.kind === 'closed') {
      return htmlResponse(
        200,
        renderGateClosedPage({
          executionId,
          reason: inspection.error.reason,
          detail: inspection.error.detail,
          context,
        }),
      );
    }
    if (inspection.kind === 'already') {
      return htmlResponse(
        200,
        renderAlreadyDonePage({
          executionId,
          action,
          ...(inspection.gate ? { gateName: inspection.gate.stepName } : {}),
          ...(inspection.at ? { at: inspection.at } : {}),
          ...(inspection.by ? { by: inspection.by } : {}),
        }),
      );
    }
    if (claims.channel === 'slack') {
      return htmlResponse(200, renderSlackDetailsPage({ executionId, context }));
    }
    // The comment box takes only what fits in SSM's Comment after who acted, so nothing is cut later.
    return htmlResponse(
      200,
      renderConfirmationPage({
        executionId,
        action,
        approver: claims.approver,
        expiresAt: claims.expiresAt,
        token,
        maxCommentLength: commentRoom(linkIdentity(claims), action),
        context,
      }),
    );
  };

export const handler = httpHandler(confirmRoute(ssm));
