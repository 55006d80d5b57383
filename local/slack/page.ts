/**
 * The local Slack channel page, at `/_local/slack` on the local API (only under `npm start`): what the app
 * posted through the local Slack Web API, drawn roughly as a Slack client draws it, with buttons that work.
 *
 * - `GET /_local/slack[?as=<user id>]`: the channels and their messages, oldest first as in Slack, as seen
 *   by the user picked under "Act as" (ephemeral messages and direct messages only their user sees), and
 *   the modal the app opened for that user, if any. Earlier versions of an updated message are under
 *   "Earlier versions".
 * - `GET /_local/slack?format=json`: the recorded messages, newest last (see `slackJson`).
 * - `POST /_local/slack/click` (a button's form): sends Slack's `block_actions` payload, signed with the
 *   app's signing secret, to the interactions URL; a button with a `confirm` dialog first answers the
 *   dialog as a page.
 * - `POST /_local/slack/view` (a modal's form): sends `view_submission` and applies the app's answer
 *   (empty: close; `response_action` `errors`, `update`, `push`, `clear`).
 * - `POST /_local/slack/view/close`: closes the modal (`view_closed` when it asked for `notify_on_close`).
 *
 * Each POST answers `303 See Other` back to the page, at the message, with what the app answered shown at
 * the top. No JavaScript: plain forms posting to the page's own paths.
 */

import { documentHead, html, type SafeHtml } from '../../lambda/pages/html';
import type { LocalPage } from '../api-server';
import { answerByFormat, pageHeaders } from '../page-format';
import { viewProblems } from './blocks';
import {
  blockActionsPayload,
  type InteractionOutcome,
  SLACK_ACK_TIMEOUT_MS,
  sendInteraction,
  viewClosedPayload,
  viewStateValues,
  viewSubmissionPayload,
} from './interactions';
import type { LocalRequest, LocalResponse, LocalRoute } from './local-route';
import type { Directory } from './mrkdwn';
import { renderBlocks, renderMessageContent } from './render';
import { type LocalSlack, RESPONSE_URL_PREFIX } from './server';
import { modalView, newViewId } from './web-api';
import {
  currentVersion,
  directMessageChannelId,
  formatTs,
  type Json,
  type JsonObject,
  type OpenedView,
  type RecordedMessage,
  type SlackUser,
  type Workspace,
} from './workspace';

export const SLACK_PAGE_PATH = '/_local/slack';
export const SLACK_CLICK_PATH = `${SLACK_PAGE_PATH}/click`;
export const SLACK_VIEW_PATH = `${SLACK_PAGE_PATH}/view`;
export const SLACK_VIEW_CLOSE_PATH = `${SLACK_PAGE_PATH}/view/close`;

/** No script at all; forms post only to this page's own origin; nothing is loaded from elsewhere. */
export const SLACK_PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** One entry of `/_local/slack?format=json`. */
export interface SlackJsonMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  readonly text: string;
  readonly blocks: readonly JsonObject[];
  readonly updates: readonly {
    readonly text: string;
    readonly blocks: readonly JsonObject[];
    readonly at: string;
  }[];
  readonly ephemeral?: { readonly user: string };
  readonly deletedAt?: string;
  readonly postedAt: string;
}

/**
 * The recorded messages as JSON, newest last:
 * `[{channel, ts, threadTs?, text, blocks, updates: [{text, blocks, at}], ephemeral?: {user}, deletedAt?, postedAt}]`.
 * `text`/`blocks` are the message as posted; each chat.update (or `replace_original`) adds an entry to
 * `updates` with the whole new version, oldest first; what people see now is the last one. `blocks` carry
 * the block_id and action_id Slack fills in where the app left them out. `ephemeral` marks a
 * chat.postEphemeral message (or an ephemeral response) that only that user sees; `threadTs` a reply in
 * a thread; `deletedAt` a deleted message. Times are ISO 8601; `channel` is the channel's id.
 */
export const slackJson = (messages: readonly RecordedMessage[]): string =>
  JSON.stringify(
    messages.map(
      (message): SlackJsonMessage => ({
        channel: message.channel,
        ts: message.ts,
        ...(message.threadTs ? { threadTs: message.threadTs } : {}),
        text: message.text,
        blocks: message.blocks,
        updates: message.updates.map(({ text, blocks, at }) => ({ text, blocks, at })),
        ...(message.ephemeral ? { ephemeral: { user: message.ephemeral.user } } : {}),
        ...(message.deletedAt ? { deletedAt: message.deletedAt } : {}),
        postedAt: message.postedAt,
      }),
    ),
  );

