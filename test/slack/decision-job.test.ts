/**
 * The asynchronous side of a Slack decision against the SSM simulator (the SDK signs as the signal role,
 * AKIALOCALWEBHOOKSIGN) and the local Slack stand-in: what SSM records, what the message becomes, and
 * what the clicker alone is told when nothing was sent.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  SSMClient,
  SSMServiceException,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeJwt } from 'jose';
import { logger } from '../../lambda/core/logger';
import { readExecution } from '../../lambda/core/ssm-requests';
import { type ExecutionView, waitingGates } from '../../lambda/gate/execution-view';
import { slackDate } from '../../lambda/notify/channels/slack-message';
import type { GateNotification } from '../../lambda/notify/notification';
import { dynamoSlackPostStore } from '../../lambda/notify/slack-posts';
import { type ClaimStore, dynamoClaimStore } from '../../lambda/quorum/claims';
import { refreshTallyMessages, type TallyRefresh } from '../../lambda/quorum/refresh-messages';
import { verifyButtonValue } from '../../lambda/slack/button-token';
import { decidedByClicker, runDecisionJob, type SlackDecisionJob } from '../../lambda/slack/decision-job';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';
import { LOCAL_SEAT_2_ARN } from '../../local/simulator/principals';
import { currentVersion, type LocalSlack, type RecordedMessage } from '../../local/slack/server';
import type { JsonObject } from '../../local/slack/workspace';
import { webClient } from '../slack-local/support';
import { context } from '../support/events';
import { AUTH_CONFIG } from '../support/secrets';
import { ALICE, BOB, BOT_TOKEN, OPS, postGateMessage, startWorkspace, TEAM } from './interaction-support';

/** How the simulator records the signal role's session as the approver. */
const SIGNAL_SESSION = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';

const NOW = new Date('2026-12-01T16:04:00Z');

let simulator: Simulator;
let slack: LocalSlack;
let operator: SSMClient;
let signal: SSMClient;
let signalOnce: SSMClient;
let seat2Once: SSMClient;
let dynamo: LocalDynamo;
let dynamoClient: DynamoDBClient;
let claims: ClaimStore;

/** Approver seats 1 (the signal role) and 2, as Demo-Quorum lists them. */
const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';

const ssmClient = (accessKeyId: string, maxAttempts = 3) =>
  new SSMClient({
    endpoint: simulator.url,
    region: 'us-east-1',
    credentials: {
      accessKeyId,
      secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey as string,
    },
    maxAttempts,
  });

beforeAll(async () => {
  simulator = await startSimulator({ onInternalError: () => undefined });
  slack = await startWorkspace();
  dynamo = await startLocalDynamo();
  dynamoClient = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: LOCAL_DYNAMO_CREDENTIALS,
  });
  claims = dynamoClaimStore(dynamoClient, dynamo.tableName);
  seat2Once = ssmClient('AKIALOCALWEBHOOKSEAT2', 1);
  operator = ssmClient('AKIALOCALOPERATOR001');
  signal = ssmClient('AKIALOCALWEBHOOKSIGN');
  signalOnce = ssmClient('AKIALOCALWEBHOOKSIGN', 1);
});
afterAll(async () => {
  for (const client of [operator, signal, signalOnce, seat2Once, dynamoClient]) client.destroy();
  await Promise.all([simulator.close(), slack.close(), dynamo.close()]);
});

/** A Demo-ApproveChange run waiting at ApproveChange, and its gate message posted in #ops. */
const waitingRun = async (runbook = 'Demo-ApproveChange') => {
  const started = await operator.send(new StartAutomationExecutionCommand({ DocumentName: runbook }));
  const executionId = started.AutomationExecutionId as string;
  const view = await readExecution(operator, executionId);
  const gate = waitingGates(view)[0];
  if (!gate) throw new Error('the run does not wait');
  const notification: GateNotification = { execution: view, gate };
  const { message, values } = await postGateMessage(slack, notification);
  return { executionId, gate, message, values, runbook };
};

