/**
 * The Slack Web API methods the local workspace answers, with Slack's documented results and error codes
 * (https://docs.slack.dev/reference/methods). Arguments arrive as @slack/web-api sends them: form fields
 * (objects such as `blocks` and `view` JSON-encoded in a field) or a JSON body; both are accepted here.
 * Authentication is checked by the server before a method runs.
 */
import { randomBytes } from 'node:crypto';
import { blockProblems, viewProblems } from './blocks';
import type { Json, JsonObject, RecordedMessage, Workspace } from './workspace';

export type Args = Readonly<Record<string, Json>>;

export const fail = (error: string, extra: JsonObject = {}): JsonObject => ({ ok: false, error, ...extra });

/** Slack's `invalid_blocks`/`invalid_arguments` detail: `errors`, and the same lines in response_metadata. */
const invalid = (error: string, problems: readonly string[]): JsonObject =>
  fail(error, {
    errors: [...problems],
    response_metadata: { messages: problems.map((problem) => `[ERROR] ${problem}`) },
  });

const INVALID_JSON = Symbol('invalid JSON');

/** A form field holding JSON is parsed; a JSON body's value is taken as it is. */
const jsonArgument = (value: Json | undefined): Json | undefined | typeof INVALID_JSON => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as Json;
  } catch {
    return INVALID_JSON;
  }
};

const stringArgument = (value: Json | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** Slack's limit on a message's `text`. */
const MAX_TEXT_LENGTH = 40_000;
const MAX_MESSAGE_BLOCKS = 50;

type Content = { text: string | undefined; blocks: JsonObject[] | undefined } | JsonObject;

/** `text` and `blocks` of chat.postMessage, chat.update, chat.postEphemeral and response URLs, checked. */
export const messageContent = (args: Args): Content => {
  const blocks = jsonArgument(args.blocks);
  if (blocks === INVALID_JSON) return fail('invalid_blocks_format');
  if (blocks !== undefined && blocks !== '') {
    const problems = blockProblems(blocks, MAX_MESSAGE_BLOCKS);
    if (problems.length > 0) return invalid('invalid_blocks', problems);
  }
  const text = typeof args.text === 'string' ? args.text : undefined;
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) return fail('msg_too_long');
  return { text, blocks: Array.isArray(blocks) ? (blocks as JsonObject[]) : undefined };
};

export const isFailure = (content: Content): content is JsonObject => 'ok' in content;

/** Posts the arguments' text and blocks (and thread) to `channelId`, or Slack's error for bad content. */
const postContent = (
  workspace: Workspace,
  args: Args,
  channelId: string,
  ephemeralUser?: string,
): RecordedMessage | JsonObject => {
  const content = messageContent(args);
  if (isFailure(content)) return content;
  if (!content.text && !content.blocks?.length) return fail('no_text');
  const threadTs = stringArgument(args.thread_ts);
  return workspace.post({
    channel: channelId,
    text: content.text ?? '',
    blocks: content.blocks ?? [],
    ...(ephemeralUser === undefined ? {} : { ephemeralUser }),
    ...(threadTs ? { threadTs } : {}),
  });
};

/** A failure of postContent: Slack's `{ok: false, error}`; a posted message has no `ok`. */
const notPosted = (result: RecordedMessage | JsonObject): result is JsonObject => 'ok' in result;

const postMessage = (workspace: Workspace, args: Args): JsonObject => {
  const channel = workspace.resolveChannel(stringArgument(args.channel) ?? '');
  if (!channel) return fail('channel_not_found');
  const message = postContent(workspace, args, channel.id);
  if (notPosted(message)) return message;
  return { ok: true, channel: channel.id, ts: message.ts, message: workspace.apiMessage(message) };
};

const postEphemeral = (workspace: Workspace, args: Args): JsonObject => {
  const channel = workspace.resolveChannel(stringArgument(args.channel) ?? '');
  if (!channel) return fail('channel_not_found');
  const userId = stringArgument(args.user) ?? '';
  if (!workspace.user(userId)) return fail('user_not_found');
  if (channel.dmUser !== undefined && channel.dmUser !== userId) return fail('user_not_in_channel');
  const message = postContent(workspace, args, channel.id, userId);
  if (notPosted(message)) return message;
  return { ok: true, message_ts: message.ts };
};

/** A message chat.update and chat.delete may act on: in the channel, not ephemeral, not deleted. */
const existingMessage = (
  workspace: Workspace,
  args: Args,
): { found: { channel: string; message: RecordedMessage } } | { failure: JsonObject } => {
  const channel = workspace.resolveChannel(stringArgument(args.channel) ?? '');
  if (!channel) return { failure: fail('channel_not_found') };
  const message = workspace.message(channel.id, stringArgument(args.ts) ?? '');
  if (!message || message.ephemeral || message.deletedAt) return { failure: fail('message_not_found') };
  return { found: { channel: channel.id, message } };
};

