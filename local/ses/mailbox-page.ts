/**
 * The local mailbox: what the local SES v2 endpoint kept, at `/_local/mailbox` on the local API (only
 * under `npm start`). For people, an HTML page that shows each e-mail newest first, its HTML part
 * rendered in a sandboxed `srcdoc` iframe (no script, links open in a new tab) and its plain-text part
 * below; for tests and tools, `?format=json`: `[{to, subject, text, html, sentAt}]`, newest last.
 */
import { documentHead, html, PALETTE, type SafeHtml, timeElement } from '../../lambda/pages/html';
import type { LocalPage } from '../api-server';
import { answerByFormat, pageHeaders } from '../page-format';
import type { LocalSes, StoredEmail } from './server';

export const MAILBOX_PATH = '/_local/mailbox';

/**
 * The iframe's `srcdoc` document inherits this policy, so it is the e-mail's policy too:
 * - `style-src 'unsafe-inline'`: e-mails are styled with inline `style` attributes and `<style>`
 *   blocks (as is this page); no script source at all, and the sandbox has no `allow-scripts` either;
 * - `img-src data:`: inline images show, nothing is fetched from elsewhere (remote images stay blank);
 * - `frame-src 'none'`: a srcdoc frame is not fetched, so frame-src does not apply to it (checked in
 *   Chromium); it only stops a link from loading a page inside the frame (links open a new tab);
 * - `base-uri 'none'`: the `<base target="_blank">` added to each e-mail sets no URL, so it is allowed.
 */
export const MAILBOX_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "frame-src 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * No scripts, no same-origin access, no forms; a link the reader clicks opens a normal (unsandboxed)
 * tab, as in a mail client, since the pages it opens refuse to be framed.
 */
const IFRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation';

const p = PALETTE;

const STYLE = [
  `:root{color-scheme:light}`,
  `*{box-sizing:border-box}`,
  `body{margin:0;background:${p.background};color:${p.text};font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}`,
  `.site{max-width:56rem;margin:0 auto;padding:1rem 1rem 0;color:${p.mutedText};font-size:.875rem}`,
  `main{max-width:56rem;margin:.75rem auto 2rem;padding:0 1rem}`,
  `h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}`,
  `h2{font-size:1.125rem;line-height:1.35;margin:0 0 .75rem;overflow-wrap:anywhere}`,
  `.note{margin:0 0 1.5rem;padding:.75rem 1rem;background:${p.surface};border-left:4px solid ${p.border};color:${p.mutedText};font-size:.875rem}`,
  `.email{margin:0 0 1.5rem;padding:1.25rem;background:${p.surface};border:1px solid ${p.border};border-top:4px solid ${p.primary};border-radius:8px}`,
  `.empty{padding:1.25rem;background:${p.surface};border:1px solid ${p.border};border-radius:8px}`,
  `dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem;font-size:.875rem}`,
  `dt{font-weight:600;color:${p.mutedText}}`,
  `dd{margin:0;overflow-wrap:anywhere}`,
  `code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875rem}`,
  `iframe{display:block;width:100%;height:75vh;min-height:20rem;resize:vertical;overflow:auto;border:1px solid ${p.border};border-radius:6px;background:#fff}`,
  `.nowrap{white-space:nowrap}`,
  `details{margin-top:.75rem}`,
  `summary{cursor:pointer;font-weight:600}`,
  `pre{margin:.5rem 0 0;padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere;background:${p.background};border:1px solid ${p.border};border-radius:6px}`,
  `a{color:${p.primary}}`,
  `:focus-visible{outline:3px solid ${p.text};outline-offset:2px}`,
  `@media (max-width:30rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.25rem}}`,
].join('\n');

/**
 * The e-mail's HTML with `<base target="_blank">` added, so links open a new tab instead of loading
 * inside the frame. It goes right after `<head>` (or before everything when there is none) and never
 * before the doctype, which would switch the e-mail into quirks mode.
 */
