/**
 * The local Slack Web API that `npm start` runs: an HTTP server answering the Web API methods the product
 * calls, as @slack/web-api calls them (`POST /api/<method>`, form-encoded or JSON, `Authorization: Bearer
 * <bot token>`), with Slack's answers: HTTP 200 and `{ok: true, …}` or `{ok: false, error: '<code>'}`. The
 * SDK reaches it through its own setting: `new WebClient(token, { slackApiUrl: `${url}/api/` })`.
 *
 * It keeps every message with its history of updates, ephemeral messages, opened modals and what was sent
 * to response URLs (`POST /response/<id>`, the stand-in for hooks.slack.com), and the channel page
 * (page.ts) shows them and sends Slack's signed interaction payloads when someone presses a button.
 */
import { type EndpointRequest, startLocalEndpoint } from '../http-endpoint';
import { type Args, callMethod, fail, isFailure, isSupportedMethod, messageContent } from './web-api';
import {
  createWorkspace,
  type Json,
  type JsonObject,
  type OpenedView,
  type RecordedMessage,
  type RecordedResponse,
  type Workspace,
  type WorkspaceOptions,
} from './workspace';

export type {
  MessageVersion,
  OpenedView,
  RecordedMessage,
  RecordedResponse,
  SlackBot,
  SlackChannel,
  SlackTeam,
  SlackUser,
  SlackUserGroup,
} from './workspace';
export { currentVersion, DEFAULT_BOT } from './workspace';

/** The workspace (team, users, channels, groups, bot, clock) and the server's own settings. */
export interface LocalSlackOptions extends WorkspaceOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** The only token the Web API accepts (`xoxb-…`); any other is `invalid_auth`. */
  readonly botToken: string;
  /** The app's signing secret: the channel page signs interaction payloads with it. */
  readonly signingSecret: string;
  /** Where interaction payloads go (the product's Slack interactivity Request URL); settable later. */
  readonly interactionsUrl?: string;
}

export interface LocalSlack {
  /** The server's origin; give `${url}/api/` to WebClient as `slackApiUrl` (also `apiUrl`). */
  readonly url: string;
  /** `${url}/api/`. */
  readonly apiUrl: string;
  readonly signingSecret: string;
  /** Every message (ephemeral ones too), in the order posted, each with its updates. */
  messages(): readonly RecordedMessage[];
  /** Every modal opened with views.open, in the order opened. */
  views(): readonly OpenedView[];
  /** Every POST to a response URL, oldest first. */
  responses(): readonly RecordedResponse[];
  interactionsUrl(): string | undefined;
  setInteractionsUrl(url: string): void;
  /** The workspace's state, for the channel page. */
  readonly workspace: Workspace;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const API_PREFIX = '/api/';
export const RESPONSE_URL_PREFIX = '/response/';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface Answer {
  readonly status: number;
  readonly body: JsonObject;
}

/** Form fields and query parameters as strings; a JSON body as it is. Undefined: not a body Slack takes. */
const parseArguments = (contentType: string, body: Buffer, query: URLSearchParams): Args | undefined => {
  const args: Record<string, Json> = Object.fromEntries(query);
  const text = body.toString('utf8');
  if (text.trim() === '') return args;
  if (contentType.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(text) as Json;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
      return { ...args, ...(parsed as JsonObject) };
    } catch {
      return undefined;
    }
  }
  if (contentType === '' || contentType.startsWith('application/x-www-form-urlencoded')) {
    return { ...args, ...Object.fromEntries(new URLSearchParams(text)) };
  }
  return undefined;
};

const bearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
};

const webApi = (
  workspace: Workspace,
  botToken: string,
  method: string,
  request: { contentType: string; authorization: string | undefined; body: Buffer; query: URLSearchParams },
): JsonObject => {
  if (!isSupportedMethod(method)) return fail('unknown_method', { req_method: method });
  const isJson = request.contentType.startsWith('application/json');
  const args = parseArguments(request.contentType, request.body, request.query);
  if (args === undefined) return fail(isJson ? 'invalid_json' : 'invalid_form_data');
  // Slack takes a token from the Authorization header, or from a form field (never from a JSON body).
  const token =
    bearerToken(request.authorization) ?? (isJson ? undefined : (args.token as string | undefined));
  if (token === undefined || token === '') return fail('not_authed');
  if (token !== botToken) return fail('invalid_auth');
  return callMethod(workspace, method, args);
};

