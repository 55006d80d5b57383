/**
 * Posted Slack messages stay true: the closed message built from SSM's record alone, and the sync that
 * updates each open message once, also when several syncs run at once (local Slack Web API, records in
 * dynalite).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { StepExecution } from '@aws-sdk/client-ssm';
import type { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { ConfigurationError } from '../../lambda/core/errors';
import { type ExecutionView, executionView, type GateView } from '../../lambda/gate/execution-view';
import { slackChannel } from '../../lambda/notify/channels/slack';
import { slackDate } from '../../lambda/notify/channels/slack-message';
import { dynamoSlackPostStore, type SlackPostStore } from '../../lambda/notify/slack-posts';
import {
  closedGateMessage,
  type SlackSyncDependencies,
  syncSlackMessages,
} from '../../lambda/notify/slack-sync';
import { createSlackClient, SLACK_API_URL_ENV } from '../../lambda/slack/web-client';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import type { LocalSlack } from '../../local/slack/server';
import { withGeneratedIds } from '../../local/slack/workspace';
import { authConfig, rejectionOf } from '../auth/fixtures';
import {
  approved,
  approveStep,
  EXECUTION_ID,
  execution,
  PRODUCTION_ID,
  SIGNAL_ROLE,
  STAGING_ID,
} from '../gate/fixtures';
import { BOT_TOKEN, OPS, startSlack, TEAM } from '../slack-local/support';

const DEPLOYS = 'C0DEPLOYS';
const ENDED = new Date('2026-12-01T16:04:00Z');
const ENDED_TOKEN = slackDate(ENDED);

const decided = (decision: 'Approve' | 'Reject', comment: string): StepExecution =>
  approveStep('ApproveStaging', STAGING_ID, 'Success', {
    ExecutionEndTime: ENDED,
    Outputs: {
      ApprovalStatus: [decision === 'Approve' ? 'Approved' : 'Rejected'],
      ApproverDecisions: [
        JSON.stringify({
          Approver: SIGNAL_ROLE,
          Decision: decision,
          Comment: comment,
          ApprovalDecisionTime: ENDED.toISOString(),
        }),
      ],
    },
  });

const ended = (status: string): StepExecution =>
  approveStep('ApproveStaging', STAGING_ID, status, { ExecutionEndTime: ENDED });

const viewOf = (status: string, step: StepExecution, extra = {}): ExecutionView =>
  executionView(execution(status, [step], extra));
const gateOf = (view: ExecutionView): GateView => view.gates[0] as GateView;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
/** The whole closed message: the gate's context without the timeout and the buttons, then what happened. */
const closedMessage = (text: string, outcome: string) => ({
  text,
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: 'Demo-TwoGates – ApproveStaging' } },
    { type: 'section', text: mrkdwn('*Message from the runbook*\n> Approve ApproveStaging?\n> Second line') },
    {
      type: 'section',
      fields: [
        mrkdwn('*Runbook*\nDemo-TwoGates (version 1)'),
        mrkdwn('*Approval step*\nApproveStaging'),
        mrkdwn('*Started by*\nlocal-operator (IAM user, account 123456789012)'),
        mrkdwn(`*Execution*\n${EXECUTION_ID}`),
      ],
    },
    { type: 'context', elements: [mrkdwn('*Version:* 1.2.3')] },
    { type: 'section', text: mrkdwn(outcome) },
  ],
});

