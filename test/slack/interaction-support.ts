/**
 * What the Slack function's tests share: a local Slack workspace (the stand-in `npm start` runs), the
 * stack's secret with Slack credentials, a gate message posted with signed buttons, and API Gateway events
 * carrying the exact payloads the local channel page sends, signed as Slack signs them.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseSecretDocument } from '../../lambda/auth/secret-document';
import { gateMessage } from '../../lambda/notify/channels/slack-message';
import type { NotifierConfig } from '../../lambda/notify/config';
import type { GateNotification } from '../../lambda/notify/notification';
import { type ButtonAction, signButtonValue } from '../../lambda/slack/button-token';
import { blockActionsPayload, slackSignature } from '../../local/slack/interactions';
import {
  currentVersion,
  type LocalSlack,
  type RecordedMessage,
  startLocalSlack,
} from '../../local/slack/server';
import type { JsonObject } from '../../local/slack/workspace';
import { webClient } from '../slack-local/support';
import { apiEvent } from '../support/events';
import { SECRET_DOCUMENT } from '../support/secrets';

export const BOT_TOKEN = 'xoxb-local-1111111111-1111111111111-slackfunctiontesttoken0000';
export const SIGNING_SECRET = 'local-signing-secret-for-the-slack-function-0123';
export const TEAM = { id: 'T0LOCAL01', domain: 'approvals-local' };
export const ALICE = { id: 'U0LOCALALICE', name: 'alice', realName: 'Alice Approver' };
export const BOB = { id: 'U0LOCALBOB', name: 'bob', realName: 'Bob Bystander' };
export const CAROL = { id: 'U0LOCALCAROL', name: 'carol', realName: 'Carol Oncall' };
export const OPS = { id: 'C0LOCALOPS', name: 'ops' };
export const OTHER_CHANNEL = { id: 'C0LOCALOTHER', name: 'other' };
export const SRE_GROUP = { id: 'S0LOCALSRE', handle: 'sre', users: [CAROL.id] };

export const SECRET = parseSecretDocument(
  JSON.stringify({ ...SECRET_DOCUMENT, slackSigningSecret: SIGNING_SECRET, slackBotToken: BOT_TOKEN }),
);

/** Alice by id, Carol through the SRE group; Demo-CommentFirst asks for a comment on Approve. */
export const ROUTING: Pick<NotifierConfig, 'rules' | 'defaultRule'> = {
  rules: [
    {
      runbooks: ['Demo-ApproveChange'],
      slack: { channels: [OPS.id], approvers: { users: [ALICE.id], userGroups: [SRE_GROUP.id] } },
    },
    {
      runbooks: ['Demo-CommentFirst'],
      slack: { channels: [OPS.id], approvers: { users: [ALICE.id] }, approve: 'with-comment' },
    },
  ],
};

export const startWorkspace = (): Promise<LocalSlack> =>
  startLocalSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    team: TEAM,
    users: [ALICE, BOB, CAROL],
    channels: [OPS, OTHER_CHANNEL],
    userGroups: [SRE_GROUP],
  });

export interface ButtonOptions {
  readonly teamId?: string;
  readonly channelId?: string;
  readonly now?: Date;
  readonly ttlSeconds?: number;
}

export const buttonValue = (
  notification: GateNotification,
  action: ButtonAction,
  options: ButtonOptions = {},
): Promise<string> =>
  signButtonValue(SECRET, {
    executionId: notification.execution.executionId,
    gate: { stepName: notification.gate.stepName, stepExecutionId: notification.gate.stepExecutionId },
    runbook: notification.execution.documentName,
    action,
    teamId: options.teamId ?? TEAM.id,
    channelId: options.channelId ?? OPS.id,
    ttlSeconds: options.ttlSeconds ?? 3600,
    ...(options.now ? { now: options.now } : {}),
  });

/** Posts the gate message through the Web API, as the notifier does, into `channel` (default #ops). */
export const postGateMessage = async (
  slack: LocalSlack,
  notification: GateNotification,
  options: ButtonOptions & { readonly channel?: string } = {},
): Promise<{ message: RecordedMessage; values: { approve: string; reject: string } }> => {
  const values = {
    approve: await buttonValue(notification, 'approve', options),
    reject: await buttonValue(notification, 'reject', options),
  };
  const posted = gateMessage({
    notification,
    buttons: values,
    detailsUrl: `https://webhook.example/executions/${notification.execution.executionId}/approve?token=x`,
    now: new Date(),
  });
  const channel = options.channel ?? OPS.id;
  const { ts } = await webClient(slack.apiUrl, BOT_TOKEN).chat.postMessage({ channel, ...posted });
  const message = slack.messages().find((m) => m.channel === channel && m.ts === ts);
  if (!message) throw new Error('the gate message was not recorded');
  return { message, values };
};

/** The block_actions payload the channel page sends when `user` presses the button `actionId`. */
export const clickPayload = (
  slack: LocalSlack,
  message: RecordedMessage,
  user: { readonly id: string; readonly name: string; readonly realName: string },
  actionId: string,
  valueOverride?: string,
): JsonObject => {
  const actions = currentVersion(message).blocks.find((block) => block.type === 'actions') as JsonObject;
  const button = (actions.elements as JsonObject[]).find((element) => element.action_id === actionId);
  if (!button) throw new Error(`no button ${actionId}`);
  const { workspace } = slack;
  return blockActionsPayload(workspace, {
    user,
    message,
    button: valueOverride === undefined ? button : { ...button, value: valueOverride },
    blockId: String(actions.block_id),
    triggerId: workspace.newTrigger(user.id),
    responseUrl: `${slack.url}/response/${workspace.newResponseUrl({ channel: message.channel, messageTs: message.ts, user: user.id })}`,
    actionTs: '1700000000.000001',
  });
};

export const formBody = (payload: JsonObject): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** `POST /slack/interactions` as API Gateway delivers it, signed now (or with the given headers). */
export const signedEvent = (
  body: string,
  options: {
    readonly timestamp?: number;
    readonly signature?: string;
    readonly omit?: 'x-slack-signature' | 'x-slack-request-timestamp';
  } = {},
): APIGatewayProxyEventV2 => {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? slackSignature(SIGNING_SECRET, timestamp, body),
  };
  if (options.omit) delete headers[options.omit];
  return apiEvent({ path: '/slack/interactions', headers, body });
};
