/**
 * Approvals of a gate that needs two different people, through the approve and reject routes (the real
 * middy chain), against the SSM simulator and the seat claims in dynalite: seat 1 is the signal role
 * (AKIALOCALWEBHOOKSIGN), seats 2 and 3 the simulator's seat principals, as the local STS hands them out.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  type GetAutomationExecutionCommandOutput,
  SendAutomationSignalCommand,
  type SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import type { KnownBlock } from '@slack/web-api';
import { authConfigFromEnvironment } from '../../lambda/auth/config-source';
import { signLinkToken } from '../../lambda/auth/link-token';
import { logger } from '../../lambda/core/logger';
import { readExecution } from '../../lambda/core/ssm-requests';
import { findGate, type GateView, waitingGates } from '../../lambda/gate/execution-view';
import { httpHandler } from '../../lambda/middleware/chain';
import { postedButtons, tallyMessage } from '../../lambda/notify/channels/slack-message';
import { dynamoSlackPostStore } from '../../lambda/notify/slack-posts';
import type { ClaimStore } from '../../lambda/quorum/claims';
import { IN_FLIGHT_MS, type Quorum } from '../../lambda/quorum/decide';
import {
  refreshTallyMessages,
  type SlackChat,
  type TallyRefresh,
} from '../../lambda/quorum/refresh-messages';
import type { SeatClients } from '../../lambda/quorum/seat-clients';
import { standingOf } from '../../lambda/quorum/standing';
import { verifyButtonValue } from '../../lambda/slack/button-token';
import { LOCAL_SEAT_2_ARN, LOCAL_SEAT_3_ARN } from '../../local/simulator/principals';
import { context, formPost, JSON_RESPONSE_HEADERS, jsonPost } from '../support/events';
import { AUTH_CONFIG, link, useTestSecret } from '../support/secrets';
import { type QuorumWorld, startQuorumWorld } from './world';

useTestSecret();
const { signalRoute } =
  require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');

const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const SEAT_3 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-3';
const SEATS = [SEAT_1, SEAT_2, SEAT_3];
/** How the simulator records each seat's session as the approver. */
const SESSION_1 = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';
const SESSION_2 = LOCAL_SEAT_2_ARN;
const SESSION_3 = LOCAL_SEAT_3_ARN;

let claims: ClaimStore;
let operator: SSMClient;
let signal: SSMClient;
const mutation: Record<string, SSMClient> = {};
/** Every mutating call, by seat (the clients' send, counted). */
const sends: string[] = [];

let world: QuorumWorld;
const ssmClient = (accessKeyId: string, maxAttempts?: number) => world.ssmClient(accessKeyId, maxAttempts);

const seatClients: SeatClients = (seat) => mutation[seat] as SSMClient;
let quorum: Quorum;
const handlerWith = (seats: readonly string[]) =>
  httpHandler(
    signalRoute(signal, mutation[SEAT_1] as SSMClient, () => ({ ...quorum, seats })),
    { authenticateWith: authConfigFromEnvironment },
  );
let invoke: (event: ReturnType<typeof jsonPost>) => ReturnType<ReturnType<typeof handlerWith>>;

beforeAll(async () => {
  world = await startQuorumWorld();
  ({ claims } = world);
  operator = ssmClient('AKIALOCALOPERATOR001');
  signal = ssmClient('AKIALOCALWEBHOOKSIGN');
  for (const [seat, key] of [
    [SEAT_1, 'AKIALOCALWEBHOOKSIGN'],
    [SEAT_2, 'AKIALOCALWEBHOOKSEAT2'],
    [SEAT_3, 'AKIALOCALWEBHOOKSEAT3'],
  ] as const) {
    const client = ssmClient(key, 1);
    const send = client.send.bind(client);
    client.send = ((command: never, options: never) => {
      sends.push(seat);
      return send(command, options);
    }) as typeof client.send;
    mutation[seat] = client;
  }
  quorum = { seats: SEATS, seatClients, claims };
  const handler = handlerWith(SEATS);
  invoke = (event) => handler(event, context());
});