const jobOf = (
  run: Awaited<ReturnType<typeof waitingRun>>,
  action: 'approve' | 'reject',
  extra: Partial<SlackDecisionJob> = {},
): SlackDecisionJob => {
  const claims = decodeJwt(run.values[action]);
  return {
    kind: 'slack-decision',
    executionId: run.executionId,
    gate: { stepName: run.gate.stepName, stepExecutionId: run.gate.stepExecutionId },
    action,
    runbook: run.runbook,
    user: { id: ALICE.id, name: 'alice' },
    teamId: TEAM.id,
    channelId: OPS.id,
    messageTs: run.message.ts,
    tokenId: claims.jti as string,
    keyId: 'k1',
    sourceIp: '192.0.2.10',
    userAgent: 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...extra,
  };
};

const syncMessages = jest.fn<Promise<number>, [ExecutionView]>();
const deps = () => ({
  client: signal,
  mutationClient: signalOnce,
  slack: async () => webClient(slack.apiUrl, BOT_TOKEN),
  syncMessages,
  logger,
  now: () => NOW,
  quorum: () => ({
    seats: [SEAT_1, SEAT_2],
    seatClients: (seat: string) => (seat === SEAT_1 ? signalOnce : seat2Once),
    claims,
  }),
});

beforeEach(() => {
  syncMessages.mockReset();
  syncMessages.mockResolvedValue(0);
});

/** The decisions SSM recorded at the gate. */
const decisions = async (executionId: string, stepExecutionId: string) =>
  (await readExecution(operator, executionId)).gates.find((g) => g.stepExecutionId === stepExecutionId)
    ?.outcome?.decisions ?? [];

const ephemeralSince = (count: number) =>
  slack
    .messages()
    .slice(count)
    .filter((m) => m.ephemeral)
    .map((m) => ({ channel: m.channel, user: m.ephemeral?.user, text: m.text }));

describe('an approver’s Approve', () => {
  it('is recorded by SSM with who approved, and the clicked message shows it at once', async () => {
    const run = await waitingRun();
    const report = await runDecisionJob(deps(), jobOf(run, 'approve'), context());

    expect(report).toEqual({ outcome: 'sent', messageUpdated: true });
    expect(await decisions(run.executionId, run.gate.stepExecutionId)).toEqual([
      {
        approver: SIGNAL_SESSION,
        decision: 'Approve',
        comment: 'Approved via Slack by alice (U0LOCALALICE)',
        at: expect.any(Date),
      },
    ]);
    const updated = slack.messages().find((m) => m.ts === run.message.ts);
    expect(updated?.updates).toHaveLength(1);
    const { text, blocks } = currentVersion(updated as NonNullable<typeof updated>);
    expect(text).toBe('Approved by alice: Demo-ApproveChange – ApproveChange');
    expect(blocks.at(-1)).toEqual({
      type: 'section',
      block_id: expect.any(String),
      text: {
        type: 'mrkdwn',
        text: `:white_check_mark: *Approved* by <@U0LOCALALICE> at ${slackDate(NOW)}`,
        verbatim: true,
      },
    });
    expect(blocks.some((block) => block.type === 'actions')).toBe(false);
    // The notifier's sync was asked too, with what SSM shows now.
    expect(syncMessages).toHaveBeenCalledTimes(1);
    expect(
      syncMessages.mock.calls[0]?.[0].gates.find((g) => g.stepName === 'ApproveChange')?.outcome?.result,
    ).toBe('Approved');
  });

  it('leaves the message to the sync when the sync updated it from SSM’s record', async () => {
    const run = await waitingRun();
    syncMessages.mockResolvedValue(1);
    const report = await runDecisionJob(deps(), jobOf(run, 'approve'), context());

    expect(report).toEqual({ outcome: 'sent', messageUpdated: false });
    expect(slack.messages().find((m) => m.ts === run.message.ts)?.updates).toEqual([]);
  });

  it('sends a Reject with the reason', async () => {
    const run = await waitingRun();
    const report = await runDecisionJob(
      deps(),
      jobOf(run, 'reject', { comment: 'not in the freeze window' }),
      context(),
    );

    expect(report).toEqual({ outcome: 'sent', messageUpdated: true });
    expect(await decisions(run.executionId, run.gate.stepExecutionId)).toEqual([
      {
        approver: SIGNAL_SESSION,
        decision: 'Reject',
        comment: 'Rejected via Slack by alice (U0LOCALALICE): not in the freeze window',
        at: expect.any(Date),
      },
    ]);
    const updated = slack.messages().find((m) => m.ts === run.message.ts);
    expect(currentVersion(updated as NonNullable<typeof updated>).blocks.at(-1)).toMatchObject({
      text: { text: `:x: *Rejected* by <@U0LOCALALICE> at ${slackDate(NOW)} — not in the freeze window` },
    });
  });
});