const update = (workspace: Workspace, args: Args): JsonObject => {
  const existing = existingMessage(workspace, args);
  if ('failure' in existing) return existing.failure;
  const { found } = existing;
  const content = messageContent(args);
  if (isFailure(content)) return content;
  if (content.text === undefined && content.blocks === undefined) return fail('no_text');
  const updated = workspace.update(found.channel, found.message.ts, {
    ...(content.text !== undefined ? { text: content.text } : {}),
    ...(content.blocks !== undefined ? { blocks: content.blocks } : {}),
  }) as RecordedMessage;
  const message = workspace.apiMessage(updated);
  return { ok: true, channel: found.channel, ts: updated.ts, text: message.text ?? '', message };
};

const deleteMessage = (workspace: Workspace, args: Args): JsonObject => {
  const existing = existingMessage(workspace, args);
  if ('failure' in existing) return existing.failure;
  const { found } = existing;
  workspace.remove(found.channel, found.message.ts);
  return { ok: true, channel: found.channel, ts: found.message.ts };
};

const VIEW_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/**
 * A modal as Slack answers it (views.open's `view`, the view in payloads): the given view with Slack's
 * fields filled in. `previous` is the view it replaces (a `response_action: 'update'`) or stacks on (`push`).
 */
export const modalView = (
  workspace: Workspace,
  given: JsonObject,
  id: string,
  previous?: { readonly rootViewId: string; readonly previousViewId: string | null },
): JsonObject => {
  const { team, bot } = workspace;
  return {
    id,
    team_id: team.id,
    type: 'modal',
    blocks: workspace.withIds(given.blocks as JsonObject[], `${id}:${randomBytes(4).toString('hex')}`),
    private_metadata: typeof given.private_metadata === 'string' ? given.private_metadata : '',
    callback_id: typeof given.callback_id === 'string' ? given.callback_id : '',
    state: { values: {} },
    hash: `${Math.floor(workspace.now().getTime() / 1000)}.${randomBytes(4).toString('hex')}`,
    title: given.title ?? null,
    clear_on_close: given.clear_on_close === true,
    notify_on_close: given.notify_on_close === true,
    close: given.close ?? null,
    submit: given.submit ?? null,
    previous_view_id: previous?.previousViewId ?? null,
    root_view_id: previous?.rootViewId ?? id,
    app_id: bot.appId,
    external_id: typeof given.external_id === 'string' ? given.external_id : '',
    app_installed_team_id: team.id,
    bot_id: bot.botId,
  };
};

export const newViewId = (): string =>
  `V${[...randomBytes(10)].map((byte) => VIEW_ID_ALPHABET[byte % VIEW_ID_ALPHABET.length]).join('')}`;

const openView = (workspace: Workspace, args: Args): JsonObject => {
  const triggerId = stringArgument(args.trigger_id);
  if (!triggerId) return invalid('invalid_arguments', ['missing required field: trigger_id']);
  const view = jsonArgument(args.view);
  if (view === INVALID_JSON) return invalid('invalid_arguments', ['must be valid JSON [json-pointer:/view]']);
  const problems = viewProblems(view);
  if (problems.length > 0) return invalid('invalid_arguments', problems);
  const trigger = workspace.takeTrigger(triggerId);
  if (typeof trigger === 'string') return fail(trigger);
  const opened = modalView(workspace, view as JsonObject, newViewId());
  workspace.openView(trigger.user, opened);
  return { ok: true, view: opened };
};

const usersInfo = (workspace: Workspace, args: Args): JsonObject => {
  const user = workspace.user(stringArgument(args.user) ?? '');
  if (!user) return fail('user_not_found');
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: workspace.team.id,
      name: user.name,
      deleted: false,
      real_name: user.realName,
      is_bot: false,
      profile: {
        real_name: user.realName,
        display_name: user.displayName ?? user.name,
        ...(user.email !== undefined ? { email: user.email } : {}),
      },
    },
  };
};

const userGroupUsers = (workspace: Workspace, args: Args): JsonObject => {
  const id = stringArgument(args.usergroup);
  const group = workspace.userGroups.find((candidate) => candidate.id === id);
  if (!group) return fail('no_such_subteam');
  return { ok: true, users: [...group.users] };
};

const authTest = (workspace: Workspace): JsonObject => ({
  ok: true,
  url: `https://${workspace.team.domain}.slack.com/`,
  team: workspace.team.name ?? workspace.team.domain,
  user: workspace.bot.name,
  team_id: workspace.team.id,
  user_id: workspace.bot.userId,
  bot_id: workspace.bot.botId,
  is_enterprise_install: false,
});

const METHODS: Readonly<Record<string, (workspace: Workspace, args: Args) => JsonObject>> = {
  'auth.test': authTest,
  'chat.delete': deleteMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'usergroups.users.list': userGroupUsers,
  'users.info': usersInfo,
  'views.open': openView,
};

export const SUPPORTED_METHODS: readonly string[] = Object.keys(METHODS);

export const isSupportedMethod = (method: string): boolean => Object.hasOwn(METHODS, method);

/** Runs one method; `unknown_method` for any other name. */
export const callMethod = (workspace: Workspace, method: string, args: Args): JsonObject => {
  const run = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  return run ? run(workspace, args) : fail('unknown_method', { req_method: method });
};