const isTrue = (value: Json | undefined): boolean => value === true || value === 'true';

/**
 * A POST to a response URL, as Slack handles it: `delete_original` deletes the message the button was
 * on; `replace_original` replaces it (text and blocks, as sent); otherwise a new message is posted,
 * `response_type: 'in_channel'` in the channel, `'ephemeral'` (the default) to the user who pressed.
 */
const respond = (workspace: Workspace, id: string, body: Buffer): Answer => {
  const target = workspace.responseTarget(id);
  if (!target) return { status: 404, body: fail('no_active_hooks') };
  let parsed: Json;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return { status: 400, body: fail('invalid_payload') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { status: 400, body: fail('invalid_payload') };
  }
  const args = parsed as JsonObject;
  workspace.recordResponse({ id, body: args, at: workspace.now().toISOString() });
  const original = workspace.message(target.channel, target.messageTs);
  if (isTrue(args.delete_original)) {
    if (!original || original.deletedAt) return { status: 404, body: fail('message_not_found') };
    workspace.remove(target.channel, target.messageTs);
    return { status: 200, body: { ok: true } };
  }
  const content = messageContent(args);
  if (isFailure(content)) return { status: 400, body: content };
  if (!content.text && !content.blocks?.length) return { status: 400, body: fail('no_text') };
  if (isTrue(args.replace_original)) {
    if (!original || original.deletedAt) return { status: 404, body: fail('message_not_found') };
    workspace.update(target.channel, target.messageTs, {
      text: content.text ?? '',
      blocks: content.blocks ?? [],
    });
    return { status: 200, body: { ok: true } };
  }
  const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
  workspace.post({
    channel: target.channel,
    text: content.text ?? '',
    blocks: content.blocks ?? [],
    ...(args.response_type === 'in_channel' ? {} : { ephemeralUser: target.user }),
    ...(threadTs ? { threadTs } : {}),
  });
  return { status: 200, body: { ok: true } };
};

const handle = (workspace: Workspace, botToken: string, request: EndpointRequest): Answer | undefined => {
  const { body } = request;
  const { pathname, searchParams } = new URL(request.url, 'http://localhost');
  if (pathname.startsWith(API_PREFIX)) {
    const answer = webApi(workspace, botToken, pathname.slice(API_PREFIX.length), {
      contentType: (request.headers['content-type'] ?? '').toLowerCase(),
      authorization: request.headers.authorization,
      body,
      query: searchParams,
    });
    return { status: 200, body: answer };
  }
  if (pathname.startsWith(RESPONSE_URL_PREFIX) && request.method === 'POST') {
    return respond(workspace, decodeURIComponent(pathname.slice(RESPONSE_URL_PREFIX.length)), body);
  }
  return undefined;
};

/** Starts the local Slack Web API; resolves once it listens. */
export const startLocalSlack = async (options: LocalSlackOptions): Promise<LocalSlack> => {
  const workspace = createWorkspace(options);
  let interactionsUrl = options.interactionsUrl;
  const endpoint = await startLocalEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    handle: (request) => {
      const answer = handle(workspace, options.botToken, request);
      return {
        status: answer?.status ?? 404,
        headers: answer ? JSON_HEADERS : { 'content-type': 'text/plain; charset=utf-8' },
        body: answer
          ? JSON.stringify(answer.body)
          : `Nothing at ${request.method} ${request.url}: the local Slack serves POST ${API_PREFIX}<method> and POST ${RESPONSE_URL_PREFIX}<id>.\n`,
      };
    },
    onFailure: (error, res) => {
      console.error('local Slack: request failed', error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    },
  });
  const { url } = endpoint;
  return {
    url,
    apiUrl: `${url}${API_PREFIX}`,
    signingSecret: options.signingSecret,
    messages: workspace.messages,
    views: workspace.views,
    responses: workspace.responses,
    interactionsUrl: () => interactionsUrl,
    setInteractionsUrl: (next) => {
      interactionsUrl = next;
    },
    workspace,
    close: endpoint.close,
  };
};