afterAll(async () => {
  for (const client of [operator, signal, ...Object.values(mutation)]) client.destroy();
  await world.close();
});

beforeEach(() => {
  sends.length = 0;
});

/** A Test-Quorum run waiting at ApproveChange. */
const waitingRun = async (parameters: Record<string, string[]> = {}) => {
  const started = await operator.send(
    new StartAutomationExecutionCommand({
      DocumentName: 'Test-Quorum',
      ...(Object.keys(parameters).length === 0 ? {} : { Parameters: parameters }),
    }),
  );
  const executionId = started.AutomationExecutionId as string;
  const gate = waitingGates(await readExecution(operator, executionId))[0] as GateView;
  return { executionId, gate };
};
type Run = Awaited<ReturnType<typeof waitingRun>>;

/** A person's e-mail link for the run's gate. */
const tokenOf = (run: Run, approver: string) =>
  link(run.executionId, ['approve', 'reject'], {
    approver,
    gate: { stepName: run.gate.stepName, stepExecutionId: run.gate.stepExecutionId },
    channel: 'email',
  });

const decideAs = async (run: Run, approver: string, action: 'approve' | 'reject', comment?: string) =>
  invoke(
    jsonPost(`/executions/${run.executionId}/${action}`, {
      token: await tokenOf(run, approver),
      ...(comment === undefined ? {} : { comment }),
    }),
  );

const gateNow = async (run: Run) =>
  findGate(await readExecution(operator, run.executionId), run.gate.stepExecutionId) as GateView;

const ok = (body: unknown) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', ...JSON_RESPONSE_HEADERS },
  body: JSON.stringify(body),
});

const sent = (run: Run, action: 'approve' | 'reject', comment: string, extra: object = {}) =>
  ok({
    executionId: run.executionId,
    action,
    operation: 'SendAutomationSignal',
    signalType: action === 'approve' ? 'Approve' : 'Reject',
    payload: { Comment: [comment] },
    ...extra,
  });

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';
const gateKey = (run: Run) => ({ executionId: run.executionId, stepExecutionId: run.gate.stepExecutionId });

