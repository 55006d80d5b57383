/**
 * The quorum path when things go wrong, against the SSM simulator and dynalite: an attempt that provably
 * did nothing frees its seat; an unknown outcome keeps it, and the same person's retry later goes through
 * the same seat (SSM takes one decision per seat, so it can never count twice); a seat whose role cannot
 * be assumed is refused before anything is sent.
 */
import { SendAutomationSignalCommand, SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { LinkIdentity } from '../../lambda/auth/authenticate';
import { composeComment } from '../../lambda/auth/identity-comment';
import { toProblem } from '../../lambda/core/problem';
import { readExecution } from '../../lambda/core/ssm-requests';
import { budgetOf } from '../../lambda/decision/budget';
import { findGate, type GateView, waitingGates } from '../../lambda/gate/execution-view';
import type { ClaimStore } from '../../lambda/quorum/claims';
import { type DecideRequest, decide, IN_FLIGHT_MS } from '../../lambda/quorum/decide';
import { LOCAL_SEAT_2_ARN } from '../../local/simulator/principals';
import { type QuorumWorld, startQuorumWorld } from './world';

const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';

let claims: ClaimStore;
let operator: SSMClient;
let signal: SSMClient;
let signalOnce: SSMClient;

let world: QuorumWorld;
const ssmClient = (accessKeyId: string, maxAttempts?: number) => world.ssmClient(accessKeyId, maxAttempts);

beforeAll(async () => {
  world = await startQuorumWorld();
  ({ claims } = world);
  operator = ssmClient('AKIALOCALOPERATOR001');
  signal = ssmClient('AKIALOCALWEBHOOKSIGN');
  signalOnce = ssmClient('AKIALOCALWEBHOOKSIGN', 1);
});
afterAll(async () => {
  for (const client of [operator, signal, signalOnce]) client.destroy();
  await world.close();
});

const waitingRun = async () => {
  const started = await operator.send(new StartAutomationExecutionCommand({ DocumentName: 'Test-Quorum' }));
  const executionId = started.AutomationExecutionId as string;
  const gate = waitingGates(await readExecution(operator, executionId))[0] as GateView;
  return { executionId, gate, key: { executionId, stepExecutionId: gate.stepExecutionId } };
};
type Run = Awaited<ReturnType<typeof waitingRun>>;

const alice = (run: Run): LinkIdentity => ({
  kind: 'link',
  channel: 'link',
  name: 'alice@example.com',
  tokenId: 'jti-1',
  via: 'email',
  gate: { stepName: run.gate.stepName, stepExecutionId: run.gate.stepExecutionId },
});

const approval = (
  run: Run,
  seat1: SSMClient,
  options: { now?: () => Date; remainingMs?: number; seat2?: SSMClient } = {},
): DecideRequest => {
  const identity = alice(run);
  return {
    client: signal,
    mutationClient: seat1,
    executionId: run.executionId,
    identity,
    intent: { action: 'approve', signalType: 'Approve' },
    command: () =>
      new SendAutomationSignalCommand({
        AutomationExecutionId: run.executionId,
        SignalType: 'Approve',
        Payload: { Comment: [composeComment(identity, 'approve')] },
      }),
    budget: budgetOf({ getRemainingTimeInMillis: () => options.remainingMs ?? 10_000 }),
    quorum: () => ({
      seats: [SEAT_1, SEAT_2],
      seatClients: (seat) =>
        seat === SEAT_1 ? seat1 : (options.seat2 ?? ssmClient('AKIALOCALWEBHOOKSEAT2', 1)),
      claims,
    }),
    ...(options.now ? { now: options.now } : {}),
  };
};

/** A seat-1 client whose every call fails as given. */
const failing = (error: Error): SSMClient => {
  const client = new SSMClient({ region: 'us-east-1' });
  mockClient(client).on(SendAutomationSignalCommand).rejects(error);
  return client;
};

const rejection = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    const { status, reason, detail } = toProblem(error);
    return { status, reason, detail };
  }
  throw new Error('expected a refusal');
};

it('a connection never made frees the seat: 502 "nothing was changed", and the seat is free again', async () => {
  const run = await waitingRun();
  const refused = failing(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));

  expect(await rejection(decide(approval(run, refused)))).toEqual({
    status: 502,
    reason: 'ssm-unreachable',
    detail:
      'The webhook could not reach SSM in time; nothing was changed. Check the function’s network path to the SSM endpoint (VPC endpoint or NAT) and try again.',
  });
  expect(await claims.claimsOf(run.key)).toEqual([]);
});

