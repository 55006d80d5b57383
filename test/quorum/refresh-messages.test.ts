/**
 * refreshTallyMessages: each open recorded Slack message of a still-waiting quorum gate is replaced by the
 * waiting message with the new tally, its buttons signed again for the post's team and channel and its
 * Details button a view-only link for channel `slack`; closed messages are left alone, and one whose gate
 * closed while it was refreshed is closed again.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { verifyLinkToken } from '../../lambda/auth/link-token';
import type { ExecutionView, GateView } from '../../lambda/gate/execution-view';
import { postedButtons, type SlackMessage, tallyMessage } from '../../lambda/notify/channels/slack-message';
import type { PostedMessage } from '../../lambda/notify/slack-posts';
import { closedGateMessage } from '../../lambda/notify/slack-sync';
import { STATE_TABLE_ENV } from '../../lambda/notify/state-table';
import { tallyRefreshFromEnvironment } from '../../lambda/quorum/environment';
import {
  type MessageRefreshDependencies,
  refreshBestEffort,
  refreshTallyMessages,
  type SlackChat,
  type TallyRefresh,
} from '../../lambda/quorum/refresh-messages';
import type { Tally } from '../../lambda/quorum/tally';
import { verifyButtonValue } from '../../lambda/slack/button-token';
import { authConfig } from '../auth/fixtures';
import { EXECUTION_ID, SIGNAL_ROLE, STAGING_ID } from '../gate/fixtures';

const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
const NOW = new Date('2026-12-01T16:10:00.250Z');
const DEADLINE = new Date('2026-12-01T17:00:00Z');
/** Whole seconds from NOW (rounded down) until the deadline (rounded down), as mintLinks counts them. */
const LINKS_EXPIRE = new Date('2026-12-01T16:59:59Z');
const CONFIG = authConfig({});
const SETTINGS = {
  apiUrl: 'https://api.example.com/',
  maxLinkTtlSeconds: 7 * 24 * 3600,
  signalRoleArn: SIGNAL_ROLE,
};
const KEY = { executionId: EXECUTION_ID, stepExecutionId: STAGING_ID };
const OPS: PostedMessage = { channelId: 'C0OPS0001', ts: '1796141400.250000', teamId: 'T0TEAM001' };
const DEPLOYS: PostedMessage = { channelId: 'C0DEPLOYS', ts: '1796141401.000100', teamId: 'T0TEAM001' };

const waitingGate: GateView = {
  stepName: 'ApproveStaging',
  stepExecutionId: STAGING_ID,
  stepStatus: 'Waiting',
  waiting: true,
  approvers: [SIGNAL_ROLE, SEAT_2],
  minRequiredApprovals: 2,
  timeoutSeconds: 3600,
  deadline: DEADLINE,
};
const view: ExecutionView = {
  executionId: EXECUTION_ID,
  documentName: 'Demo-Quorum',
  status: 'Waiting',
  finished: false,
  parameters: {},
  gates: [waitingGate],
};
const TALLY: Tally = {
  needed: 2,
  approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SIGNAL_ROLE }],
  remaining: 1,
};
const REFRESH: TallyRefresh = { view, gate: waitingGate, tally: TALLY };

interface Fakes {
  readonly deps: MessageRefreshDependencies;
  readonly update: jest.Mock;
  readonly postsOf: jest.Mock;
  readonly readExecution: jest.Mock;
  readonly logger: Logger;
}

const fakes = (
  records: PostedMessage[][],
  overrides: Partial<MessageRefreshDependencies> = {},
  update = jest.fn().mockResolvedValue({ ok: true }),
): Fakes => {
  const postsOf = jest.fn();
  for (const record of records) postsOf.mockResolvedValueOnce(record);
  postsOf.mockResolvedValue(records[records.length - 1] ?? []);
  const readExecution = jest.fn();
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const chat = { chat: { update } } as unknown as SlackChat;
  return {
    deps: {
      posts: { postsOf },
      slack: async () => chat,
      loadAuthConfig: async () => CONFIG,
      config: SETTINGS,
      readExecution,
      logger,
      now: () => NOW,
      ...overrides,
    },
    update,
    postsOf,
    readExecution,
    logger,
  };
};