describe('a gate that needs two approvals', () => {
  it('the first approval leaves it waiting and answers 1 of 2; the same person again changes nothing; a second person approves it', async () => {
    const run = await waitingRun();

    const first = await decideAs(run, ALICE, 'approve', 'CHG-1234 reviewed');
    expect(first).toEqual(
      sent(run, 'approve', `Approved via e-mail link by ${ALICE}: CHG-1234 reviewed`, {
        quorum: {
          needed: 2,
          approved: 1,
          remaining: 1,
          approvers: [ALICE],
          summary: `Approval recorded: 1 of 2 approvals: ${ALICE}; 1 more needed`,
        },
      }),
    );
    expect(sends).toEqual([SEAT_1]);
    expect((await gateNow(run)).waiting).toBe(true);
    expect(await claims.claimsOf(gateKey(run))).toEqual([
      { seat: SEAT_1, person: `link:${ALICE}`, name: ALICE, state: 'sent', at: expect.any(Date) },
    ]);

    const again = await decideAs(run, ALICE, 'approve');
    expect(again).toEqual(
      ok({
        executionId: run.executionId,
        action: 'approve',
        alreadyDone: true,
        gate: 'ApproveChange',
        quorum: {
          needed: 2,
          approved: 1,
          remaining: 1,
          approvers: [ALICE],
          summary: `Already approved by you: 1 of 2 approvals: ${ALICE}; 1 more needed`,
        },
      }),
    );
    expect(sends).toEqual([SEAT_1]);

    const second = await decideAs(run, BOB, 'approve');
    expect(second).toEqual(sent(run, 'approve', `Approved via e-mail link by ${BOB}`));
    expect(sends).toEqual([SEAT_1, SEAT_2]);
    const gate = await gateNow(run);
    expect(gate.outcome?.result).toBe('Approved');
    expect(gate.outcome?.decisions).toEqual([
      {
        approver: SESSION_1,
        decision: 'Approve',
        comment: `Approved via e-mail link by ${ALICE}: CHG-1234 reviewed`,
        at: expect.any(Date),
      },
      {
        approver: SESSION_2,
        decision: 'Approve',
        comment: `Approved via e-mail link by ${BOB}`,
        at: expect.any(Date),
      },
    ]);
  });

  it('a person’s result page says the approval was recorded and how many are still needed', async () => {
    const run = await waitingRun();
    const response = await invoke(
      formPost(`/executions/${run.executionId}/approve`, { token: await tokenOf(run, ALICE) }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<h1>Approval recorded</h1>');
    expect(response.body).toContain(
      '<p>Approval recorded: 1 of 2 approvals: alice@example.com · 1 more needed. The runbook continues once the last approval is in.</p>',
    );
    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>',
    );

    const again = await invoke(
      formPost(`/executions/${run.executionId}/approve`, { token: await tokenOf(run, ALICE) }),
    );
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('<h1>Already approved by you</h1>');
    expect(again.body).toContain(
      "<p>Already approved by you: 1 of 2 approvals: alice@example.com · 1 more needed. Nothing more was sent: one person's approval counts once.</p>",
    );
    expect(sends).toEqual([SEAT_1]);
  });

  it('a rejection by anyone rejects it, through a seat that has not decided', async () => {
    const run = await waitingRun();
    await decideAs(run, ALICE, 'approve');

    const rejected = await decideAs(run, BOB, 'reject', 'not in the freeze window');

    expect(rejected).toEqual(
      sent(run, 'reject', `Rejected via e-mail link by ${BOB}: not in the freeze window`),
    );
    expect(sends).toEqual([SEAT_1, SEAT_2]);
    const gate = await gateNow(run);
    expect(gate.outcome?.result).toBe('Rejected');
    expect(gate.outcome?.decisions).toEqual([
      {
        approver: SESSION_1,
        decision: 'Approve',
        comment: `Approved via e-mail link by ${ALICE}`,
        at: expect.any(Date),
      },
      {
        approver: SESSION_2,
        decision: 'Reject',
        comment: `Rejected via e-mail link by ${BOB}: not in the freeze window`,
        at: expect.any(Date),
      },
    ]);
  });

  it('a first decision that is a rejection goes through seat 1', async () => {
    const run = await waitingRun();
    expect(await decideAs(run, BOB, 'reject')).toEqual(
      sent(run, 'reject', `Rejected via e-mail link by ${BOB}`),
    );
    expect(sends).toEqual([SEAT_1]);
    expect((await gateNow(run)).outcome?.decisions).toEqual([
      {
        approver: SESSION_1,
        decision: 'Reject',
        comment: `Rejected via e-mail link by ${BOB}`,
        at: expect.any(Date),
      },
    ]);
  });

  it('two people approving at once take two seats and approve it: exactly two decisions', async () => {
    const run = await waitingRun();

    const answers = await Promise.all([decideAs(run, ALICE, 'approve'), decideAs(run, BOB, 'approve')]);

    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect([...sends].sort()).toEqual([SEAT_1, SEAT_2].sort());
    const gate = await gateNow(run);
    expect(gate.outcome?.result).toBe('Approved');
    const decisions = gate.outcome?.decisions ?? [];
    expect(decisions).toHaveLength(2);
    expect(decisions.map((d) => d.approver).sort()).toEqual([SESSION_1, SESSION_2].sort());
    expect(decisions.map((d) => d.comment).sort()).toEqual([
      `Approved via e-mail link by ${ALICE}`,
      `Approved via e-mail link by ${BOB}`,
    ]);
    expect((await claims.claimsOf(gateKey(run))).map((c) => [c.person, c.state]).sort()).toEqual([
      [`link:${ALICE}`, 'sent'],
      [`link:${BOB}`, 'sent'],
    ]);
  });

  it('one person double-clicking takes one seat: one decision, the second answer is "already"', async () => {
    const run = await waitingRun();

    const answers = await Promise.all([decideAs(run, ALICE, 'approve'), decideAs(run, ALICE, 'approve')]);

    const summaries = answers.map((a) => JSON.parse(a.body).quorum.summary).sort();
    expect(summaries).toEqual([
      `Already approved by you: 1 of 2 approvals: ${ALICE}; 1 more needed`,
      `Approval recorded: 1 of 2 approvals: ${ALICE}; 1 more needed`,
    ]);
    expect(sends).toEqual([SEAT_1]);
    expect((await gateNow(run)).waiting).toBe(true);
    expect(await claims.claimsOf(gateKey(run))).toEqual([
      { seat: SEAT_1, person: `link:${ALICE}`, name: ALICE, state: 'sent', at: expect.any(Date) },
    ]);
  });

  it('three people at once on a gate that lists two seats: two approve it, the third is told every seat is taken', async () => {
    const run = await waitingRun({ Approvers: [SEAT_1, SEAT_2] });

    const answers = await Promise.all(
      [ALICE, BOB, 'carol@example.com'].map((who) => decideAs(run, who, 'approve')),
    );

    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 200, 409]);
    const refused = answers.find((a) => a.statusCode === 409);
    expect(JSON.parse(refused?.body ?? '{}')).toEqual({
      type: 'urn:ssm-approval-webhook:problem:quorum-no-free-seat',
      title: 'Not enough approver seats',
      status: 409,
      detail:
        "Gate ApproveChange lists 2 approver seats for 2 approvals, and every one is taken by another person's approval, made or in progress; nothing was sent. If the gate still waits, list more of the stack's ApproverSeatRoleArns in the runbook's Approvers.",
    });
    expect((await gateNow(run)).outcome?.decisions).toHaveLength(2);
    expect(sends).toHaveLength(2);
  });
});

