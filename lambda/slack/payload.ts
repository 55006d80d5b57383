/**
 * Slack interaction payloads: the body of a POST to the interactivity route is form-encoded with one
 * field, `payload`, holding JSON. Two kinds are understood, per Slack's reference
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload and
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload):
 *
 * - `block_actions`: a button in a channel message was clicked (our approve and reject buttons);
 * - `view_submission`: a modal was submitted (e.g. a reason for a rejection).
 *
 * Parse only after `verifySlackRequest` accepted the raw bytes. Validation is strict for the fields the
 * product reads (each problem is a ValidationError naming the field) and everything else Slack sends is
 * left out of the result, so the types say exactly what was checked. Field names stay Slack's own, so the
 * result reads against Slack's documentation.
 */
import { ValidationError } from '../core/errors';
import { Fields, isRecord, withoutUndefined } from './fields';

/** Slack's limits: block_id, action_id and callback_id 255 characters, button value 2000, metadata 3000. */
export const MAX_SLACK_IDENTIFIER_LENGTH = 255;
export const MAX_SLACK_BUTTON_VALUE_LENGTH = 2000;
export const MAX_SLACK_PRIVATE_METADATA_LENGTH = 3000;

/** Containers of a button in a channel message; buttons in modals or App Home are not handled. */
export const MESSAGE_CONTAINER_TYPES = ['message', 'message_attachment'] as const;
export type MessageContainerType = (typeof MESSAGE_CONTAINER_TYPES)[number];

export interface SlackUser {
  readonly id: string;
  readonly username?: string;
  readonly name?: string;
  readonly team_id?: string;
}

export interface SlackTeam {
  readonly id: string;
  readonly domain?: string;
}

export interface SlackEnterprise {
  readonly id: string;
  readonly name?: string;
}

/** A clicked button. */
export interface SlackButtonAction {
  readonly type: 'button';
  readonly action_id: string;
  readonly block_id: string;
  readonly value: string;
  readonly action_ts?: string;
}

/** A click on a button of a message posted in a channel. */
export interface BlockActionsPayload {
  readonly type: 'block_actions';
  readonly user: SlackUser;
  readonly team: SlackTeam;
  readonly enterprise?: SlackEnterprise;
  readonly api_app_id?: string;
  readonly channel: { readonly id: string; readonly name?: string };
  /** The message the button is in: in its blocks (`message`) or in an attachment's (`message_attachment`). */
  readonly container: {
    readonly type: MessageContainerType;
    readonly message_ts: string;
    readonly channel_id: string;
    readonly is_ephemeral?: boolean;
  };
  readonly message: { readonly ts: string; readonly thread_ts?: string };
  /** Exactly one: a button click reports the one button clicked. */
  readonly actions: readonly [SlackButtonAction];
  readonly trigger_id: string;
  readonly response_url: string;
}

/** One input's state: its element type and, for text inputs, the value (null when left empty). */
export interface SlackStateValue {
  readonly type: string;
  readonly value?: string | null;
}

/** A submitted modal. */
export interface ViewSubmissionPayload {
  readonly type: 'view_submission';
  readonly user: SlackUser;
  readonly team: SlackTeam;
  readonly enterprise?: SlackEnterprise;
  readonly api_app_id?: string;
  readonly view: {
    readonly id: string;
    readonly callback_id: string;
    readonly private_metadata: string;
    readonly hash?: string;
    /** `values[block_id][action_id]`. */
    readonly state: {
      readonly values: Readonly<Record<string, Readonly<Record<string, SlackStateValue>>>>;
    };
  };
  readonly trigger_id: string;
}

export type InteractionPayload = BlockActionsPayload | ViewSubmissionPayload;
export const SUPPORTED_PAYLOAD_TYPES = ['block_actions', 'view_submission'] as const;

const invalid = (detail: string): ValidationError =>
  new ValidationError('invalid-slack-payload', `The Slack payload is not valid: ${detail}.`);

const userOf = (payload: Fields): SlackUser => {
  const user = payload.record('user');
  return withoutUndefined({
    id: user.slackId('id'),
    username: user.optionalString('username'),
    name: user.optionalString('name'),
    team_id: user.optionalSlackId('team_id'),
  });
};

/** Required: the product binds buttons to the team. (Slack sends `null` for org-wide installations.) */
const teamOf = (payload: Fields): SlackTeam => {
  const team = payload.record('team');
  return withoutUndefined({ id: team.slackId('id'), domain: team.optionalString('domain') });
};

const enterpriseOf = (payload: Fields): SlackEnterprise | undefined => {
  const enterprise = payload.optionalRecord('enterprise');
  return enterprise === undefined
    ? undefined
    : withoutUndefined({ id: enterprise.slackId('id'), name: enterprise.optionalString('name') });
};

const optionalAppId = (payload: Fields): string | undefined => payload.optionalSlackId('api_app_id');

