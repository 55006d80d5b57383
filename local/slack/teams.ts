/**
 * The local stand-in for a Microsoft Teams workflow webhook (the "When a Teams webhook request is received"
 * trigger of a Teams workflow, which replaced Office 365 connectors), and its page.
 *
 * - `POST /teams/<id>` (any query, as the real URL carries `api-version`, `sp`, `sv`, `sig`): a message with
 *   Adaptive Card attachments, `{type: 'message', attachments: [{contentType:
 *   'application/vnd.microsoft.card.adaptive', content: {type: 'AdaptiveCard', …}}]}`, is kept and answered
 *   `202 Accepted` with an empty body, as the workflow trigger answers. Anything else: 400 with
 *   `{error: {code: 'InvalidRequestContent', message}}`.
 * - `/_local/teams` (a `localPages` entry for the local API): the cards drawn roughly as Teams draws them
 *   (TextBlock, FactSet, Container, ColumnSet, Image as a link, RichTextBlock, ActionSet, Action.OpenUrl as
 *   links, Action.ShowCard as a disclosure; Action.Submit and Action.Execute drawn inert, since a workflow
 *   webhook card cannot call back), and `?format=json`: `[{webhook, cards, receivedAt}]`, newest last,
 *   `cards` being the attachments' `content`.
 */

import { documentHead, escapeHtml, html, SafeHtml } from '../../lambda/pages/html';
import type { LocalPage } from '../api-server';
import { type EndpointResponse, startLocalEndpoint } from '../http-endpoint';
import { answerByFormat, pageHeaders } from '../page-format';
import type { Json, JsonObject } from './workspace';

export const TEAMS_PAGE_PATH = '/_local/teams';
export const TEAMS_WEBHOOK_PREFIX = '/teams/';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** One POST to a webhook, as kept. */
export interface TeamsPost {
  /** The `<id>` of `/teams/<id>`. */
  readonly webhook: string;
  /** Each attachment's `content`: the Adaptive Cards. */
  readonly cards: readonly JsonObject[];
  readonly receivedAt: string;
}

export interface LocalTeamsOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export interface LocalTeams {
  readonly url: string;
  /** `${url}/teams/<id>`: the URL to configure as the workflow webhook. */
  webhookUrl(id: string): string;
  /** Every accepted post, oldest first. */
  posts(): readonly TeamsPost[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,128}$/;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The cards of a webhook message, or the reason it is refused. */
export const parseTeamsMessage = (text: string): { cards: JsonObject[] } | { problem: string } => {
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    return { problem: 'The body is not JSON.' };
  }
  if (!isObject(body) || body.type !== 'message')
    return { problem: "The body must be an object with type 'message'." };
  if (!Array.isArray(body.attachments) || body.attachments.length === 0) {
    return { problem: 'The message must have at least one attachment.' };
  }
  const cards: JsonObject[] = [];
  for (const [i, attachment] of body.attachments.entries()) {
    if (!isObject(attachment) || attachment.contentType !== ADAPTIVE_CARD_CONTENT_TYPE) {
      return { problem: `attachments[${i}].contentType must be '${ADAPTIVE_CARD_CONTENT_TYPE}'.` };
    }
    if (!isObject(attachment.content) || attachment.content.type !== 'AdaptiveCard') {
      return { problem: `attachments[${i}].content must be an object with type 'AdaptiveCard'.` };
    }
    cards.push(attachment.content);
  }
  return { cards };
};

/** Starts the webhook stand-in; resolves once it listens. */
export const startLocalTeams = async (options: LocalTeamsOptions = {}): Promise<LocalTeams> => {
  const posts: TeamsPost[] = [];
  const now = options.now ?? (() => new Date());
  /** An answer: `json` as the body, or none. */
  const answer = (status: number, json?: JsonObject): EndpointResponse => ({
    status,
    headers: json ? { 'content-type': 'application/json; charset=utf-8' } : {},
    body: json ? JSON.stringify(json) : '',
  });
  const endpoint = await startLocalEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    tooLarge: () =>
      answer(413, { error: { code: 'RequestEntityTooLarge', message: 'The body is too large.' } }),
    handle: (request) => {
      const { pathname } = new URL(request.url, 'http://localhost');
      const id = pathname.startsWith(TEAMS_WEBHOOK_PREFIX) ? pathname.slice(TEAMS_WEBHOOK_PREFIX.length) : '';
      if (request.method !== 'POST' || !WEBHOOK_ID.test(id)) {
        return answer(404, {
          error: {
            code: 'NotFound',
            message: `The local Teams webhook serves POST ${TEAMS_WEBHOOK_PREFIX}<id>.`,
          },
        });
      }
      const parsed = parseTeamsMessage(request.body.toString('utf8'));
      if ('problem' in parsed)
        return answer(400, { error: { code: 'InvalidRequestContent', message: parsed.problem } });
      posts.push({ webhook: id, cards: parsed.cards, receivedAt: now().toISOString() });
      return answer(202);
    },
  });
  const { url } = endpoint;
  return {
    url,
    webhookUrl: (id) => `${url}${TEAMS_WEBHOOK_PREFIX}${encodeURIComponent(id)}`,
    posts: () => [...posts],
    close: endpoint.close,
  };
};

