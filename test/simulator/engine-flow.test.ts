import { id, newEngine, OPERATOR, OUTSIDER, thrown, WEBHOOK } from './helpers';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const TOKEN = '9b2a1f64-0c3e-4f5e-9d4b-6a7c8e9f0a1b';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

const summary = (engine: ReturnType<typeof newEngine>['engine'], executionId: string) =>
  engine.get(executionId).StepExecutions?.map((s) => [s.StepName, s.StepStatus]);

describe('StartAutomationExecution', () => {
  it('refuses an unknown document and an unknown version', () => {
    const { engine } = newEngine();

    expect(thrown(() => engine.start(OPERATOR, { DocumentName: 'Nope-Runbook' }))).toStrictEqual({
      code: 'AutomationDefinitionNotFoundException',
      message: 'Automation definition Nope-Runbook does not exist.',
    });
    expect(
      thrown(() => engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange', DocumentVersion: '2' })),
    ).toStrictEqual({
      code: 'AutomationDefinitionVersionNotFoundException',
      message: 'Automation definition Demo-ApproveChange has no version 2.',
    });
    expect(engine.executionIds).toStrictEqual([]);
  });

  it('accepts $DEFAULT, $LATEST, 1 and a document ARN', () => {
    const { engine } = newEngine();
    for (const DocumentVersion of ['$DEFAULT', '$LATEST', '1']) {
      engine.start(OPERATOR, { DocumentName: 'Demo-PauseAndResume', DocumentVersion });
    }
    const { AutomationExecutionId } = engine.start(OPERATOR, {
      DocumentName: 'arn:aws:ssm:us-east-1:123456789012:document/Demo-PauseAndResume',
    });

    expect(engine.get(AutomationExecutionId as string).DocumentName).toBe('Demo-PauseAndResume');
    expect(engine.executionIds).toHaveLength(4);
  });

  it.each([
    [{ Unknown: ['x'] }, "Parameter 'Unknown' is not defined in document 'Test-Typed'."],
    [{}, "Parameter 'Environment' is required but was not provided."],
    [
      { Environment: ['test'] },
      "Parameter 'Environment' value 'test' is not one of the allowed values: dev, prod.",
    ],
    [{ Environment: ['dev', 'prod'] }, "Parameter 'Environment' of type String takes exactly one value."],
    [
      { Environment: ['dev'], Ticket: ['INC-1'] },
      "Parameter 'Ticket' value 'INC-1' does not match the allowed pattern ^CHG-[0-9]+$.",
    ],
    [{ Environment: ['dev'], Count: ['three'] }, "Parameter 'Count' value 'three' is not a valid Integer."],
    [{ Environment: ['dev'], DryRun: ['yes'] }, "Parameter 'DryRun' value 'yes' is not a valid Boolean."],
    [{ Environment: ['dev'], Tags: ['[1]'] }, "Parameter 'Tags' value '[1]' is not a valid StringMap."],
  ])('refuses parameters %j with InvalidAutomationExecutionParametersException', (Parameters, message) => {
    const { engine } = newEngine();

    expect(thrown(() => engine.start(OPERATOR, { DocumentName: 'Test-Typed', Parameters }))).toStrictEqual({
      code: 'InvalidAutomationExecutionParametersException',
      message,
    });
  });

  it('fills defaults, reports every parameter and interpolates typed values and system variables', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, {
      DocumentName: 'Test-Typed',
      Parameters: { Environment: ['prod'], Hosts: ['x', 'y', 'z'] },
    });

    const execution = engine.get(AutomationExecutionId as string);
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(execution.Parameters).toStrictEqual({
      AutomationAssumeRole: [''],
      Environment: ['prod'],
      Ticket: ['CHG-1'],
      Count: ['3'],
      DryRun: ['true'],
      Tags: ['{"team":"sre"}'],
      Hosts: ['x', 'y', 'z'],
    });
    expect(execution.StepExecutions?.[0]?.Inputs).toStrictEqual({
      Service: '"ssm"',
      Api: '"DescribeDocument"',
      Name: '"prod-CHG-1"',
      Count: '3',
      DryRun: 'true',
      Tags: '{"team":"sre"}',
      Hosts: '["x","y","z"]',
      Where: '"123456789012/us-east-1/aws"',
      When: '"2025-01-01 2025-01-01T00:00:00Z"',
      Execution: `"${id(1)}"`,
    });
  });

  it('returns the same execution for the same ClientToken (any case) and request, without starting another', () => {
    const { engine } = newEngine();
    const first = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange', ClientToken: TOKEN });
    const again = engine.start(OPERATOR, {
      DocumentName: 'Demo-ApproveChange',
      ClientToken: TOKEN.toUpperCase(),
    });

    expect(again).toStrictEqual(first);
    expect(engine.executionIds).toStrictEqual([id(1)]);
  });

  it.each([
    ['another document', OPERATOR, { DocumentName: 'Demo-PauseAndResume' }],
    [
      'other parameters',
      OPERATOR,
      { DocumentName: 'Demo-ApproveChange', Parameters: { ChangeDescription: ['x'] } },
    ],
    ['another mode', OPERATOR, { DocumentName: 'Demo-ApproveChange', Mode: 'Interactive' as const }],
    ['another caller', OUTSIDER, { DocumentName: 'Demo-ApproveChange' }],
  ])('refuses a reused ClientToken with %s (IdempotentParameterMismatch)', (_, caller, request) => {
    const { engine } = newEngine();
    engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange', ClientToken: TOKEN });

    expect(thrown(() => engine.start(caller, { ...request, ClientToken: TOKEN }))).toStrictEqual({
      code: 'IdempotentParameterMismatch',
      message: `ClientToken ${TOKEN} was already used with different request parameters.`,
    });
    expect(engine.executionIds).toStrictEqual([id(1)]);
  });
});