describe('a click that changes nothing', () => {
  it('on a gate already decided: tells the clicker "already decided" and sends nothing', async () => {
    const run = await waitingRun();
    await signal.send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: run.executionId,
        SignalType: 'Approve',
        Payload: { Comment: ['Approved via API token by jira'] },
      }),
    );
    const before = slack.messages().length;

    const approve = await runDecisionJob(deps(), jobOf(run, 'approve'), context());
    const reject = await runDecisionJob(deps(), jobOf(run, 'reject', { comment: 'no' }), context());

    expect(approve).toEqual({ outcome: 'already', told: 'already-decided', messageUpdated: false });
    expect(reject).toEqual({ outcome: 'refused', told: 'already-decided', messageUpdated: false });
    expect(await decisions(run.executionId, run.gate.stepExecutionId)).toEqual([
      {
        approver: SIGNAL_SESSION,
        decision: 'Approve',
        comment: 'Approved via API token by jira',
        at: expect.any(Date),
      },
    ]);
    const told = {
      channel: OPS.id,
      user: ALICE.id,
      text: 'This approval step has already been decided, so nothing was changed.',
    };
    expect(ephemeralSince(before)).toEqual([told, told]);
    expect(slack.messages().find((m) => m.ts === run.message.ts)?.updates).toEqual([]);
  });

  it('on a run that was stopped: "the runbook has finished"', async () => {
    const run = await waitingRun();
    await operator.send(new StopAutomationExecutionCommand({ AutomationExecutionId: run.executionId }));
    const before = slack.messages().length;

    const report = await runDecisionJob(deps(), jobOf(run, 'approve'), context());

    expect(report).toEqual({ outcome: 'refused', told: 'run-finished', messageUpdated: false });
    expect(ephemeralSince(before)).toEqual([
      { channel: OPS.id, user: ALICE.id, text: 'The runbook has finished, so nothing was changed.' },
    ]);
    expect(await decisions(run.executionId, run.gate.stepExecutionId)).toEqual([]);
  });

  it('with a job whose runbook is not the execution’s: refused, nothing sent', async () => {
    const run = await waitingRun();
    const before = slack.messages().length;

    const report = await runDecisionJob(
      deps(),
      jobOf(run, 'approve', { runbook: 'Other-Runbook' }),
      context(),
    );

    expect(report).toEqual({ outcome: 'refused', told: 'invalid-button', messageUpdated: false });
    expect(ephemeralSince(before)).toEqual([
      { channel: OPS.id, user: ALICE.id, text: 'This button is not valid, so nothing was changed.' },
    ]);
    expect((await readExecution(operator, run.executionId)).status).toBe('Waiting');
  });

  it.each([
    [
      'SSM cannot be reached',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ],
    [
      'SSM throttles',
      new SSMServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    ],
  ])('when %s: "could not be reached", and no error escapes', async (_, failure) => {
    const run = await waitingRun();
    // The SDK in jest's sandbox loses a socket error's code, so the failure is given as Node reports it.
    const down = new SSMClient({ region: 'us-east-1' });
    mockClient(down).rejects(failure);
    const before = slack.messages().length;

    const report = await runDecisionJob(
      { ...deps(), client: down, mutationClient: down },
      jobOf(run, 'approve'),
      context(),
    );

    expect(report).toEqual({ outcome: 'refused', told: 'ssm-unavailable', messageUpdated: false });
    expect(ephemeralSince(before)).toEqual([
      {
        channel: OPS.id,
        user: ALICE.id,
        text: 'Systems Manager could not be reached, so nothing was changed. Please try again in a minute.',
      },
    ]);
    expect((await readExecution(operator, run.executionId)).status).toBe('Waiting');
  });
});