/** The message the post must now show, rebuilt with the buttons the update carried. */
const expectedUpdate = (post: PostedMessage, message: SlackMessage) => {
  const posted = postedButtons(message.blocks, { execution: view, gate: waitingGate });
  if (posted === undefined) throw new Error('the update carries no buttons');
  const expected = tallyMessage(view, waitingGate, TALLY, { ...posted, now: NOW });
  return { channel: post.channelId, ts: post.ts, text: expected.text, blocks: expected.blocks };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('refreshTallyMessages', () => {
  it('replaces each open message with the tally, buttons signed for its channel and a view-only Details link', async () => {
    const { deps, update, postsOf } = fakes([[OPS, DEPLOYS]]);

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(2);

    expect(postsOf.mock.calls).toEqual([[KEY], [KEY]]);
    expect(update).toHaveBeenCalledTimes(2);
    for (const [index, post] of [OPS, DEPLOYS].entries()) {
      const [input] = update.mock.calls[index] as [SlackMessage & { channel: string; ts: string }];
      expect(input).toEqual(expectedUpdate(post, input));
      expect(input.blocks[2]).toEqual({
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '*1 of 2 approvals:* alice@example.com · 1 more needed', verbatim: true },
        ],
      });
      const posted = postedButtons(input.blocks, { execution: view, gate: waitingGate });
      // The buttons: this gate, this action, this workspace and channel; as long as the links (the deadline).
      const place = { teamId: post.teamId, channelId: post.channelId };
      for (const action of ['approve', 'reject'] as const) {
        expect(await verifyButtonValue(CONFIG, posted?.buttons[action] ?? '', place, NOW)).toEqual({
          executionId: EXECUTION_ID,
          runbook: 'Demo-Quorum',
          gate: { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID },
          action,
          teamId: post.teamId,
          channelId: post.channelId,
          issuedAt: new Date('2026-12-01T16:10:00Z'),
          expiresAt: LINKS_EXPIRE,
          tokenId: expect.stringMatching(UUID),
          keyId: 'k1',
        });
      }
      // Details: the Slack channel's link, which only shows (a POST with it is refused).
      const url = new URL(posted?.detailsUrl ?? '');
      expect(`${url.origin}${url.pathname}`).toBe(
        `https://api.example.com/executions/${EXECUTION_ID}/approve`,
      );
      expect(await verifyLinkToken(CONFIG, url.searchParams.get('token') ?? '', NOW)).toEqual({
        executionId: EXECUTION_ID,
        actions: ['approve'],
        approver: `slack:${post.channelId}`,
        channel: 'slack',
        gate: { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID },
        issuedAt: new Date('2026-12-01T16:10:00Z'),
        expiresAt: LINKS_EXPIRE,
        tokenId: expect.stringMatching(UUID),
        keyId: 'k1',
      });
    }
  });

  it('leaves alone a message that is closed, or claimed by a sync that closes it', async () => {
    const { deps, update } = fakes([
      [
        { ...OPS, closed: 'Approved' },
        { ...DEPLOYS, closing: 1796141400 },
      ],
    ]);

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(0);
    expect(update).not.toHaveBeenCalled();
  });

  it.each<[string, GateView]>([
    ['a gate that no longer waits', { ...waitingGate, waiting: false, stepStatus: 'Success' }],
    ['a gate that needs one approval', { ...waitingGate, minRequiredApprovals: 1 }],
  ])('does nothing for %s (slack-sync.ts closes messages)', async (_what, gate) => {
    const { deps, update, postsOf } = fakes([[OPS]]);

    expect(await refreshTallyMessages(deps, { ...REFRESH, gate })).toBe(0);
    expect(postsOf).not.toHaveBeenCalled();
    expect(update).not.toHaveBeenCalled();
  });

  it('does nothing without a bot token', async () => {
    const { deps, update, logger } = fakes([[OPS]], { slack: async () => undefined });
    const debug = jest.spyOn(logger, 'debug');

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(0);
    expect(update).not.toHaveBeenCalled();
    expect(debug.mock.calls).toEqual([
      ['Slack messages not refreshed: the secret has no Slack bot token', KEY],
    ]);
  });

  it('does not refresh when the gate times out in less than a minute (its buttons would be dead)', async () => {
    const { deps, update } = fakes([[OPS]], { now: () => new Date(DEADLINE.getTime() - 59_000) });

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(0);
    expect(update).not.toHaveBeenCalled();
  });

  it('logs one message’s failure and still refreshes the others', async () => {
    const failure = new Error('an error occurred: ratelimited');
    const update = jest.fn().mockRejectedValueOnce(failure).mockResolvedValue({ ok: true });
    const { deps, logger } = fakes([[OPS, DEPLOYS]], {}, update);
    const error = jest.spyOn(logger, 'error');

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(1);
    expect(update.mock.calls.map(([input]) => input.channel)).toEqual([OPS.channelId, DEPLOYS.channelId]);
    expect(error.mock.calls).toEqual([
      [
        'Slack message not refreshed with the tally',
        { ...KEY, gate: 'ApproveStaging', channelId: OPS.channelId, ts: OPS.ts, error: failure },
      ],
    ]);
  });

  it('closes a message again when its gate closed while it was refreshed', async () => {
    const closedGate: GateView = {
      ...waitingGate,
      waiting: false,
      stepStatus: 'Success',
      outcome: {
        result: 'Approved',
        stepStatus: 'Success',
        endedAt: new Date('2026-12-01T16:10:01Z'),
        decisions: [
          {
            approver: SIGNAL_ROLE,
            decision: 'Approve',
            comment: 'Approved via e-mail link by alice@example.com',
            at: new Date('2026-12-01T16:09:00Z'),
          },
        ],
      },
    };
    const closedView: ExecutionView = { ...view, status: 'Success', finished: true, gates: [closedGate] };
    // Read before the update: open; after it: a sync has closed it meanwhile.
    const { deps, update, readExecution } = fakes([[OPS], [{ ...OPS, closed: 'Approved' }]]);
    readExecution.mockResolvedValue(closedView);

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(1);

    expect(readExecution.mock.calls).toEqual([[EXECUTION_ID]]);
    const closed = closedGateMessage(closedView, closedGate, SIGNAL_ROLE);
    expect(update.mock.calls[1]).toEqual([
      { channel: OPS.channelId, ts: OPS.ts, text: closed.text, blocks: closed.blocks },
    ]);
    expect(update).toHaveBeenCalledTimes(2);
  });

  it('leaves a refreshed message as it is when the record shows a close but SSM still shows the gate waiting', async () => {
    const { deps, update, readExecution } = fakes([[OPS], [{ ...OPS, closing: 1796141400 }]]);
    readExecution.mockResolvedValue(view);

    expect(await refreshTallyMessages(deps, REFRESH)).toBe(1);
    expect(update).toHaveBeenCalledTimes(1);
  });
});

