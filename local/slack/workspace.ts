/**
 * The state of the local Slack workspace: its fixed members (team, users, channels, user groups, the app's
 * bot), and what happened in it (messages with their updates, ephemeral messages, opened modals, trigger
 * ids, response URLs). The Web API (web-api.ts), the response URLs (server.ts) and the channel page
 * (page.ts) all act through this one object, so what the page shows is exactly what the product did.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A Block Kit block or view, as JSON. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export interface SlackTeam {
  readonly id: string;
  /** The workspace's subdomain: `<domain>.slack.com`. */
  readonly domain: string;
  /** @default domain */
  readonly name?: string;
}

export interface SlackUser {
  readonly id: string;
  /** The handle (`name` in Slack's user object; `username` in interaction payloads). */
  readonly name: string;
  readonly realName: string;
  /** @default name */
  readonly displayName?: string;
  /** Given: `profile.email` in users.info, as Slack answers an app holding `users:read.email`. */
  readonly email?: string;
}

export interface SlackChannel {
  readonly id: string;
  /** Without `#`. */
  readonly name: string;
}

export interface SlackUserGroup {
  readonly id: string;
  /** The mention handle, without `@`. */
  readonly handle: string;
  readonly users: readonly string[];
}

/** The app whose bot token the product holds. */
export interface SlackBot {
  readonly userId: string;
  readonly botId: string;
  readonly appId: string;
  readonly name: string;
}

export const DEFAULT_BOT: SlackBot = {
  userId: 'U0LOCALBOT',
  botId: 'B0LOCALBOT',
  appId: 'A0LOCALAPP',
  name: 'approvals',
};

/** One version of a message: its text and blocks from `at` on. */
export interface MessageVersion {
  readonly text: string;
  readonly blocks: readonly JsonObject[];
  readonly at: string;
}

/**
 * A message as recorded: `text` and `blocks` as first posted (with the block_id and action_id Slack fills
 * in where the poster left them out), then each later version in `updates`, oldest first. What people see
 * now is the last update, or the original when there is none (`currentVersion`).
 */
export interface RecordedMessage {
  /** The channel's id (`C…`, or `D…` for a direct message with the app). */
  readonly channel: string;
  readonly ts: string;
  /** Present when the message was posted as a reply in a thread. */
  readonly threadTs?: string;
  readonly text: string;
  readonly blocks: readonly JsonObject[];
  readonly updates: readonly MessageVersion[];
  /** Present for an ephemeral message: only this user sees it, and it is not in the channel's history. */
  readonly ephemeral?: { readonly user: string };
  /** Present once deleted (chat.delete, or `delete_original` through a response URL). */
  readonly deletedAt?: string;
  readonly postedAt: string;
}

export const currentVersion = (message: RecordedMessage): { text: string; blocks: readonly JsonObject[] } =>
  message.updates.at(-1) ?? message;

export type ViewState = 'open' | 'submitted' | 'closed';

/** A modal opened with views.open for one user. */
export interface OpenedView {
  readonly user: string;
  /** The view as views.open answered it (`id`, `callback_id`, `private_metadata`, `blocks`, …). */
  readonly view: JsonObject;
  readonly openedAt: string;
  readonly state: ViewState;
  /** The errors the app answered a submission with (`response_action: 'errors'`), by block_id. */
  readonly errors: Readonly<Record<string, string>>;
}

/** What a response URL is for: the message whose button was pressed, by whom. */
export interface ResponseTarget {
  readonly channel: string;
  readonly messageTs: string;
  readonly user: string;
}

/** A POST to a response URL, as received. */
export interface RecordedResponse {
  readonly id: string;
  readonly body: JsonObject;
  readonly at: string;
}