describe('a gate that needs two approvals (Demo-Quorum)', () => {
  const posts = () => dynamoSlackPostStore(dynamoClient, dynamo.tableName);
  /** The refresh as the function makes it, with the local Slack and the post records in dynalite. */
  const refreshMessages = (refresh: TallyRefresh) =>
    refreshTallyMessages(
      {
        posts: posts(),
        slack: async () => webClient(slack.apiUrl, BOT_TOKEN),
        loadAuthConfig: async () => AUTH_CONFIG,
        config: { apiUrl: 'https://webhook.example', maxLinkTtlSeconds: 3600, signalRoleArn: SEAT_1 },
        readExecution: (executionId) => readExecution(operator, executionId),
        logger,
        now: () => NOW,
      },
      refresh,
    );

  it('an approval through seat 1 keeps the buttons, shows the tally in the message and tells the clicker; a second click changes nothing; a second person approves it through seat 2', async () => {
    const run = await waitingRun('Demo-Quorum');
    const key = { executionId: run.executionId, stepExecutionId: run.gate.stepExecutionId };
    await posts().record(
      key,
      { channelId: OPS.id, ts: run.message.ts, teamId: TEAM.id },
      new Date(Date.now() + 86_400_000),
    );
    const before = slack.messages().length;

    const first = await runDecisionJob({ ...deps(), refreshMessages }, jobOf(run, 'approve'), context());
    const again = await runDecisionJob({ ...deps(), refreshMessages }, jobOf(run, 'approve'), context());

    expect(first).toEqual({ outcome: 'sent', told: 'approval-recorded', messageUpdated: false });
    expect(again).toEqual({ outcome: 'already', told: 'already-approved', messageUpdated: false });
    expect(ephemeralSince(before)).toEqual([
      {
        channel: OPS.id,
        user: ALICE.id,
        text: 'Approval recorded: *1 of 2 approvals:* <@U0LOCALALICE> · 1 more needed. The runbook continues once the last approval is in.',
      },
      {
        channel: OPS.id,
        user: ALICE.id,
        text: "Already approved by you: *1 of 2 approvals:* <@U0LOCALALICE> · 1 more needed. Nothing more was sent: one person's approval counts once.",
      },
    ]);
    // The message now shows the tally, and still its buttons, signed anew for this workspace and channel.
    const posted = slack.messages().find((m) => m.ts === run.message.ts) as RecordedMessage;
    expect(posted.updates).toHaveLength(1);
    const { blocks } = currentVersion(posted);
    expect(blocks.find((block) => block.type === 'context')).toEqual({
      type: 'context',
      block_id: expect.any(String),
      elements: [
        { type: 'mrkdwn', text: '*1 of 2 approvals:* <@U0LOCALALICE> · 1 more needed', verbatim: true },
      ],
    });
    const actions = blocks.find((block) => block.type === 'actions') as JsonObject;
    expect((actions.elements as JsonObject[]).map((element) => element.action_id)).toEqual([
      'approve',
      'reject',
      'details',
    ]);
    const approveValue = String((actions.elements as JsonObject[])[0]?.value);
    expect(approveValue).not.toBe(run.values.approve);
    expect(
      await verifyButtonValue(AUTH_CONFIG, approveValue, { teamId: TEAM.id, channelId: OPS.id }, NOW),
    ).toEqual(
      expect.objectContaining({ executionId: run.executionId, action: 'approve', channelId: OPS.id }),
    );

    const second = await runDecisionJob(
      { ...deps(), refreshMessages },
      jobOf(run, 'approve', { user: { id: BOB.id, name: 'bob' } }),
      context(),
    );

    expect(second).toEqual({ outcome: 'sent', messageUpdated: true });
    expect(await decisions(run.executionId, run.gate.stepExecutionId)).toEqual([
      {
        approver: SIGNAL_SESSION,
        decision: 'Approve',
        comment: 'Approved via Slack by alice (U0LOCALALICE)',
        at: expect.any(Date),
      },
      {
        approver: LOCAL_SEAT_2_ARN,
        decision: 'Approve',
        comment: 'Approved via Slack by bob (U0LOCALBOB)',
        at: expect.any(Date),
      },
    ]);
  });

  it('a failed refresh is logged and changes nothing of the answer', async () => {
    const run = await waitingRun('Demo-Quorum');
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const failure = new Error('ResourceNotFoundException');

    const report = await runDecisionJob(
      { ...deps(), refreshMessages: jest.fn().mockRejectedValue(failure) },
      jobOf(run, 'approve'),
      context(),
    );

    expect(report).toEqual({ outcome: 'sent', told: 'approval-recorded', messageUpdated: false });
    expect(error.mock.calls).toEqual([
      [
        'Slack messages not refreshed with the tally',
        { executionId: run.executionId, stepExecutionId: run.gate.stepExecutionId, error: failure },
      ],
    ]);
    error.mockRestore();
  });
});