describe('refreshBestEffort', () => {
  it('logs a failure and never throws: the decision’s answer does not depend on Slack', async () => {
    const failure = new Error('ResourceNotFoundException');
    const error = jest.fn();

    await refreshBestEffort(jest.fn().mockRejectedValue(failure), REFRESH, { error });

    expect(error.mock.calls).toEqual([
      [
        'Slack messages not refreshed with the tally',
        { executionId: EXECUTION_ID, stepExecutionId: STAGING_ID, error: failure },
      ],
    ]);
  });
});

describe('tallyRefreshFromEnvironment', () => {
  it('skips without a state table or notifier settings, before asking Slack for anything', async () => {
    const slack = jest.fn();
    const refresh = tallyRefreshFromEnvironment({} as never, { slack }, {});

    expect(await refresh(REFRESH)).toBe(0);
    expect(
      await tallyRefreshFromEnvironment({} as never, { slack }, { [STATE_TABLE_ENV]: 't' })(REFRESH),
    ).toBe(0);
    expect(slack).not.toHaveBeenCalled();
  });
});

describe('claimStoreFromEnvironment (the confirmation page’s seat claims)', () => {
  const { mockClient } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
  const { DynamoDBDocumentClient, GetCommand } =
    require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb');
  const { claimStoreFromEnvironment } =
    require('../../lambda/quorum/environment') as typeof import('../../lambda/quorum/environment');

  it('is none without STATE_TABLE_NAME: the page then shows SSM’s record alone', () => {
    expect(claimStoreFromEnvironment({})).toBeUndefined();
  });

  it('reads the gate’s claims from the named table, strongly consistent', async () => {
    const documents = mockClient(DynamoDBDocumentClient);
    documents.on(GetCommand).resolves({
      Item: {
        id: `quorum#${EXECUTION_ID}#${STAGING_ID}`,
        [`seat#${SIGNAL_ROLE}`]: {
          person: 'link:alice@example.com',
          name: 'alice@example.com',
          state: 'sent',
          at: '2026-12-01T16:02:00.000Z',
        },
      },
    });
    const store = claimStoreFromEnvironment({ [STATE_TABLE_ENV]: 'webhook-state' });

    expect(await store?.claimsOf(KEY)).toEqual([
      {
        seat: SIGNAL_ROLE,
        person: 'link:alice@example.com',
        name: 'alice@example.com',
        state: 'sent',
        at: new Date('2026-12-01T16:02:00Z'),
      },
    ]);
    expect(documents.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: 'webhook-state',
        Key: { id: `quorum#${EXECUTION_ID}#${STAGING_ID}` },
        ConsistentRead: true,
      },
    ]);
    documents.restore();
  });
});
