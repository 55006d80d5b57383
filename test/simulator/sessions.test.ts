/**
 * Session tokens at the simulator, through the unmodified SDK: the simulator wired to a local STS (as
 * `npm start` wires them, `stsSessions` of local/runner.ts, the STS started after the simulator) accepts a
 * seat's temporary credentials exactly when the STS issued that token for that access key and it has not
 * expired; SSM's record of the seat's decision then names the session. Any other token is refused as AWS
 * JSON services refuse it: UnrecognizedClientException (invalid) or ExpiredTokenException (expired), HTTP 400.
 */
import {
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { localStsOptions, stsSessions } from '../../local/runner';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';
import { type LocalSts, startLocalSts } from '../../local/sts/server';

const SIGNAL = {
  accessKeyId: 'AKIALOCALWEBHOOKSIGN',
  secretAccessKey: 'local-dummy-secret-webhook-signal-00000000',
};
const OPERATOR = {
  accessKeyId: 'AKIALOCALOPERATOR001',
  secretAccessKey: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001?.secretAccessKey as string,
};
const SEAT_2_ROLE = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const SEAT_3_ROLE = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-3';
const INVALID = {
  name: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid',
  $metadata: expect.objectContaining({ httpStatusCode: 400 }),
};
const EXPIRED = {
  name: 'ExpiredTokenException',
  message: 'The security token included in the request is expired',
  $metadata: expect.objectContaining({ httpStatusCode: 400 }),
};

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let simulator: Simulator;
let sts: LocalSts | undefined;
/** The STS's clock (it stamps expirations); the simulator checks them against the wall clock. */
let stsNow = () => new Date();
const clients: { destroy(): void }[] = [];

const ssm = (credentials: Credentials) => {
  const client = new SSMClient({ endpoint: simulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
};

/** Seat credentials as the functions get them: STS AssumeRole through the SDK, signed as the signal role. */
const assumeSeat = async (roleArn: string, roleSessionName: string): Promise<Required<Credentials>> => {
  const client = new STSClient({
    endpoint: (sts as LocalSts).url,
    region: 'us-east-1',
    credentials: SIGNAL,
    maxAttempts: 1,
  });
  clients.push(client);
  const { Credentials: issued } = await client.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: roleSessionName, DurationSeconds: 900 }),
  );
  return {
    accessKeyId: issued?.AccessKeyId as string,
    secretAccessKey: issued?.SecretAccessKey as string,
    sessionToken: issued?.SessionToken as string,
  };
};

/** What a call threw, in the parts AWS defines: the error's name, message and HTTP status. */
const refusal = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  const { name, message, $metadata } = error as Error & { $metadata: unknown };
  return { name, message, $metadata };
};

/** A Demo-Quorum execution (seat 1 and seat 2 among its Approvers, two approvals needed), waiting. */
const waitingQuorum = async (): Promise<string> => {
  const { AutomationExecutionId } = await ssm(OPERATOR).send(
    new StartAutomationExecutionCommand({ DocumentName: 'Demo-Quorum' }),
  );
  return AutomationExecutionId as string;
};

const approve = (id: string, comment: string) =>
  new SendAutomationSignalCommand({
    AutomationExecutionId: id,
    SignalType: 'Approve',
    Payload: { Comment: [comment] },
  });

const decisionsOf = async (id: string) => {
  const { AutomationExecution } = await ssm(OPERATOR).send(
    new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
  );
  const step = AutomationExecution?.StepExecutions?.find((s) => s.StepName === 'ApproveChange');
  return {
    status: AutomationExecution?.AutomationExecutionStatus,
    // One JSON document per decision, as SSM lists them.
    decisions: (step?.Outputs?.ApproverDecisions ?? []).map((decision) => JSON.parse(decision) as unknown),
  };
};

beforeAll(async () => {
  // The simulator first, as in npm start: it finds the STS only when a request comes.
  simulator = await startSimulator({ sessions: stsSessions(() => sts) });
  sts = await startLocalSts({ ...localStsOptions('127.0.0.1'), now: () => stsNow() });
});
afterEach(() => {
  stsNow = () => new Date();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await sts?.close();
  await simulator.close();
});