describe('a rejection while SSM does not show a waiting gate’s approvals', () => {
  // SSM's documentation does not say whether a gate that still waits shows its approvals so far
  // (ApproverDecisions): this read client hides them, as SSM might. Seat claims are then the only sign of
  // a seat that already decided, and a Reject through such a seat is refused by SSM.
  let hiding: SSMClient;
  let invokeHiding: (event: ReturnType<typeof jsonPost>) => ReturnType<ReturnType<typeof handlerWith>>;
  beforeAll(() => {
    hiding = ssmClient('AKIALOCALWEBHOOKSIGN');
    hiding.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const output = result.output as GetAutomationExecutionCommandOutput;
        for (const step of output.AutomationExecution?.StepExecutions ?? []) {
          if (step.StepStatus === 'Waiting') delete step.Outputs?.ApproverDecisions;
        }
        return result;
      },
      { step: 'initialize', name: 'hideWaitingApproverDecisions' },
    );
    const handler = httpHandler(
      signalRoute(hiding, mutation[SEAT_1] as SSMClient, () => quorum),
      {
        authenticateWith: authConfigFromEnvironment,
      },
    );
    invokeHiding = (event) => handler(event, context());
  });
  afterAll(() => hiding.destroy());

  const decideHiding = async (run: Run, approver: string, action: 'approve' | 'reject', comment?: string) =>
    invokeHiding(
      jsonPost(`/executions/${run.executionId}/${action}`, {
        token: await tokenOf(run, approver),
        ...(comment === undefined ? {} : { comment }),
      }),
    );
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  it('never goes through a seat whose approval SSM accepted: alice approved via seat 1, bob’s seat 2 approval was lost, carol’s Reject goes through seat 2', async () => {
    const run = await waitingRun({ Approvers: [SEAT_1, SEAT_2] });
    expect((await decideHiding(run, ALICE, 'approve')).statusCode).toBe(200);
    // Bob's request claimed seat 2 and ended without knowing whether SSM got his approval (it did not).
    await claims.claim(
      gateKey(run),
      { seat: SEAT_2, person: `link:${BOB}`, name: BOB, at: new Date(Date.now() - IN_FLIGHT_MS - 1_000) },
      inAnHour(),
    );
    expect((await claims.claimsOf(gateKey(run))).map((c) => [c.seat, c.person, c.state])).toEqual([
      [SEAT_1, `link:${ALICE}`, 'sent'],
      [SEAT_2, `link:${BOB}`, 'sending'],
    ]);
    sends.length = 0;

    const rejected = await decideHiding(run, CAROL, 'reject', 'wrong window');

    expect(rejected).toEqual(sent(run, 'reject', `Rejected via e-mail link by ${CAROL}: wrong window`));
    expect(sends).toEqual([SEAT_2]);
    const gate = await gateNow(run);
    expect(gate.outcome?.result).toBe('Rejected');
    expect(gate.outcome?.decisions).toEqual([
      {
        approver: SESSION_1,
        decision: 'Approve',
        comment: `Approved via e-mail link by ${ALICE}`,
        at: expect.any(Date),
      },
      {
        approver: SESSION_2,
        decision: 'Reject',
        comment: `Rejected via e-mail link by ${CAROL}: wrong window`,
        at: expect.any(Date),
      },
    ]);
  });

  it('every undecided seat held by an approval in flight: SSM refuses the Reject through one, and it goes through the next', async () => {
    const run = await waitingRun({ Approvers: [SEAT_1, SEAT_2] });
    // Alice's request claimed seat 1 and SSM took her approval; it has not marked the claim sent yet.
    await claims.claim(
      gateKey(run),
      { seat: SEAT_1, person: `link:${ALICE}`, name: ALICE, at: new Date() },
      inAnHour(),
    );
    await (mutation[SEAT_1] as SSMClient).send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: run.executionId,
        SignalType: 'Approve',
        Payload: { Comment: [`Approved via e-mail link by ${ALICE}`] },
      }),
    );
    // Bob's request claimed seat 2 and is about to send.
    await claims.claim(
      gateKey(run),
      { seat: SEAT_2, person: `link:${BOB}`, name: BOB, at: new Date() },
      inAnHour(),
    );
    sends.length = 0;

    const rejected = await decideHiding(run, CAROL, 'reject');

    expect(rejected).toEqual(sent(run, 'reject', `Rejected via e-mail link by ${CAROL}`));
    // Seat 1 first (seat order among fresh claims): refused, since it holds Alice's approval; then seat 2.
    expect(sends).toEqual([SEAT_1, SEAT_2]);
    expect((await gateNow(run)).outcome).toEqual(
      expect.objectContaining({
        result: 'Rejected',
        decisions: [
          {
            approver: SESSION_1,
            decision: 'Approve',
            comment: `Approved via e-mail link by ${ALICE}`,
            at: expect.any(Date),
          },
          {
            approver: SESSION_2,
            decision: 'Reject',
            comment: `Rejected via e-mail link by ${CAROL}`,
            at: expect.any(Date),
          },
        ],
      }),
    );
  });
});

