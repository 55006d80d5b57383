import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { AutomationExecutionNotFoundException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { authorizeLink, verifyLinkToken } from '../../lambda/auth/link-token';
import { executionView } from '../../lambda/gate/execution-view';
import type { Channel } from '../../lambda/notify/channels/channel';
import { emailChannel, emailInput } from '../../lambda/notify/channels/email';
import { renderApprovalEmail } from '../../lambda/notify/channels/email-message';
import {
  signWebhookBody,
  verifyWebhookSignature,
  webhookChannel,
} from '../../lambda/notify/channels/webhook';
import type { NotifierConfig } from '../../lambda/notify/config';
import type { NotificationLinks } from '../../lambda/notify/notification';
import {
  deliveryIdOf,
  NotificationFailedError,
  type NotifierDependencies,
  notify,
} from '../../lambda/notify/notifier';
import type { DeliverOnce } from '../../lambda/notify/once';
import { authConfig } from '../auth/fixtures';
import { approveStep, EXECUTION_ID, execution, SIGNAL_ROLE, STAGING_ID } from '../gate/fixtures';

const NOW = new Date('2026-12-01T16:10:00Z');
const CONFIG: NotifierConfig = {
  apiUrl: 'https://api.example.com',
  signalRoleArn: SIGNAL_ROLE,
  email: { from: 'approvals@example.com' },
  webhooks: { jira: { url: 'https://hooks.example.com/ssm' } },
  rules: [{ runbooks: ['Demo-*'], email: ['alice@example.com', 'bob@example.com'], webhooks: ['jira'] }],
  maxLinkTtlSeconds: 604_800,
};

const waitingView = executionView(
  execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    CurrentStepName: 'ApproveStaging',
  }),
);

interface Sent {
  channel: string;
  recipient: string;
  approve: string;
}

/** An in-memory deliverOnce with Powertools' contract: one send per key. */
const memoryOnce = (): DeliverOnce => {
  const done = new Set<string>();
  return async (key, send) => {
    const id = JSON.stringify(key);
    if (done.has(id)) return 'duplicate';
    await send();
    done.add(id);
    return 'sent';
  };
};

const recordingChannel = (name: 'email' | 'webhook', sent: Sent[], fail?: string): Channel => ({
  name,
  approverLabel: (recipient) => (name === 'webhook' ? `webhook:${recipient}` : recipient),
  send: async ({ recipient, links }) => {
    if (recipient === fail) throw new Error('refused');
    sent.push({ channel: name, recipient, approve: links.approve });
  },
});

const deps = (overrides: Partial<NotifierDependencies> = {}, sent: Sent[] = []): NotifierDependencies => ({
  config: CONFIG,
  readExecution: async () => waitingView,
  loadAuthConfig: async () => authConfig({}),
  channels: { email: recordingChannel('email', sent), webhook: recordingChannel('webhook', sent) },
  deliverOnce: memoryOnce(),
  logger: new Logger({ logLevel: 'SILENT' }),
  now: () => NOW,
  ...overrides,
});

const key = (channel: string, recipient: string) => ({
  executionId: EXECUTION_ID,
  stepExecutionId: STAGING_ID,
  channel,
  recipient,
});