export interface WorkspaceOptions {
  readonly team: SlackTeam;
  readonly users: readonly SlackUser[];
  readonly channels: readonly SlackChannel[];
  readonly userGroups?: readonly SlackUserGroup[];
  /** @default DEFAULT_BOT */
  readonly bot?: SlackBot;
  /** The (deprecated) verification token Slack puts in every interaction payload. @default 'local-verification-token' */
  readonly verificationToken?: string;
  /** A trigger id works once, for this long (Slack: 3 s). @default 3000 */
  readonly triggerTtlMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export type TriggerResult =
  | { readonly user: string }
  | 'invalid_trigger_id'
  | 'expired_trigger_id'
  | 'exchanged_trigger_id';

export type Workspace = ReturnType<typeof createWorkspace>;

/** A direct-message channel with the app: `D` and the user id without its first letter. */
export const directMessageChannelId = (userId: string): string => `D${userId.slice(1)}`;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A short id as Slack makes up for a block or element without one (`q0tX`), derived from `seed`. */
export const generatedId = (seed: string): string =>
  [...createHash('sha256').update(seed).digest().subarray(0, 4)]
    .map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length])
    .join('');

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const INTERACTIVE_CONTAINERS = new Set(['actions', 'context', 'input', 'section']);

/** The blocks with a block_id on each, and an action_id on each interactive element, as Slack stores them. */
export const withGeneratedIds = (blocks: readonly JsonObject[], seed: string): JsonObject[] =>
  blocks.map((block, index) => {
    const blockId = typeof block.block_id === 'string' ? block.block_id : generatedId(`${seed}:${index}`);
    const withId = (element: Json, position: string): Json =>
      isObject(element) &&
      typeof element.type === 'string' &&
      !['plain_text', 'mrkdwn', 'image'].includes(element.type) &&
      typeof element.action_id !== 'string'
        ? { ...element, action_id: generatedId(`${seed}:${index}:${position}`) }
        : element;
    if (!INTERACTIVE_CONTAINERS.has(String(block.type))) return { ...block, block_id: blockId };
    return {
      ...block,
      block_id: blockId,
      ...(Array.isArray(block.elements) && block.type === 'actions'
        ? { elements: block.elements.map((element, j) => withId(element, String(j))) }
        : {}),
      ...(block.accessory !== undefined ? { accessory: withId(block.accessory, 'accessory') } : {}),
      ...(block.element !== undefined ? { element: withId(block.element, 'element') } : {}),
    };
  });

const pad6 = (value: number): string => String(value).padStart(6, '0');

/** Slack's `<seconds>.<microseconds>` timestamps, from microseconds since the epoch. */
export const formatTs = (micros: number): string => `${Math.floor(micros / 1e6)}.${pad6(micros % 1e6)}`;