describe('links sent to a channel, not to one person', () => {
  const channelToken = (run: Run, channel: 'teams' | 'webhook', approver: string) =>
    signLinkToken(AUTH_CONFIG, {
      executionId: run.executionId,
      actions: ['approve', 'reject'],
      approver,
      gate: { stepName: run.gate.stepName, stepExecutionId: run.gate.stepExecutionId },
      channel,
      ttlSeconds: 3600,
    });

  it.each([
    ['teams', 'teams:ops', 'a Teams channel'],
    ['webhook', 'webhook:change-system', 'a webhook'],
  ] as const)(
    'a %s link cannot approve a gate that needs two people: 409 quorum-needs-a-person, nothing sent, no seat claimed',
    async (channel, approver, where) => {
      const run = await waitingRun();

      const refused = await invoke(
        jsonPost(`/executions/${run.executionId}/approve`, {
          token: await channelToken(run, channel, approver),
        }),
      );

      expect(refused.statusCode).toBe(409);
      expect(JSON.parse(refused.body)).toEqual({
        type: 'urn:ssm-approval-webhook:problem:quorum-needs-a-person',
        title: 'Approval from a person needed',
        status: 409,
        detail: `This link was sent to ${where}, not to one person; a step that needs approvals from 2 different people counts only approvals from a person's own link (e-mail), Slack or an API client.`,
      });
      expect(sends).toEqual([]);
      expect(await claims.claimsOf(gateKey(run))).toEqual([]);
      expect((await gateNow(run)).waiting).toBe(true);
    },
  );

  it('a Teams link’s rejection still rejects it', async () => {
    const run = await waitingRun();

    const rejected = await invoke(
      jsonPost(`/executions/${run.executionId}/reject`, {
        token: await channelToken(run, 'teams', 'teams:ops'),
      }),
    );

    expect(rejected).toEqual(sent(run, 'reject', 'Rejected via Teams link by teams:ops'));
    expect(sends).toEqual([SEAT_1]);
    expect((await gateNow(run)).outcome?.result).toBe('Rejected');
  });

  it('a Teams link approves a gate that needs one approval, as before', async () => {
    const run = await waitingRun({ MinRequiredApprovals: ['1'] });

    const approved = await invoke(
      jsonPost(`/executions/${run.executionId}/approve`, {
        token: await channelToken(run, 'teams', 'teams:ops'),
      }),
    );

    expect(approved).toEqual(sent(run, 'approve', 'Approved via Teams link by teams:ops'));
    expect((await gateNow(run)).outcome?.result).toBe('Approved');
  });
});

