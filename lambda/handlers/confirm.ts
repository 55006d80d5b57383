/**
 * GET /executions/{id}/{action}?token=… → a confirmation page; it changes nothing. Mail scanners and chat
 * unfurlers prefetch links, so only the page's button (a POST to the action route) signals SSM. The page
 * reads the execution (GetAutomationExecution, the function's only SSM permission) to show what is being
 * decided, and says what happened instead of offering a button when the link's gate no longer waits.
 *
 * A link that came with a Slack message (channel `slack`) opens the same facts without a button: anyone
 * in the channel can open it, so decisions there go through the message's buttons, which know who
 * clicked. A link from a Teams card is an ordinary link, as an e-mailed one, except that it names a channel,
 * not one person: on a gate that needs several people's approvals its approve page has no button
 * (lambda/quorum/channel-links.ts), and so has a webhook's.
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
import { logger } from '../core/logger';
import { htmlResponse } from '../core/responses';
import { routeOf } from '../core/route';
import { createSsmClient } from '../core/ssm-client';
import { readExecution } from '../core/ssm-requests';
import { parseExecutionId } from '../core/validation';
import { ANSWER_RESERVE_MS, budgetOf } from '../decision/budget';
import type { GateView } from '../gate/execution-view';
import { inspectGate } from '../gate/gate-check';
import { httpHandler } from '../middleware/chain';
import { openApiResponse } from '../openapi/serve';
import {
  renderConfirmationPage,
  renderGateClosedPage,
  renderSlackDetailsPage,
} from '../pages/confirmation-page';
import { renderAlreadyDonePage } from '../pages/result-page';
import { sharedChannelOf, sharedLinkSentence } from '../quorum/channel-links';
import type { ClaimStore } from '../quorum/claims';
import { claimStoreFromEnvironment } from '../quorum/environment';
import { parseSeats } from '../quorum/seats';
import { standingOf } from '../quorum/standing';
import { approvalBy, type Tally, tallyOf } from '../quorum/tally';

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

/** The approver seats, read from the environment on first use (only quorum gates need them). */
let seatsFromEnv: readonly string[] | undefined;
const environmentSeats = (): readonly string[] => {
  seatsFromEnv ??= parseSeats();
  return seatsFromEnv;
};

/** The seat claims in the state table (STATE_TABLE_NAME), made on first use; none when it is not set. */
let claimsFromEnv: { readonly store: ClaimStore | undefined } | undefined;
const environmentClaims = (): ClaimStore | undefined => {
  claimsFromEnv ??= { store: claimStoreFromEnvironment() };
  return claimsFromEnv.store;
};

/**
 * Where a waiting quorum gate stands: SSM's record completed by the seat claims (standing.ts). SSM's
 * documentation does not say whether a waiting gate's decisions show in GetAutomationExecution, so without
 * the claims a page opened after an approval could show `0 of 2`. The claims only complete the page: when
 * they cannot be read (no table configured, or a failed read, logged) the page shows SSM's record alone
 * rather than failing.
 */
const standingForPage = async (
  executionId: string,
  gate: GateView,
  seats: readonly string[],
  claims: ClaimStore | undefined,
): Promise<Tally> => {
  if (claims === undefined) return tallyOf(gate, seats);
  try {
    const held = await claims.claimsOf({ executionId, stepExecutionId: gate.stepExecutionId });
    return standingOf(gate, seats, held);
  } catch (error) {
    logger.warn("Could not read the gate's seat claims; the page shows SSM's record of approvals alone", {
      executionId,
      stepExecutionId: gate.stepExecutionId,
      error: error instanceof Error ? error : new Error(String(error)),
    });
    return tallyOf(gate, seats);
  }
};

/**
 * @param seats the approver seats (APPROVER_SEAT_ROLE_ARNS), for a quorum gate's tally.
 * @param seatClaims the seat claims (STATE_TABLE_NAME), which complete the tally; undefined: SSM's record alone.
 */
export const confirmRoute =
  (
    client: SSMClient,
    now: () => Date = () => new Date(),
    seats: () => readonly string[] = environmentSeats,
    seatClaims: () => ClaimStore | undefined = environmentClaims,
  ) =>
  async (event: WebhookEvent, lambda: Pick<Context, 'getRemainingTimeInMillis'>): Promise<WebhookResult> => {
    // GET /openapi.json: this public, read-only function also serves the API's description.
    if (routeOf(event).action === 'openapi') return openApiResponse();
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
    const gate = inspection.kind !== 'closed' ? inspection.gate : undefined;
    // A waiting quorum gate shows who has approved so far.
    const tally: Tally | undefined =
      gate?.waiting && gate.minRequiredApprovals > 1
        ? await standingForPage(executionId, gate, seats(), seatClaims())
        : undefined;
    const context = {
      execution: view,
      ...(gate ? { gate } : {}),
      ...(tally ? { tally } : {}),
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
    // Whoever approved this quorum gate already is told so instead of being offered the button again.
    const yourApproval =
      tally === undefined ? undefined : approvalBy(tally, { name: claims.approver, via: claims.channel });
    // A link sent to a Teams channel or a webhook names no one person: it cannot approve a quorum gate.
    const shared =
      action === 'approve' && gate?.waiting && gate.minRequiredApprovals > 1
        ? sharedChannelOf({ approver: claims.approver, channel: claims.channel })
        : undefined;
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
        ...(yourApproval ? { yourApproval } : {}),
        ...(shared !== undefined && gate !== undefined
          ? { cannotApprove: sharedLinkSentence(shared, gate.minRequiredApprovals) }
          : {}),
      }),
    );
  };

export const handler = httpHandler(confirmRoute(ssm));