const str = (value: Json | undefined): string => (typeof value === 'string' ? value : '');

const SAFE_URL = /^(?:https?:\/\/|mailto:)/i;

/** The Markdown subset a TextBlock takes: `**bold**`, `_italic_`, `[text](url)`, line breaks. */
export const textBlockMarkdown = (text: string): SafeHtml => {
  const links: string[] = [];
  const formatted = escapeHtml(text.replace(/[\ue000\ue001]/g, ''))
    .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => {
      const href = url.replace(/&amp;/g, '&');
      if (!SAFE_URL.test(href)) return whole;
      links.push(`<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>`);
      return `\ue000${links.length - 1}\ue001`;
    })
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\p{L}\p{N}_])_([^_\n]+)_(?![\p{L}\p{N}_])/gu, '$1<em>$2</em>')
    .replace(/\n/g, '<br>')
    .replace(/\ue000(\d+)\ue001/g, (_, index: string) => links[Number(index)] ?? '');
  return SafeHtml.trusted(formatted);
};

const textClasses = (element: JsonObject): string =>
  [
    'ac-text',
    element.weight === 'Bolder' || element.weight === 'bolder' ? 'ac-bolder' : '',
    typeof element.size === 'string' ? `ac-size-${element.size.toLowerCase()}` : '',
    element.isSubtle === true ? 'ac-subtle' : '',
    typeof element.color === 'string' ? `ac-color-${element.color.toLowerCase()}` : '',
  ]
    .filter((name) => name !== '')
    .join(' ');

const action = (value: Json): SafeHtml => {
  if (!isObject(value)) return html``;
  const title = str(value.title) || 'Open';
  switch (value.type) {
    case 'Action.OpenUrl':
      return SAFE_URL.test(str(value.url))
        ? html`<a class="ac-action" href="${str(value.url)}" target="_blank" rel="noopener noreferrer">${title}</a>`
        : html`<span class="ac-action ac-inert">${title}</span>`;
    case 'Action.ShowCard':
      return html`<details class="ac-showcard"><summary class="ac-action">${title}</summary>${isObject(value.card) ? card(value.card) : ''}</details>`;
    default:
      return html`<span class="ac-action ac-inert" title="${str(value.type)}: a workflow webhook card cannot call back">${title}</span>`;
  }
};

const actions = (list: Json | undefined): SafeHtml =>
  Array.isArray(list) && list.length > 0 ? html`<div class="ac-actions">${list.map(action)}</div>` : html``;

const element = (value: Json): SafeHtml => {
  if (!isObject(value)) return html``;
  switch (value.type) {
    case 'TextBlock':
      return html`<p class="${textClasses(value)}">${textBlockMarkdown(str(value.text))}</p>`;
    case 'RichTextBlock':
      return html`<p class="ac-text">${(Array.isArray(value.inlines) ? value.inlines : []).map((inline) =>
        typeof inline === 'string'
          ? inline
          : isObject(inline)
            ? html`<span class="${textClasses(inline)}">${str(inline.text)}</span>`
            : '',
      )}</p>`;
    case 'FactSet':
      return html`<dl class="ac-facts">${(Array.isArray(value.facts) ? value.facts : []).map((fact) =>
        isObject(fact) ? html`<dt>${str(fact.title)}</dt><dd>${textBlockMarkdown(str(fact.value))}</dd>` : '',
      )}</dl>`;
    case 'Container':
      return html`<div class="ac-container">${items(value.items)}</div>`;
    case 'ColumnSet':
      return html`<div class="ac-columns">${(Array.isArray(value.columns) ? value.columns : []).map(
        (column) => (isObject(column) ? html`<div class="ac-column">${items(column.items)}</div>` : ''),
      )}</div>`;
    case 'Image': {
      const alt = str(value.altText) || 'image';
      return SAFE_URL.test(str(value.url))
        ? html`<p><a href="${str(value.url)}" target="_blank" rel="noopener noreferrer">[image: ${alt}]</a></p>`
        : html`<p>[image: ${alt}]</p>`;
    }
    case 'ActionSet':
      return actions(value.actions);
    default:
      return html`<p class="ac-unsupported">[${str(value.type)}: not drawn by the local Teams page]</p>`;
  }
};

const items = (list: Json | undefined): SafeHtml => html`${(Array.isArray(list) ? list : []).map(element)}`;

