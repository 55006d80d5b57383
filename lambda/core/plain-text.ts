/**
 * Text from people and runbook authors, made safe to show or record on one line: control characters and
 * bidirectional controls (which can hide or reorder what a reader sees, or fake a line of our own) are
 * removed, and line breaks become spaces. Used for SSM's Comment, e-mail subjects and the pages.
 */

/** Direction overrides, embeddings, isolates and marks: they can make text read differently than it is. */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
/** Line breaks, including the Unicode line and paragraph separators. */
export const LINE_BREAK = /\r\n|[\n\r\u2028\u2029\u0085]/u;
export const LINE_BREAKS = /\r\n|[\n\r\u2028\u2029\u0085]/gu;
/** Control characters other than line breaks (tabs become a space first). */
export const OTHER_CONTROLS = /\p{Cc}/gu;
/** Invisible format characters (zero-width space and joiners, word joiner, byte order mark, …). */
export const FORMAT_CHARACTERS = /\p{Cf}/gu;

/**
 * Removes what must never reach a reader: bidi controls, control characters and invisible format
 * characters (which can hide text, or make two strings look alike); a tab becomes a space.
 */
export const withoutControls = (text: string): string =>
  text
    .replace(BIDI_CONTROLS, '')
    .replace(/\t/g, ' ')
    .replace(OTHER_CONTROLS, '')
    .replace(FORMAT_CHARACTERS, '');

/**
 * Text fit for one line, such as an e-mail subject or a chat title: line breaks, tabs and runs of
 * white space become one space, control and bidi characters go, and the ends are trimmed. With
 * `maxLength`, a longer result is cut to that many code points, the last one being `…`.
 */
export const singleLine = (text: string, maxLength?: number): string => {
  const line = withoutControls(text.replace(LINE_BREAKS, ' ')).replace(/\s+/gu, ' ').trim();
  if (maxLength === undefined) return line;
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  }
  const points = Array.from(line);
  return points.length <= maxLength ? line : `${points.slice(0, maxLength - 1).join('')}…`;
};