export type NoticeKind = 'success' | 'warning' | 'error';

/** What happened to the last interactions, shown at the top of the page. */
export interface Notice {
  readonly kind: NoticeKind;
  readonly text: string;
}

/** Everything the page shows. */
export interface SlackPageState {
  readonly workspace: Pick<Workspace, 'team' | 'users' | 'channels' | 'userGroups' | 'bot'>;
  readonly messages: readonly RecordedMessage[];
  readonly views: readonly OpenedView[];
  /** The user the page acts as. */
  readonly actingUser: SlackUser;
  /** Newest first. */
  readonly notices?: readonly Notice[];
  readonly interactionsUrl: string | undefined;
  /** Field values to show again in a modal whose submission was refused, by view id and field name. */
  readonly drafts?: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>;
}

const STYLE = [
  ':root{color-scheme:light}',
  '*{box-sizing:border-box}',
  'body{margin:0;background:#fff;color:#1d1c1d;font:15px/1.46668 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}',
  '.topbar{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;padding:.5rem 1rem;background:#3f0e40;color:#fff}',
  '.topbar p{margin:0;font-weight:700}',
  '.topbar .site{font-weight:400;color:#cfc3cf;font-size:.8125rem}',
  '.act-as{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}',
  '.act-as label{font-weight:700;white-space:nowrap}',
  '.act-as select,.act-as button{font:inherit;min-height:32px;border-radius:4px;border:1px solid #cfc3cf}',
  '.act-as button{background:#fff;color:#3f0e40;font-weight:700;padding:0 .75rem;cursor:pointer}',
  'main{max-width:60rem;margin:0 auto;padding:1rem 1rem 3rem}',
  'h1{font-size:1.375rem;margin:.5rem 0}',
  '.note{margin:0 0 1rem;padding:.5rem .75rem;background:#f8f8f8;border-left:4px solid #ddd;color:#616061;font-size:.8125rem}',
  '.notices{list-style:none;margin:0 0 1rem;padding:0}',
  '.notice{margin:0 0 .5rem;padding:.5rem .75rem;border-radius:4px;border:1px solid;overflow-wrap:anywhere}',
  '.notice-success{background:#edf7f3;border-color:#007a5a}',
  '.notice-warning{background:#fef6e6;border-color:#b26b00}',
  '.notice-error{background:#fdeef3;border-color:#e01e5a}',
  '.channel{margin:0 0 1.5rem;border:1px solid #ddd;border-radius:8px;overflow:hidden}',
  '.channel h2{margin:0;padding:.5rem 1rem;font-size:1.0625rem;border-bottom:1px solid #ddd;background:#f8f8f8}',
  '.messages{list-style:none;margin:0;padding:.25rem 0}',
  '.message{display:flex;gap:.5rem;padding:.5rem 1rem}',
  '.message:target{background:#fff8e6}',
  '.avatar{flex:none;width:36px;height:36px;border-radius:4px;background:#2bac76;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}',
  '.body{flex:1;min-width:0}',
  '.meta{display:flex;flex-wrap:wrap;gap:.375rem;align-items:baseline}',
  '.meta .who{font-weight:900}',
  '.app-badge{padding:0 3px;border-radius:2px;background:rgba(29,28,29,.13);color:#616061;font-size:10px;font-weight:700}',
  '.meta a,.meta .muted{color:#616061;font-size:12px}',
  '.only-you{color:#616061;font-size:12px;font-style:italic}',
  '.deleted{color:#616061;font-style:italic;margin:0}',
  'details{margin-top:.25rem;font-size:.8125rem;color:#616061}',
  'details ol{margin:.25rem 0 0;padding-left:1.25rem}',
  'details li{margin:.25rem 0 .5rem;padding:.25rem .5rem;border-left:3px solid #ddd;color:#1d1c1d}',
  'summary{cursor:pointer}',
  '.empty,.hidden{color:#616061}',
  '.sk-header{font-size:18px;font-weight:900;margin:.25rem 0}',
  '.sk-section{display:flex;gap:.75rem;align-items:flex-start;margin:.25rem 0}',
  '.sk-section-main{flex:1;min-width:0}',
  '.sk-text{overflow-wrap:anywhere}',
  '.sk-fields{display:grid;grid-template-columns:1fr 1fr;gap:.5rem 1rem;margin-top:.25rem;overflow-wrap:anywhere}',
  '.sk-context{display:flex;flex-wrap:wrap;gap:.25rem .5rem;color:#616061;font-size:12px;margin:.25rem 0}',
  '.sk-divider{border:0;border-top:1px solid #ddd;margin:.5rem 0}',
  '.sk-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}',
  '.sk-button{display:inline-flex;align-items:center;min-height:36px;padding:0 12px;font:inherit;font-size:15px;font-weight:700;color:#1d1c1d;background:#fff;border:1px solid rgba(29,28,29,.3);border-radius:4px;text-decoration:none;cursor:pointer}',
  '.sk-button:hover{background:#f8f8f8}',
  '.sk-primary{color:#fff;background:#007a5a;border-color:#007a5a}',
  '.sk-primary:hover{background:#148567}',
  '.sk-danger{color:#fff;background:#e01e5a;border-color:#e01e5a}',
  '.sk-danger:hover{background:#e23067}',
  '.sk-inert{cursor:default;opacity:.6}',
  '.sk-unsupported{color:#616061;font-style:italic}',
  '.sk-input{margin:0 0 1rem;padding:0;border:0}',
  '.sk-input label:not(.sk-choice),.sk-input legend,.sk-label{display:block;font-weight:700;margin-bottom:.25rem}',
  '.sk-input input[type=text],.sk-input textarea,.sk-input select{width:100%;font:inherit;padding:.5rem;border:1px solid #868686;border-radius:4px}',
  '.sk-input textarea{min-height:5rem}',
  '.sk-choice{display:block}',
  '.sk-optional{font-weight:400;color:#616061}',
  '.sk-hint{margin:.25rem 0 0;color:#616061;font-size:13px}',
  '.sk-field-error{margin:.25rem 0 0;color:#c01a4e;font-size:13px;font-weight:700}',
  '.mention{padding:0 2px;border-radius:3px;background:#e8f5fa;color:#1264a3}',
  'a{color:#1264a3}',
  'code{padding:2px 3px;border:1px solid #ddd;border-radius:3px;background:#f8f8f8;font-size:12px;font-family:ui-monospace,Menlo,Consolas,monospace}',
  '.body code,.modal code{color:#c01a4e}',
  'pre{margin:.25rem 0;padding:.5rem;border:1px solid #ddd;border-radius:4px;background:#f8f8f8;white-space:pre-wrap;font-size:12px;font-family:ui-monospace,Menlo,Consolas,monospace}',
  'blockquote{margin:.25rem 0;padding-left:.75rem;border-left:4px solid #ddd}',
  '.modal-backdrop{position:fixed;inset:0;display:flex;align-items:flex-start;justify-content:center;padding:3rem 1rem;overflow:auto;background:rgba(0,0,0,.6)}',
  '.modal{width:100%;max-width:32rem;background:#fff;border-radius:8px;box-shadow:0 18px 48px rgba(0,0,0,.35)}',
  '.modal header{display:flex;align-items:center;gap:.5rem;padding:1rem 1.5rem;border-bottom:1px solid #ddd}',
  '.modal h2{margin:0;font-size:1.375rem}',
  '.modal-body{padding:1rem 1.5rem}',
  '.modal footer{display:flex;flex-direction:row-reverse;gap:.5rem;padding:1rem 1.5rem;border-top:1px solid #ddd}',
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
  ':focus-visible{outline:3px solid #1264a3;outline-offset:2px}',
  '@media (max-width:30rem){.sk-fields{grid-template-columns:1fr}}',
].join('\n');