describe('notify', () => {
  it('sends each routed recipient its own links, once, even when the trigger repeats', async () => {
    const sent: Sent[] = [];
    const d = deps({}, sent);
    const trigger = { source: 'sns' as const, executionIds: [EXECUTION_ID], ignored: [] };
    expect(await notify(d, trigger)).toEqual([
      { ...key('email', 'alice@example.com'), gate: 'ApproveStaging', outcome: 'sent' },
      { ...key('email', 'bob@example.com'), gate: 'ApproveStaging', outcome: 'sent' },
      { ...key('webhook', 'jira'), gate: 'ApproveStaging', outcome: 'sent' },
    ]);
    expect(sent.map((s) => `${s.channel}:${s.recipient}`)).toEqual([
      'email:alice@example.com',
      'email:bob@example.com',
      'webhook:jira',
    ]);
    expect(new Set(sent.map((s) => s.approve)).size).toBe(3);
    expect((await notify(d, trigger)).map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(sent).toHaveLength(3);
  });

  it('skips gates whose Approvers do not list the signal role, and runbooks no rule routes', async () => {
    const sent: Sent[] = [];
    const other = executionView(
      execution('Waiting', [
        approveStep('ApproveStaging', STAGING_ID, 'Waiting', {
          Inputs: { Approvers: '["arn:aws:iam::123456789012:role/other"]' },
        }),
      ]),
    );
    expect(
      await notify(deps({ readExecution: async () => other }, sent), {
        source: 'eventbridge',
        executionIds: [EXECUTION_ID],
        ignored: [],
      }),
    ).toEqual([]);
    const unrouted = deps({ config: { ...CONFIG, rules: [] } }, sent);
    expect(
      await notify(unrouted, { source: 'eventbridge', executionIds: [EXECUTION_ID], ignored: [] }),
    ).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('skips ids SSM does not know (an SNS message may hold step ids) and executions with no gate waiting', async () => {
    const readExecution = async (id: string) => {
      if (id === 'unknown') throw new AutomationExecutionNotFoundException({ message: 'no', $metadata: {} });
      return executionView(execution('InProgress', []));
    };
    expect(
      await notify(deps({ readExecution }), {
        source: 'sns',
        executionIds: ['unknown', EXECUTION_ID],
        ignored: [],
      }),
    ).toEqual([]);
  });

  it('sends the others when one message fails, then fails the invocation so that Lambda retries only that one', async () => {
    const sent: Sent[] = [];
    const once = memoryOnce();
    const failing = deps(
      {
        channels: {
          email: recordingChannel('email', sent, 'alice@example.com'),
          webhook: recordingChannel('webhook', sent),
        },
        deliverOnce: once,
      },
      sent,
    );
    const trigger = { source: 'sns' as const, executionIds: [EXECUTION_ID], ignored: [] };
    const error = await notify(failing, trigger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationFailedError);
    expect((error as NotificationFailedError).failures).toEqual([
      { ...key('email', 'alice@example.com'), gate: 'ApproveStaging', outcome: 'failed' },
    ]);
    expect(sent.map((s) => s.recipient)).toEqual(['bob@example.com', 'jira']);
    const healed = deps({ deliverOnce: once }, sent);
    expect((await notify(healed, trigger)).map((r) => r.outcome)).toEqual(['sent', 'duplicate', 'duplicate']);
    expect(sent.map((s) => s.recipient)).toEqual(['bob@example.com', 'jira', 'alice@example.com']);
  });
});

describe('notify and Slack messages of closed gates', () => {
  const trigger = { source: 'eventbridge' as const, executionIds: [EXECUTION_ID], ignored: [] };

  it('first updates the Slack messages of gates that no longer wait, then notifies, for every execution it reads', async () => {
    const events: string[] = [];
    const slackSync = jest.fn(async (view: { executionId: string }) => {
      events.push(`sync:${view.executionId}`);
      return 1;
    });
    const channel = (name: 'email' | 'webhook'): Channel => ({
      name,
      approverLabel: (recipient) => recipient,
      send: async ({ recipient }) => {
        events.push(`${name}:${recipient}`);
      },
    });
    const readExecution = async (id: string) => {
      if (id === 'unknown') throw new AutomationExecutionNotFoundException({ message: 'no', $metadata: {} });
      return waitingView;
    };
    await notify(
      deps({ slackSync, readExecution, channels: { email: channel('email'), webhook: channel('webhook') } }),
      { ...trigger, executionIds: ['unknown', EXECUTION_ID] },
    );
    expect(events).toEqual([
      `sync:${EXECUTION_ID}`,
      'email:alice@example.com',
      'email:bob@example.com',
      'webhook:jira',
    ]);
    expect(slackSync.mock.calls).toEqual([[waitingView]]);
  });

  it('also syncs a run with no gate waiting (a finished run), and still says why nothing is sent', async () => {
    const finished = executionView(
      execution('Success', [approveStep('ApproveStaging', STAGING_ID, 'Success')]),
    );
    const logger = new Logger({ logLevel: 'SILENT' });
    const info = jest.spyOn(logger, 'info');
    const slackSync = jest.fn(async () => 2);
    expect(await notify(deps({ slackSync, logger, readExecution: async () => finished }), trigger)).toEqual(
      [],
    );
    expect(slackSync.mock.calls).toEqual([[finished]]);
    expect(info.mock.calls).toEqual([
      ['Skipped: no approval step waits', { executionId: EXECUTION_ID, status: 'Success' }],
    ]);
  });

  it("sends the run's notifications when the Slack sync fails, logs it, and fails the invocation at the end", async () => {
    const sent: Sent[] = [];
    const logger = new Logger({ logLevel: 'SILENT' });
    const logged = jest.spyOn(logger, 'error');
    const failure = new Error('Slack is down');
    const error = await notify(
      deps({ logger, slackSync: async () => Promise.reject(failure) }, sent),
      trigger,
    ).catch((e: unknown) => e);
    expect(sent.map((s) => `${s.channel}:${s.recipient}`)).toEqual([
      'email:alice@example.com',
      'email:bob@example.com',
      'webhook:jira',
    ]);
    expect(error).toBeInstanceOf(NotificationFailedError);
    expect((error as NotificationFailedError).failures).toEqual([]);
    expect((error as NotificationFailedError).unsyncedExecutions).toEqual([EXECUTION_ID]);
    expect((error as Error).message).toBe(
      "the Slack messages of 1 execution(s) could not all be updated; Lambda's retry tries again (sent and updated ones are not repeated)",
    );
    expect(logged.mock.calls).toEqual([
      [
        'Slack messages of a gate that no longer waits were not all updated',
        { executionId: EXECUTION_ID, runbook: 'Demo-TwoGates', error: failure },
      ],
    ]);
  });

  it('names both kinds of failure in one error', () => {
    const failed = {
      ...key('email', 'alice@example.com'),
      gate: 'ApproveStaging',
      outcome: 'failed' as const,
    };
    expect(new NotificationFailedError([failed], { unsyncedExecutions: [EXECUTION_ID] }).message).toBe(
      "1 notification(s) failed; the Slack messages of 1 execution(s) could not all be updated; Lambda's retry tries again (sent and updated ones are not repeated)",
    );
  });

  it('posts to Slack channels and Teams webhooks with links bound to that channel and labelled by it', async () => {
    const received: { channel: string; recipient: string; links: NotificationLinks }[] = [];
    const chat = (name: 'slack' | 'teams'): Channel => ({
      name,
      approverLabel: (recipient) => `${name}:${recipient}`,
      send: async ({ recipient, links }) => {
        received.push({ channel: name, recipient, links });
      },
    });
    const config: NotifierConfig = {
      ...CONFIG,
      rules: [
        {
          runbooks: ['Demo-*'],
          slack: { channels: ['C0OPS0001'], approvers: { users: ['U0ALICE01'] } },
          teams: ['cab'],
        },
      ],
    };
    const auth = authConfig({});
    expect(
      await notify(
        deps({
          config,
          loadAuthConfig: async () => auth,
          channels: { slack: chat('slack'), teams: chat('teams') },
        }),
        trigger,
      ),
    ).toEqual([
      { ...key('slack', 'C0OPS0001'), gate: 'ApproveStaging', outcome: 'sent' },
      { ...key('teams', 'cab'), gate: 'ApproveStaging', outcome: 'sent' },
    ]);
    const claimsOf = async (url: string) =>
      verifyLinkToken(auth, new URL(url).searchParams.get('token') ?? '', NOW);
    const details = await claimsOf(received[0]?.links.approve ?? '');
    const bound = (action: 'approve' | 'reject', approver: string, channel: 'slack' | 'teams') => ({
      executionId: EXECUTION_ID,
      actions: [action],
      approver,
      issuedAt: NOW,
      expiresAt: new Date('2026-12-01T17:00:00Z'),
      tokenId: expect.any(String),
      keyId: 'k1',
      gate: { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID },
      channel,
    });
    expect(details).toEqual(bound('approve', 'slack:C0OPS0001', 'slack'));
    // A Slack link only shows the page: the buttons, which check the Slack user, decide.
    expect(() => authorizeLink(details, EXECUTION_ID, 'approve')).toThrow(
      expect.objectContaining({ reason: 'slack-link-view-only' }),
    );
    expect(await claimsOf(received[1]?.links.reject ?? '')).toEqual(bound('reject', 'teams:cab', 'teams'));
  });
});

describe('email channel', () => {
  it('sends exactly the rendered e-mail from the one identity to the one recipient', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const links = {
      approve: 'https://a/approve',
      reject: 'https://a/reject',
      stop: 'https://a/stop',
      expiresAt: new Date('2026-12-01T17:00:00Z'),
    };
    const notification = {
      execution: waitingView,
      gate: waitingView.gates[0] as NonNullable<(typeof waitingView.gates)[0]>,
    };
    const message = { notification, recipient: 'alice@example.com', links, deliveryId: 'd', now: NOW };
    await emailChannel(new SESv2Client({}), 'approvals@example.com').send(message);
    const rendered = renderApprovalEmail({ notification, links, recipient: 'alice@example.com', now: NOW });
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      {
        FromEmailAddress: 'approvals@example.com',
        Destination: { ToAddresses: ['alice@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: rendered.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: rendered.text, Charset: 'UTF-8' },
              Html: { Data: rendered.html, Charset: 'UTF-8' },
            },
          },
        },
      },
    ]);
    expect(emailInput('approvals@example.com', message).Content?.Simple?.Subject?.Data).toBe(
      'Approval needed: Demo-TwoGates – ApproveStaging',
    );
    ses.restore();
  });
});

