/**
 * The HTTP side of `POST /slack/interactions`, Slack's interactivity Request URL. Slack shows the person
 * an error unless it gets a 200 within 3 seconds, so this side only checks and hands on:
 *
 * 1. Slack's signature over the raw bytes, before anything in the request is parsed (401 otherwise);
 * 2. the payload (400 when it is not one of Slack's we handle);
 * 3. the button's signed value: made by us, for this action, for this workspace and channel, not expired;
 * 4. who clicked: a user the runbook's routing rule lists, or a member of a listed user group;
 * 5. then: Reject (and Approve when the rule asks for a comment) opens a modal; a decision is handed to
 *    the function itself, asynchronously (dispatch.ts), and carried out there (decision-job.ts).
 *
 * A click that may not act changes nothing and is answered 200: the clicker alone is told why, in an
 * ephemeral message (or, in a modal, under its comment box), and the refusal is logged for the audit.
 *
 * Its own middy chain: the shared one parses the body (requestBody), and the signature is over the body
 * exactly as received.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { WebClient } from '@slack/web-api';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ConfigSource } from '../auth/config-source';
import { commentRoom } from '../auth/identity-comment';
import { withKeyRefresh } from '../auth/key-refresh';
import type { AuthConfig } from '../auth/secret-document';
import { requestAuditKeys } from '../core/decision-log';
import {
  AuthenticationError,
  ConfigurationError,
  ForbiddenError,
  ValidationError,
  WebhookError,
} from '../core/errors';
import type { WebhookResult } from '../core/event';
import { flushMetrics, recordAuthenticationFailure, recordDecision } from '../core/metrics';
import { singleLine } from '../core/plain-text';
import { jsonResponse } from '../core/responses';
import { errorResponder } from '../middleware/error-responder';
import { ACTION_IDS, type EphemeralReason, ephemeralText } from '../notify/channels/slack-message';
import type { NotifierConfig } from '../notify/config';
import { slackRouteFor } from '../notify/routing';
import { type ButtonAction, type ButtonClaims, type SlackPlace, verifyButtonValue } from './button-token';
import type { Deciders } from './deciders';
import {
  MAX_SLACK_USER_NAME_LENGTH,
  SLACK_DECISION_KIND,
  type SlackDecisionJob,
  slackIdentityOf,
} from './decision-job';
import { type Dispatch, DispatchError } from './dispatch';
import { isRecord } from './fields';
import {
  BLANK_REASON_ERROR,
  COMMENT_BLOCK_ID,
  decisionModal,
  modalAction,
  parseModalMetadata,
  submittedComment,
} from './modals';
import {
  type BlockActionsPayload,
  parseInteractionPayload,
  type SlackUser,
  type ViewSubmissionPayload,
} from './payload';
import { rawBodyOf, verifySlackRequest } from './request-signature';

/** The Web API methods the HTTP side calls. */
export type SlackApi = Pick<WebClient, 'chat' | 'views' | 'usergroups'>;