const directoryOf = (workspace: SlackPageState['workspace']): Directory => ({
  users: workspace.users,
  channels: workspace.channels,
  userGroups: workspace.userGroups,
});

/** `m-<channel>-<ts with - for .>`: each message's fragment id. */
export const messageAnchor = (message: Pick<RecordedMessage, 'channel' | 'ts'>): string =>
  `m-${message.channel}-${message.ts.replace('.', '-')}`;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `text` of a text object, or `fallback`. */
const textOf = (value: Json | undefined, fallback = ''): string =>
  isObject(value) && typeof value.text === 'string' ? value.text : fallback;

const timeOf = (iso: string): SafeHtml => html`<time datetime="${iso}">${iso.slice(11, 19)} UTC</time>`;

const pageUrl = (user: string, anchor?: string): string =>
  `${SLACK_PAGE_PATH}?as=${encodeURIComponent(user)}${anchor ? `#${anchor}` : ''}`;

const hidden = (name: string, value: string | number): SafeHtml =>
  html`<input type="hidden" name="${name}" value="${value}">`;

const renderMessage = (message: RecordedMessage, state: SlackPageState): SafeHtml => {
  const { workspace } = state;
  const directory = directoryOf(workspace);
  const current = currentVersion(message);
  const edited = message.updates.length > 0;
  const bot = workspace.bot.name;
  const versions = [message, ...message.updates].slice(0, -1);
  const history =
    edited && !message.deletedAt
      ? html`<details><summary>Earlier versions (${versions.length})</summary><ol>${versions.map(
          (version, i) =>
            html`<li><div class="muted">${i === 0 ? 'Posted' : 'Updated'} ${timeOf('at' in version ? version.at : message.postedAt)}</div>${renderMessageContent(version, { directory, buttons: 'inert' })}</li>`,
        )}</ol></details>`
      : '';
  const content = message.deletedAt
    ? html`<p class="deleted">This message was deleted.</p>`
    : html`<form method="post" action="${SLACK_CLICK_PATH}">${hidden('user', state.actingUser.id)}${hidden('channel', message.channel)}${hidden('ts', message.ts)}${hidden('version', message.updates.length)}
${renderMessageContent(current, { directory, buttons: 'live' })}</form>`;
  return html`<li class="message" id="${messageAnchor(message)}">
<div class="avatar" aria-hidden="true">${bot.slice(0, 1).toUpperCase()}</div>
<div class="body">
<div class="meta"><span class="who">${bot}</span> <span class="app-badge">APP</span> <a href="#${messageAnchor(message)}">${timeOf(message.postedAt)}</a>${edited ? html` <span class="muted">(edited ${timeOf(message.updates.at(-1)?.at ?? '')})</span>` : ''}${message.threadTs ? html` <span class="muted">reply in the thread of ${message.threadTs}</span>` : ''}${message.ephemeral ? html` <span class="only-you">Only visible to you</span>` : ''}</div>
${content}${history}
</div>
</li>
`;
};