function blockActionsOf(payload: Fields): BlockActionsPayload {
  const user = userOf(payload);
  const team = teamOf(payload);
  const channelFields = payload.record('channel');
  const channel = withoutUndefined({
    id: channelFields.slackId('id'),
    name: channelFields.optionalString('name'),
  });
  const containerFields = payload.record('container');
  const containerType = containerFields.raw('type');
  if (!MESSAGE_CONTAINER_TYPES.includes(containerType as MessageContainerType)) {
    throw invalid(
      '"container.type" must be "message" or "message_attachment" (only buttons in channel messages are handled)',
    );
  }
  const container = withoutUndefined({
    type: containerType as MessageContainerType,
    message_ts: containerFields.messageTs('message_ts'),
    channel_id: containerFields.slackId('channel_id'),
    is_ephemeral: containerFields.optionalBoolean('is_ephemeral'),
  });
  if (container.channel_id !== channel.id) {
    throw invalid('"container.channel_id" and "channel.id" name different channels');
  }
  const messageFields = payload.record('message');
  const message = withoutUndefined({
    ts: messageFields.messageTs('ts'),
    thread_ts: messageFields.optionalMessageTs('thread_ts'),
  });
  const actions = payload.array('actions');
  if (actions.length !== 1) {
    throw invalid(`"actions" must hold exactly one action, not ${actions.length}`);
  }
  const action = payload.child(actions[0], 'actions[0]');
  if (action.raw('type') !== 'button') {
    throw invalid('"actions[0].type" must be "button"');
  }
  const button: SlackButtonAction = withoutUndefined({
    type: 'button' as const,
    action_id: action.nonEmptyString('action_id', MAX_SLACK_IDENTIFIER_LENGTH),
    block_id: action.nonEmptyString('block_id', MAX_SLACK_IDENTIFIER_LENGTH),
    value: action.nonEmptyString('value', MAX_SLACK_BUTTON_VALUE_LENGTH),
    action_ts: action.optionalString('action_ts'),
  });
  return withoutUndefined({
    type: 'block_actions' as const,
    user,
    team,
    enterprise: enterpriseOf(payload),
    api_app_id: optionalAppId(payload),
    channel,
    container,
    message,
    actions: [button] as const,
    trigger_id: payload.nonEmptyString('trigger_id'),
    response_url: payload.url('response_url'),
  });
}

/**
 * `view.state.values`, keyed by block id and action id. Built with Object.fromEntries, which defines own
 * properties: a key such as `__proto__` stays a key and never becomes the object's prototype.
 */
function stateValuesOf(view: Fields): ViewSubmissionPayload['view']['state']['values'] {
  const values = view.record('state').record('values');
  const key = (id: string, where: string): string => {
    if (id === '' || id.length > MAX_SLACK_IDENTIFIER_LENGTH) {
      throw invalid(`a key of ${where} must be 1 to ${MAX_SLACK_IDENTIFIER_LENGTH} characters`);
    }
    return id;
  };
  return Object.fromEntries(
    values.entries().map(([blockId, inputs]) => {
      const blockPath = `view.state.values.${key(blockId, '"view.state.values"')}`;
      const block = values.child(inputs, blockPath);
      const elements = block.entries().map(([actionId, state]): [string, SlackStateValue] => {
        const element = block.child(state, `${blockPath}.${key(actionId, `"${blockPath}"`)}`);
        const type = element.nonEmptyString('type');
        const value = element.raw('value');
        if (value !== undefined && value !== null && typeof value !== 'string') {
          throw invalid(`${element.at('value')} must be a string or null`);
        }
        return [actionId, value === undefined ? { type } : { type, value }];
      });
      return [blockId, Object.fromEntries(elements)];
    }),
  );
}

function viewSubmissionOf(payload: Fields): ViewSubmissionPayload {
  const user = userOf(payload);
  const team = teamOf(payload);
  const view = payload.record('view');
  return withoutUndefined({
    type: 'view_submission' as const,
    user,
    team,
    enterprise: enterpriseOf(payload),
    api_app_id: optionalAppId(payload),
    view: withoutUndefined({
      id: view.slackId('id'),
      callback_id: view.string('callback_id', MAX_SLACK_IDENTIFIER_LENGTH),
      private_metadata: view.string('private_metadata', MAX_SLACK_PRIVATE_METADATA_LENGTH),
      hash: view.optionalString('hash'),
      state: { values: stateValuesOf(view) },
    }),
    trigger_id: payload.nonEmptyString('trigger_id'),
  });
}

/**
 * Parses a verified interactivity body (`payload=<url-encoded JSON>`, the raw bytes or their text).
 * Throws ValidationError (400): `slack-payload-missing` (no single `payload` field),
 * `slack-payload-not-json`, `slack-payload-unsupported-type` (any type other than `block_actions` and
 * `view_submission`), `invalid-slack-payload` (a field the product needs is missing or malformed; the
 * detail names it). Errors carry no cause: the payload holds a `response_url`, which lets its holder post
 * to the channel, and must not reach the log.
 */
export function parseInteractionPayload(body: Buffer | string): InteractionPayload {
  const form = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
  const fields = form.getAll('payload');
  if (fields.length !== 1 || fields[0] === '') {
    throw new ValidationError(
      'slack-payload-missing',
      fields.length > 1
        ? 'The body has more than one "payload" field.'
        : 'The body has no "payload" field (Slack sends payload=<JSON>).',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(fields[0] as string);
  } catch {
    throw new ValidationError('slack-payload-not-json', 'The "payload" field is not valid JSON.');
  }
  if (!isRecord(json)) {
    throw new ValidationError('slack-payload-not-json', 'The "payload" field must be a JSON object.');
  }
  const payload = new Fields(json, '', invalid);
  switch (json.type) {
    case 'block_actions':
      return blockActionsOf(payload);
    case 'view_submission':
      return viewSubmissionOf(payload);
    default:
      throw new ValidationError(
        'slack-payload-unsupported-type',
        typeof json.type === 'string'
          ? `Slack payloads of type ${JSON.stringify(json.type.slice(0, 64))} are not handled; only ${SUPPORTED_PAYLOAD_TYPES.join(' and ')}.`
          : 'The Slack payload has no "type".',
      );
  }
}
