/**
 * The Microsoft Teams channel: one HTTPS POST of an Adaptive Card (teams-card.ts) to a Teams workflow
 * webhook ("When a Teams webhook request is received" → post card in a channel), whose URL is kept in the
 * stack's secret as `teamsWebhookUrl.<name>`. Its buttons open the confirmation page through the links
 * minted for this recipient (`teams:<name>`), so a decision from Teams names the webhook it came through.
 *
 * A workflow URL carries its own signature (`sig=` in the query): whoever has it can post to the channel.
 * So no error and no log line here ever holds the URL; errors name the webhook and the HTTP status only.
 * The workflow answers 202 Accepted (it runs later); any 2xx is success.
 */

import { TEAMS_WEBHOOK_URL_PREFIX } from '../../auth/secret-document';
import { ConfigurationError } from '../../core/errors';
import type { Channel, OutgoingMessage } from './channel';
import { gateCard } from './teams-card';

/** The POST gives up after this; Lambda's retry of the notifier tries again later. */
export const TEAMS_TIMEOUT_MS = 5_000;

export interface TeamsChannelDependencies {
  /** The workflow URL of a named webhook, from the stack's secret; undefined when none is set. */
  readonly urlOf: (name: string) => Promise<string | undefined>;
  readonly fetch?: typeof fetch;
  /** @default TEAMS_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

export class TeamsDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TeamsDeliveryError';
  }
}

/**
 * What went wrong on the way, for the log, with the URL (and its query, which holds the signature) taken
 * out of every message: fetch puts the URL into some of its errors ("Failed to parse URL from …").
 */
const redactedCause = (error: unknown, url: string): Error => {
  const query = url.includes('?') ? url.slice(url.indexOf('?')) : undefined;
  const redact = (text: string): string => {
    let safe = text.split(url).join('<the webhook URL>');
    if (query) safe = safe.split(query).join('?<redacted>');
    return safe.replace(/([?&]sig=)[^&\s]*/gi, '$1<redacted>');
  };
  const describe = (value: unknown): string => {
    const failure = errorLike(value);
    if (!failure) return redact(String(value));
    const code = failure.code;
    return `${String(failure.name)}: ${redact(String(failure.message))}${typeof code === 'string' ? ` (${code})` : ''}`;
  };
  const cause = errorLike(error)?.cause;
  return new Error(`${describe(error)}${cause === undefined ? '' : `; ${describe(cause)}`}`);
};

/** An error's fields, also for errors of another realm (fetch's TypeError is not always `instanceof Error`). */
const errorLike = (
  value: unknown,
): { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } | undefined =>
  typeof value === 'object' && value !== null && 'message' in value ? value : undefined;

export const teamsChannel = (deps: TeamsChannelDependencies): Channel => ({
  name: 'teams',
  approverLabel: (name) => `teams:${name}`,
  send: async ({ notification, recipient: name, links, now }: OutgoingMessage) => {
    const url = await deps.urlOf(name);
    if (url === undefined) {
      throw new ConfigurationError(
        `The secret has no "${TEAMS_WEBHOOK_URL_PREFIX}${name}": set the Teams workflow URL with npm run keys -- teams-webhook ${name}`,
      );
    }
    const timeoutMs = deps.timeoutMs ?? TEAMS_TIMEOUT_MS;
    const body = JSON.stringify(gateCard({ notification, links, now }));
    const response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((error: unknown) => {
      const timedOut = errorLike(error)?.name === 'TimeoutError';
      throw new TeamsDeliveryError(
        timedOut
          ? `Teams webhook "${name}" did not answer within ${timeoutMs} ms`
          : `Teams webhook "${name}" could not be reached`,
        { cause: redactedCause(error, url) },
      );
    });
    await response.body?.cancel();
    if (!response.ok) {
      throw new TeamsDeliveryError(`Teams webhook "${name}" answered HTTP ${response.status}`);
    }
  },
});