describe('security review: what a job may say and undo', () => {
  it('a duplicated hand-off that finds the gate decided by the same Slack user says nothing', async () => {
    const run = await waitingRun();
    const job = jobOf(run, 'approve');
    await runDecisionJob(deps(), job, context());
    const before = slack.messages().length;
    const updatesBefore = (slack.messages().find((m) => m.ts === run.message.ts) as RecordedMessage).updates
      .length;

    const duplicate = await runDecisionJob(deps(), job, context());

    expect(duplicate).toEqual({ outcome: 'already', messageUpdated: false });
    expect(ephemeralSince(before)).toEqual([]);
    expect((slack.messages().find((m) => m.ts === run.message.ts) as RecordedMessage).updates).toHaveLength(
      updatesBefore,
    );
  });

  it('another Slack user clicking the gate someone decided is still told "already decided"', async () => {
    const run = await waitingRun();
    await runDecisionJob(deps(), jobOf(run, 'approve'), context());
    const before = slack.messages().length;

    const report = await runDecisionJob(
      deps(),
      jobOf(run, 'approve', { user: { id: BOB.id, name: 'bob' } }),
      context(),
    );

    expect(report).toEqual({ outcome: 'already', told: 'already-decided', messageUpdated: false });
    expect(ephemeralSince(before)).toEqual([
      {
        channel: OPS.id,
        user: BOB.id,
        text: 'This approval step has already been decided, so nothing was changed.',
      },
    ]);
  });

  /** The signal role's reading client, whose reads after the first one fail or repeat the first. */
  const readsAfterFirst = (then: 'fail' | 'repeat'): SSMClient => {
    const client = ssmClient('AKIALOCALWEBHOOKSIGN');
    const send = client.send.bind(client);
    let first: unknown;
    client.send = (async (command: object, options: never) => {
      if (!(command instanceof GetAutomationExecutionCommand)) return send(command as never, options);
      if (first === undefined) {
        first = await send(command, options);
        return first;
      }
      if (then === 'fail') throw new Error('connect ETIMEDOUT');
      return first;
    }) as typeof client.send;
    return client;
  };

  it.each([
    ['cannot be read after the approval', 'fail' as const],
    ['still shows the gate waiting after the approval', 'repeat' as const],
  ])('an approval whose gate %s leaves the buttons: it may be one of several', async (_, then) => {
    const run = await waitingRun();
    const client = readsAfterFirst(then);

    const report = await runDecisionJob({ ...deps(), client }, jobOf(run, 'approve'), context());

    expect(report).toEqual({ outcome: 'sent', messageUpdated: false });
    expect(slack.messages().find((m) => m.ts === run.message.ts)?.updates).toEqual([]);
    expect((await decisions(run.executionId, run.gate.stepExecutionId)).map((d) => d.decision)).toEqual([
      'Approve',
    ]);
    client.destroy();
  });

  it('a rejection whose gate cannot be read afterwards still shows at once (a reject always closes the gate)', async () => {
    const run = await waitingRun();
    const client = readsAfterFirst('fail');

    const report = await runDecisionJob({ ...deps(), client }, jobOf(run, 'reject'), context());

    expect(report).toEqual({ outcome: 'sent', messageUpdated: true });
    client.destroy();
  });
});

