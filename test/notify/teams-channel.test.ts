/**
 * The Teams channel against the local Teams workflow webhook: the exact card posted, and every failure
 * named by webhook and status, never by URL (a workflow URL carries its signature).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '../../lambda/core/errors';
import { executionView, type GateView } from '../../lambda/gate/execution-view';
import type { OutgoingMessage } from '../../lambda/notify/channels/channel';
import { TeamsDeliveryError, teamsChannel } from '../../lambda/notify/channels/teams';
import { gateCard } from '../../lambda/notify/channels/teams-card';
import type { NotificationLinks } from '../../lambda/notify/notification';
import { type LocalTeams, startLocalTeams } from '../../local/slack/teams';
import { rejectionOf } from '../auth/fixtures';
import { approveStep, EXECUTION_ID, execution, STAGING_ID } from '../gate/fixtures';

const NOW = new Date('2026-12-01T16:10:00Z');
const API = `https://api.example.com/executions/${EXECUTION_ID}`;
const LINKS: NotificationLinks = {
  approve: `${API}/approve?token=teams-approve`,
  reject: `${API}/reject?token=teams-reject`,
  stop: `${API}/stop?token=teams-stop`,
  expiresAt: new Date('2026-12-01T17:00:00Z'),
};
const SIGNATURE = 'sig=Zm9yZ2VkLXNpZ25hdHVyZS1kby1ub3QtbG9n';
const QUERY = `?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&${SIGNATURE}`;

const view = executionView(
  execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    CurrentStepName: 'ApproveStaging',
  }),
);
const notification = { execution: view, gate: view.gates[0] as GateView };
const message = (recipient: string): OutgoingMessage => ({
  notification,
  recipient,
  links: LINKS,
  deliveryId: 'd-1',
  now: NOW,
});

/** A server that answers every request with `status` after `delayMs`. */
const answering = async (status: number, delayMs = 0): Promise<{ url: string; close(): Promise<void> }> => {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    req.resume();
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.writeHead(status, { 'content-type': 'text/plain' }).end('Internal error');
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/workflows/abc/triggers/manual/paths/invoke${QUERY}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** Everything an error says, its causes included: none of it may hold the URL or its signature. */
const everythingSaid = (error: unknown): string => {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.name, current.message, String(current.stack));
    current = current.cause;
  }
  if (current !== undefined) parts.push(String(current));
  return parts.join('\n');
};

describe('teamsChannel', () => {
  let teams: LocalTeams;
  beforeEach(async () => {
    teams = await startLocalTeams({ now: () => NOW });
  });
  afterEach(() => teams.close());

  const channel = (urls: Record<string, string>, timeoutMs?: number) =>
    teamsChannel({ urlOf: async (name) => urls[name], ...(timeoutMs ? { timeoutMs } : {}) });

  it('is named teams and labels approvers by webhook name', () => {
    const only = channel({});
    expect(only.name).toBe('teams');
    expect(only.approverLabel('change-board')).toBe('teams:change-board');
  });

  it('posts exactly the gate card to the webhook in the secret, which accepts it (202)', async () => {
    await channel({ 'change-board': `${teams.webhookUrl('cab')}${QUERY}` }).send(message('change-board'));
    const card = gateCard({ notification, links: LINKS, now: NOW });
    expect(teams.posts()).toEqual([
      { webhook: 'cab', cards: [card.attachments[0].content], receivedAt: NOW.toISOString() },
    ]);
    // The buttons open the confirmation page through the links minted for this webhook; nothing acts before it.
    expect(card.attachments[0].content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Approve…', url: LINKS.approve },
      { type: 'Action.OpenUrl', title: 'Reject…', url: LINKS.reject },
    ]);
  });

  it('names the missing secret property for a webhook without a URL', async () => {
    const error = await rejectionOf(channel({}).send(message('change-board')));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'The secret has no "teamsWebhookUrl.change-board": set the Teams workflow URL with npm run keys -- teams-webhook change-board',
    );
    expect(teams.posts()).toEqual([]);
  });

  it('fails with the status when the webhook refuses, never naming its URL', async () => {
    const server = await answering(500);
    try {
      const error = await rejectionOf(channel({ cab: server.url }).send(message('cab')));
      expect(error).toBeInstanceOf(TeamsDeliveryError);
      expect((error as Error).message).toBe('Teams webhook "cab" answered HTTP 500');
      expect(everythingSaid(error)).not.toContain('127.0.0.1');
      expect(everythingSaid(error)).not.toContain(SIGNATURE);
    } finally {
      await server.close();
    }
  });

  it('refuses what the local webhook refuses (400: not a card)', async () => {
    const error = await rejectionOf(
      teamsChannel({
        urlOf: async () => `${teams.webhookUrl('cab')}${QUERY}`,
        fetch: (url, init) => fetch(url, { ...init, body: '{"type":"message"}' }),
      }).send(message('cab')),
    );
    expect((error as Error).message).toBe('Teams webhook "cab" answered HTTP 400');
  });

  it('gives up after the timeout, saying so without the URL', async () => {
    const server = await answering(202, 2_000);
    try {
      const started = Date.now();
      const error = await rejectionOf(channel({ cab: server.url }, 200).send(message('cab')));
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error).toBeInstanceOf(TeamsDeliveryError);
      expect((error as Error).message).toBe('Teams webhook "cab" did not answer within 200 ms');
      expect(everythingSaid(error)).not.toContain(SIGNATURE);
      expect(everythingSaid(error)).not.toContain('/workflows/abc');
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable webhook, and a malformed URL, without the URL or its signature', async () => {
    const closed = await answering(202);
    await closed.close();
    const unreachable = await rejectionOf(channel({ cab: closed.url }).send(message('cab')));
    expect((unreachable as Error).message).toBe('Teams webhook "cab" could not be reached');
    expect(everythingSaid(unreachable)).toContain('ECONNREFUSED');
    expect(everythingSaid(unreachable)).not.toContain(SIGNATURE);

    const malformed = await rejectionOf(channel({ cab: `not a url/${QUERY}` }).send(message('cab')));
    expect((malformed as Error).message).toBe('Teams webhook "cab" could not be reached');
    expect(everythingSaid(malformed)).not.toContain(SIGNATURE);
    expect(everythingSaid(malformed)).not.toContain('not a url');
  });
});