describe('given a session token the local STS issued for the seat’s access key', () => {
  it('accepts it, and SSM records the decision as the seat’s session', async () => {
    const id = await waitingQuorum();
    const seat2 = await assumeSeat(SEAT_2_ROLE, 'link.alice@example.com');

    await expect(
      ssm(seat2).send(approve(id, 'Approved via e-mail link by alice@example.com')),
    ).resolves.toEqual(
      expect.objectContaining({ $metadata: expect.objectContaining({ httpStatusCode: 200 }) }),
    );

    expect(await decisionsOf(id)).toEqual({
      status: 'Waiting',
      decisions: [
        {
          Approver:
            'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-seat-2/link.alice@example.com',
          Decision: 'Approve',
          Comment: 'Approved via e-mail link by alice@example.com',
          ApprovalDecisionTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
        },
      ],
    });
  });
});

describe('given a session token the simulator must refuse', () => {
  it('one the STS never issued: 400 UnrecognizedClientException, nothing recorded', async () => {
    const id = await waitingQuorum();
    const seat2 = await assumeSeat(SEAT_2_ROLE, 'link.alice@example.com');

    expect(
      await refusal(
        ssm({ ...seat2, sessionToken: 'LocalStsSession/not-issued' }).send(approve(id, 'forged')),
      ),
    ).toEqual(INVALID);
    expect(await decisionsOf(id)).toEqual({ status: 'Waiting', decisions: [] });
  });

  it('one issued for another access key (seat 3’s token with seat 2’s key): 400 UnrecognizedClientException', async () => {
    const id = await waitingQuorum();
    const seat2 = await assumeSeat(SEAT_2_ROLE, 'link.alice@example.com');
    const seat3 = await assumeSeat(SEAT_3_ROLE, 'link.bob@example.com');

    expect(
      await refusal(ssm({ ...seat2, sessionToken: seat3.sessionToken }).send(approve(id, 'borrowed token'))),
    ).toEqual(INVALID);
    expect(await decisionsOf(id)).toEqual({ status: 'Waiting', decisions: [] });
  });

  it('a long-term key with a session token: 400 UnrecognizedClientException', async () => {
    const id = await waitingQuorum();
    const seat2 = await assumeSeat(SEAT_2_ROLE, 'link.alice@example.com');

    expect(
      await refusal(ssm({ ...SIGNAL, sessionToken: seat2.sessionToken }).send(approve(id, 'signal role'))),
    ).toEqual(INVALID);
  });

  it('one that has expired: 400 ExpiredTokenException, nothing recorded', async () => {
    const id = await waitingQuorum();
    // Issued 16 minutes ago for 15 minutes.
    stsNow = () => new Date(Date.now() - 16 * 60 * 1000);
    const seat2 = await assumeSeat(SEAT_2_ROLE, 'link.alice@example.com');

    expect(await refusal(ssm(seat2).send(approve(id, 'too late')))).toEqual(EXPIRED);
    expect(await decisionsOf(id)).toEqual({ status: 'Waiting', decisions: [] });
  });
});

describe('a simulator without a session resolver', () => {
  it('refuses even a token the STS issued: 400 UnrecognizedClientException', async () => {
    const plain = await startSimulator();
    try {
      const seat2 = await assumeSeat(SEAT_2_ROLE, 'link.alice@example.com');
      const client = new SSMClient({
        endpoint: plain.url,
        region: 'us-east-1',
        credentials: seat2,
        maxAttempts: 1,
      });
      clients.push(client);

      expect(
        await refusal(
          client.send(
            new SendAutomationSignalCommand({
              AutomationExecutionId: '00000000-0000-4000-8000-000000000001',
              SignalType: 'Approve',
            }),
          ),
        ),
      ).toEqual(INVALID);
    } finally {
      await plain.close();
    }
  });
});