describe('onFailure, nextStep, isEnd and isCritical (Test-Branching)', () => {
  const run = (Parameters: Record<string, string[]> = {}) => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Test-Branching', Parameters });
    return { engine, execution: engine.get(AutomationExecutionId as string) };
  };

  it('follows nextStep past steps it skips, which stay Pending', () => {
    const { execution } = run();

    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).toStrictEqual([
      ['First', 'Success'],
      ['Critical', 'Success'],
      ['Skipped', 'Pending'],
      ['Cleanup', 'Pending'],
      ['Last', 'Success'],
    ]);
    expect(execution.StepExecutions?.[1]).toMatchObject({
      OnFailure: 'step:Cleanup',
      NextStep: 'Last',
      ValidNextSteps: ['Last'],
    });
    expect(execution.StepExecutions?.[3]).toMatchObject({ IsEnd: true });
    expect(execution.StepExecutions?.[3]?.ValidNextSteps).toBeUndefined();
  });

  it('continues after a failed step with onFailure Continue, which is not critical: Success', () => {
    const { execution } = run({ FailFirst: ['first broke'] });

    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(execution.FailureMessage).toBeUndefined();
    expect(execution.StepExecutions?.[0]).toMatchObject({
      StepStatus: 'Failed',
      FailureMessage: 'first broke',
      OnFailure: 'Continue',
    });
    expect(execution.StepExecutions?.map((s) => s.StepStatus)).toStrictEqual([
      'Failed',
      'Success',
      'Pending',
      'Pending',
      'Success',
    ]);
  });

  it('goes to the onFailure step, ends at its isEnd and reports Failed for the critical failure', () => {
    const { execution } = run({ FailCritical: ['critical broke'] });

    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.FailureMessage).toBe('critical broke');
    expect(execution.StepExecutions?.map((s) => s.StepStatus)).toStrictEqual([
      'Success',
      'Failed',
      'Pending',
      'Success',
      'Pending',
    ]);
  });

  it('aborts on a failed step with the default onFailure (Abort)', () => {
    const { execution } = run({ FailLast: ['last broke'] });

    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.FailureMessage).toBe('last broke');
    expect(execution.ExecutionEndTime).toStrictEqual(T0);
    expect(execution.StepExecutions?.map((s) => s.StepStatus)).toStrictEqual([
      'Success',
      'Success',
      'Pending',
      'Pending',
      'Failed',
    ]);
  });
});

describe('StopAutomationExecution', () => {
  it('Cancel: the waiting step is Cancelled, steps not run stay Pending, the execution is Cancelled', () => {
    const { engine, clock } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' });
    clock.advance(30);

    engine.stop({ AutomationExecutionId });

    const execution = engine.get(AutomationExecutionId as string);
    expect(execution.AutomationExecutionStatus).toBe('Cancelled');
    expect(execution.ExecutionEndTime).toStrictEqual(at(30));
    expect(execution.FailureMessage).toBeUndefined();
    expect(execution.CurrentStepName).toBeUndefined();
    expect(
      execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus, s.ExecutionEndTime]),
    ).toStrictEqual([
      ['PrepareChange', 'Success', T0],
      ['ApproveChange', 'Cancelled', at(30)],
      ['ApplyChange', 'Pending', undefined],
      ['ReportResult', 'Pending', undefined],
    ]);
  });

  it('Complete: ends the execution Success without running the remaining steps', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' });

    engine.stop({ AutomationExecutionId, Type: 'Complete' });

    expect(engine.get(AutomationExecutionId as string).AutomationExecutionStatus).toBe('Success');
    expect(summary(engine, AutomationExecutionId as string)).toStrictEqual([
      ['PrepareChange', 'Success'],
      ['ApproveChange', 'Cancelled'],
      ['ApplyChange', 'Pending'],
      ['ReportResult', 'Pending'],
    ]);
  });

  it('refuses to stop a finished execution (InvalidAutomationStatusUpdateException) and signals to it', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' });
    engine.stop({ AutomationExecutionId, Type: 'Cancel' });

    for (const Type of ['Cancel', 'Complete'] as const) {
      expect(thrown(() => engine.stop({ AutomationExecutionId, Type }))).toStrictEqual({
        code: 'InvalidAutomationStatusUpdateException',
        message: `Automation execution ${id(1)} is already Cancelled.`,
      });
    }
    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' })),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: `Automation execution ${id(1)} is Cancelled and accepts no more signals.`,
    });
  });
});