/** Who sees a message: everyone in a channel; its user for an ephemeral message or a direct message. */
const visibleTo = (message: RecordedMessage, user: SlackUser): boolean =>
  (message.ephemeral === undefined || message.ephemeral.user === user.id) &&
  (!message.channel.startsWith('D') || message.channel === directMessageChannelId(user.id));

const renderChannels = (state: SlackPageState): SafeHtml => {
  const { workspace, actingUser } = state;
  const dm = directMessageChannelId(actingUser.id);
  const sections = [
    ...workspace.channels.map((channel) => ({ id: channel.id, title: `#${channel.name}` })),
    { id: dm, title: `Direct messages between ${workspace.bot.name} and you` },
  ];
  const visible = state.messages.filter((message) => visibleTo(message, actingUser));
  const hiddenCount = state.messages.length - visible.length;
  const rendered = sections
    .map((section) => ({ ...section, messages: visible.filter((message) => message.channel === section.id) }))
    .filter((section) => section.messages.length > 0)
    .map(
      (section) =>
        html`<section class="channel" aria-labelledby="channel-${section.id}">
<h2 id="channel-${section.id}">${section.title}</h2>
<ol class="messages">
${section.messages.map((message) => renderMessage(message, state))}</ol>
</section>
`,
    );
  const hiddenNote =
    hiddenCount === 0
      ? ''
      : html`<p class="hidden">${hiddenCount === 1 ? '1 message' : `${hiddenCount} messages`} only other people see (ephemeral or direct messages) ${hiddenCount === 1 ? 'is' : 'are'} not shown: act as them to see ${hiddenCount === 1 ? 'it' : 'them'}.</p>\n`;
  if (rendered.length === 0) {
    return html`<p class="empty">No message yet${hiddenCount > 0 ? ' that you can see' : ''}. Messages appear here when a runbook reaches an approval step that notifies Slack.</p>\n${hiddenNote}`;
  }
  return html`${rendered}${hiddenNote}`;
};

const renderModal = (view: OpenedView, state: SlackPageState): SafeHtml => {
  const { workspace } = state;
  const given = view.view;
  const id = String(given.id);
  const blocks = (Array.isArray(given.blocks) ? given.blocks : []) as JsonObject[];
  const submit = given.submit
    ? html`<button class="sk-button sk-primary" type="submit">${textOf(given.submit, 'Submit')}</button>`
    : '';
  return html`<div class="modal-backdrop">
<section class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title">
<form method="post" action="${SLACK_VIEW_PATH}">${hidden('user', state.actingUser.id)}${hidden('view_id', id)}
<header><h2 id="modal-title">${textOf(given.title, '')}</h2><span class="app-badge">${workspace.bot.name}</span></header>
<div class="modal-body">
${renderBlocks(blocks, {
  directory: directoryOf(workspace),
  buttons: 'inert',
  inputs: { errors: view.errors, ...(state.drafts?.get(id) ? { values: state.drafts.get(id) } : {}) },
})}
</div>
<footer>${submit}<button class="sk-button" type="submit" formaction="${SLACK_VIEW_CLOSE_PATH}" formnovalidate>${textOf(given.close, given.submit ? 'Cancel' : 'Close')}</button></footer>
</form>
</section>
</div>
`;
};

