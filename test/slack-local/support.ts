/**
 * The local Slack workspace the tests use, a WebClient pointed at it, and an interactions server that
 * records what it receives (raw body and headers) and answers what a test tells it to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { readBody } from '../../local/read-body';
import { type LocalSlackOptions, startLocalSlack } from '../../local/slack/server';

export const BOT_TOKEN = 'xoxb-local-0000000000-0000000000000-localbottoken000000000000';
export const SIGNING_SECRET = 'local-signing-secret-0123456789abcdef';
export const TEAM = { id: 'T0LOCAL01', domain: 'approvals-local' };
export const ALICE = { id: 'U0ALICE01', name: 'alice', realName: 'Alice Approver' };
export const BOB = { id: 'U0BOB0001', name: 'bob', realName: 'Bob Bystander', displayName: 'bobby' };
export const OPS = { id: 'C0OPS0001', name: 'ops' };
export const APPROVERS = { id: 'S0APPROVE', handle: 'approvers', users: [ALICE.id] };
/** 2023-11-14T22:13:20Z: ts `1700000000.000000`. */
export const EPOCH_MS = 1_700_000_000_000;

export const slackOptions = (overrides: Partial<LocalSlackOptions> = {}): LocalSlackOptions => ({
  botToken: BOT_TOKEN,
  signingSecret: SIGNING_SECRET,
  team: TEAM,
  users: [ALICE, BOB],
  channels: [OPS, { id: 'C0DEPLOYS', name: 'deploys' }],
  userGroups: [APPROVERS],
  ...overrides,
});

/** A clock the test moves. */
export const testClock = (startMs = EPOCH_MS) => {
  let ms = startMs;
  return {
    now: () => new Date(ms),
    advance: (byMs: number) => {
      ms += byMs;
    },
  };
};

export const startSlack = (overrides: Partial<LocalSlackOptions> = {}) =>
  startLocalSlack(slackOptions(overrides));

const quiet = () => undefined;
/** The SDK logs Slack's `[ERROR]` response messages; the tests assert them in the error's data instead. */
const QUIET_LOGGER: Logger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  setLevel: quiet,
  getLevel: () => LogLevel.ERROR,
  setName: quiet,
};

/** The SDK as the product builds it, pointed at the stand-in; no retries, quiet. */
export const webClient = (apiUrl: string, token = BOT_TOKEN) =>
  new WebClient(token, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, logger: QUIET_LOGGER });

export interface ReceivedInteraction {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly payload: Record<string, unknown>;
}

export interface InteractionsServer {
  readonly url: string;
  readonly received: ReceivedInteraction[];
  /** What the next requests are answered (default 200, empty body). */
  answer: (
    request: ReceivedInteraction,
  ) => Promise<{ status: number; body: string }> | { status: number; body: string };
  close(): Promise<void>;
}

export const startInteractionsServer = async (): Promise<InteractionsServer> => {
  const received: ReceivedInteraction[] = [];
  let server: Server | undefined;
  const state: InteractionsServer = {
    url: '',
    received,
    answer: () => ({ status: 200, body: '' }),
    close: () =>
      new Promise<void>((resolve) => {
        server?.close(() => resolve());
        server?.closeAllConnections();
      }),
  };
  server = createServer((req, res) => {
    void (async () => {
      const body = ((await readBody(req, 1024 * 1024)) ?? Buffer.alloc(0)).toString('utf8');
      const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;
      const request = { headers: req.headers, body, payload };
      received.push(request);
      const answer = await state.answer(request);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    })().catch((error: unknown) => {
      // A failing test app answers 500, as a crashed function would, instead of leaving the page waiting.
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}/slack/interactions` });
};