describe('unknown executions', () => {
  it('answer AutomationExecutionNotFoundException on every operation', () => {
    const { engine } = newEngine();
    const expected = {
      code: 'AutomationExecutionNotFoundException',
      message: `Automation execution ${UNKNOWN} does not exist.`,
    };

    expect(thrown(() => engine.get(UNKNOWN))).toStrictEqual(expected);
    expect(thrown(() => engine.describeSteps({ AutomationExecutionId: UNKNOWN }))).toStrictEqual(expected);
    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId: UNKNOWN, SignalType: 'Approve' })),
    ).toStrictEqual(expected);
    expect(thrown(() => engine.stop({ AutomationExecutionId: UNKNOWN }))).toStrictEqual(expected);
  });
});

describe('DescribeAutomationStepExecutions', () => {
  const started = () => {
    const { engine, clock } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' });
    return { engine, clock, AutomationExecutionId: AutomationExecutionId as string };
  };
  const names = (result: { StepExecutions?: { StepName?: string }[] }) =>
    result.StepExecutions?.map((s) => s.StepName);

  it('lists the same step executions as GetAutomationExecution', () => {
    const { engine, AutomationExecutionId } = started();

    expect(engine.describeSteps({ AutomationExecutionId })).toStrictEqual({
      StepExecutions: engine.get(AutomationExecutionId).StepExecutions,
    });
  });

  it('filters by status, name, action and id (values ORed, filters ANDed)', () => {
    const { engine, AutomationExecutionId } = started();
    const filtered = (
      Filters: { Key: 'StepExecutionStatus' | 'StepName' | 'Action' | 'StepExecutionId'; Values: string[] }[],
    ) => names(engine.describeSteps({ AutomationExecutionId, Filters }));

    expect(filtered([{ Key: 'StepExecutionStatus', Values: ['Pending', 'Waiting'] }])).toStrictEqual([
      'ApproveChange',
      'ApplyChange',
      'ReportResult',
    ]);
    expect(
      filtered([
        { Key: 'Action', Values: ['aws:executeScript'] },
        { Key: 'StepExecutionStatus', Values: ['Pending'] },
      ]),
    ).toStrictEqual(['ApplyChange']);
    expect(filtered([{ Key: 'StepName', Values: ['ReportResult', 'Nope'] }])).toStrictEqual(['ReportResult']);
    expect(filtered([{ Key: 'StepExecutionId', Values: [id(3)] }])).toStrictEqual(['ApproveChange']);
  });

  it('filters by start time', () => {
    const { engine, clock, AutomationExecutionId } = started();
    clock.advance(100);
    engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' });

    expect(
      names(
        engine.describeSteps({
          AutomationExecutionId,
          Filters: [{ Key: 'StartTimeAfter', Values: ['2025-01-01T00:00:50Z'] }],
        }),
      ),
    ).toStrictEqual(['ApplyChange', 'ReportResult']);
    expect(
      names(
        engine.describeSteps({
          AutomationExecutionId,
          Filters: [{ Key: 'StartTimeBefore', Values: ['2025-01-01T00:00:50Z'] }],
        }),
      ),
    ).toStrictEqual(['PrepareChange', 'ApproveChange']);
  });

  it('pages with MaxResults and NextToken, in reverse order on request', () => {
    const { engine, AutomationExecutionId } = started();

    const first = engine.describeSteps({ AutomationExecutionId, MaxResults: 3, ReverseOrder: true });
    expect(names(first)).toStrictEqual(['ReportResult', 'ApplyChange', 'ApproveChange']);
    expect(typeof first.NextToken).toBe('string');
    const second = engine.describeSteps({
      AutomationExecutionId,
      MaxResults: 3,
      ReverseOrder: true,
      NextToken: first.NextToken,
    });
    expect(second).toStrictEqual({ StepExecutions: [engine.get(AutomationExecutionId).StepExecutions?.[0]] });
  });

  it('refuses a bad NextToken, a token of another execution and bad filter values', () => {
    const { engine, AutomationExecutionId } = started();
    const other = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' })
      .AutomationExecutionId as string;
    const token = engine.describeSteps({ AutomationExecutionId: other, MaxResults: 1 }).NextToken;

    for (const NextToken of ['garbage', token]) {
      expect(thrown(() => engine.describeSteps({ AutomationExecutionId, NextToken }))).toStrictEqual({
        code: 'InvalidNextToken',
        message: 'The specified token is not valid.',
      });
    }
    expect(
      thrown(() =>
        engine.describeSteps({
          AutomationExecutionId,
          Filters: [{ Key: 'StepExecutionStatus', Values: ['Done'] }],
        }),
      ),
    ).toStrictEqual({
      code: 'InvalidFilterValue',
      message: 'The filter value Done is not a valid step execution status.',
    });
    expect(
      thrown(() =>
        engine.describeSteps({
          AutomationExecutionId,
          Filters: [{ Key: 'StartTimeAfter', Values: ['yesterday'] }],
        }),
      ),
    ).toStrictEqual({
      code: 'InvalidFilterValue',
      message: 'The filter value yesterday is not a valid time.',
    });
  });
});