describe('decidedByClicker', () => {
  const gateWith = (decision: { approver?: string; decision: string; comment?: string }) => ({
    kind: 'already' as const,
    gate: {
      stepName: 'ApproveChange',
      stepExecutionId: 'step-1',
      stepStatus: 'Success',
      waiting: false,
      approvers: [SEAT_1],
      minRequiredApprovals: 1,
      timeoutSeconds: 3600,
      outcome: { result: 'Approved' as const, stepStatus: 'Success', decisions: [decision] },
    },
  });
  const alice = { action: 'approve' as const, user: { id: ALICE.id, name: 'alice' } };
  const BY_ALICE = `Approved via Slack by alice (${ALICE.id})`;

  it.each<[string, Parameters<typeof gateWith>[0], typeof alice, readonly string[], boolean]>([
    [
      'her own Slack approval through seat 1',
      { approver: SIGNAL_SESSION, decision: 'Approve', comment: BY_ALICE },
      alice,
      [SEAT_1, SEAT_2],
      true,
    ],
    [
      'her own Slack approval through seat 2',
      { approver: LOCAL_SEAT_2_ARN, decision: 'Approve', comment: BY_ALICE },
      alice,
      [SEAT_1, SEAT_2],
      true,
    ],
    [
      'another user’s approval',
      { approver: SIGNAL_SESSION, decision: 'Approve', comment: 'Approved via Slack by bob (U0LOCALBOB)' },
      alice,
      [SEAT_1],
      false,
    ],
    [
      'her e-mail link’s approval',
      {
        approver: SIGNAL_SESSION,
        decision: 'Approve',
        comment: 'Approved via e-mail link by alice@example.com',
      },
      alice,
      [SEAT_1],
      false,
    ],
    [
      'her words typed by someone outside the webhook',
      { approver: 'arn:aws:iam::123456789012:user/mallory', decision: 'Approve', comment: BY_ALICE },
      alice,
      [SEAT_1],
      false,
    ],
    [
      'her approval, when no seats are configured to believe it by',
      { approver: SIGNAL_SESSION, decision: 'Approve', comment: BY_ALICE },
      alice,
      [],
      false,
    ],
    [
      'her approval, for her Reject',
      { approver: SIGNAL_SESSION, decision: 'Approve', comment: BY_ALICE },
      { ...alice, action: 'reject' as never },
      [SEAT_1],
      false,
    ],
  ])('%s', (_what, decision, job, seats, expected) => {
    expect(decidedByClicker(gateWith(decision), job, seats)).toBe(expected);
  });
});