describe('a gate the seats cannot serve', () => {
  it('a gate that lists fewer seats than it needs → 409 naming how many it lists and needs; nothing sent', async () => {
    const run = await waitingRun({ Approvers: [SEAT_1, 'arn:aws:iam::123456789012:user/local-outsider'] });

    const response = await decideAs(run, ALICE, 'approve');

    expect(response).toEqual({
      statusCode: 409,
      headers: { 'content-type': 'application/problem+json', ...JSON_RESPONSE_HEADERS },
      body: JSON.stringify({
        type: 'urn:ssm-approval-webhook:problem:quorum-seats-missing',
        title: 'Not enough approver seats',
        status: 409,
        detail:
          "Gate ApproveChange needs 2 approvals from different people, but its Approvers list 1 of the webhook's 3 approver seats; SSM counts one approval per seat, so the runbook must list at least 2 entries of the stack's ApproverSeatRoleArns output in Approvers. Nothing was sent.",
      }),
    });
    expect(sends).toEqual([]);
    expect((await gateNow(run)).waiting).toBe(true);
    expect(await claims.claimsOf(gateKey(run))).toEqual([]);
  });

  it('a deployment without seats → 409 saying none are configured; never a silent single approval', async () => {
    const run = await waitingRun();
    const handler = handlerWith([]);
    const token = await tokenOf(run, ALICE);

    const response = await handler(jsonPost(`/executions/${run.executionId}/approve`, { token }), context());

    expect(JSON.parse(response.body)).toEqual({
      type: 'urn:ssm-approval-webhook:problem:quorum-seats-not-configured',
      title: 'Not enough approver seats',
      status: 409,
      detail:
        'Gate ApproveChange needs 2 approvals from different people, which the webhook gives through approver seats, and this deployment configures none (APPROVER_SEAT_ROLE_ARNS is empty). Nothing was sent. See docs/quorum.md.',
    });
    expect(response.statusCode).toBe(409);
    expect(sends).toEqual([]);
  });
});

