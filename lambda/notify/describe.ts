/**
 * Plain-text presentation of what SSM reports about a gate, shared by every place a person reads it
 * (the e-mail, the web confirmation page, chat messages). Pure functions over strings and dates: they
 * neither escape nor mark up, so each renderer still escapes the result for its own format.
 *
 * Everything here treats its input as untrusted text (runbook authors write the Message and the
 * parameter values): control characters and bidirectional-override characters, which could hide or
 * reorder what a reader sees, are removed, and lengths are bounded in code points, never splitting a
 * surrogate pair. What is shortened says so visibly (`… (cut, N characters in all)`).
 */

import { LINE_BREAK, LINE_BREAKS, singleLine, withoutControls } from '../core/plain-text';

export { singleLine };

/** One row of a parameters table. */
export interface ParameterRow {
  /** The parameter's name; in the overflow row, `…`. */
  readonly name: string;
  /** The values joined with `, `, on one line, possibly cut (then ending with the cut mark). */
  readonly value: string;
  /** Whether something in this row was shortened or left out, so a renderer can say or style it. */
  readonly cut: boolean;
}

/** SSM's limit on an `aws:approve` step's `Message` input, in characters. */
export const MAX_MESSAGE_LENGTH = 4096;
/** Default longest parameter value shown, in code points. */
export const DEFAULT_MAX_VALUE_LENGTH = 200;
/** Default most parameter rows shown before one overflow row. */
export const DEFAULT_MAX_PARAMETER_ROWS = 50;

const codePoints = (text: string): string[] => Array.from(text);

const requirePositiveInteger = (name: string, value: number): void => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
};

const requireValidDate = (name: string, date: Date): void => {
  if (Number.isNaN(date.getTime())) throw new RangeError(`${name} is an invalid Date`);
};

/** The visible mark that ends a shortened text. */
export const cutMark = (totalLength: number): string => `… (cut, ${totalLength} characters in all)`;

/**
 * `text` when it has at most `maxLength` code points; otherwise its first `maxLength` code points
 * followed by the cut mark, which counts the code points of the whole text.
 */
export const cutText = (text: string, maxLength: number): { text: string; cut: boolean } => {
  requirePositiveInteger('maxLength', maxLength);
  const points = codePoints(text);
  if (points.length <= maxLength) return { text, cut: false };
  return { text: `${points.slice(0, maxLength).join('')}${cutMark(points.length)}`, cut: true };
};

/** A parameter value for one line: each line break shows as ` ↵ `, so multi-line values stay legible. */
const inlineValue = (text: string): string => withoutControls(text.replace(LINE_BREAKS, ' ↵ '));

/** Orders names case-insensitively, ties by code unit, so the order never depends on the runtime's locale. */
const byName = (a: string, b: string): number => {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()];
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The runbook's parameters as rows to show, sorted by name. A list of values is joined with `, `
 * (an empty list gives an empty value); line breaks inside a value show as ` ↵ `. A name or value
 * longer than `maxLength` code points is cut and ends with the cut mark. More than `maxRows`
 * parameters: the first `maxRows` rows, then one row `{ name: '…', value: 'N more parameters not
 * shown', cut: true }`, so a runbook with hundreds of parameters cannot bury the message.
 */
