/**
 * Metrics of the Slack HTTP side (through its middy chain, against the local Slack stand-in) and of the
 * notifier's deliveries: the exact EMF lines. A Slack click that may not act is answered 200, yet counted
 * as an authentication failure (by its reason) and a refused decision under the `slack` channel.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { logger } from '../../lambda/core/logger';
import { executionView } from '../../lambda/gate/execution-view';
import type { Channel } from '../../lambda/notify/channels/channel';
import type { NotifierConfig } from '../../lambda/notify/config';
import { NotificationFailedError, notify } from '../../lambda/notify/notifier';
import type { DeliverOnce } from '../../lambda/notify/once';
import { createDeciders } from '../../lambda/slack/deciders';
import { ACKNOWLEDGED, interactionsHandler } from '../../lambda/slack/interactions';
import type { LocalSlack } from '../../local/slack/server';
import { authConfig } from '../auth/fixtures';
import { approveStep, execution, SIGNAL_ROLE, STAGING_ID } from '../gate/fixtures';
import { NOTIFICATION } from '../notify/fixtures';
import {
  ALICE,
  BOB,
  clickPayload,
  formBody,
  postGateMessage,
  ROUTING,
  SECRET,
  signedEvent,
  startWorkspace,
} from '../slack/interaction-support';
import { webClient } from '../slack-local/support';
import { context } from '../support/events';
import { authenticationFailureLine, captureEmf, decisionLine, emfLine } from './emf';

let capture: ReturnType<typeof captureEmf>;
beforeEach(() => {
  capture = captureEmf();
});
afterEach(() => capture.stop());

describe('POST /slack/interactions', () => {
  let slack: LocalSlack;
  const dispatch = jest.fn(async () => undefined);
  let handler: ReturnType<typeof interactionsHandler>;
  beforeAll(async () => {
    slack = await startWorkspace();
    handler = interactionsHandler({
      loadAuthConfig: async () => SECRET,
      routing: () => ROUTING,
      slack: (token) => webClient(slack.apiUrl, token),
      deciders: createDeciders(),
      dispatch,
      logger,
    });
  });
  afterAll(() => slack.close());

  it('a click by someone the rule does not list: AuthenticationFailures{not-approver}, refused under slack', async () => {
    const { message } = await postGateMessage(slack, NOTIFICATION);

    const response = await handler(
      signedEvent(formBody(clickPayload(slack, message, BOB, 'approve'))),
      context(),
    );

    expect(response).toEqual(ACKNOWLEDGED);
    expect(capture.lines).toEqual([
      authenticationFailureLine('not-approver'),
      decisionLine('approve', 'refused', 'slack'),
    ]);
  });

  it('an expired button: counted under the error’s own reason', async () => {
    const { message } = await postGateMessage(slack, NOTIFICATION, {
      now: new Date(Date.now() - 2 * 3600_000),
      ttlSeconds: 3600,
    });

    const response = await handler(
      signedEvent(formBody(clickPayload(slack, message, ALICE, 'reject'))),
      context(),
    );

    expect(response).toEqual(ACKNOWLEDGED);
    expect(capture.lines).toEqual([
      authenticationFailureLine('slack-button-expired'),
      decisionLine('reject', 'refused', 'slack'),
    ]);
  });

  it('a bad Slack signature (401): only AuthenticationFailures; no action is known yet', async () => {
    const { message } = await postGateMessage(slack, NOTIFICATION);

    const response = await handler(
      signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve')), {
        signature: `v0=${'0'.repeat(64)}`,
      }),
      context(),
    );

    expect(response.statusCode).toBe(401);
    expect(capture.lines).toEqual([authenticationFailureLine('slack-signature-invalid')]);
  });

  it('a click that is handed on writes no metric here (the decision job counts it)', async () => {
    const { message } = await postGateMessage(slack, NOTIFICATION);

    const response = await handler(
      signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))),
      context(),
    );

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(capture.lines).toEqual([]);
  });
});

describe('the notifier’s deliveries', () => {
  const CONFIG: NotifierConfig = {
    apiUrl: 'https://api.example.com',
    signalRoleArn: SIGNAL_ROLE,
    email: { from: 'approvals@example.com' },
    webhooks: { jira: { url: 'https://hooks.example.com/ssm' } },
    rules: [{ runbooks: ['Demo-*'], email: ['alice@example.com', 'bob@example.com'], webhooks: ['jira'] }],
    maxLinkTtlSeconds: 604_800,
  };
  const view = executionView(
    execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
      CurrentStepName: 'ApproveStaging',
    }),
  );
  const channel = (name: 'email' | 'webhook', failing = false): Channel => ({
    name,
    approverLabel: (recipient) => recipient,
    send: async () => {
      if (failing) throw new Error('refused by the receiver');
    },
  });
  const once = (): DeliverOnce => {
    const done = new Set<string>();
    return async (key, send) => {
      const id = JSON.stringify(key);
      if (done.has(id)) return 'duplicate';
      await send();
      done.add(id);
      return 'sent';
    };
  };

  it('counts each message sent and each failed by channel; a duplicate is neither', async () => {
    const deps = {
      config: CONFIG,
      readExecution: async () => view,
      loadAuthConfig: async () => authConfig({}),
      channels: { email: channel('email'), webhook: channel('webhook', true) },
      deliverOnce: once(),
      logger: new Logger({ logLevel: 'SILENT' }),
      // The fixture's gate started at 16:00 with a timeout; links are minted within it.
      now: () => new Date('2026-12-01T16:10:00Z'),
    };
    const trigger = { source: 'sns' as const, executionIds: [view.executionId], ignored: [] };

    await expect(notify(deps, trigger)).rejects.toBeInstanceOf(NotificationFailedError);
    expect(capture.lines).toEqual([
      emfLine('NotificationsSent', 'Count', 1, { Channel: 'email' }),
      emfLine('NotificationsSent', 'Count', 1, { Channel: 'email' }),
      emfLine('NotificationsFailed', 'Count', 1, { Channel: 'webhook' }),
    ]);

    // Lambda's retry: the e-mails are duplicates now (not counted), the webhook fails again.
    capture.lines.length = 0;
    await expect(notify(deps, trigger)).rejects.toBeInstanceOf(NotificationFailedError);
    expect(capture.lines).toEqual([emfLine('NotificationsFailed', 'Count', 1, { Channel: 'webhook' })]);
  });
});