describe('a gate that needs one approval', () => {
  it('is approved as before: one Approve as the signal role, the plain answer, no seat claimed', async () => {
    const run = await waitingRun({ MinRequiredApprovals: ['1'] });

    const response = await decideAs(run, ALICE, 'approve');

    expect(response).toEqual(sent(run, 'approve', `Approved via e-mail link by ${ALICE}`));
    expect(sends).toEqual([SEAT_1]);
    expect((await gateNow(run)).outcome?.decisions).toEqual([
      {
        approver: SESSION_1,
        decision: 'Approve',
        comment: `Approved via e-mail link by ${ALICE}`,
        at: expect.any(Date),
      },
    ]);
    expect(await claims.claimsOf(gateKey(run))).toEqual([]);
  });
});

describe('seat 3', () => {
  it('is taken when seats 1 and 2 are claimed, and SSM records its session', async () => {
    const run = await waitingRun({ MinRequiredApprovals: ['3'] });
    await decideAs(run, ALICE, 'approve');
    await decideAs(run, BOB, 'approve');
    const third = await decideAs(run, 'carol@example.com', 'approve');

    expect(third).toEqual(sent(run, 'approve', 'Approved via e-mail link by carol@example.com'));
    expect(sends).toEqual([SEAT_1, SEAT_2, SEAT_3]);
    expect((await gateNow(run)).outcome?.decisions?.map((d) => d.approver)).toEqual([
      SESSION_1,
      SESSION_2,
      SESSION_3,
    ]);
  });
});