/** One Adaptive Card as HTML. */
export const card = (content: JsonObject): SafeHtml =>
  html`<div class="ac-card">${items(content.body)}${actions(content.actions)}</div>`;

const STYLE = [
  ':root{color-scheme:light}',
  '*{box-sizing:border-box}',
  'body{margin:0;background:#f5f5f5;color:#242424;font:14px/1.43 "Segoe UI",system-ui,-apple-system,Roboto,"Helvetica Neue",Arial,sans-serif}',
  '.topbar{padding:.5rem 1rem;background:#464775;color:#fff;font-weight:600}',
  'main{max-width:48rem;margin:0 auto;padding:1rem 1rem 3rem}',
  'h1{font-size:1.375rem;margin:.5rem 0}',
  '.note{margin:0 0 1rem;padding:.5rem .75rem;background:#fff;border-left:4px solid #d1d1d1;color:#616161;font-size:.8125rem}',
  '.post{margin:0 0 1.25rem}',
  '.post-meta{color:#616161;font-size:12px;margin-bottom:.25rem}',
  '.ac-card{padding:1rem;background:#fff;border:1px solid #e0e0e0;border-radius:6px;box-shadow:0 1px 2px rgba(0,0,0,.08);overflow-wrap:anywhere}',
  '.ac-card+.ac-card{margin-top:.5rem}',
  '.ac-text{margin:0 0 .5rem}',
  '.ac-bolder{font-weight:700}',
  '.ac-size-large{font-size:18px}',
  '.ac-size-extralarge{font-size:22px}',
  '.ac-size-medium{font-size:16px}',
  '.ac-size-small{font-size:12px}',
  '.ac-subtle{color:#616161}',
  '.ac-color-attention{color:#c4314b}',
  '.ac-color-good{color:#237b4b}',
  '.ac-color-warning{color:#835b00}',
  '.ac-color-accent{color:#4f52b2}',
  '.ac-facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 .5rem}',
  '.ac-facts dt{font-weight:700}',
  '.ac-facts dd{margin:0}',
  '.ac-columns{display:flex;gap:1rem}',
  '.ac-column{flex:1;min-width:0}',
  '.ac-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem}',
  '.ac-action{display:inline-flex;align-items:center;min-height:32px;padding:0 12px;border:1px solid #d1d1d1;border-radius:4px;background:#fff;color:#4f52b2;font-weight:600;text-decoration:none;cursor:pointer}',
  '.ac-inert{color:#616161;cursor:default}',
  '.ac-showcard{flex-basis:100%}',
  '.ac-unsupported,.empty{color:#616161;font-style:italic}',
  'a{color:#4f52b2}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace}',
  ':focus-visible{outline:3px solid #242424;outline-offset:2px}',
].join('\n');

/** The page: every post, newest first. */
export const renderTeamsPage = (posts: readonly TeamsPost[]): string => {
  const count = posts.length === 1 ? '1 card message' : `${posts.length} card messages`;
  const list =
    posts.length === 0
      ? html`<p class="empty">No card yet. Cards appear here when a runbook reaches an approval step that notifies Teams.</p>\n`
      : html`${[...posts]
          .map(
            (post) => html`<article class="post">
<div class="post-meta">Webhook <code>${post.webhook}</code>, <time datetime="${post.receivedAt}">${post.receivedAt.slice(0, 19).replace('T', ' ')} UTC</time></div>
${post.cards.map(card)}
</article>
`,
          )
          .reverse()}`;
  return html`${documentHead(`Local Teams (${count})`, STYLE)}
<body>
<header class="topbar">Local Teams: ssm-approval-webhook, running locally</header>
<main>
<h1>Local Teams</h1>
<p class="note">The Adaptive Cards posted to the local Teams workflow webhook, newest first; nothing reached Teams. This page exists only under <code>npm start</code>; the same list as JSON: <a href="?format=json"><code>?format=json</code></a>.</p>
${list}</main>
</body>
</html>
`.value;
};

/** `[{webhook, cards, receivedAt}]`, newest last. */
export const teamsJson = (posts: readonly TeamsPost[]): string =>
  JSON.stringify(posts.map(({ webhook, cards, receivedAt }) => ({ webhook, cards, receivedAt })));

export const TEAMS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TEAMS_PAGE_HEADERS = pageHeaders(TEAMS_CONTENT_SECURITY_POLICY);

/** The `localPages` entry for the local API: `/_local/teams`. */
export const teamsPages = (teams: Pick<LocalTeams, 'posts'>): Record<string, LocalPage> => ({
  [TEAMS_PAGE_PATH]: (query): ReturnType<LocalPage> =>
    answerByFormat(
      query,
      TEAMS_PAGE_HEADERS,
      () => teamsJson(teams.posts()),
      () => ({ status: 200, headers: { ...TEAMS_PAGE_HEADERS.html }, body: renderTeamsPage(teams.posts()) }),
    ),
});
