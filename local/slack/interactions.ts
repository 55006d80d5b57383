/**
 * Interaction payloads as Slack sends them to an app's interactivity Request URL
 * (https://docs.slack.dev/reference/interaction-payloads): `block_actions` when someone presses a button in
 * a message, `view_submission` when they submit a modal, `view_closed` when they cancel one that asked for
 * `notify_on_close`. Each is sent as Slack sends it: `POST`, `Content-Type:
 * application/x-www-form-urlencoded`, body `payload=<JSON>`, signed with the app's signing secret:
 *
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body)>
 */
import { createHmac } from 'node:crypto';
import type { Json, JsonObject, OpenedView, RecordedMessage, SlackUser, Workspace } from './workspace';

export const SLACK_USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';
/** Slack shows the person an error when the app has not answered within this. */
export const SLACK_ACK_TIMEOUT_MS = 3000;
/** The page waits this long for a slow local function before giving up. */
const SEND_TIMEOUT_MS = 30_000;

/** `v0=<hex>` over `v0:<timestamp>:<body>`, as Slack signs its requests. */
export const slackSignature = (signingSecret: string, timestamp: number, body: string): string =>
  `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

const payloadUser = (workspace: Workspace, user: SlackUser): JsonObject => ({
  id: user.id,
  username: user.name,
  name: user.name,
  team_id: workspace.team.id,
});

const team = (workspace: Workspace): JsonObject => ({ id: workspace.team.id, domain: workspace.team.domain });

/** A button as `actions[0]` of a block_actions payload. */
export const buttonAction = (button: JsonObject, blockId: string, actionTs: string): JsonObject => ({
  action_id: button.action_id ?? '',
  block_id: blockId,
  text: button.text ?? null,
  ...(button.value !== undefined ? { value: button.value } : {}),
  ...(button.style !== undefined ? { style: button.style } : {}),
  type: 'button',
  action_ts: actionTs,
});

/**
 * The block_actions payload of a button press in a message. An ephemeral message's payload has no
 * `message` (Slack leaves it out; the app answers through `response_url`).
 */
export const blockActionsPayload = (
  workspace: Workspace,
  press: {
    readonly user: SlackUser;
    readonly message: RecordedMessage;
    readonly button: JsonObject;
    readonly blockId: string;
    readonly triggerId: string;
    readonly responseUrl: string;
    readonly actionTs: string;
  },
): JsonObject => {
  const { message } = press;
  const channel = workspace.resolveChannel(message.channel);
  return {
    type: 'block_actions',
    user: payloadUser(workspace, press.user),
    api_app_id: workspace.bot.appId,
    token: workspace.verificationToken,
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: message.channel,
      is_ephemeral: message.ephemeral !== undefined,
    },
    trigger_id: press.triggerId,
    team: team(workspace),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: channel?.name ?? '' },
    ...(message.ephemeral ? {} : { message: workspace.apiMessage(message) }),
    state: { values: {} },
    response_url: press.responseUrl,
    actions: [buttonAction(press.button, press.blockId, press.actionTs)],
  };
};

/** The view as a payload carries it: the stored view with the submitted `state.values`. */
const payloadView = (view: JsonObject, values: JsonObject): JsonObject => ({ ...view, state: { values } });

export const viewSubmissionPayload = (
  workspace: Workspace,
  submission: {
    readonly user: SlackUser;
    readonly view: OpenedView;
    readonly values: JsonObject;
    readonly triggerId: string;
  },
): JsonObject => ({
  type: 'view_submission',
  team: team(workspace),
  user: payloadUser(workspace, submission.user),
  api_app_id: workspace.bot.appId,
  token: workspace.verificationToken,
  trigger_id: submission.triggerId,
  view: payloadView(submission.view.view, submission.values),
  response_urls: [],
  is_enterprise_install: false,
  enterprise: null,
});

export const viewClosedPayload = (
  workspace: Workspace,
  closing: { readonly user: SlackUser; readonly view: OpenedView },
): JsonObject => ({
  type: 'view_closed',
  team: team(workspace),
  user: payloadUser(workspace, closing.user),
  api_app_id: workspace.bot.appId,
  token: workspace.verificationToken,
  view: payloadView(closing.view.view, {}),
  is_cleared: false,
  is_enterprise_install: false,
  enterprise: null,
});

/** The app's answer to one interaction. */
export interface InteractionOutcome {
  /** The HTTP status, or undefined when the request failed (refused, timed out). */
  readonly status?: number;
  readonly body: string;
  readonly error?: string;
  readonly elapsedMs: number;
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:1`: the error and its cause (fetch's own message says little). */
const errorText = (error: unknown): string => {
  const { message, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    cause?: { message?: unknown };
  };
  const text = typeof message === 'string' ? message : String(error);
  return typeof cause?.message === 'string' ? `${text}: ${cause.message}` : text;
};

/** Sends `payload` as Slack does: form-encoded, signed now. */
export const sendInteraction = async (
  url: string,
  signingSecret: string,
  payload: JsonObject,
  now: () => Date = () => new Date(),
): Promise<InteractionOutcome> => {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(now().getTime() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': SLACK_USER_AGENT,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(signingSecret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text(), elapsedMs: elapsed() };
  } catch (error) {
    return { body: '', error: errorText(error), elapsedMs: elapsed() };
  }
};

/** A modal's `state.values` from its form: `{[block_id]: {[action_id]: {type, value | selected_option(s)}}}`. */
export const viewStateValues = (view: JsonObject, form: URLSearchParams): JsonObject => {
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const values: Record<string, JsonObject> = {};
  blocks.forEach((block, index) => {
    if (typeof block !== 'object' || block === null || Array.isArray(block) || block.type !== 'input') return;
    const element = block.element as JsonObject | undefined;
    if (!element || typeof element.action_id !== 'string') return;
    const submitted = form.getAll(`input:${index}`);
    const options = (Array.isArray(element.options) ? element.options : []) as JsonObject[];
    const option = (value: string): Json => {
      const found = options.find((candidate) => candidate.value === value);
      return found ? { text: found.text ?? null, value } : null;
    };
    let state: JsonObject;
    switch (element.type) {
      case 'plain_text_input':
        state = { type: 'plain_text_input', value: submitted[0] ? submitted[0] : null };
        break;
      case 'static_select':
      case 'radio_buttons':
        state = { type: element.type, selected_option: submitted[0] ? option(submitted[0]) : null };
        break;
      case 'checkboxes':
        state = { type: 'checkboxes', selected_options: submitted.map(option).filter((o) => o !== null) };
        break;
      default:
        return;
    }
    values[String(block.block_id)] = { [element.action_id]: state };
  });
  return values;
};