describe('closedGateMessage', () => {
  it('mentions the Slack user who decided in Slack, with their comment', () => {
    const view = viewOf('InProgress', decided('Approve', 'Approved via Slack by alice (U0ALICE01): ship it'));
    expect(closedGateMessage(view, gateOf(view), SIGNAL_ROLE)).toEqual(
      closedMessage(
        'Approved by alice: Demo-TwoGates – ApproveStaging',
        `:white_check_mark: *Approved* by <@U0ALICE01> at ${ENDED_TOKEN} — ship it`,
      ),
    );
  });

  it('says through which channel and by whom a decision from elsewhere was made', () => {
    const view = viewOf(
      'Failed',
      decided('Reject', 'Rejected via e-mail link by alice@example.com: not during the freeze'),
    );
    expect(closedGateMessage(view, gateOf(view), SIGNAL_ROLE)).toEqual(
      closedMessage(
        'Rejected by alice@example.com: Demo-TwoGates – ApproveStaging',
        `:x: *Rejected* via e-mail link by alice@example.com at ${ENDED_TOKEN} — not during the freeze`,
      ),
    );
  });

  it('says the step timed out when nobody decided', () => {
    const view = viewOf('TimedOut', ended('TimedOut'));
    expect(closedGateMessage(view, gateOf(view), SIGNAL_ROLE)).toEqual(
      closedMessage(
        'Timed out: Demo-TwoGates – ApproveStaging',
        `:hourglass: *Timed out* at ${ENDED_TOKEN}\nNobody decided before the approval step timed out.`,
      ),
    );
  });

  it('says the run was stopped, also when SSM still shows the gate waiting in a cancelled run', () => {
    const expected = closedMessage(
      'Cancelled: Demo-TwoGates – ApproveStaging',
      `:no_entry_sign: *Cancelled* at ${ENDED_TOKEN}\nThe execution was stopped before this step was decided.`,
    );
    const cancelled = viewOf('Cancelled', ended('Cancelled'));
    expect(closedGateMessage(cancelled, gateOf(cancelled), SIGNAL_ROLE)).toEqual(expected);
    const stillWaiting = viewOf('Cancelled', approveStep('ApproveStaging', STAGING_ID, 'Waiting'), {
      ExecutionEndTime: ENDED,
    });
    expect(closedGateMessage(stillWaiting, gateOf(stillWaiting), SIGNAL_ROLE)).toEqual(expected);
  });

  it('shows a comment the webhook did not write (a console decision) as the comment, naming nobody', () => {
    const view = viewOf(
      'Success',
      decided('Approve', 'Approved via Slack by mallory: <@U0BOSS001> said so *now*'),
    );
    expect(closedGateMessage(view, gateOf(view), SIGNAL_ROLE)).toEqual(
      closedMessage(
        'Approved: Demo-TwoGates – ApproveStaging',
        `:white_check_mark: *Approved* at ${ENDED_TOKEN} — Approved via Slack by mallory: &lt;@U0BOSS001&gt; said so \u200B*\u200Bnow\u200B*\u200B`,
      ),
    );
  });

  it('believes a recorded comment only when SSM names the signal role (or its session) as the approver', () => {
    const words = 'Approved via Slack by alice (U0ALICE01): fine';
    const by = (approver: string) =>
      viewOf(
        'Success',
        approveStep('ApproveStaging', STAGING_ID, 'Success', {
          ExecutionEndTime: ENDED,
          Outputs: {
            ApprovalStatus: ['Approved'],
            ApproverDecisions: [JSON.stringify({ Approver: approver, Decision: 'Approve', Comment: words })],
          },
        }),
      );
    const outcomeOf = (view: ExecutionView) =>
      closedGateMessage(view, gateOf(view), SIGNAL_ROLE).blocks.at(-1);
    const session = SIGNAL_ROLE.replace(':iam::', ':sts::')
      .replace(':role/', ':assumed-role/')
      .concat('/fn-1');
    expect(outcomeOf(by(session))).toEqual({
      type: 'section',
      text: mrkdwn(`:white_check_mark: *Approved* by <@U0ALICE01> at ${ENDED_TOKEN} — fine`),
    });
    // Someone with console access typed the webhook's words: SSM's record names them, not alice.
    expect(outcomeOf(by('arn:aws:iam::123456789012:user/mallory'))).toEqual({
      type: 'section',
      text: mrkdwn(
        `:white_check_mark: *Approved* via AWS (console, CLI or API) by arn:aws:iam::123456789012:user/mallory at ${ENDED_TOKEN} — Approved via Slack by alice (U0ALICE01): fine`,
      ),
    });
  });

  it('takes the decision that made the result when several approvers decided', () => {
    const view = viewOf(
      'Failed',
      approveStep('ApproveStaging', STAGING_ID, 'Success', {
        ExecutionEndTime: ENDED,
        Outputs: {
          ApprovalStatus: ['Rejected'],
          ApproverDecisions: [
            JSON.stringify({
              Approver: SIGNAL_ROLE,
              Decision: 'Approve',
              Comment: 'Approved via API token by jira',
            }),
            JSON.stringify({
              Approver: SIGNAL_ROLE,
              Decision: 'Reject',
              Comment: 'Rejected via Teams link by teams:cab: risky',
            }),
          ],
        },
      }),
    );
    expect(closedGateMessage(view, gateOf(view), SIGNAL_ROLE).blocks.at(-1)).toEqual({
      type: 'section',
      text: mrkdwn(`:x: *Rejected* via Teams link by teams:cab at ${ENDED_TOKEN} — risky`),
    });
  });
});

