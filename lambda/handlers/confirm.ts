/**
 * GET /executions/{id}/{action}?token=… → a confirmation page; it changes nothing. Mail scanners and chat
 * unfurlers prefetch links, so only the page's button (a POST to the action route) signals SSM. This
 * function holds no SSM permission at all.
 */
import { authConfigFromEnvironment } from '../auth/config-source';
import { commentRoom } from '../auth/identity-comment';
import { withKeyRefresh } from '../auth/key-refresh';
import { authorizeLink, LINK_ACTIONS, type LinkAction, verifyLinkToken } from '../auth/link-token';
import { AuthenticationError, ValidationError } from '../core/errors';
import type { WebhookEvent, WebhookResult } from '../core/event';
import { htmlResponse } from '../core/responses';
import { parseExecutionId } from '../core/validation';
import { httpHandler } from '../middleware/chain';
import { renderConfirmationPage } from '../pages/confirmation-page';

const parseLinkAction = (raw: string | undefined): LinkAction => {
  if (!raw || !(LINK_ACTIONS as readonly string[]).includes(raw)) {
    throw new ValidationError(
      'invalid-action',
      `Links exist for ${LINK_ACTIONS.join(', ')}; not for this path.`,
    );
  }
  return raw as LinkAction;
};

export const confirmRoute = async (event: WebhookEvent): Promise<WebhookResult> => {
  const executionId = parseExecutionId(event.pathParameters?.executionId);
  const action = parseLinkAction(event.pathParameters?.action);
  const token = event.queryStringParameters?.token;
  if (!token) {
    throw new AuthenticationError('missing-credentials', 'This page needs the signed link it was sent with.');
  }
  const claims = await withKeyRefresh(authConfigFromEnvironment, (config) => verifyLinkToken(config, token));
  authorizeLink(claims, executionId, action);
  // The comment box takes only what fits in SSM's Comment after who acted, so nothing is cut later.
  const identity = { kind: 'link', channel: 'link', name: claims.approver, tokenId: claims.tokenId } as const;
  return htmlResponse(
    200,
    renderConfirmationPage({
      executionId,
      action,
      approver: claims.approver,
      expiresAt: claims.expiresAt,
      token,
      maxCommentLength: commentRoom(identity, action),
    }),
  );
};

export const handler = httpHandler(confirmRoute);
