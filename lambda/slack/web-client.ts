/**
 * The one way the functions build Slack's official Web API client (@slack/web-api's WebClient) for the bot
 * token from the stack's secret. Bounded for Lambda: SDK defaults retry for about half an hour and wait out
 * rate limits, which would eat a function's timeout; here a call gives up after `timeoutMs`, is retried at
 * most `retries` times with short pauses, and a rate-limited call fails at once (`slack_webapi_rate_limited_error`)
 * so that the invocation's own retry (or the clicker) tries again later.
 *
 * Logging: the SDK's debug lines (request bodies with button values) are dropped; its warnings and errors
 * (Slack's `response_metadata` messages, "http request failed") go to our logger. The SDK redacts the token
 * from what it logs, and we never pass the token to the logger.
 */
import type { Logger as SlackLogger } from '@slack/web-api';
import { LogLevel, WebClient } from '@slack/web-api';
import { logger } from '../core/logger';

/** Set by the local runner (and tests) to the local Slack stand-in's API URL, `http://127.0.0.1:<port>/api/`. */
export const SLACK_API_URL_ENV = 'SLACK_API_URL';

/** One Slack call gives up after this; Slack answers in well under a second. */
export const SLACK_TIMEOUT_MS = 5_000;
/** Retries of a call that failed on the way (network, 5xx); Slack's own errors (`ok: false`) are not retried. */
export const SLACK_RETRIES = 2;

export interface SlackClientOptions {
  /** @default SLACK_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default SLACK_RETRIES */
  readonly retries?: number;
}

const text = (parts: readonly unknown[]): string =>
  parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' ');

/** The SDK's logger interface, forwarding only warnings and errors, as one line each. */
const sdkLogger = (): SlackLogger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: (...parts: unknown[]) => logger.warn('Slack Web API', { slack: text(parts) }),
  error: (...parts: unknown[]) => logger.error('Slack Web API', { slack: text(parts) }),
  setLevel: () => undefined,
  getLevel: () => LogLevel.WARN,
  setName: () => undefined,
});

/**
 * WebClient for the bot token; `slackApiUrl` from SLACK_API_URL when set (local runs); bounded: timeout
 * (default 5000 ms) and retries (default 2, via retryConfig); rejectRateLimitedCalls true; logs nothing secret.
 */
export const createSlackClient = (botToken: string, options: SlackClientOptions = {}): WebClient => {
  const slackApiUrl = process.env[SLACK_API_URL_ENV];
  return new WebClient(botToken, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    timeout: options.timeoutMs ?? SLACK_TIMEOUT_MS,
    // p-retry's options: pauses of 0.2 s then 0.4 s (with jitter, at most 1 s), not the SDK's minutes.
    retryConfig: {
      retries: options.retries ?? SLACK_RETRIES,
      factor: 2,
      minTimeout: 200,
      maxTimeout: 1_000,
      randomize: true,
    },
    rejectRateLimitedCalls: true,
    logger: sdkLogger(),
  });
};

const teamIds = new WeakMap<WebClient, Promise<string>>();

/**
 * The workspace (team) id of the bot token, from auth.test, cached per client: a button value is bound to
 * it, and the interaction payload's `team.id` must match. A failed lookup is not cached.
 */
export const teamIdOf = (client: WebClient): Promise<string> => {
  const cached = teamIds.get(client);
  if (cached) return cached;
  const lookup = client.auth.test().then((result) => {
    if (typeof result.team_id !== 'string' || result.team_id === '') {
      throw new Error('Slack auth.test answered without a team_id');
    }
    return result.team_id;
  });
  teamIds.set(client, lookup);
  lookup.catch(() => teamIds.delete(client));
  return lookup;
};