describe('closedGateMessage of a gate that needed two people (approver seats)', () => {
  const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
  const SEAT_2_SESSION = 'arn:aws:sts::123456789012:assumed-role/ApproverSeat2/link.bob';
  const quorumView = (result: 'Approved' | 'Rejected', second: object) =>
    viewOf(
      result === 'Approved' ? 'Success' : 'Failed',
      approveStep('ApproveStaging', STAGING_ID, 'Success', {
        ExecutionEndTime: ENDED,
        Inputs: { Approvers: JSON.stringify([SIGNAL_ROLE, SEAT_2]), MinRequiredApprovals: '2' },
        Outputs: {
          ApprovalStatus: [result],
          ApproverDecisions: [
            JSON.stringify({
              Approver: SIGNAL_ROLE,
              Decision: 'Approve',
              Comment: 'Approved via Slack by alice (U0ALICE01)',
              ApprovalDecisionTime: '2026-12-01T16:02:00.000Z',
            }),
            JSON.stringify({ ApprovalDecisionTime: ENDED.toISOString(), ...second }),
          ],
        },
      }),
    );

  it('believes the comment of a decision made as a seat, and shows the approvals above the outcome', () => {
    const view = quorumView('Rejected', {
      Approver: SEAT_2_SESSION,
      Decision: 'Reject',
      Comment: 'Rejected via e-mail link by bob@example.com: not now',
    });

    const message = closedGateMessage(view, gateOf(view), SIGNAL_ROLE, [SIGNAL_ROLE, SEAT_2]);

    expect(message.blocks.slice(2)).toEqual([
      { type: 'context', elements: [mrkdwn('*1 of 2 approvals:* <@U0ALICE01> · 1 more needed')] },
      { type: 'context', elements: [mrkdwn('*Version:* 1.2.3')] },
      {
        type: 'section',
        text: mrkdwn(`:x: *Rejected* via e-mail link by bob@example.com at ${ENDED_TOKEN} — not now`),
      },
    ]);
    // Without the seats, seat 2 is a principal like any other: named by its ARN, its words only quoted.
    expect(closedGateMessage(view, gateOf(view), SIGNAL_ROLE).blocks.at(-1)).toEqual({
      type: 'section',
      text: mrkdwn(
        `:x: *Rejected* via AWS (console, CLI or API) by ${SEAT_2_SESSION} at ${ENDED_TOKEN} — Rejected via e-mail link by bob@example.com: not now`,
      ),
    });
  });

  it('shows both approvals of an approved one', () => {
    const view = quorumView('Approved', {
      Approver: SEAT_2_SESSION,
      Decision: 'Approve',
      Comment: 'Approved via e-mail link by bob@example.com',
    });

    const message = closedGateMessage(view, gateOf(view), SIGNAL_ROLE, [SIGNAL_ROLE, SEAT_2]);

    expect(message.blocks.slice(2)).toEqual([
      { type: 'context', elements: [mrkdwn('*2 of 2 approvals:* <@U0ALICE01>, bob@example.com')] },
      { type: 'context', elements: [mrkdwn('*Version:* 1.2.3')] },
      {
        type: 'section',
        text: mrkdwn(
          `:white_check_mark: *Approved* by <@U0ALICE01> at ${slackDate(new Date('2026-12-01T16:02:00Z'))}`,
        ),
      },
    ]);
  });
});