/** The page, as `state.actingUser` sees it. */
export const renderSlackPage = (state: SlackPageState): string => {
  const { workspace, actingUser } = state;
  const notices = state.notices ?? [];
  const modal = state.views.filter((view) => view.state === 'open' && view.user === actingUser.id).at(-1);
  const teamName = workspace.team.name ?? workspace.team.domain;
  return html`${documentHead(`Local Slack: ${teamName}`, STYLE)}
<body>
<header class="topbar">
<p>${teamName} <span class="site">ssm-approval-webhook, running locally</span></p>
<form class="act-as" method="get" action="${SLACK_PAGE_PATH}"><label for="as">Act as</label><select id="as" name="as">${workspace.users.map(
    (user) =>
      html`<option value="${user.id}"${user.id === actingUser.id ? html` selected` : ''}>${user.realName} (@${user.name})</option>`,
  )}</select><button type="submit">Switch</button></form>
</header>
<main>
<h1>Local Slack</h1>
<p class="note">What the app posted through the local Slack Web API; nothing reached Slack. You are acting as <strong>${actingUser.realName}</strong> (<code>${actingUser.id}</code>): buttons send Slack's signed interaction payload as this user to ${state.interactionsUrl === undefined ? html`<strong>no interactions URL (none is set)</strong>` : html`<code>${state.interactionsUrl}</code>`}. Reload the page to see new messages. This page exists only under <code>npm start</code>; the messages as JSON: <a href="?format=json"><code>?format=json</code></a>.</p>
${notices.length > 0 ? html`<ul class="notices" role="status">${notices.map((notice) => html`<li class="notice notice-${notice.kind}">${notice.text}</li>`)}</ul>\n` : ''}${renderChannels(state)}</main>
${modal ? renderModal(modal, state) : ''}</body>
</html>
`.value;
};

/** The confirmation dialog of a button with `confirm`, as a page: confirming sends the click again. */
export const renderConfirmPage = (
  confirm: JsonObject,
  form: URLSearchParams,
  directory: Directory,
  backTo: string,
): string => {
  const danger = confirm.style === 'danger' ? ' sk-danger' : ' sk-primary';
  return html`${documentHead(`${textOf(confirm.title, 'Are you sure?')} – Local Slack`, STYLE)}
<body>
<div class="modal-backdrop">
<section class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title">
<form method="post" action="${SLACK_CLICK_PATH}">${[...form.entries()].filter(([name]) => name !== 'confirmed').map(([name, value]) => hidden(name, value))}${hidden('confirmed', 'yes')}
<header><h2 id="modal-title">${textOf(confirm.title, 'Are you sure?')}</h2></header>
<div class="modal-body">${renderBlocks([{ type: 'section', text: confirm.text ?? { type: 'plain_text', text: '' } }], { directory, buttons: 'inert' })}</div>
<footer><button class="sk-button${danger}" type="submit">${textOf(confirm.confirm, 'Yes')}</button><a class="sk-button" href="${backTo}">${textOf(confirm.deny, 'Cancel')}</a></footer>
</form>
</section>
</div>
</body>
</html>
`.value;
};

const HEADERS = pageHeaders(SLACK_PAGE_CONTENT_SECURITY_POLICY);
const HTML_HEADERS = HEADERS.html;
const TEXT_HEADERS = HEADERS.text;

const textAnswer = (status: number, body: string, headers: Record<string, string> = {}): LocalResponse => ({
  status,
  headers: { ...TEXT_HEADERS, ...headers },
  body,
});

const seeOther = (location: string): LocalResponse => ({
  status: 303,
  headers: { location, 'cache-control': 'no-store' },
  body: '',
});

export interface SlackPageOptions {
  /** @default the local Slack's signing secret */
  readonly signingSecret?: string;
  /** Where payloads go. @default the local Slack's interactions URL (startLocalSlack, setInteractionsUrl) */
  readonly interactionsUrl?: () => string | undefined;
}

/** How many notices the page keeps (newest first). */
const MAX_NOTICES = 5;

const quoted = (text: string): string => `“${text}”`;