export const createWorkspace = (options: WorkspaceOptions) => {
  const now = options.now ?? (() => new Date());
  const bot = options.bot ?? DEFAULT_BOT;
  const triggerTtlMs = options.triggerTtlMs ?? 3000;
  const messages: RecordedMessage[] = [];
  const views = new Map<string, OpenedView>();
  const triggers = new Map<string, { user: string; expiresAt: number; used: boolean }>();
  const responseTargets = new Map<string, ResponseTarget>();
  const responses: RecordedResponse[] = [];
  let lastMicros = 0;
  let triggerCount = 0;

  /** A fresh timestamp, strictly after every earlier one (Slack's `ts` is unique per channel). */
  const nextTs = (): string => {
    lastMicros = Math.max(now().getTime() * 1000, lastMicros + 1);
    return formatTs(lastMicros);
  };

  const user = (id: string): SlackUser | undefined => options.users.find((candidate) => candidate.id === id);

  /**
   * The channel a `channel` argument names: a channel id, its name (with or without `#`), or a user id or
   * the id of the app's direct message with that user (posting to a user id posts in that DM).
   */
  const resolveChannel = (argument: string): (SlackChannel & { readonly dmUser?: string }) | undefined => {
    const channel =
      options.channels.find((candidate) => candidate.id === argument) ??
      options.channels.find((candidate) => `#${candidate.name}` === argument || candidate.name === argument);
    if (channel) return channel;
    const member = options.users.find(
      (candidate) => candidate.id === argument || directMessageChannelId(candidate.id) === argument,
    );
    return member
      ? { id: directMessageChannelId(member.id), name: 'directmessage', dmUser: member.id }
      : undefined;
  };

  const indexOf = (channel: string, ts: string): number =>
    messages.findIndex((message) => message.channel === channel && message.ts === ts);

  const post = (message: {
    channel: string;
    text: string;
    blocks: readonly JsonObject[];
    threadTs?: string;
    ephemeralUser?: string;
  }): RecordedMessage => {
    const ts = nextTs();
    const recorded: RecordedMessage = {
      channel: message.channel,
      ts,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      text: message.text,
      blocks: withGeneratedIds(message.blocks, ts),
      updates: [],
      ...(message.ephemeralUser ? { ephemeral: { user: message.ephemeralUser } } : {}),
      postedAt: now().toISOString(),
    };
    messages.push(recorded);
    return recorded;
  };

  /** Records a new version of a message; undefined when there is no such message (or it was deleted). */
  const update = (
    channel: string,
    ts: string,
    version: { text?: string; blocks?: readonly JsonObject[] },
  ): RecordedMessage | undefined => {
    const index = indexOf(channel, ts);
    const message = messages[index];
    if (!message || message.deletedAt) return undefined;
    const current = currentVersion(message);
    const blocks = version.blocks
      ? withGeneratedIds(version.blocks, `${ts}:${message.updates.length + 1}`)
      : current.blocks;
    const updated: RecordedMessage = {
      ...message,
      updates: [...message.updates, { text: version.text ?? current.text, blocks, at: now().toISOString() }],
    };
    messages[index] = updated;
    return updated;
  };

  const remove = (channel: string, ts: string): RecordedMessage | undefined => {
    const index = indexOf(channel, ts);
    const message = messages[index];
    if (!message || message.deletedAt) return undefined;
    const deleted = { ...message, deletedAt: now().toISOString() };
    messages[index] = deleted;
    return deleted;
  };

  return {
    team: options.team,
    users: options.users,
    channels: options.channels,
    userGroups: options.userGroups ?? [],
    bot,
    verificationToken: options.verificationToken ?? 'local-verification-token',
    now,
    nextTs,
    withIds: withGeneratedIds,
    user,
    resolveChannel,
    post,
    update,
    remove,
    message: (channel: string, ts: string): RecordedMessage | undefined => messages[indexOf(channel, ts)],
    /** Every message, in the order posted (oldest first), each with its updates. */
    messages: (): readonly RecordedMessage[] => [...messages],

    /** The message as Slack's API shows it (chat.postMessage's `message`, a payload's `message`). */
    apiMessage: (message: RecordedMessage): JsonObject => {
      const { text, blocks } = currentVersion(message);
      return {
        user: bot.userId,
        type: 'message',
        ts: message.ts,
        bot_id: bot.botId,
        app_id: bot.appId,
        text,
        team: options.team.id,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        ...(blocks.length > 0 ? { blocks } : {}),
      };
    },

    /** A trigger id for one user's interaction; views.open takes it once, within triggerTtlMs. */
    newTrigger: (userId: string): string => {
      triggerCount += 1;
      const id = `${Math.floor(now().getTime() / 1000)}${pad6(triggerCount)}.${options.team.id.replace(/\D/g, '') || '1'}.${randomBytes(16).toString('hex')}`;
      triggers.set(id, { user: userId, expiresAt: now().getTime() + triggerTtlMs, used: false });
      return id;
    },
    takeTrigger: (id: string): TriggerResult => {
      const trigger = triggers.get(id);
      if (!trigger) return 'invalid_trigger_id';
      if (trigger.used) return 'exchanged_trigger_id';
      if (now().getTime() > trigger.expiresAt) return 'expired_trigger_id';
      trigger.used = true;
      return { user: trigger.user };
    },

    openView: (userId: string, view: JsonObject): OpenedView => {
      const opened: OpenedView = {
        user: userId,
        view,
        openedAt: now().toISOString(),
        state: 'open',
        errors: {},
      };
      views.set(String(view.id), opened);
      return opened;
    },
    view: (id: string): OpenedView | undefined => views.get(id),
    setView: (id: string, change: Partial<Pick<OpenedView, 'view' | 'state' | 'errors'>>): void => {
      const opened = views.get(id);
      if (opened) views.set(id, { ...opened, ...change });
    },
    /** Every view opened, in the order opened. */
    views: (): readonly OpenedView[] => [...views.values()],

    /** The id of a fresh response URL for an interaction with one message. */
    newResponseUrl: (target: ResponseTarget): string => {
      const id = randomBytes(12).toString('hex');
      responseTargets.set(id, target);
      return id;
    },
    responseTarget: (id: string): ResponseTarget | undefined => responseTargets.get(id),
    recordResponse: (response: RecordedResponse): void => {
      responses.push(response);
    },
    /** Every POST to a response URL, oldest first. */
    responses: (): readonly RecordedResponse[] => [...responses],
  };
};