describe('the gate’s Slack messages show the tally after each approval', () => {
  const OPS = { channelId: 'C0OPS0001', ts: '1796141400.250000', teamId: 'T0TEAM001' };
  const update = jest.fn();
  const chat = { chat: { update } } as unknown as SlackChat;
  /** When the refresh writes the message (its "time left" and the buttons' issue time). */
  let clock: Date;
  let handler: ReturnType<typeof handlerWith>;

  beforeAll(() => {
    const posts = dynamoSlackPostStore(world.dynamoClient, world.dynamo.tableName);
    const refresh = (input: TallyRefresh) =>
      refreshTallyMessages(
        {
          posts,
          slack: async () => chat,
          loadAuthConfig: () => authConfigFromEnvironment(),
          config: { apiUrl: 'https://api.example.com', maxLinkTtlSeconds: 3600, signalRoleArn: SEAT_1 },
          readExecution: (executionId) => readExecution(operator, executionId),
          logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
          now: () => clock,
        },
        input,
      );
    handler = httpHandler(
      signalRoute(signal, mutation[SEAT_1] as SSMClient, () => quorum, refresh),
      {
        authenticateWith: authConfigFromEnvironment,
      },
    );
  });
  beforeEach(() => {
    clock = new Date();
    update.mockReset();
    update.mockResolvedValue({ ok: true });
  });

  const approveAs = async (run: Run, approver: string) =>
    handler(
      jsonPost(`/executions/${run.executionId}/approve`, { token: await tokenOf(run, approver) }),
      context(),
    );
  const postedTo = async (run: Run) =>
    dynamoSlackPostStore(world.dynamoClient, world.dynamo.tableName).record(
      gateKey(run),
      OPS,
      new Date(Date.now() + 86_400_000),
    );

  it('a partial approval updates the recorded message with the new tally and keeps its buttons', async () => {
    const run = await waitingRun();
    await postedTo(run);

    expect((await approveAs(run, ALICE)).statusCode).toBe(200);

    expect(update).toHaveBeenCalledTimes(1);
    const [input] = update.mock.calls[0] as [
      { channel: string; ts: string; text: string; blocks: KnownBlock[] },
    ];
    const view = await readExecution(operator, run.executionId);
    const gate = findGate(view, run.gate.stepExecutionId) as GateView;
    const buttons = postedButtons(input.blocks, { execution: view, gate });
    expect(buttons).toBeDefined();
    const tally = standingOf(gate, SEATS, await claims.claimsOf(gateKey(run)));
    expect(tally).toEqual({
      needed: 2,
      approvals: [expect.objectContaining({ person: ALICE, seat: SEAT_1 })],
      remaining: 1,
    });
    const expected = tallyMessage(view, gate, tally, {
      ...(buttons as NonNullable<typeof buttons>),
      now: clock,
    });
    expect(input).toEqual({
      channel: OPS.channelId,
      ts: OPS.ts,
      text: expected.text,
      blocks: expected.blocks,
    });
    expect(JSON.stringify(input.blocks)).toContain('*1 of 2 approvals:* alice@example.com · 1 more needed');
    // Signed anew for the post's workspace and channel, this gate and action.
    expect(
      await verifyButtonValue(await authConfigFromEnvironment(), buttons?.buttons.approve ?? '', OPS, clock),
    ).toEqual(
      expect.objectContaining({
        executionId: run.executionId,
        runbook: 'Test-Quorum',
        gate: { stepName: run.gate.stepName, stepExecutionId: run.gate.stepExecutionId },
        action: 'approve',
        teamId: OPS.teamId,
        channelId: OPS.channelId,
      }),
    );
  });

  it('the approval that completes the quorum leaves the message to the sync; the same person again changes nothing', async () => {
    const run = await waitingRun();
    await postedTo(run);
    await approveAs(run, ALICE);
    update.mockClear();

    expect(JSON.parse((await approveAs(run, ALICE)).body).alreadyDone).toBe(true);
    expect(update).not.toHaveBeenCalled();

    expect((await approveAs(run, BOB)).statusCode).toBe(200);
    expect((await gateNow(run)).outcome?.result).toBe('Approved');
    expect(update).not.toHaveBeenCalled();
  });

  it('a refresh that would outlast the function’s budget is left, and the approval answered in time', async () => {
    const run = await waitingRun();
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const stuck = httpHandler(
      signalRoute(
        signal,
        mutation[SEAT_1] as SSMClient,
        () => quorum,
        () => new Promise<number>(() => undefined),
      ),
      { authenticateWith: authConfigFromEnvironment },
    );
    // The authentication middleware's budget first (it needs 7.5 s left), then the route's: 6.1 s, of
    // which the decision leaves about 5.6 s for the refresh before only the answer's 0.5 s remain.
    const remaining = [10_000, 6_100];
    let calls = 0;
    const started = Date.now();

    const response = await stuck(
      jsonPost(`/executions/${run.executionId}/approve`, { token: await tokenOf(run, ALICE) }),
      { ...context(), getRemainingTimeInMillis: () => remaining[Math.min(calls++, 1)] as number },
    );

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).quorum.remaining).toBe(1);
    expect(Date.now() - started).toBeLessThan(6_100);
    expect(error.mock.calls).toEqual([
      [
        'Slack messages not refreshed with the tally',
        {
          executionId: run.executionId,
          stepExecutionId: run.gate.stepExecutionId,
          error: expect.objectContaining({
            name: 'RefreshCutShortError',
            message: 'The time left for answering ran out before the Slack messages were refreshed',
          }),
        },
      ],
    ]);
    error.mockRestore();
  }, 10_000);

  it('a Slack failure never changes the answer to the approval', async () => {
    const run = await waitingRun();
    await postedTo(run);
    update.mockRejectedValue(new Error('an error occurred: channel_not_found'));

    const response = await approveAs(run, ALICE);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).quorum.summary).toBe(
      `Approval recorded: 1 of 2 approvals: ${ALICE}; 1 more needed`,
    );
    expect(update).toHaveBeenCalledTimes(1);
  });
});