/** What the app answered, in words: Slack shows the person an error for anything but a quick 200. */
export const describeOutcome = (what: string, outcome: InteractionOutcome): Notice => {
  if (outcome.status === undefined) {
    return {
      kind: 'error',
      text: `${what}: the request failed (${outcome.error ?? 'no answer'}). Slack would show the person an error.`,
    };
  }
  const body = outcome.body.trim() === '' ? '' : ` Body: ${outcome.body.trim().slice(0, 300)}`;
  if (outcome.status !== 200) {
    return {
      kind: 'error',
      text: `${what}: the app answered HTTP ${outcome.status} in ${outcome.elapsedMs} ms. Slack would show the person an error.${body}`,
    };
  }
  if (outcome.elapsedMs > SLACK_ACK_TIMEOUT_MS) {
    return {
      kind: 'warning',
      text: `${what}: the app answered HTTP 200, but after ${outcome.elapsedMs} ms; Slack waits ${SLACK_ACK_TIMEOUT_MS / 1000} s and then shows the person an error.`,
    };
  }
  return { kind: 'success', text: `${what}: the app answered HTTP 200 in ${outcome.elapsedMs} ms.` };
};

/**
 * A press from another site (a page elsewhere posting a form to this one): refused. Browsers say where a
 * request comes from in `Sec-Fetch-Site`; with this page's `no-referrer` policy their `Origin` is `null`,
 * so `Origin` is only checked when it names one. Clients that send neither (tests, curl) are let through.
 */
const crossSite = (request: LocalRequest): boolean => {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
};

const ELEMENT_POSITION = /^(\d{1,3}):(\d{1,3}|accessory)$/;

/**
 * The routes of the page, by exact path, for any method: `/_local/slack` (GET), `/_local/slack/click`,
 * `/_local/slack/view` and `/_local/slack/view/close` (POST). One set per local Slack: they share the
 * notices shown at the top and the values of refused modal submissions.
 */
