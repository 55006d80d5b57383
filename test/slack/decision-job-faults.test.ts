/**
 * A Slack decision under faults: the asynchronous side sends SendAutomationSignal through the real SDK (the
 * product's own client settings) to the SSM simulator behind a fault proxy, on a gate needing one approval
 * and on a gate needing two (approver seats). Whatever the fault, what the clicker is told (or not told) is
 * checked against the execution afterwards: an approval is reported only when SSM shows it, and "could not
 * be reached" only when nothing was applied.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { decodeJwt } from 'jose';
import { logger } from '../../lambda/core/logger';
import { createSsmClient } from '../../lambda/core/ssm-client';
import { readExecution } from '../../lambda/core/ssm-requests';
import { waitingGates } from '../../lambda/gate/execution-view';
import { type ClaimStore, dynamoClaimStore } from '../../lambda/quorum/claims';
import { runDecisionJob, type SlackDecisionJob } from '../../lambda/slack/decision-job';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';
import type { LocalSlack } from '../../local/slack/server';
import { webClient } from '../slack-local/support';
import { context } from '../support/events';
import { type Fault, type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy';
import { ALICE, BOT_TOKEN, OPS, postGateMessage, startWorkspace, TEAM } from './interaction-support';

const SIGNAL = 'AmazonSSM.SendAutomationSignal';
const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';

let simulator: Simulator;
let proxy: FaultProxy;
let slack: LocalSlack;
let dynamo: LocalDynamo;
let dynamoClient: DynamoDBClient;
let claims: ClaimStore;
let operator: SSMClient;
/** The job's clients, as the Slack function builds them, but reaching SSM through the proxy. */
let read: SSMClient;
let signalOnce: SSMClient;
let seat2Once: SSMClient;

const credentials = (accessKeyId: string) => ({
  accessKeyId,
  secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey as string,
});
const throughProxy = (accessKeyId: string, maxAttempts?: number) =>
  createSsmClient({
    endpoint: proxy.url,
    region: 'us-east-1',
    credentials: credentials(accessKeyId),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });

beforeAll(async () => {
  [simulator, slack, dynamo] = await Promise.all([
    startSimulator({ onInternalError: () => undefined }),
    startWorkspace(),
    startLocalDynamo(),
  ]);
  proxy = await startFaultProxy(simulator.url);
  dynamoClient = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: LOCAL_DYNAMO_CREDENTIALS,
  });
  claims = dynamoClaimStore(dynamoClient, dynamo.tableName);
  operator = createSsmClient({
    endpoint: simulator.url,
    region: 'us-east-1',
    credentials: credentials('AKIALOCALOPERATOR001'),
  });
  read = throughProxy('AKIALOCALWEBHOOKSIGN');
  signalOnce = throughProxy('AKIALOCALWEBHOOKSIGN', 1);
  seat2Once = throughProxy('AKIALOCALWEBHOOKSEAT2', 1);
});
afterAll(async () => {
  for (const client of [operator, read, signalOnce, seat2Once, dynamoClient]) client.destroy();
  await proxy.close();
  await Promise.all([simulator.close(), slack.close(), dynamo.close()]);
});
beforeEach(() => proxy.reset());

const waitingRun = async (runbook: string) => {
  const started = await operator.send(new StartAutomationExecutionCommand({ DocumentName: runbook }));
  const executionId = started.AutomationExecutionId as string;
  const view = await readExecution(operator, executionId);
  const gate = waitingGates(view)[0];
  if (!gate) throw new Error('the run does not wait');
  const { message, values } = await postGateMessage(slack, { execution: view, gate });
  const job: SlackDecisionJob = {
    kind: 'slack-decision',
    executionId,
    gate: { stepName: gate.stepName, stepExecutionId: gate.stepExecutionId },
    action: 'approve',
    runbook,
    user: { id: ALICE.id, name: 'alice' },
    teamId: TEAM.id,
    channelId: OPS.id,
    messageTs: message.ts,
    tokenId: decodeJwt(values.approve).jti as string,
    keyId: 'k1',
  };
  return { executionId, gate, job };
};

const run = (job: SlackDecisionJob) =>
  runDecisionJob(
    {
      client: read,
      mutationClient: signalOnce,
      slack: async () => webClient(slack.apiUrl, BOT_TOKEN),
      syncMessages: async () => 0,
      logger,
      quorum: () => ({
        seats: [SEAT_1, SEAT_2],
        seatClients: (seat: string) => (seat === SEAT_1 ? signalOnce : seat2Once),
        claims,
      }),
    },
    job,
    context(),
  );

/** The gate as SSM shows it now: its status and the approvals recorded at it. */
const gateNow = async (executionId: string, stepExecutionId: string) => {
  const gate = (await readExecution(operator, executionId)).gates.find(
    (candidate) => candidate.stepExecutionId === stepExecutionId,
  );
  const decisions = gate?.decisions ?? gate?.outcome?.decisions ?? [];
  return { status: gate?.stepStatus, approvals: decisions.filter((d) => d.decision === 'Approve').length };
};

describe.each<[string, Fault]>([
  ['its answer lost after it was applied', faults.lostAfterApply],
  ['a 500 after it was applied', faults.status5xxAfterApply(500)],
  ['a slow answer (2 s)', faults.slow(2_000)],
])('a Slack Approve whose SendAutomationSignal meets %s', (_case, fault) => {
  it('on a one-approval gate: reported applied, and SSM shows exactly one approval', async () => {
    const { executionId, gate, job } = await waitingRun('Demo-ApproveChange');
    proxy.once(SIGNAL, fault);

    const report = await run(job);

    expect(proxy.count(SIGNAL)).toBe(1);
    expect(await gateNow(executionId, gate.stepExecutionId)).toEqual({ status: 'Success', approvals: 1 });
    expect(report).toEqual({
      outcome: fault.kind === 'slow' ? 'sent' : 'applied',
      messageUpdated: true,
    });
  });

  it('on a two-approval gate: one seat, one approval, and the run still waits for the second person', async () => {
    const { executionId, gate, job } = await waitingRun('Demo-Quorum');
    proxy.once(SIGNAL, fault);

    const report = await run(job);

    expect(proxy.count(SIGNAL)).toBe(1);
    expect(await gateNow(executionId, gate.stepExecutionId)).toEqual({ status: 'Waiting', approvals: 1 });
    expect(report).toEqual({
      outcome: fault.kind === 'slow' ? 'sent' : 'applied',
      told: 'approval-recorded',
      messageUpdated: false,
    });
    const held = await claims.claimsOf({ executionId, stepExecutionId: gate.stepExecutionId });
    expect(held.map((claim) => [claim.seat, claim.person, claim.state])).toEqual([
      [SEAT_1, `slack:${TEAM.id}:${ALICE.id}`, 'sent'],
    ]);
  });
});

describe.each<[string, Fault]>([
  ['frozen (sent, never answered)', faults.frozen],
  ['a black hole (sent, never read)', faults.blackhole],
])('a Slack Approve whose SendAutomationSignal is %s, every time', (_case, fault) => {
  it('tells the clicker the outcome is unknown, and SSM shows that nothing was applied', async () => {
    const { executionId, gate, job } = await waitingRun('Demo-ApproveChange');
    proxy.set(SIGNAL, fault);

    const report = await run(job);

    expect(await gateNow(executionId, gate.stepExecutionId)).toEqual({ status: 'Waiting', approvals: 0 });
    expect(report).toEqual({ outcome: 'refused', told: 'outcome-unknown', messageUpdated: false });
  }, 20_000);
});