describe('webhook channel', () => {
  const SECRET = 'whsec-0123456789abcdefghijklmnopqrstuv';

  it('signs v0:<timestamp>:<body> with HMAC-SHA256 as Slack does', () => {
    // The same construction as Slack's request signatures; expected value computed independently with
    // printf 'v0:1531420618:token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J' | openssl dgst -sha256 -hmac 8f742231b10e8888abcd99yyyzzz85a5
    expect(
      signWebhookBody(
        '8f742231b10e8888abcd99yyyzzz85a5',
        1531420618,
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J',
      ),
    ).toBe('v0=bca5eef5dd737ed259b428b18cd24f679baa18c3fc5f1cb2a6ac9f03e717969a');
    const now = new Date(1531420618_000);
    const signature = signWebhookBody(SECRET, 1531420618, '{"a":1}');
    expect(verifyWebhookSignature(SECRET, { timestamp: '1531420618', signature }, '{"a":1}', now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, { timestamp: '1531420618', signature }, '{"a":2}', now)).toBe(
      false,
    );
    expect(verifyWebhookSignature(SECRET, { timestamp: '1531420619', signature }, '{"a":1}', now)).toBe(
      false,
    );
    expect(
      verifyWebhookSignature(
        SECRET,
        { timestamp: '1531420618', signature },
        '{"a":1}',
        new Date(1531420618_000 + 301_000),
      ),
    ).toBe(false);
    expect(
      verifyWebhookSignature(
        'another-secret-0123456789abcdefghij',
        { timestamp: '1531420618', signature },
        '{"a":1}',
        now,
      ),
    ).toBe(false);
    expect(verifyWebhookSignature(SECRET, { timestamp: '1531420618' }, '{"a":1}', now)).toBe(false);
  });

  it('POSTs the documented document, signed, to the configured URL', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const channel = webhookChannel({
      targets: { jira: { url } },
      secretOf: async (name) => (name === 'jira' ? SECRET : undefined),
    });
    const links = {
      approve: 'https://a/approve',
      reject: 'https://a/reject',
      stop: 'https://a/stop',
      expiresAt: new Date('2026-12-01T17:00:00Z'),
    };
    const gate = waitingView.gates[0] as NonNullable<(typeof waitingView.gates)[0]>;
    const deliveryId = deliveryIdOf(key('webhook', 'jira'));
    const now = new Date();
    await channel.send({
      notification: { execution: waitingView, gate },
      recipient: 'jira',
      links,
      deliveryId,
      now,
    });
    server.close();
    expect(received).toHaveLength(1);
    const [request] = received as [(typeof received)[0]];
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-approval-webhook-delivery']).toBe(deliveryId);
    expect(
      verifyWebhookSignature(
        SECRET,
        {
          timestamp: request.headers['x-approval-webhook-timestamp'] as string,
          signature: request.headers['x-approval-webhook-signature'] as string,
        },
        request.body,
      ),
    ).toBe(true);
    expect(JSON.parse(request.body)).toEqual({
      type: 'ssm-approval-webhook.gate-waiting',
      version: 1,
      deliveryId,
      sentAt: now.toISOString(),
      execution: {
        id: EXECUTION_ID,
        runbook: 'Demo-TwoGates',
        runbookVersion: '1',
        startedBy: 'arn:aws:iam::123456789012:user/local-operator',
        startedAt: '2026-12-01T15:59:00.000Z',
        parameters: { Version: ['1.2.3'] },
      },
      gate: {
        stepName: 'ApproveStaging',
        stepExecutionId: STAGING_ID,
        message: 'Approve ApproveStaging?\nSecond line',
        minRequiredApprovals: 1,
        timeoutSeconds: 3600,
        deadline: '2026-12-01T17:00:00.000Z',
      },
      links: {
        approve: 'https://a/approve',
        reject: 'https://a/reject',
        stop: 'https://a/stop',
        expiresAt: '2026-12-01T17:00:00.000Z',
      },
    });
  });

  it('fails when the receiver refuses, or when no secret is set', async () => {
    const server = createServer((_req, res) => res.writeHead(500).end('no'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const links = { approve: 'a', reject: 'r', stop: 's', expiresAt: NOW };
    const gate = waitingView.gates[0] as NonNullable<(typeof waitingView.gates)[0]>;
    const message = {
      notification: { execution: waitingView, gate },
      recipient: 'jira',
      links,
      deliveryId: 'd',
      now: NOW,
    };
    await expect(
      webhookChannel({ targets: { jira: { url } }, secretOf: async () => SECRET }).send(message),
    ).rejects.toThrow('Webhook "jira" answered HTTP 500');
    server.close();
    await expect(
      webhookChannel({ targets: { jira: { url } }, secretOf: async () => undefined }).send(message),
    ).rejects.toThrow(
      'The secret has no "webhookSecret.jira": set one with npm run keys -- webhook-secret jira',
    );
  });
});