export const parameterRows = (
  parameters: Readonly<Record<string, readonly string[]>>,
  maxLength = DEFAULT_MAX_VALUE_LENGTH,
  maxRows = DEFAULT_MAX_PARAMETER_ROWS,
): ParameterRow[] => {
  requirePositiveInteger('maxLength', maxLength);
  requirePositiveInteger('maxRows', maxRows);
  const names = Object.keys(parameters).sort(byName);
  const rows = names.slice(0, maxRows).map((rawName): ParameterRow => {
    const name = cutText(singleLine(rawName), maxLength);
    const value = cutText(inlineValue((parameters[rawName] ?? []).join(', ')), maxLength);
    return { name: name.text, value: value.text, cut: name.cut || value.cut };
  });
  const hidden = names.length - rows.length;
  if (hidden > 0) {
    rows.push({
      name: '…',
      value: `${hidden} more ${hidden === 1 ? 'parameter' : 'parameters'} not shown`,
      cut: true,
    });
  }
  return rows;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const count = (value: number, unit: string): string => `${value} ${unit}${value === 1 ? '' : 's'}`;

/**
 * How long until `deadline`, for people: the two most significant adjacent units, rounded down so it
 * never promises more time than there is: `2 days 3 hours`, `2 days`, `1 hour 5 minutes`,
 * `45 minutes`, `less than a minute`; `timed out` once the deadline has passed (or is now).
 */
export const timeLeft = (deadline: Date, now: Date): string => {
  requireValidDate('deadline', deadline);
  requireValidDate('now', now);
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return 'timed out';
  if (left < MINUTE) return 'less than a minute';
  const days = Math.floor(left / DAY);
  const hours = Math.floor((left % DAY) / HOUR);
  const minutes = Math.floor((left % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${count(days, 'day')} ${count(hours, 'hour')}` : count(days, 'day');
  if (hours > 0) {
    return minutes > 0 ? `${count(hours, 'hour')} ${count(minutes, 'minute')}` : count(hours, 'hour');
  }
  return count(minutes, 'minute');
};

/** `arn:<partition>:iam|sts::<12-digit account>:<resource>` in any partition (aws, aws-cn, aws-us-gov, …). */
const IAM_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(.+)$/;

/**
 * Who started an execution (`ExecutedBy`), short and readable:
 * - `arn:aws:iam::111122223333:user/alice` → `alice (IAM user, account 111122223333)`
 * - `arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com` →
 *   `alice@example.com (role Admin, account 111122223333)`
 * - `arn:aws:iam::111122223333:role/Deploy` → `role Deploy (account 111122223333)`
 * - `arn:aws:sts::111122223333:federated-user/bob` → `bob (federated user, account 111122223333)`
 * - `arn:aws:iam::111122223333:root` → `root user (account 111122223333)`
 *
 * IAM paths (`user/division/alice`) are left out. Anything else is returned as is (on one line).
 */
export const principalLabel = (arn: string): string => {
  const text = singleLine(arn);
  const match = IAM_ARN.exec(text);
  if (!match) return text;
  const [, service = '', account = '', resource = ''] = match;
  const parts = resource.split('/');
  const [type] = parts;
  const last = parts[parts.length - 1] ?? '';
  if (service === 'iam' && resource === 'root') return `root user (account ${account})`;
  if (service === 'iam' && type === 'user' && parts.length >= 2 && last) {
    return `${last} (IAM user, account ${account})`;
  }
  if (service === 'iam' && type === 'role' && parts.length >= 2 && last) {
    return `role ${last} (account ${account})`;
  }
  if (service === 'sts' && type === 'assumed-role' && parts.length === 3 && parts[1] && last) {
    return `${last} (role ${parts[1]}, account ${account})`;
  }
  if (service === 'sts' && type === 'federated-user' && parts.length === 2 && last) {
    return `${last} (federated user, account ${account})`;
  }
  return text;
};

/**
 * The gate's Message as lines to show with their breaks kept (`\r\n`, `\n`, `\r` and the Unicode
 * separators all break). Trailing white space goes, blank lines at either end go, and a run of blank
 * lines becomes one. At most `maxLength` code points in all (line breaks count as one; default: SSM's
 * limit of 4096), a longer text cut with the cut mark on its last line. Empty or blank: `[]`.
 */
export const messageLines = (message: string, maxLength = MAX_MESSAGE_LENGTH): string[] => {
  requirePositiveInteger('maxLength', maxLength);
  const lines: string[] = [];
  for (const raw of message.split(LINE_BREAK)) {
    const line = withoutControls(raw).trimEnd();
    if (line === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(line);
  }
  while (lines[lines.length - 1] === '') lines.pop();
  const { text, cut } = cutText(lines.join('\n'), maxLength);
  return cut ? text.split('\n') : lines;
};

/**
 * For renderers that escape (Slack mrkdwn, Teams Markdown): `render(text)` when it is at most `max`
 * characters (UTF-16 code units, which never undercount a chat service's characters); otherwise `render` of the longest start of `text` (whole code points) followed
 * by the cut mark that fits.
 */
export const fittedText = (text: string, render: (text: string) => string, max: number): string => {
  const whole = render(text);
  if (whole.length <= max) return whole;
  const points = Array.from(text);
  const mark = cutMark(points.length);
  const attempt = (length: number): string => render(`${points.slice(0, length).join('')}${mark}`);
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (attempt(middle).length <= max) low = middle;
    else high = middle - 1;
  }
  const result = attempt(low);
  if (result.length > max) throw new RangeError(`No room for the cut mark in ${max} characters`);
  return result;
};