export const withLinksInNewTab = (emailHtml: string): string => {
  const base = '<base target="_blank">';
  const head = /<head(?:\s[^>]*)?>/i.exec(emailHtml);
  if (head)
    return (
      emailHtml.slice(0, head.index + head[0].length) + base + emailHtml.slice(head.index + head[0].length)
    );
  const doctype = /^\s*<!doctype[^>]*>/i.exec(emailHtml);
  if (doctype) return doctype[0] + base + emailHtml.slice(doctype[0].length);
  return base + emailHtml;
};

const addresses = (list: readonly string[]): string => (list.length > 0 ? list.join(', ') : '(none)');

const subjectOf = (email: StoredEmail): string =>
  email.subject.trim() === '' ? '(no subject)' : email.subject;

const renderEmail = (email: StoredEmail, index: number): SafeHtml => {
  const id = `email-${index + 1}`;
  const subject = subjectOf(email);
  const textPart = html`<pre>${email.text}</pre>`;
  return html`<article class="email" aria-labelledby="${id}">
<h2 id="${id}">${subject}</h2>
<dl>
<dt>From</dt><dd>${email.from}</dd>
<dt>To</dt><dd>${addresses(email.to)}</dd>
${email.cc.length > 0 ? html`<dt>Cc</dt><dd>${addresses(email.cc)}</dd>\n` : ''}<dt>Sent</dt><dd>${timeElement(new Date(email.sentAt))}</dd>
</dl>
${
  email.html === ''
    ? html`<p>This e-mail has no HTML part. Its plain text:</p>\n${textPart}\n`
    : html`<iframe title="The e-mail: ${subject}" sandbox="${IFRAME_SANDBOX}" srcdoc="${withLinksInNewTab(email.html)}"></iframe>
${email.text === '' ? html`<p>This e-mail has no plain-text part.</p>` : html`<details><summary>Plain-text part</summary>\n${textPart}</details>`}
`
}</article>
`;
};

/** The mailbox page: every e-mail, newest first. */
export const renderMailbox = (messages: readonly StoredEmail[]): string => {
  const count = messages.length === 1 ? '1 e-mail' : `${messages.length} e-mails`;
  const list =
    messages.length === 0
      ? html`<p class="empty">No e-mail yet. E-mails appear here when a runbook reaches an approval step.</p>\n`
      : html`<p>${count}, newest first. Reload the page to see new ones.</p>
${[...messages].map(renderEmail).reverse()}`;
  return html`${documentHead(`Local mailbox (${count})`, STYLE)}
<body>
<header class="site">ssm-approval-webhook, running locally</header>
<main>
<h1>Local mailbox</h1>
<p class="note">The e-mails sent through the local SES v2 endpoint. Nothing was delivered to anyone. This page exists only under <code>npm start</code>; the same list as JSON: <a href="?format=json"><code>?format=json</code></a>.</p>
${list}</main>
</body>
</html>
`.value;
};

/** The mailbox as JSON: `[{to, subject, text, html, sentAt}]`, exactly these keys, newest last. */
export const mailboxJson = (messages: readonly StoredEmail[]): string =>
  JSON.stringify(
    messages.map(({ to, subject, text, html: htmlPart, sentAt }) => ({
      to,
      subject,
      text,
      html: htmlPart,
      sentAt,
    })),
  );

const HEADERS = pageHeaders(MAILBOX_CONTENT_SECURITY_POLICY);

/** `?format=json`: JSON; no format (or `html`): the page; any other format: 400. */
const mailboxPage =
  (ses: Pick<LocalSes, 'messages'>): LocalPage =>
  (query) =>
    answerByFormat(
      query,
      HEADERS,
      () => mailboxJson(ses.messages()),
      () => ({ status: 200, headers: { ...HEADERS.html }, body: renderMailbox(ses.messages()) }),
    );

/** The `localPages` entry for the local API: `/_local/mailbox`. */
export const mailboxPages = (ses: Pick<LocalSes, 'messages'>): Record<string, LocalPage> => ({
  [MAILBOX_PATH]: mailboxPage(ses),
});