export interface InteractionDependencies {
  /** The stack's secret: the Slack signing secret and bot token, and the keys that sign button values. */
  readonly loadAuthConfig: ConfigSource;
  /** The routing rules (NOTIFIER_CONFIG): who may decide which runbook's gates. */
  readonly routing: () => Pick<NotifierConfig, 'rules' | 'defaultRule'>;
  /** The bot's Web API client for a bot token (short timeouts: the answer is due within 3 s). */
  readonly slack: (botToken: string) => SlackApi;
  readonly deciders: Deciders;
  readonly dispatch: Dispatch;
  readonly logger: Logger;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** The answer Slack takes as "received": 200 and an empty body (a modal then closes). */
export const ACKNOWLEDGED: WebhookResult = Object.freeze({
  statusCode: 200,
  headers: { 'cache-control': 'no-store' },
  body: '',
});

/** The answer that keeps a modal open and shows `text` under its comment box. */
export const modalErrors = (text: string): WebhookResult =>
  jsonResponse(200, { response_action: 'errors', errors: { [COMMENT_BLOCK_ID]: text } });

/**
 * Slack posts a click on a link button (`details`) too. Such a button has no value, which the strict
 * payload parser requires of our buttons, so it is recognized first (after the signature check).
 */
const isLinkButtonClick = (rawBody: Buffer): boolean => {
  try {
    const payload: unknown = JSON.parse(new URLSearchParams(rawBody.toString('utf8')).get('payload') ?? '');
    if (!isRecord(payload) || payload.type !== 'block_actions' || !Array.isArray(payload.actions))
      return false;
    const [action] = payload.actions as unknown[];
    return (
      payload.actions.length === 1 &&
      isRecord(action) &&
      action.type === 'button' &&
      action.action_id === ACTION_IDS.details
    );
  } catch {
    return false;
  }
};

/** Why a button value was refused, in the clicker's words; anything else is not the value's fault. */
const buttonRefusal = (error: unknown): EphemeralReason | undefined => {
  if (error instanceof ForbiddenError && error.reason === 'slack-button-expired') return 'button-expired';
  if (error instanceof ForbiddenError && error.reason === 'slack-button-wrong-channel')
    return 'wrong-channel';
  if (error instanceof AuthenticationError) return 'invalid-button';
  return undefined;
};

/** The name recorded in SSM's Comment: Slack's handle, one line, at most 80 characters. */
export const slackUserName = (user: SlackUser): string =>
  singleLine(user.username ?? user.name ?? user.id, MAX_SLACK_USER_NAME_LENGTH) || user.id;

type Checked =
  | { readonly ok: true; readonly claims: ButtonClaims; readonly approveMode: 'at-once' | 'with-comment' }
  | { readonly ok: false; readonly reason: EphemeralReason };

export const interactionRoute = (deps: InteractionDependencies) => {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * A click that may not act: logged for the audit, and counted as a refused decision and an
   * authentication failure, under the refusal's own reason when an error gave one
   * (`slack-button-expired`…), else the clicker's (`not-approver`, `invalid-button`).
   */
  const refused = (
    reason: EphemeralReason,
    action: ButtonAction,
    fields: Record<string, unknown>,
    error?: unknown,
  ): void => {
    logger.warn('Slack click refused', { outcome: 'refused', reason, ...fields });
    recordAuthenticationFailure(error instanceof WebhookError ? error.reason : reason);
    recordDecision({ action, outcome: 'refused', channel: 'slack' });
  };

  /** The ephemeral answer to the clicker; a failure to post it is logged, never the request's failure. */
  const tell = async (slack: SlackApi, place: { channel: string; user: string }, reason: EphemeralReason) => {
    try {
      await slack.chat.postEphemeral({ ...place, text: ephemeralText(reason) });
    } catch (error) {
      logger.error('Could not tell the Slack user', { told: reason, error: error as Error });
    }
  };

  /** The button value, the action it must mean, and the clicker: steps 3 and 4. */
  const check = async (
    slack: SlackApi,
    value: string,
    action: ButtonAction,
    place: SlackPlace,
    userId: string,
  ): Promise<Checked> => {
    let claims: ButtonClaims;
    try {
      claims = await withKeyRefresh(deps.loadAuthConfig, (config) =>
        verifyButtonValue(config, value, place, now()),
      );
    } catch (error) {
      const reason = buttonRefusal(error);
      if (reason === undefined) throw error;
      refused(
        reason,
        action,
        {
          slackUserId: userId,
          slackTeamId: place.teamId,
          slackChannelId: place.channelId,
          cause:
            (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : undefined,
        },
        error,
      );
      return { ok: false, reason };
    }
    const about = {
      slackUserId: userId,
      slackChannelId: place.channelId,
      executionId: claims.executionId,
      gate: claims.gate.stepName,
      stepExecutionId: claims.gate.stepExecutionId,
      tokenId: claims.tokenId,
    };
    if (claims.action !== action) {
      refused('invalid-button', action, {
        ...about,
        cause: `the value is for ${claims.action}, not ${action}`,
      });
      return { ok: false, reason: 'invalid-button' };
    }
    const route = slackRouteFor(deps.routing(), claims.runbook);
    let allowed = false;
    if (route !== undefined) {
      try {
        allowed = await deps.deciders.mayDecide(slack, route.slack.approvers, userId);
      } catch (error) {
        logger.error('Could not check who may decide', { ...about, error: error as Error });
        recordDecision({ action, outcome: 'failed', channel: 'slack' });
        return { ok: false, reason: 'approvers-unavailable' };
      }
    }
    if (!allowed) {
      refused('not-approver', action, { ...about, runbook: claims.runbook, rule: route?.rule });
      return { ok: false, reason: 'not-approver' };
    }
    return { ok: true, claims, approveMode: route?.slack.approve ?? 'at-once' };
  };

  const jobOf = (
    event: APIGatewayProxyEventV2,
    payload: { readonly user: SlackUser; readonly team: { readonly id: string } },
    claims: ButtonClaims,
    where: { readonly channelId: string; readonly messageTs?: string },
    comment?: string,
  ): SlackDecisionJob => ({
    kind: SLACK_DECISION_KIND,
    executionId: claims.executionId,
    gate: claims.gate,
    action: claims.action,
    runbook: claims.runbook,
    ...(comment === undefined ? {} : { comment }),
    user: { id: payload.user.id, name: slackUserName(payload.user) },
    teamId: payload.team.id,
    channelId: where.channelId,
    ...(where.messageTs === undefined ? {} : { messageTs: where.messageTs }),
    tokenId: claims.tokenId,
    keyId: claims.keyId,
    ...requestAuditKeys(event),
  });

  /** Hands the job on; when that fails, the clicker is told whether it may still run. */
  const handOn = async (slack: SlackApi, job: SlackDecisionJob): Promise<void> => {
    try {
      await deps.dispatch(job);
      logger.info('Slack decision handed on', {
        executionId: job.executionId,
        action: job.action,
        slackUserId: job.user.id,
        gate: job.gate.stepName,
        stepExecutionId: job.gate.stepExecutionId,
        tokenId: job.tokenId,
      });
    } catch (error) {
      const maybeStarted = error instanceof DispatchError && error.maybeStarted;
      logger.error('Could not hand on the Slack decision', {
        executionId: job.executionId,
        maybeStarted,
        error: error as Error,
      });
      await tell(
        slack,
        { channel: job.channelId, user: job.user.id },
        maybeStarted ? 'start-unknown' : 'not-started',
      );
    }
  };

  const blockActions = async (
    event: APIGatewayProxyEventV2,
    slack: SlackApi,
    payload: BlockActionsPayload,
  ): Promise<WebhookResult> => {
    const [button] = payload.actions;
    if (button.action_id === ACTION_IDS.details) return ACKNOWLEDGED;
    if (button.action_id !== ACTION_IDS.approve && button.action_id !== ACTION_IDS.reject) {
      logger.warn('Slack action ignored', { actionId: button.action_id.slice(0, 64) });
      return ACKNOWLEDGED;
    }
    const channelId = payload.channel.id;
    const place = { channel: channelId, user: payload.user.id };
    const checked = await check(
      slack,
      button.value,
      button.action_id,
      { teamId: payload.team.id, channelId },
      payload.user.id,
    );
    if (!checked.ok) {
      await tell(slack, place, checked.reason);
      return ACKNOWLEDGED;
    }
    const { claims } = checked;
    const messageTs = payload.container.message_ts;
    const job = jobOf(event, payload, claims, { channelId, messageTs });
    if (claims.action === 'reject' || checked.approveMode === 'with-comment') {
      const view = decisionModal({
        action: claims.action,
        runbook: claims.runbook,
        stepName: claims.gate.stepName,
        maxLength: commentRoom(slackIdentityOf(job), claims.action),
        metadata: { value: button.value, channelId, messageTs },
      });
      try {
        await slack.views.open({ trigger_id: payload.trigger_id, view });
      } catch (error) {
        logger.error('Could not open the Slack modal', {
          executionId: claims.executionId,
          error: error as Error,
        });
        await tell(slack, place, 'modal-failed');
      }
      return ACKNOWLEDGED;
    }
    await handOn(slack, job);
    return ACKNOWLEDGED;
  };

  const viewSubmission = async (
    event: APIGatewayProxyEventV2,
    slack: SlackApi,
    payload: ViewSubmissionPayload,
  ): Promise<WebhookResult> => {
    const action = modalAction(payload.view.callback_id);
    if (action === undefined) {
      throw new ValidationError(
        'slack-unknown-view',
        'The Slack payload is a submission of a modal this app did not open.',
      );
    }
    const metadata = parseModalMetadata(payload.view.private_metadata);
    const checked = await check(
      slack,
      metadata.value,
      action,
      { teamId: payload.team.id, channelId: metadata.channelId },
      payload.user.id,
    );
    if (!checked.ok) return modalErrors(ephemeralText(checked.reason));
    const written = submittedComment(payload.view.state.values);
    const comment = written === undefined || written.trim() === '' ? undefined : written.trim();
    if (action === 'reject' && comment === undefined) return modalErrors(BLANK_REASON_ERROR);
    await handOn(slack, jobOf(event, payload, checked.claims, metadata, comment));
    return ACKNOWLEDGED;
  };

  return async (event: APIGatewayProxyEventV2): Promise<WebhookResult> => {
    logger.appendKeys({ action: 'slack', ...requestAuditKeys(event) });
    const config: AuthConfig = await deps.loadAuthConfig();
    if (config.slack === undefined) {
      throw new ConfigurationError(
        'The secret has no Slack signing secret (slackSigningSecret): set it with npm run keys -- slack-credentials',
      );
    }
    const rawBody = rawBodyOf(event);
    verifySlackRequest({
      signingSecret: config.slack.signingSecret,
      headers: event.headers,
      rawBody,
      now: now(),
    });
    if (isLinkButtonClick(rawBody)) return ACKNOWLEDGED;
    const payload = parseInteractionPayload(rawBody);
    if (config.slack.botToken === undefined) {
      throw new ConfigurationError(
        'The secret has no Slack bot token (slackBotToken): clicks cannot be answered without it',
      );
    }
    const slack = deps.slack(config.slack.botToken);
    return payload.type === 'block_actions'
      ? blockActions(event, slack, payload)
      : viewSubmission(event, slack, payload);
  };
};

/**
 * The HTTP side as a Lambda handler: never the event in the log (it holds signed button values). The
 * metrics flush first, so it runs last (see lambda/middleware/chain.ts).
 */
export const interactionsHandler = (deps: InteractionDependencies) =>
  middy<APIGatewayProxyEventV2, WebhookResult>()
    .use(flushMetrics())
    .use(injectLambdaContext(deps.logger, { resetKeys: true, logEvent: false }))
    .use(errorResponder(deps.logger))
    .use(httpHeaderNormalizer())
    .handler(interactionRoute(deps));