describe('syncSlackMessages', () => {
  let slack: LocalSlack;
  let dynamo: LocalDynamo;
  let dynamodb: DynamoDBClient;
  let posts: SlackPostStore;
  let client: WebClient;
  let logger: Logger;

  const NOW = new Date('2026-12-01T16:01:00Z');
  const waiting = viewOf('Waiting', approveStep('ApproveStaging', STAGING_ID, 'Waiting'));
  const approvedView = viewOf(
    'InProgress',
    decided('Approve', 'Approved via signed link by alice@example.com'),
  );
  const gate = { executionId: EXECUTION_ID, stepExecutionId: STAGING_ID };

  beforeEach(async () => {
    slack = await startSlack({ now: () => NOW });
    process.env[SLACK_API_URL_ENV] = slack.apiUrl;
    client = createSlackClient(BOT_TOKEN, { retries: 0 });
    dynamo = await startLocalDynamo();
    dynamodb = new DynamoDBClient({
      endpoint: dynamo.url,
      region: 'us-east-1',
      credentials: LOCAL_DYNAMO_CREDENTIALS,
    });
    posts = dynamoSlackPostStore(dynamodb, dynamo.tableName);
    logger = new Logger({ logLevel: 'SILENT' });
    // The gate's message, posted as the notifier posts it, in two channels.
    const channel = slackChannel({
      client: async () => client,
      posts,
      loadAuthConfig: async () => authConfig({}),
    });
    const links = {
      approve: `https://api.example.com/executions/${EXECUTION_ID}/approve?token=t`,
      reject: `https://api.example.com/executions/${EXECUTION_ID}/reject?token=t`,
      stop: `https://api.example.com/executions/${EXECUTION_ID}/stop?token=t`,
      expiresAt: new Date('2026-12-01T17:00:00Z'),
    };
    const notification = { execution: waiting, gate: gateOf(waiting) };
    for (const recipient of [OPS.id, DEPLOYS]) {
      await channel.send({ notification, recipient, links, deliveryId: 'd', now: NOW });
    }
  });
  afterEach(async () => {
    delete process.env[SLACK_API_URL_ENV];
    await slack.close();
    dynamodb.destroy();
    await dynamo.close();
  });

  const deps = (overrides: Partial<SlackSyncDependencies> = {}): SlackSyncDependencies => ({
    posts,
    slack: async () => client,
    logger,
    signalRoleArn: SIGNAL_ROLE,
    now: () => NOW,
    ...overrides,
  });

  /** NOW in whole epoch seconds: the value of a claim this test's syncs make. */
  const CLAIM = 1796140860;
  const secondsBefore = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
  const OPS_TS = '1796140860.000000';
  const DEPLOYS_TS = '1796140860.000001';
  type Post = { closing?: number; closed?: string };
  const post = (channelId: string, ts: string, { closing, closed }: Post) => ({
    M: {
      channelId: { S: channelId },
      ts: { S: ts },
      teamId: { S: TEAM.id },
      ...(closing === undefined ? {} : { closing: { N: String(closing) } }),
      ...(closed === undefined ? {} : { closed: { S: closed } }),
    },
  });
  /** The gate's whole item as DynamoDB holds it, with each channel's claim and result. */
  const itemWith = (ops: Post, deploys: Post) => ({
    id: { S: `slack#${EXECUTION_ID}#${STAGING_ID}` },
    executionId: { S: EXECUTION_ID },
    stepExecutionId: { S: STAGING_ID },
    [`post#${OPS.id}`]: post(OPS.id, OPS_TS, ops),
    [`post#${DEPLOYS}`]: post(DEPLOYS, DEPLOYS_TS, deploys),
    expiration: { N: '1796230800' },
  });
  const item = async () =>
    (
      await dynamodb.send(
        new GetItemCommand({
          TableName: dynamo.tableName,
          Key: { id: { S: `slack#${EXECUTION_ID}#${STAGING_ID}` } },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const updateCounts = () => slack.messages().map((message) => [message.channel, message.updates.length]);

  const updatesOf = (channelId: string) =>
    slack.messages().find((message) => message.channel === channelId)?.updates ?? [];

  it('leaves the messages of a waiting gate alone', async () => {
    const slackClient = jest.fn(async () => client);
    expect(await syncSlackMessages(deps({ slack: slackClient }), waiting)).toBe(0);
    expect(slack.messages().map((message) => message.updates)).toEqual([[], []]);
    expect(slackClient).not.toHaveBeenCalled();
  });

  it('updates each message once when the gate was decided elsewhere, then is a no-op', async () => {
    expect(await syncSlackMessages(deps(), approvedView)).toBe(2);
    const closed = closedGateMessage(approvedView, gateOf(approvedView), SIGNAL_ROLE);
    expect(closed.blocks.at(-1)).toEqual({
      type: 'section',
      text: mrkdwn(`:white_check_mark: *Approved* via signed link by alice@example.com at ${ENDED_TOKEN}`),
    });
    for (const message of slack.messages()) {
      expect(message.updates).toEqual([
        {
          text: closed.text,
          blocks: withGeneratedIds(closed.blocks as never, `${message.ts}:1`),
          at: NOW.toISOString(),
        },
      ]);
    }
    expect(await posts.postsOf(gate)).toEqual([
      { channelId: DEPLOYS, ts: DEPLOYS_TS, teamId: TEAM.id, closed: 'Approved' },
      { channelId: OPS.id, ts: OPS_TS, teamId: TEAM.id, closed: 'Approved' },
    ]);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closed: 'Approved' }));

    // Both recorded messages need nothing more: still 2, so that the Slack function leaves them alone.
    const slackClient = jest.fn(async () => client);
    expect(await syncSlackMessages(deps({ slack: slackClient }), approvedView)).toBe(2);
    expect(slackClient).not.toHaveBeenCalled();
    expect(slack.messages().map((message) => message.updates.length)).toEqual([1, 1]);
  });

  it('closes every gate of a finished run, even one SSM still shows waiting', async () => {
    const stopped = viewOf('Cancelled', approveStep('ApproveStaging', STAGING_ID, 'Waiting'), {
      ExecutionEndTime: ENDED,
    });
    expect(await syncSlackMessages(deps(), stopped)).toBe(2);
    expect(updatesOf(OPS.id).map((update) => update.text)).toEqual([
      'Cancelled: Demo-TwoGates – ApproveStaging',
    ]);
    expect((await posts.postsOf(gate)).map((post) => post.closed)).toEqual(['Cancelled', 'Cancelled']);
  });

  it('marks a message Slack cannot update any more (deleted) closed, with a warning, and updates the others', async () => {
    const deleted = slack.messages().find((message) => message.channel === OPS.id);
    await client.chat.delete({ channel: OPS.id, ts: deleted?.ts ?? '' });
    const warned = jest.spyOn(logger, 'warn');
    expect(await syncSlackMessages(deps(), approvedView)).toBe(2);
    expect(updatesOf(DEPLOYS)).toHaveLength(1);
    expect(warned.mock.calls).toEqual([
      [
        'Slack message left as it is: Slack cannot update it any more',
        {
          ...gate,
          gate: 'ApproveStaging',
          channelId: OPS.id,
          ts: deleted?.ts,
          result: 'Approved',
          slackError: 'message_not_found',
        },
      ],
    ]);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closed: 'Approved' }));
  });

  it('tries every message, then rethrows the first failure; the failed one stays open for the retry', async () => {
    const failure = new Error('socket hang up');
    const update = jest.spyOn(client.chat, 'update').mockRejectedValueOnce(failure);
    const logged = jest.spyOn(logger, 'error');
    expect(await rejectionOf(syncSlackMessages(deps(), approvedView))).toBe(failure);
    expect(update).toHaveBeenCalledTimes(2);
    expect(logged.mock.calls).toEqual([
      [
        'Slack message not updated',
        {
          ...gate,
          gate: 'ApproveStaging',
          channelId: DEPLOYS,
          ts: '1796140860.000001',
          result: 'Approved',
          error: failure,
        },
      ],
    ]);
    // The failed one's claim was given back: the retry (or the next status-change event) updates it at once.
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, {}));
    expect(await syncSlackMessages(deps(), approvedView)).toBe(2);
    expect(updatesOf(DEPLOYS)).toHaveLength(1);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closed: 'Approved' }));
  });

  it('keeps the claim when it cannot be given back, and then fails with the update failure', async () => {
    const failure = new Error('socket hang up');
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
    jest.spyOn(client.chat, 'update').mockRejectedValueOnce(failure);
    jest.spyOn(posts, 'releaseClose').mockRejectedValueOnce(unreachable);
    const logged = jest.spyOn(logger, 'error');
    expect(await rejectionOf(syncSlackMessages(deps(), approvedView))).toBe(failure);
    const where = { ...gate, gate: 'ApproveStaging', channelId: DEPLOYS, ts: DEPLOYS_TS, result: 'Approved' };
    expect(logged.mock.calls).toEqual([
      [
        'Slack message claim not given back: the next sync updates it once the claim is stale',
        { ...where, error: unreachable },
      ],
      ['Slack message not updated', { ...where, error: failure }],
    ]);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closing: CLAIM }));
  });

  it("fails with Slack's error for a token Slack refuses, and without a token names the command that sets one", async () => {
    const refused = createSlackClient('xoxb-revoked', { retries: 0 });
    const error = await rejectionOf(syncSlackMessages(deps({ slack: async () => refused }), approvedView));
    expect((error as WebAPIPlatformError).data.error).toBe('invalid_auth');
    const none = await rejectionOf(syncSlackMessages(deps({ slack: async () => undefined }), approvedView));
    expect(none).toBeInstanceOf(ConfigurationError);
    expect((none as Error).message).toBe(
      'No Slack bot token in the secret (npm run keys -- slack-credentials)',
    );
    expect(slack.messages().map((message) => message.updates)).toEqual([[], []]);
    // Both claims of the refused token given back; without a token, nothing was claimed.
    expect(await item()).toEqual(itemWith({}, {}));
  });

  it('updates each message exactly once when three syncs of the same close run at once', async () => {
    // Each says both messages need nothing more, whichever of them won the claims.
    expect(await Promise.all([1, 2, 3].map(() => syncSlackMessages(deps(), approvedView)))).toEqual([
      2, 2, 2,
    ]);
    expect(updateCounts()).toEqual([
      [OPS.id, 1],
      [DEPLOYS, 1],
    ]);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closed: 'Approved' }));
  });

  it('skips a message another sync claimed moments ago: that sync makes the one update', async () => {
    expect(await posts.claimClose(gate, DEPLOYS, secondsBefore(30))).toBe(true);
    expect(await item()).toEqual(itemWith({}, { closing: CLAIM - 30 }));
    const told = jest.spyOn(logger, 'info');
    expect(await syncSlackMessages(deps(), approvedView)).toBe(2);
    expect(updateCounts()).toEqual([
      [OPS.id, 1],
      [DEPLOYS, 0],
    ]);
    expect(told.mock.calls).toEqual([
      [
        'Slack message left to the sync that claimed it (or closed it meanwhile)',
        { ...gate, gate: 'ApproveStaging', channelId: DEPLOYS, ts: DEPLOYS_TS, result: 'Approved' },
      ],
      [
        'Slack message updated: the gate no longer waits',
        { ...gate, gate: 'ApproveStaging', channelId: OPS.id, ts: OPS_TS, result: 'Approved' },
      ],
    ]);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closing: CLAIM - 30 }));
  });

  it('takes over a claim 61 s old (its sync crashed before updating), and updates the message', async () => {
    // The crashed sync claimed both messages and updated neither; one claim is 60 s old, one 61 s.
    await posts.claimClose(gate, OPS.id, secondsBefore(60));
    await posts.claimClose(gate, DEPLOYS, secondsBefore(61));
    expect(await item()).toEqual(itemWith({ closing: CLAIM - 60 }, { closing: CLAIM - 61 }));
    expect(await syncSlackMessages(deps(), approvedView)).toBe(2);
    expect(updateCounts()).toEqual([
      [OPS.id, 0],
      [DEPLOYS, 1],
    ]);
    expect(await item()).toEqual(itemWith({ closing: CLAIM - 60 }, { closed: 'Approved' }));
    // A second later the other claim is stale too.
    const later = new Date(NOW.getTime() + 1000);
    expect(await syncSlackMessages(deps({ now: () => later }), approvedView)).toBe(2);
    expect(updateCounts()).toEqual([
      [OPS.id, 1],
      [DEPLOYS, 1],
    ]);
    expect(await item()).toEqual(itemWith({ closed: 'Approved' }, { closed: 'Approved' }));
  });

  it('does not touch the messages of another gate of the run', async () => {
    const secondGate = viewOf('InProgress', approved('ApproveProduction', PRODUCTION_ID, 'ok'));
    expect(await syncSlackMessages(deps(), secondGate)).toBe(0);
    expect(slack.messages().map((message) => message.updates)).toEqual([[], []]);
  });
});
