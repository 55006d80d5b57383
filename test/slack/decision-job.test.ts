/**
 * The asynchronous side of a Slack decision against the SSM simulator (the SDK signs as the signal role,
 * AKIALOCALWEBHOOKSIGN) and the local Slack stand-in: what SSM records, what the message becomes, and
 * what the clicker alone is told when nothing was sent.
 */
import {
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
import { runDecisionJob, type SlackDecisionJob } from '../../lambda/slack/decision-job';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';
import { currentVersion, type LocalSlack } from '../../local/slack/server';
import { webClient } from '../slack-local/support';
import { context } from '../support/events';
import { ALICE, BOT_TOKEN, OPS, postGateMessage, startWorkspace, TEAM } from './interaction-support';

/** How the simulator records the signal role's session as the approver. */
const SIGNAL_SESSION = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';

const NOW = new Date('2026-12-01T16:04:00Z');

let simulator: Simulator;
let slack: LocalSlack;
let operator: SSMClient;
let signal: SSMClient;
let signalOnce: SSMClient;

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
  operator = ssmClient('AKIALOCALOPERATOR001');
  signal = ssmClient('AKIALOCALWEBHOOKSIGN');
  signalOnce = ssmClient('AKIALOCALWEBHOOKSIGN', 1);
});
afterAll(async () => {
  for (const client of [operator, signal, signalOnce]) client.destroy();
  await Promise.all([simulator.close(), slack.close()]);
});

/** A Demo-ApproveChange run waiting at ApproveChange, and its gate message posted in #ops. */
const waitingRun = async () => {
  const started = await operator.send(
    new StartAutomationExecutionCommand({ DocumentName: 'Demo-ApproveChange' }),
  );
  const executionId = started.AutomationExecutionId as string;
  const view = await readExecution(operator, executionId);
  const gate = waitingGates(view)[0];
  if (!gate) throw new Error('the run does not wait');
  const notification: GateNotification = { execution: view, gate };
  const { message, values } = await postGateMessage(slack, notification);
  return { executionId, gate, message, values };
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
    runbook: 'Demo-ApproveChange',
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
