/**
 * The unmodified @aws-sdk/client-ssm against the simulator: typed errors and the approval flows.
 */
import {
  AccessDeniedException,
  AutomationDefinitionNotFoundException,
  AutomationExecutionNotFoundException,
  AutomationStepNotFoundException,
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  IdempotentParameterMismatch,
  InvalidAutomationExecutionParametersException,
  InvalidAutomationSignalException,
  InvalidAutomationStatusUpdateException,
  paginateDescribeAutomationStepExecutions,
  SendAutomationSignalCommand,
  SSMClient,
  SSMServiceException,
  StartAutomationExecutionCommand,
  type StepExecution,
  StopAutomationExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-ssm';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';
import { ManualClock, OPERATOR, OUTSIDER, WEBHOOK } from './helpers';

let simulator: Simulator;
const clock = new ManualClock('2025-06-01T12:00:00.000Z');
const clients: SSMClient[] = [];

const client = (
  accessKeyId: string,
  secretAccessKey = DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? 'x',
  options: { readonly region?: string; readonly endpoint?: string } = {},
) => {
  const created = new SSMClient({
    endpoint: options.endpoint ?? simulator.url,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  clients.push(created);
  return created;
};

let operator: SSMClient;
let webhook: SSMClient;
let outsider: SSMClient;

beforeAll(async () => {
  simulator = await startSimulator({ clock: clock.now });
  operator = client('AKIALOCALOPERATOR001');
  webhook = client('AKIALOCALWEBHOOKSIGN');
  outsider = client('AKIALOCALOUTSIDER001');
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await simulator.close();
});

const UNKNOWN = '11111111-2222-4333-8444-555555555555';
const TOKEN = 'AB2A1F64-0C3E-4F5E-9D4B-6A7C8E9F0A1B';

const start = async (
  DocumentName: string,
  extra: Partial<{ Mode: 'Auto' | 'Interactive'; ClientToken: string }> = {},
) =>
  (await operator.send(new StartAutomationExecutionCommand({ DocumentName, ...extra })))
    .AutomationExecutionId as string;
const get = async (AutomationExecutionId: string) =>
  (await operator.send(new GetAutomationExecutionCommand({ AutomationExecutionId }))).AutomationExecution;
const statuses = async (AutomationExecutionId: string) => {
  const execution = await get(AutomationExecutionId);
  return [execution?.AutomationExecutionStatus, execution?.StepExecutions?.map((s) => s.StepStatus)];
};

/** The rejection of a call, as the SDK reports it. */
const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as SSMServiceException;
    return {
      error: e,
      name: e.name,
      message: e.message,
      status: e.$metadata.httpStatusCode,
      fault: e.$fault,
    };
  }
  throw new Error('expected the call to fail');
};

describe('typed errors', () => {
  it('AutomationExecutionNotFoundException from each operation, HTTP 400', async () => {
    const calls = [
      () => operator.send(new GetAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN })),
      () => operator.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: UNKNOWN })),
      () =>
        webhook.send(
          new SendAutomationSignalCommand({ AutomationExecutionId: UNKNOWN, SignalType: 'Approve' }),
        ),
      () => operator.send(new StopAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN })),
    ];
    for (const call of calls) {
      const { error, ...rest } = await rejection(call());
      expect(error).toBeInstanceOf(AutomationExecutionNotFoundException);
      expect(rest).toStrictEqual({
        name: 'AutomationExecutionNotFoundException',
        message: `Automation execution ${UNKNOWN} does not exist.`,
        status: 400,
        fault: 'client',
      });
    }
  });

  it('ValidationException, AutomationDefinitionNotFoundException and InvalidAutomationExecutionParametersException', async () => {
    const invalid = await rejection(
      operator.send(new GetAutomationExecutionCommand({ AutomationExecutionId: 'short' })),
    );
    expect(invalid.error).toBeInstanceOf(ValidationException);
    expect(invalid.message).toBe(
      "1 validation error detected: Value 'short' at 'automationExecutionId' failed to satisfy constraint: Member must have length greater than or equal to 36",
    );

    const unknownDocument = await rejection(
      operator.send(new StartAutomationExecutionCommand({ DocumentName: 'Nope-Doc' })),
    );
    expect(unknownDocument.error).toBeInstanceOf(AutomationDefinitionNotFoundException);

    const badParameters = await rejection(
      operator.send(
        new StartAutomationExecutionCommand({
          DocumentName: 'Demo-ApproveChange',
          Parameters: { Colour: ['red'] },
        }),
      ),
    );
    expect(badParameters.error).toBeInstanceOf(InvalidAutomationExecutionParametersException);
    expect(badParameters.message).toBe("Parameter 'Colour' is not defined in document 'Demo-ApproveChange'.");
  });

  it('authentication and authorisation errors', async () => {
    const wrongSecret = await rejection(
      client('AKIALOCALOPERATOR001', 'wrong').send(
        new GetAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN }),
      ),
    );
    expect([
      wrongSecret.error instanceof SSMServiceException,
      wrongSecret.name,
      wrongSecret.status,
    ]).toStrictEqual([true, 'InvalidSignatureException', 400]);

    const unknownKey = await rejection(
      client('AKIAUNKNOWN000000000').send(
        new GetAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN }),
      ),
    );
    expect([unknownKey.name, unknownKey.message, unknownKey.status]).toStrictEqual([
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      400,
    ]);

    const denied = await rejection(
      webhook.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: UNKNOWN })),
    );
    expect(denied.error).toBeInstanceOf(AccessDeniedException);
    expect(denied.status).toBe(400);
  });

  it('InvalidSignatureException for a client configured for another region than the simulator', async () => {
    const elsewhere = await rejection(
      client('AKIALOCALOPERATOR001', undefined, { region: 'eu-west-1' }).send(
        new GetAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN }),
      ),
    );

    expect([
      elsewhere.error instanceof SSMServiceException,
      elsewhere.name,
      elsewhere.message,
      elsewhere.status,
      elsewhere.fault,
    ]).toStrictEqual([
      true,
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'eu-west-1'. ",
      400,
      'client',
    ]);
  });

  it('a simulator configured for eu-west-1 serves eu-west-1 clients and refuses us-east-1 ones', async () => {
    const irish = await startSimulator({ clock: clock.now, region: 'eu-west-1' });
    try {
      const local = client('AKIALOCALOPERATOR001', undefined, { region: 'eu-west-1', endpoint: irish.url });
      const started = await local.send(
        new StartAutomationExecutionCommand({ DocumentName: 'Demo-ApproveChange' }),
      );
      const id = started.AutomationExecutionId as string;
      expect(
        (await local.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id })))
          .AutomationExecution,
      ).toStrictEqual(irish.engine.get(id));

      const useast1 = await rejection(
        client('AKIALOCALOPERATOR001', undefined, { endpoint: irish.url }).send(
          new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
        ),
      );
      expect([useast1.name, useast1.message, useast1.status]).toStrictEqual([
        'InvalidSignatureException',
        "Credential should be scoped to a valid region, not 'us-east-1'. ",
        400,
      ]);
    } finally {
      await irish.close();
    }
  });
});