it('an unknown outcome keeps the seat; the same person later goes through the same seat, counted once', async () => {
  const run = await waitingRun();
  const lost = failing(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

  expect(await rejection(decide(approval(run, lost)))).toEqual({
    status: 504,
    reason: 'outcome-unknown',
    detail: `SSM may have applied the decision, but its answer was lost and the execution does not show the outcome yet. Check the execution before you try again: aws ssm get-automation-execution --automation-execution-id ${run.executionId} (or the Systems Manager console, Automation, Executions).`,
  });
  expect(await claims.claimsOf(run.key)).toEqual([
    {
      seat: SEAT_1,
      person: 'link:alice@example.com',
      name: 'alice@example.com',
      state: 'sending',
      at: expect.any(Date),
    },
  ]);

  // While that request may still run, a retry waits for it, and says so when it cannot wait longer.
  expect(await rejection(decide(approval(run, signalOnce, { remainingMs: 6_300 })))).toEqual({
    status: 409,
    reason: 'approval-in-progress',
    detail:
      'Your approval of gate ApproveChange is being sent by another request right now; nothing more was sent. Check again in a few seconds.',
  });

  // Once it cannot be running any more, the retry sends through the same seat.
  const later = () => new Date(Date.now() + IN_FLIGHT_MS + 1_000);
  const decided = await decide(approval(run, signalOnce, { now: later }));
  expect(decided.outcome.kind).toBe('sent');
  expect(decided.quorum?.kind).toBe('recorded');
  expect(decided.quorum?.tally).toEqual({
    needed: 2,
    approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SEAT_1, at: expect.any(Date) }],
    remaining: 1,
  });
  expect((await claims.claimsOf(run.key)).map((c) => [c.seat, c.person, c.state])).toEqual([
    [SEAT_1, 'link:alice@example.com', 'sent'],
  ]);
});

it('a seat whose role cannot be assumed: 502 before anything is sent, and the seat is freed', async () => {
  const run = await waitingRun();
  await claims.claim(
    run.key,
    { seat: SEAT_1, person: 'api:jira', name: 'jira', at: new Date() },
    new Date(Date.now() + 3_600_000),
  );
  const unassumable = new SSMClient({
    region: 'us-east-1',
    credentials: async () => {
      throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
        name: 'AccessDenied',
      });
    },
  });

  const failure = await decide(approval(run, signalOnce, { seat2: unassumable })).catch((e: unknown) => e);
  // The answer names the seat by its number; its role ARN (account id, role name) stays in the log.
  const problem = toProblem(failure);
  expect({ status: problem.status, reason: problem.reason, detail: problem.detail }).toEqual({
    status: 502,
    reason: 'seat-unavailable',
    detail:
      "The webhook could not act as approver seat 2: STS AssumeRole failed, so nothing was sent. Check that the seat role exists and trusts the webhook's signal role.",
  });
  expect(JSON.stringify(problem)).not.toContain('123456789012');
  const cause = (failure as Error).cause as Error;
  expect(cause.message).toBe(`AssumeRole of approver seat 2 (${SEAT_2}) failed`);
  expect((cause.cause as Error).name).toBe('AccessDenied');
  expect((await claims.claimsOf(run.key)).map((c) => c.person)).toEqual(['api:jira']);
  expect(findGate(await readExecution(operator, run.executionId), run.gate.stepExecutionId)?.waiting).toBe(
    true,
  );
});

it('a quorum gate’s rejection goes through the first seat nobody holds', async () => {
  const run = await waitingRun();
  // Seat 1 is held by an approval whose outcome is unknown: SSM may have its decision, so not seat 1.
  await claims.claim(
    run.key,
    { seat: SEAT_1, person: 'api:jira', name: 'jira', at: new Date() },
    new Date(Date.now() + 3_600_000),
  );
  const decided = await decide({
    ...approval(run, signalOnce),
    intent: { action: 'reject', signalType: 'Reject' },
    command: () =>
      new SendAutomationSignalCommand({
        AutomationExecutionId: run.executionId,
        SignalType: 'Reject',
        Payload: { Comment: ['Rejected via e-mail link by alice@example.com'] },
      }),
  });
  expect(decided).toEqual({
    outcome: {
      kind: 'sent',
      ssmRequestId: expect.any(String),
      gate: expect.objectContaining({ stepName: 'ApproveChange' }),
    },
  });
  const gate = findGate(await readExecution(operator, run.executionId), run.gate.stepExecutionId);
  expect(gate?.outcome?.decisions).toEqual([
    {
      approver: LOCAL_SEAT_2_ARN,
      decision: 'Reject',
      comment: 'Rejected via e-mail link by alice@example.com',
      at: expect.any(Date),
    },
  ]);
});

it('a quorum gate’s rejection when every listed seat holds an accepted approval: 409, nothing sent', async () => {
  const run = await waitingRun();
  const inAnHour = new Date(Date.now() + 3_600_000);
  for (const [seat, person] of [
    [SEAT_1, 'api:jira'],
    [SEAT_2, 'api:servicenow'],
  ] as const) {
    await claims.claim(run.key, { seat, person, name: person.slice(4), at: new Date() }, inAnHour);
    await claims.markSent(run.key, seat, person);
  }
  const untouched = new SSMClient({ region: 'us-east-1' });
  const sendMock = mockClient(untouched);

  expect(
    await rejection(
      decide({
        ...approval(run, untouched, { seat2: untouched }),
        intent: { action: 'reject', signalType: 'Reject' },
      }),
    ),
  ).toEqual({
    status: 409,
    reason: 'quorum-no-free-seat',
    detail:
      "Gate ApproveChange lists 2 approver seats, and every one has already sent an approval that SSM accepted; SSM takes one decision per seat, so the webhook has no seat left to send your rejection through. Nothing was sent. List more of the stack's ApproverSeatRoleArns in the runbook's Approvers, or stop the execution.",
  });
  expect(sendMock.calls()).toHaveLength(0);
});