export const slackRoutes = (
  slack: LocalSlack,
  options: SlackPageOptions = {},
): Record<string, LocalRoute> => {
  const workspace = slack.workspace;
  const signingSecret = options.signingSecret ?? slack.signingSecret;
  const interactionsUrl = options.interactionsUrl ?? slack.interactionsUrl;
  const notices: Notice[] = [];
  const drafts = new Map<string, Record<string, string[]>>();
  const notify = (notice: Notice) => {
    notices.unshift(notice);
    notices.splice(MAX_NOTICES);
  };
  const directory = directoryOf(workspace);

  const actingUser = (id: string | null): SlackUser | undefined =>
    workspace.users.find((user) => user.id === id) ?? workspace.users[0];

  const page = (query: URLSearchParams): LocalResponse =>
    answerByFormat(
      query,
      HEADERS,
      () => slackJson(slack.messages()),
      () => {
        const user = actingUser(query.get('as'));
        if (!user)
          return textAnswer(500, 'The local Slack has no users: give startLocalSlack at least one.\n');
        return {
          status: 200,
          headers: { ...HTML_HEADERS },
          body: renderSlackPage({
            workspace,
            messages: slack.messages(),
            views: slack.views(),
            actingUser: user,
            notices,
            interactionsUrl: interactionsUrl(),
            drafts,
          }),
        };
      },
    );

  /** Checks method, origin, form and user; then runs `action` with them. */
  const formPost =
    (
      action: (form: URLSearchParams, user: SlackUser) => Promise<LocalResponse> | LocalResponse,
    ): LocalRoute =>
    async (request) => {
      if (request.method !== 'POST') return textAnswer(405, 'Use POST.\n', { allow: 'POST' });
      if (crossSite(request))
        return textAnswer(403, 'Only the local Slack page itself may press its buttons.\n');
      const form = new URLSearchParams(request.body.toString('utf8'));
      const user = workspace.users.find((candidate) => candidate.id === form.get('user'));
      if (!user) return textAnswer(400, `No such user: '${form.get('user') ?? ''}'.\n`);
      return action(form, user);
    };

  const destination = (): string | undefined => {
    const url = interactionsUrl();
    if (url === undefined) {
      notify({
        kind: 'error',
        text: 'Nothing was sent: no interactions URL is set (startLocalSlack’s interactionsUrl, or setInteractionsUrl).',
      });
    }
    return url;
  };

  const click = async (form: URLSearchParams, user: SlackUser): Promise<LocalResponse> => {
    const channel = form.get('channel') ?? '';
    const ts = form.get('ts') ?? '';
    const message = workspace.message(channel, ts);
    const back = (anchor?: string) => seeOther(pageUrl(user.id, anchor));
    if (!message || message.deletedAt || !visibleTo(message, user)) {
      notify({
        kind: 'error',
        text: `Nothing was sent: there is no message ${ts} in ${channel} that ${user.realName} can see.`,
      });
      return back();
    }
    const anchor = messageAnchor(message);
    if (form.get('version') !== String(message.updates.length)) {
      notify({
        kind: 'warning',
        text: 'Nothing was sent: the message changed since the page showed it. Here it is as it is now.',
      });
      return back(anchor);
    }
    const position = ELEMENT_POSITION.exec(form.get('action') ?? '');
    const block = position ? currentVersion(message).blocks[Number(position[1])] : undefined;
    const element =
      position && block
        ? position[2] === 'accessory'
          ? block.accessory
          : Array.isArray(block.elements)
            ? block.elements[Number(position[2])]
            : undefined
        : undefined;
    if (!block || !isObject(element) || element.type !== 'button' || typeof element.url === 'string') {
      notify({
        kind: 'error',
        text: `Nothing was sent: the message has no button at ${form.get('action') ?? '(none)'}.`,
      });
      return back(anchor);
    }
    if (isObject(element.confirm) && form.get('confirmed') !== 'yes') {
      return {
        status: 200,
        headers: { ...HTML_HEADERS },
        body: renderConfirmPage(element.confirm, form, directory, pageUrl(user.id, anchor)),
      };
    }
    const url = destination();
    if (url === undefined) return back(anchor);
    const payload = blockActionsPayload(workspace, {
      user,
      message,
      button: element,
      blockId: String(block.block_id),
      triggerId: workspace.newTrigger(user.id),
      responseUrl: `${slack.url}${RESPONSE_URL_PREFIX}${workspace.newResponseUrl({ channel, messageTs: ts, user: user.id })}`,
      actionTs: formatTs(workspace.now().getTime() * 1000),
    });
    const outcome = await sendInteraction(url, signingSecret, payload, workspace.now);
    notify(describeOutcome(`block_actions for ${quoted(textOf(element.text))} as ${user.realName}`, outcome));
    return back(anchor);
  };

  /** The view, if open for this user; a notice otherwise. */
  const openViewOf = (form: URLSearchParams, user: SlackUser): OpenedView | undefined => {
    const view = workspace.view(form.get('view_id') ?? '');
    if (view?.state !== 'open' || view.user !== user.id) {
      notify({
        kind: 'error',
        text: `Nothing was sent: ${user.realName} has no open modal ${form.get('view_id') ?? ''}.`,
      });
      return undefined;
    }
    return view;
  };

  /** Applies the app's answer to a view_submission, as Slack does. */
  const applyViewAnswer = (view: OpenedView, outcome: InteractionOutcome, what: string): void => {
    const id = String(view.view.id);
    if (outcome.status !== 200 || outcome.elapsedMs > SLACK_ACK_TIMEOUT_MS) {
      notify(describeOutcome(what, outcome));
      return;
    }
    const text = outcome.body.trim();
    let answer: Json = null;
    try {
      answer = text === '' ? null : (JSON.parse(text) as Json);
    } catch {
      notify({
        kind: 'error',
        text: `${what}: the app answered HTTP 200 with a body that is not JSON; Slack would show the person an error. Body: ${text.slice(0, 300)}`,
      });
      return;
    }
    const done = (change: string) => {
      notify({
        kind: 'success',
        text: `${what}: the app answered HTTP 200 in ${outcome.elapsedMs} ms; ${change}.`,
      });
    };
    if (!isObject(answer) || answer.response_action === undefined) {
      workspace.setView(id, { state: 'submitted', errors: {} });
      drafts.delete(id);
      done('the modal closed');
      return;
    }
    switch (answer.response_action) {
      case 'errors': {
        const errors = isObject(answer.errors)
          ? Object.fromEntries(
              Object.entries(answer.errors).map(([block, message]) => [block, String(message)]),
            )
          : {};
        workspace.setView(id, { errors });
        notify({
          kind: 'warning',
          text: `${what}: the app refused the submission (response_action errors): the modal shows its errors.`,
        });
        return;
      }
      case 'update':
      case 'push': {
        const problems = viewProblems(answer.view);
        if (problems.length > 0) {
          notify({
            kind: 'error',
            text: `${what}: the app answered response_action ${answer.response_action} with a view Slack would refuse: ${problems.join('; ')}`,
          });
          return;
        }
        const given = answer.view as JsonObject;
        drafts.delete(id);
        if (answer.response_action === 'update') {
          workspace.setView(id, {
            view: modalView(workspace, given, id, {
              rootViewId: String(view.view.root_view_id ?? id),
              previousViewId: (view.view.previous_view_id as string | null) ?? null,
            }),
            errors: {},
          });
          done('the modal now shows the updated view');
        } else {
          workspace.openView(
            view.user,
            modalView(workspace, given, newViewId(), {
              rootViewId: String(view.view.root_view_id ?? id),
              previousViewId: id,
            }),
          );
          done('a new view was pushed onto the modal');
        }
        return;
      }
      case 'clear':
        for (const opened of workspace.views()) {
          if (opened.user === view.user && opened.state === 'open')
            workspace.setView(String(opened.view.id), { state: 'closed' });
        }
        drafts.delete(id);
        done('the modal closed (clear)');
        return;
      default:
        notify({
          kind: 'error',
          text: `${what}: unknown response_action ${JSON.stringify(answer.response_action)}; Slack would show the person an error.`,
        });
    }
  };

  const submitView = async (form: URLSearchParams, user: SlackUser): Promise<LocalResponse> => {
    const view = openViewOf(form, user);
    if (!view) return seeOther(pageUrl(user.id));
    const id = String(view.view.id);
    const fields: Record<string, string[]> = {};
    for (const [name, value] of form) {
      if (name.startsWith('input:')) fields[name] = [...(fields[name] ?? []), value];
    }
    drafts.set(id, fields);
    const blocks = (Array.isArray(view.view.blocks) ? view.view.blocks : []) as JsonObject[];
    const missing = Object.fromEntries(
      blocks
        .map((block, index) => [block, index] as const)
        .filter(
          ([block, index]) =>
            block.type === 'input' &&
            block.optional !== true &&
            !(fields[`input:${index}`] ?? []).some((v) => v.trim() !== ''),
        )
        .map(([block]) => [String(block.block_id), 'Please complete this required field.']),
    );
    if (Object.keys(missing).length > 0) {
      workspace.setView(id, { errors: missing });
      notify({
        kind: 'warning',
        text: 'Nothing was sent: a required field is empty (Slack does not send the submission either).',
      });
      return seeOther(pageUrl(user.id));
    }
    const url = destination();
    if (url === undefined) return seeOther(pageUrl(user.id));
    const payload = viewSubmissionPayload(workspace, {
      user,
      view,
      values: viewStateValues(view.view, form),
      triggerId: workspace.newTrigger(user.id),
    });
    const outcome = await sendInteraction(url, signingSecret, payload, workspace.now);
    applyViewAnswer(
      view,
      outcome,
      `view_submission of ${quoted(textOf(view.view.title))} as ${user.realName}`,
    );
    return seeOther(pageUrl(user.id));
  };

  const closeView = async (form: URLSearchParams, user: SlackUser): Promise<LocalResponse> => {
    const view = openViewOf(form, user);
    if (!view) return seeOther(pageUrl(user.id));
    const id = String(view.view.id);
    workspace.setView(id, { state: 'closed' });
    drafts.delete(id);
    if (view.view.notify_on_close === true) {
      const url = destination();
      if (url !== undefined) {
        const outcome = await sendInteraction(
          url,
          signingSecret,
          viewClosedPayload(workspace, { user, view }),
          workspace.now,
        );
        notify(
          describeOutcome(`view_closed of ${quoted(textOf(view.view.title))} as ${user.realName}`, outcome),
        );
      }
    }
    return seeOther(pageUrl(user.id));
  };

  return {
    [SLACK_PAGE_PATH]: (request) =>
      request.method === 'GET' || request.method === 'HEAD'
        ? page(request.query)
        : textAnswer(405, 'Use GET.\n', { allow: 'GET' }),
    [SLACK_CLICK_PATH]: formPost(click),
    [SLACK_VIEW_PATH]: formPost(submitView),
    [SLACK_VIEW_CLOSE_PATH]: formPost(closeView),
  };
};

/**
 * The page for the local API's `localPages` (GET only): `/_local/slack` and `?format=json`. Its buttons
 * post to `/_local/slack/click`, which needs `slackRoutes` mounted (local API option `localRoutes`).
 */
export const slackPages = (slack: LocalSlack, options: SlackPageOptions = {}): Record<string, LocalPage> => {
  const routes = slackRoutes(slack, options);
  const route = routes[SLACK_PAGE_PATH] as LocalRoute;
  return {
    [SLACK_PAGE_PATH]: (query) =>
      route({
        method: 'GET',
        path: SLACK_PAGE_PATH,
        query,
        headers: {},
        body: Buffer.alloc(0),
      }) as LocalResponse,
  };
};