describe('webhook principals hold exactly the actions of their deployed roles', () => {
  /** Each operation, valid enough to reach authorisation, on something that does not exist. */
  const operations = {
    StartAutomationExecution: () => new StartAutomationExecutionCommand({ DocumentName: 'Nope-Doc' }),
    GetAutomationExecution: () => new GetAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN }),
    DescribeAutomationStepExecutions: () =>
      new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: UNKNOWN }),
    SendAutomationSignal: () =>
      new SendAutomationSignalCommand({ AutomationExecutionId: UNKNOWN, SignalType: 'Approve' }),
    StopAutomationExecution: () => new StopAutomationExecutionCommand({ AutomationExecutionId: UNKNOWN }),
  };
  const ALLOWED_BUT_MISSING = {
    StartAutomationExecution: 'AutomationDefinitionNotFoundException',
    GetAutomationExecution: 'AutomationExecutionNotFoundException',
    DescribeAutomationStepExecutions: 'AutomationExecutionNotFoundException',
    SendAutomationSignal: 'AutomationExecutionNotFoundException',
    StopAutomationExecution: 'AutomationExecutionNotFoundException',
  };
  const DENIED = 'AccessDeniedException';

  it.each([
    [
      'AKIALOCALWEBHOOKSIGN',
      { GetAutomationExecution: true, SendAutomationSignal: true } as Record<string, boolean>,
    ],
    ['AKIALOCALWEBHOOKSTOP', { GetAutomationExecution: true, StopAutomationExecution: true }],
    ['AKIALOCALWEBHOOKCONF', { GetAutomationExecution: true }],
    ['AKIALOCALWEBHOOKNOTI', { GetAutomationExecution: true }],
  ])('%s', async (accessKeyId, allowed) => {
    const caller = client(accessKeyId);
    const outcomes: Record<string, string> = {};
    for (const [name, command] of Object.entries(operations)) {
      outcomes[name] = (await rejection(caller.send(command() as never))).name;
    }

    expect(outcomes).toStrictEqual(
      Object.fromEntries(
        Object.entries(ALLOWED_BUT_MISSING).map(([name, missing]) => [
          name,
          allowed[name] ? missing : DENIED,
        ]),
      ),
    );
  });

  it('the confirm and notifier roles read executions; IAM wording when they try more', async () => {
    const id = await start('Demo-ApproveChange');
    for (const accessKeyId of ['AKIALOCALWEBHOOKCONF', 'AKIALOCALWEBHOOKNOTI']) {
      const read = await client(accessKeyId).send(
        new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
      );
      expect(read.AutomationExecution).toStrictEqual(simulator.engine.get(id));
    }

    const denied = await rejection(
      client('AKIALOCALWEBHOOKNOTI').send(
        new SendAutomationSignalCommand({ AutomationExecutionId: id, SignalType: 'Approve' }),
      ),
    );
    expect(denied.error).toBeInstanceOf(AccessDeniedException);
    expect(denied.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-notifier/local is not authorized to perform: ssm:SendAutomationSignal on resource: arn:aws:ssm:us-east-1:123456789012:automation-execution/${id} because no identity-based policy allows the ssm:SendAutomationSignal action`,
    );
    expect(await statuses(id)).toStrictEqual(['Waiting', ['Success', 'Waiting', 'Pending', 'Pending']]);
  });
});

describe('step executions', () => {
  it('carry OverriddenParameters {} through the SDK, Pending steps included, as SSM reports them', async () => {
    const id = await start('Demo-ApproveChange');
    const described = await operator.send(
      new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: id }),
    );

    const expected = [
      ['Success', {}],
      ['Waiting', {}],
      ['Pending', {}],
      ['Pending', {}],
    ];
    const view = (steps: StepExecution[] = []) => steps.map((s) => [s.StepStatus, s.OverriddenParameters]);
    expect(view((await get(id))?.StepExecutions)).toStrictEqual(expected);
    expect(view(described.StepExecutions)).toStrictEqual(expected);
  });
});

describe('approval flows', () => {
  it('approve → Success; the SDK reads back exactly what the engine holds', async () => {
    const id = await start('Demo-ApproveChange');
    expect(await statuses(id)).toStrictEqual(['Waiting', ['Success', 'Waiting', 'Pending', 'Pending']]);

    await webhook.send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: id,
        SignalType: 'Approve',
        Payload: { Comment: ['approved by alice via Slack'] },
      }),
    );

    const execution = await get(id);
    expect(execution).toStrictEqual(simulator.engine.get(id));
    expect(execution?.ExecutionStartTime).toStrictEqual(new Date('2025-06-01T12:00:00.000Z'));
    expect(await statuses(id)).toStrictEqual(['Success', ['Success', 'Success', 'Success', 'Success']]);
  });

  it('reject → Failed', async () => {
    const id = await start('Demo-ApproveChange');

    await webhook.send(new SendAutomationSignalCommand({ AutomationExecutionId: id, SignalType: 'Reject' }));

    expect(await statuses(id)).toStrictEqual(['Failed', ['Success', 'Failed', 'Pending', 'Pending']]);
    expect((await get(id))?.FailureMessage).toBe(`The approval request was rejected by ${WEBHOOK}.`);
  });

  it('stop (Cancel) → Cancelled; a second stop → InvalidAutomationStatusUpdateException', async () => {
    const id = await start('Demo-ApproveChange');

    await client('AKIALOCALWEBHOOKSTOP').send(
      new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Cancel' }),
    );

    expect(await statuses(id)).toStrictEqual(['Cancelled', ['Success', 'Cancelled', 'Pending', 'Pending']]);
    const again = await rejection(
      operator.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id })),
    );
    expect(again.error).toBeInstanceOf(InvalidAutomationStatusUpdateException);
  });

  it('a second approve → InvalidAutomationSignalException', async () => {
    const id = await start('Demo-ApproveChange');
    await webhook.send(new SendAutomationSignalCommand({ AutomationExecutionId: id, SignalType: 'Approve' }));

    const second = await rejection(
      webhook.send(new SendAutomationSignalCommand({ AutomationExecutionId: id, SignalType: 'Approve' })),
    );

    expect(second.error).toBeInstanceOf(InvalidAutomationSignalException);
    expect([second.message, second.status]).toStrictEqual([
      `Automation execution ${id} is Success and accepts no more signals.`,
      400,
    ]);
  });

  it('an outsider approve → InvalidAutomationSignalException, and the execution keeps waiting', async () => {
    const id = await start('Demo-ApproveChange');

    const refused = await rejection(
      outsider.send(new SendAutomationSignalCommand({ AutomationExecutionId: id, SignalType: 'Approve' })),
    );

    expect(refused.error).toBeInstanceOf(InvalidAutomationSignalException);
    expect(refused.message).toBe(`${OUTSIDER} is not an approver of step ApproveChange.`);
    expect(await statuses(id)).toStrictEqual(['Waiting', ['Success', 'Waiting', 'Pending', 'Pending']]);
  });
});

describe('signals', () => {
  it('Interactive mode: StartStep runs one step at a time; Complete ends it', async () => {
    const id = await start('Demo-PauseAndResume', { Mode: 'Interactive' });
    const startStep = (name: string) =>
      operator.send(
        new SendAutomationSignalCommand({
          AutomationExecutionId: id,
          SignalType: 'StartStep',
          Payload: { StepName: [name] },
        }),
      );

    await startStep('BeforePause');
    expect(await statuses(id)).toStrictEqual(['Waiting', ['Success', 'Pending', 'Pending']]);
    const unknown = await rejection(startStep('Nope'));
    expect(unknown.error).toBeInstanceOf(AutomationStepNotFoundException);

    await startStep('WaitForOperator');
    await operator.send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: id,
        SignalType: 'Resume',
        Payload: { StepName: ['WaitForOperator'] },
      }),
    );
    await startStep('AfterPause');
    expect(await statuses(id)).toStrictEqual(['Waiting', ['Success', 'Success', 'Success']]);

    await operator.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Complete' }));
    expect(await statuses(id)).toStrictEqual(['Success', ['Success', 'Success', 'Success']]);
  });

  it('aws:pause waits for Resume', async () => {
    const id = await start('Demo-PauseAndResume');
    expect(await statuses(id)).toStrictEqual(['Waiting', ['Success', 'Waiting', 'Pending']]);

    await operator.send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: id,
        SignalType: 'Resume',
        Payload: { StepName: ['WaitForOperator'] },
      }),
    );

    expect(await statuses(id)).toStrictEqual(['Success', ['Success', 'Success', 'Success']]);
  });

  it('StopStep stops the waiting step, found with DescribeAutomationStepExecutions', async () => {
    const id = await start('Demo-ApproveChange');
    const waiting = await operator.send(
      new DescribeAutomationStepExecutionsCommand({
        AutomationExecutionId: id,
        Filters: [{ Key: 'StepExecutionStatus', Values: ['Waiting'] }],
      }),
    );
    const stepExecutionId = waiting.StepExecutions?.[0]?.StepExecutionId as string;
    expect(waiting.StepExecutions?.map((s) => s.StepName)).toStrictEqual(['ApproveChange']);

    await operator.send(
      new SendAutomationSignalCommand({
        AutomationExecutionId: id,
        SignalType: 'StopStep',
        Payload: { StepExecutionId: [stepExecutionId] },
      }),
    );

    expect(await statuses(id)).toStrictEqual(['Cancelled', ['Success', 'Cancelled', 'Pending', 'Pending']]);
  });

  it('pages step executions with the SDK paginator', async () => {
    const id = await start('Demo-ApproveChange');
    const steps: StepExecution[] = [];
    for await (const page of paginateDescribeAutomationStepExecutions(
      { client: operator, pageSize: 1 },
      { AutomationExecutionId: id },
    )) {
      steps.push(...(page.StepExecutions ?? []));
    }

    expect(steps).toStrictEqual((await get(id))?.StepExecutions);
  });
});

describe('ClientToken', () => {
  it('same token and request → same execution; another request → IdempotentParameterMismatch', async () => {
    const first = await start('Demo-ApproveChange', { ClientToken: TOKEN });
    const again = await start('Demo-ApproveChange', { ClientToken: TOKEN.toLowerCase() });
    expect(again).toBe(first);
    expect((await get(first))?.ExecutedBy).toBe(OPERATOR);

    const mismatch = await rejection(start('Demo-PauseAndResume', { ClientToken: TOKEN }));
    expect(mismatch.error).toBeInstanceOf(IdempotentParameterMismatch);
    expect(mismatch.message).toBe(`ClientToken ${TOKEN} was already used with different request parameters.`);
  });
});
