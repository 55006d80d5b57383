/**
 * The HTML layout shared by every page people see (confirmation, result, problem), and the one
 * escaping rule. Pages are plain strings: no framework, no JavaScript, no external assets.
 */
import { createHash } from 'node:crypto';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters that matter in HTML text and in quoted attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

/**
 * A fragment of markup that is already safe to place in a page. Only the `html` template tag makes
 * these, so a plain string can never reach a page unescaped by accident.
 */
export class SafeHtml {
  private constructor(readonly value: string) {}

  /** Wraps markup the caller vouches for. Used by `html`; nothing else should need it. */
  static trusted(markup: string): SafeHtml {
    return new SafeHtml(markup);
  }

  toString(): string {
    return this.value;
  }
}

/** What may be interpolated into `html`: text is escaped, fragments are kept, lists are joined. */
export type HtmlValue = string | number | SafeHtml | readonly HtmlValue[];

const render = (value: HtmlValue): string => {
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string' || typeof value === 'number') return escapeHtml(String(value));
  return value.map(render).join('');
};

/** Template tag: html`<p>${text}</p>` escapes `text` unless it is itself a `SafeHtml` fragment. */
export const html = (strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml =>
  SafeHtml.trusted(
    strings.reduce((markup, literal, index) => {
      const value = values[index - 1];
      return markup + (value === undefined ? '' : render(value)) + literal;
    }),
  );

/**
 * The colours of the pages. Each pair used for text meets WCAG 2.2 AA (4.5:1); the test suite
 * computes the ratios, so a change here that breaks contrast fails the build.
 */
export const PALETTE = {
  text: '#1f2328',
  mutedText: '#57606a',
  background: '#f6f8fa',
  surface: '#ffffff',
  border: '#d0d7de',
  fieldBorder: '#6e7781',
  primary: '#0b5cad',
  danger: '#b42318',
  success: '#1a7f37',
  onButton: '#ffffff',
  focus: '#1f2328',
} as const;

const p = PALETTE;

/**
 * The one style block. Its SHA-256 goes into the Content-Security-Policy (`STYLE_CSP_HASH`), so the
 * page needs neither `'unsafe-inline'` nor a stylesheet URL. Pages stay usable without it: the
 * markup alone carries headings, labels and the button's text.
 */
export const STYLE = [
  `:root{color-scheme:light}`,
  `*{box-sizing:border-box}`,
  `body{margin:0;background:${p.background};color:${p.text};font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}`,
  `.site{max-width:40rem;margin:0 auto;padding:1rem 1rem 0;color:${p.mutedText};font-size:.875rem}`,
  `main{max-width:40rem;margin:.75rem auto 2rem;padding:1.5rem;overflow-wrap:anywhere;background:${p.surface};border:1px solid ${p.border};border-top:4px solid ${p.primary};border-radius:8px}`,
  `main.status-success{border-top-color:${p.success}}`,
  `main.status-error{border-top-color:${p.danger}}`,
  `h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}`,
  `h2{font-size:1.125rem;margin:1.5rem 0 .5rem}`,
  `dl{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;margin:0 0 1.5rem}`,
  `dt{font-weight:600}`,
  `dd{margin:0;overflow-wrap:anywhere}`,
  `code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}`,
  `label{display:block;font-weight:600;margin-bottom:.25rem}`,
  `textarea{display:block;width:100%;min-height:6rem;padding:.5rem;font:inherit;color:inherit;background:${p.surface};border:1px solid ${p.fieldBorder};border-radius:6px}`,
  `.hint,.status,.detail{color:${p.mutedText};font-size:.875rem}`,
  `.hint{margin:.25rem 0 1.25rem}`,
  `.status{margin:-.5rem 0 1rem}`,
  `.nowrap{white-space:nowrap}`,
  `.note{padding:.75rem 1rem;background:${p.background};border-left:4px solid ${p.border}}`,
  `.message{margin:0 0 1.5rem;padding:.75rem 1rem;border-left:4px solid ${p.primary};background:${p.background};overflow-wrap:anywhere}`,
  `.parameters dd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}`,
  // A transparent border keeps the button's outline visible in forced-colors (high contrast) mode.
  `.button{display:inline-block;min-height:44px;padding:.625rem 1.25rem;font:inherit;font-weight:600;color:${p.onButton};background:${p.primary};border:2px solid transparent;border-radius:6px;cursor:pointer}`,
  `.button-danger{background:${p.danger}}`,
  `.button:hover{text-decoration:underline}`,
  `:focus-visible{outline:3px solid ${p.focus};outline-offset:2px}`,
  `@media (max-width:30rem){main{margin:.5rem 0 0;border-radius:0;border-left:0;border-right:0}dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}.button{width:100%}}`,
].join('\n');

/** CSP source for the style block: `'sha256-<base64 of SHA-256 over the exact text of STYLE>'`. */
export const STYLE_CSP_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** Accent of the page: the top border colour. Meaning never rests on colour alone (see headings). */
export type PageStatus = 'neutral' | 'success' | 'error';

export interface PageOptions {
  /** Text of `<title>` (escaped); the site name is appended. */
  readonly title: string;
  /** Text of the page's single `<h1>` (escaped). */
  readonly heading: string;
  /** Content of `<main>` after the heading. */
  readonly body: SafeHtml;
  /** @default 'neutral' */
  readonly status?: PageStatus;
}

/** Name shown above every page and in every title, so people know what sent them here. */
export const SITE_NAME = 'SSM Automation approvals';

/**
 * The start of every HTML document the webhook and its local pages serve, through `</head>`: no referrer
 * (the referrer meta repeats the Referrer-Policy header: a confirmation page's URL holds its token), not
 * indexed, the page's own inline style and nothing loaded from elsewhere. `title` is escaped.
 */
export const documentHead = (title: string, style: string): SafeHtml => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${SafeHtml.trusted(style)}</style>
</head>`;

/** The whole document: one `<main>`, one `<h1>`, the inline style, nothing loaded from elsewhere. */
export const page = ({ title, heading, body, status = 'neutral' }: PageOptions): string =>
  html`${documentHead(`${title} – ${SITE_NAME}`, STYLE)}
<body>
<header class="site">${SITE_NAME}</header>
<main class="status-${status}">
<h1>${heading}</h1>
${body}
</main>
</body>
</html>
`.value;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const pad2 = (value: number): string => String(value).padStart(2, '0');

const assertValidDate = (date: Date): void => {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid Date given to a page');
};

/** `2025-11-21T15:04:05Z`: ISO 8601 in UTC to the second (tokens carry whole seconds). */
export const isoUtc = (date: Date): string => {
  assertValidDate(date);
  return `${date.toISOString().slice(0, 19)}Z`;
};

/**
 * `Friday 21 November 2025, 15:04 UTC`. Built by hand rather than with Intl so the text does not
 * change with the runtime's ICU data, and so it always says UTC instead of guessing a time zone.
 */
export const humanUtc = (date: Date): string => {
  assertValidDate(date);
  const weekday = WEEKDAYS[date.getUTCDay()] ?? '';
  const month = MONTHS[date.getUTCMonth()] ?? '';
  return `${weekday} ${date.getUTCDate()} ${month} ${date.getUTCFullYear()}, ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`;
};

/** A `<time>` element: human text for people, ISO value for machines. */
export const timeElement = (date: Date): SafeHtml =>
  html`<time datetime="${isoUtc(date)}">${humanUtc(date)}</time> <span class="nowrap">(<code>${isoUtc(date)}</code>)</span>`;
