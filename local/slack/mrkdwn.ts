/**
 * Slack's `mrkdwn` text as HTML, roughly as a Slack client shows it: `*bold*`, `_italic_`, `~strike~`,
 * `` `code` ``, ```` ```preformatted``` ````, `> quotes`, line breaks, links (`<url|label>`, `<url>`),
 * mentions (`<@U…>`, `<#C…>`, `<!here>`, `<!subteam^S…>`), `<!date^…|fallback>`, and the three entities
 * Slack asks apps to escape (`&amp;`, `&lt;`, `&gt;`). Everything is escaped: the result holds only the
 * markup this module writes. Links open in a new tab and only http, https and mailto links are links.
 */
import { escapeHtml, SafeHtml } from '../../lambda/pages/html';
import type { SlackChannel, SlackUser, SlackUserGroup } from './workspace';

/** Who mentions name. */
export interface Directory {
  readonly users: readonly SlackUser[];
  readonly channels: readonly SlackChannel[];
  readonly userGroups: readonly SlackUserGroup[];
}

/** The emoji codes approval messages tend to use; others stay as `:code:`. */
const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '\u2705',
  heavy_check_mark: '\u2714\ufe0f',
  x: '\u274c',
  no_entry: '\u26d4',
  no_entry_sign: '\u{1f6ab}',
  warning: '\u26a0\ufe0f',
  hourglass: '\u231b',
  hourglass_flowing_sand: '\u23f3',
  stopwatch: '\u23f1\ufe0f',
  octagonal_sign: '\u{1f6d1}',
  rotating_light: '\u{1f6a8}',
  lock: '\u{1f512}',
  key: '\u{1f511}',
  bell: '\u{1f514}',
  information_source: '\u2139\ufe0f',
  question: '\u2753',
  eyes: '\u{1f440}',
  rocket: '\u{1f680}',
  gear: '\u2699\ufe0f',
  link: '\u{1f517}',
  memo: '\u{1f4dd}',
  clipboard: '\u{1f4cb}',
  thumbsup: '\u{1f44d}',
  '+1': '\u{1f44d}',
  thumbsdown: '\u{1f44e}',
  '-1': '\u{1f44e}',
  large_green_circle: '\u{1f7e2}',
  red_circle: '\u{1f534}',
  large_yellow_circle: '\u{1f7e1}',
  robot_face: '\u{1f916}',
};

const withEmoji = (escaped: string): string =>
  escaped.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);

/** Slack's escaped characters back to themselves (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
const decodeEntities = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const SAFE_SCHEME = /^(?:https?:\/\/|mailto:)/i;

const link = (href: string, label: string): string =>
  SAFE_SCHEME.test(href)
    ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`
    : escapeHtml(label);

const mention = (text: string): string => `<span class="mention">${escapeHtml(text)}</span>`;

/** One `<…>` token of mrkdwn as HTML. */
const angleToken = (inner: string, directory: Directory): string => {
  const bar = inner.indexOf('|');
  const target = decodeEntities(bar === -1 ? inner : inner.slice(0, bar));
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const user = directory.users.find((candidate) => candidate.id === target.slice(1));
    return mention(`@${user ? (user.displayName ?? user.name) : (label ?? target.slice(1))}`);
  }
  if (target.startsWith('#')) {
    const channel = directory.channels.find((candidate) => candidate.id === target.slice(1));
    return mention(`#${channel?.name ?? label ?? target.slice(1)}`);
  }
  if (target.startsWith('!')) {
    const [command = '', argument = ''] = target.slice(1).split('^');
    if (command === 'here' || command === 'channel' || command === 'everyone') return mention(`@${command}`);
    if (command === 'subteam') {
      const group = directory.userGroups.find((candidate) => candidate.id === argument);
      return mention(group ? `@${group.handle}` : (label ?? `@${argument}`));
    }
    return escapeHtml(label ?? target);
  }
  // Not a link either (`<b>`, `<script>`: text the app forgot to escape): shown as it was sent.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) return escapeHtml(`<${decodeEntities(inner)}>`);
  return link(target, label ?? target);
};

/** Placeholders stand for finished HTML while the rest is formatted; they hold no formatting character. */
const placeholder = (index: number): string => `\ue000${index}\ue001`;

const INLINE_RULES: readonly [RegExp, string][] = [
  [/(^|[^\p{L}\p{N}*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\p{L}\p{N}*])/gu, 'strong'],
  [/(^|[^\p{L}\p{N}_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\p{L}\p{N}_])/gu, 'em'],
  [/(^|[^\p{L}\p{N}~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\p{L}\p{N}~])/gu, 'del'],
];

const QUOTE = /^&gt;\s?/;

/** Line breaks, and consecutive `>` lines as one quote. */
const lines = (escaped: string): string => {
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  const parts = escaped.split('\n');
  parts.forEach((line, i) => {
    if (QUOTE.test(line)) {
      quote.push(line.replace(QUOTE, ''));
      return;
    }
    flush();
    out.push(line + (i < parts.length - 1 ? '<br>' : ''));
  });
  flush();
  return out.join('');
};

/** mrkdwn text as HTML. */
export const mrkdwnHtml = (text: string, directory: Directory): SafeHtml => {
  const fragments: string[] = [];
  const keep = (fragment: string): string => {
    fragments.push(fragment);
    return placeholder(fragments.length - 1);
  };
  const protectedText = text
    .replace(/[\ue000\ue001]/g, '')
    .replace(/```([\s\S]*?)```/g, (_, code: string) => keep(`<pre>${escapeHtml(decodeEntities(code))}</pre>`))
    .replace(/`([^`\n]+)`/g, (_, code: string) => keep(`<code>${escapeHtml(decodeEntities(code))}</code>`))
    .replace(/<([^<>\n]+)>/g, (_, inner: string) => keep(angleToken(inner, directory)));
  let formatted = withEmoji(escapeHtml(decodeEntities(protectedText)));
  for (const [rule, tag] of INLINE_RULES) {
    formatted = formatted.replace(
      rule,
      (_, before: string, inner: string) => `${before}<${tag}>${inner}</${tag}>`,
    );
  }
  const withFragments = lines(formatted).replace(
    /\ue000(\d+)\ue001/g,
    (_, index: string) => fragments[Number(index)] ?? '',
  );
  return SafeHtml.trusted(withFragments);
};

/** plain_text as HTML: escaped, line breaks kept, emoji codes shown when `emoji` is not false. */
export const plainTextHtml = (text: string, emoji = true): SafeHtml => {
  const escaped = escapeHtml(text);
  return SafeHtml.trusted((emoji ? withEmoji(escaped) : escaped).replace(/\n/g, '<br>'));
};

/** A Block Kit text object (`{type: 'mrkdwn' | 'plain_text', text}`) as HTML. */
export const textObjectHtml = (value: unknown, directory: Directory): SafeHtml => {
  if (typeof value !== 'object' || value === null) return SafeHtml.trusted('');
  const { type, text, emoji } = value as { type?: unknown; text?: unknown; emoji?: unknown };
  if (typeof text !== 'string') return SafeHtml.trusted('');
  return type === 'mrkdwn' ? mrkdwnHtml(text, directory) : plainTextHtml(text, emoji !== false);
};
