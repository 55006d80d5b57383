import type { AutomationExecution, StepExecution } from '@aws-sdk/client-ssm';
import { NO_OUTPUT } from '../../local/simulator/views';
import { id, newEngine, OPERATOR, OUTSIDER, thrown, WEBHOOK } from './helpers';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const ROLE = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const PREPARE_SCRIPT = "def handler(events, context):\n    return {'prepared': events['ChangeDescription']}";
const APPLY_SCRIPT = "def handler(events, context):\n    return {'applied': events['ChangeDescription']}";

const prepared: StepExecution = {
  StepName: 'PrepareChange',
  Action: 'aws:executeScript',
  ExecutionStartTime: T0,
  ExecutionEndTime: T0,
  StepStatus: 'Success',
  Inputs: {
    Runtime: '"python3.11"',
    Handler: '"handler"',
    Script: JSON.stringify(PREPARE_SCRIPT),
    InputPayload: '{"ChangeDescription":"Demo change"}',
  },
  StepExecutionId: id(2),
  OverriddenParameters: {},
  ValidNextSteps: ['ApproveChange'],
};
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:Automation-ApprovalWebhook-Local';
const approvalInputs = {
  NotificationArn: JSON.stringify(TOPIC),
  Approvers: `["${ROLE}"]`,
  MinRequiredApprovals: '1',
  Message: JSON.stringify(`Approve the change "Demo change" (execution ${id(1)})?`),
};

const started = () => {
  const { engine, clock } = newEngine();
  const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' });
  return { engine, clock, executionId: AutomationExecutionId as string };
};

describe('aws:approve in Demo-ApproveChange', () => {
  it('waits for approval after the preparatory step', () => {
    const { engine, executionId } = started();

    expect(executionId).toBe(id(1));
    expect(engine.get(executionId)).toStrictEqual<AutomationExecution>({
      AutomationExecutionId: id(1),
      DocumentName: 'Demo-ApproveChange',
      DocumentVersion: '1',
      ExecutionStartTime: T0,
      AutomationExecutionStatus: 'Waiting',
      StepExecutions: [
        prepared,
        {
          StepName: 'ApproveChange',
          Action: 'aws:approve',
          OnFailure: 'Abort',
          ExecutionStartTime: T0,
          StepStatus: 'Waiting',
          Inputs: approvalInputs,
          StepExecutionId: id(3),
          OverriddenParameters: {},
          ValidNextSteps: ['ApplyChange'],
        },
        {
          StepName: 'ApplyChange',
          Action: 'aws:executeScript',
          StepStatus: 'Pending',
          StepExecutionId: id(4),
          OverriddenParameters: {},
          ValidNextSteps: ['ReportResult'],
        },
        {
          StepName: 'ReportResult',
          Action: 'aws:sleep',
          StepStatus: 'Pending',
          StepExecutionId: id(5),
          OverriddenParameters: {},
        },
      ],
      StepExecutionsTruncated: false,
      Parameters: { Approver: [ROLE], ChangeDescription: ['Demo change'], NotificationArn: [TOPIC] },
      Outputs: { 'ApproveChange.ApprovalStatus': [NO_OUTPUT] },
      Mode: 'Auto',
      ExecutedBy: OPERATOR,
      CurrentStepName: 'ApproveChange',
      CurrentAction: 'aws:approve',
      Targets: [],
      ResolvedTargets: { ParameterValues: [], Truncated: false },
    });
  });

  it('runs the remaining steps to Success once the webhook role approves', () => {
    const { engine, clock, executionId } = started();
    clock.advance(60);

    engine.signal(WEBHOOK, {
      AutomationExecutionId: executionId,
      SignalType: 'Approve',
      Payload: { Comment: ['ok'] },
    });

    const decision = JSON.stringify({
      Approver: WEBHOOK,
      Decision: 'Approve',
      Comment: 'ok',
      ApprovalDecisionTime: '2025-01-01T00:01:00.000Z',
    });
    expect(engine.get(executionId)).toStrictEqual<AutomationExecution>({
      AutomationExecutionId: id(1),
      DocumentName: 'Demo-ApproveChange',
      DocumentVersion: '1',
      ExecutionStartTime: T0,
      ExecutionEndTime: at(60),
      AutomationExecutionStatus: 'Success',
      StepExecutions: [
        prepared,
        {
          StepName: 'ApproveChange',
          Action: 'aws:approve',
          OnFailure: 'Abort',
          ExecutionStartTime: T0,
          ExecutionEndTime: at(60),
          StepStatus: 'Success',
          Inputs: approvalInputs,
          Outputs: { ApprovalStatus: ['Approved'], ApproverDecisions: [decision] },
          StepExecutionId: id(3),
          OverriddenParameters: {},
          ValidNextSteps: ['ApplyChange'],
        },
        {
          StepName: 'ApplyChange',
          Action: 'aws:executeScript',
          ExecutionStartTime: at(60),
          ExecutionEndTime: at(60),
          StepStatus: 'Success',
          Inputs: {
            Runtime: '"python3.11"',
            Handler: '"handler"',
            Script: JSON.stringify(APPLY_SCRIPT),
            InputPayload: '{"ChangeDescription":"Demo change"}',
          },
          StepExecutionId: id(4),
          OverriddenParameters: {},
          ValidNextSteps: ['ReportResult'],
        },
        {
          StepName: 'ReportResult',
          Action: 'aws:sleep',
          ExecutionStartTime: at(60),
          ExecutionEndTime: at(60),
          StepStatus: 'Success',
          Inputs: { Duration: '"PT1S"' },
          StepExecutionId: id(5),
          OverriddenParameters: {},
        },
      ],
      StepExecutionsTruncated: false,
      Parameters: { Approver: [ROLE], ChangeDescription: ['Demo change'], NotificationArn: [TOPIC] },
      Outputs: { 'ApproveChange.ApprovalStatus': ['Approved'] },
      Mode: 'Auto',
      ExecutedBy: OPERATOR,
      Targets: [],
      ResolvedTargets: { ParameterValues: [], Truncated: false },
    });
  });

  it('fails the step and, with onFailure Abort, the execution when the webhook role rejects', () => {
    const { engine, clock, executionId } = started();
    clock.advance(5);

    engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Reject' });

    const execution = engine.get(executionId);
    const message = `The approval request was rejected by ${WEBHOOK}.`;
    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.ExecutionEndTime).toStrictEqual(at(5));
    expect(execution.FailureMessage).toBe(message);
    expect(execution.CurrentStepName).toBeUndefined();
    expect(execution.StepExecutions?.[1]).toStrictEqual<StepExecution>({
      StepName: 'ApproveChange',
      Action: 'aws:approve',
      OnFailure: 'Abort',
      ExecutionStartTime: T0,
      ExecutionEndTime: at(5),
      StepStatus: 'Failed',
      Inputs: approvalInputs,
      Outputs: {
        ApprovalStatus: ['Rejected'],
        ApproverDecisions: [
          JSON.stringify({
            Approver: WEBHOOK,
            Decision: 'Reject',
            ApprovalDecisionTime: '2025-01-01T00:00:05.000Z',
          }),
        ],
      },
      FailureMessage: message,
      StepExecutionId: id(3),
      OverriddenParameters: {},
      ValidNextSteps: ['ApplyChange'],
    });
    expect(execution.StepExecutions?.slice(2).map((s) => [s.StepName, s.StepStatus])).toStrictEqual([
      ['ApplyChange', 'Pending'],
      ['ReportResult', 'Pending'],
    ]);
    expect(execution.Outputs).toStrictEqual({ 'ApproveChange.ApprovalStatus': [NO_OUTPUT] });
  });

  it('refuses Approve and Reject from a principal that is not an approver, and keeps waiting', () => {
    const { engine, executionId } = started();

    for (const SignalType of ['Approve', 'Reject'] as const) {
      expect(
        thrown(() => engine.signal(OUTSIDER, { AutomationExecutionId: executionId, SignalType })),
      ).toStrictEqual({
        code: 'InvalidAutomationSignalException',
        message: `${OUTSIDER} is not an approver of step ApproveChange.`,
      });
    }
    expect(engine.get(executionId).AutomationExecutionStatus).toBe('Waiting');
    expect(engine.get(executionId).StepExecutions?.[1]?.StepStatus).toBe('Waiting');
  });

  it('refuses a second Approve once the step is decided', () => {
    const { engine, executionId } = started();
    engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' });

    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' })),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: `Automation execution ${id(1)} is Success and accepts no more signals.`,
    });
  });

  it('refuses Approve when no approval is waiting (before the approval step, in Interactive mode)', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, {
      DocumentName: 'Demo-ApproveChange',
      Mode: 'Interactive',
    });

    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' })),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: `Automation execution ${id(1)} is not waiting for an approval.`,
    });
  });

  it('takes Approvers from a parameter, so another principal can be named approver', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, {
      DocumentName: 'Demo-ApproveChange',
      Parameters: { Approver: [OPERATOR] },
    });

    expect(thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' })).code).toBe(
      'InvalidAutomationSignalException',
    );
    engine.signal(OPERATOR, { AutomationExecutionId, SignalType: 'Approve' });
    expect(engine.get(AutomationExecutionId as string).AutomationExecutionStatus).toBe('Success');
  });

  it('times out after 7 days by default: step and execution TimedOut', () => {
    const { engine, clock, executionId } = started();
    clock.advance(604_799);
    expect(engine.get(executionId).AutomationExecutionStatus).toBe('Waiting');

    clock.advance(1);

    const execution = engine.get(executionId);
    expect(execution.AutomationExecutionStatus).toBe('TimedOut');
    expect(execution.ExecutionEndTime).toStrictEqual(at(604_800));
    expect(execution.FailureMessage).toBe('Step timed out after 604800 seconds.');
    expect(
      execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus, s.ExecutionEndTime]),
    ).toStrictEqual([
      ['PrepareChange', 'Success', T0],
      ['ApproveChange', 'TimedOut', at(604_800)],
      ['ApplyChange', 'Pending', undefined],
      ['ReportResult', 'Pending', undefined],
    ]);
    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' }))
        .code,
    ).toBe('InvalidAutomationSignalException');
  });
});

describe('aws:approve with several approvers (Test-MultiApprover)', () => {
  const start = () => {
    const { engine, clock } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Test-MultiApprover' });
    return { engine, clock, executionId: AutomationExecutionId as string };
  };
  const secondSession = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/other-session';

  it('counts distinct approvers: a second session of the same role is the same approver', () => {
    const { engine, executionId } = start();
    engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' });

    expect(
      thrown(() =>
        engine.signal(secondSession, { AutomationExecutionId: executionId, SignalType: 'Approve' }),
      ),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: `${secondSession} has already sent its decision for step Approve.`,
    });
    expect(engine.get(executionId).AutomationExecutionStatus).toBe('Waiting');
  });

  it('matches an IAM user name entry and resumes at the second distinct approval, passing outputs on', () => {
    const { engine, clock, executionId } = start();
    engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' });
    clock.advance(10);
    engine.signal(OPERATOR, {
      AutomationExecutionId: executionId,
      SignalType: 'Approve',
      Payload: { Comment: ['go'] },
    });

    const execution = engine.get(executionId);
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect(execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).toStrictEqual([
      ['Approve', 'Success'],
      ['HandleRejection', 'Pending'],
      ['Apply', 'Success'],
    ]);
    expect(execution.StepExecutions?.[0]?.Inputs).toStrictEqual({
      Approvers: `["${ROLE}","local-operator","arn:aws:iam::123456789012:user/local-outsider"]`,
      MinRequiredApprovals: '2',
      Message: '"Two of you, please."',
    });
    expect(execution.StepExecutions?.[2]?.Inputs?.InputPayload).toBe('{"Status":"Approved"}');
    expect(execution.Outputs).toStrictEqual({
      'Approve.ApprovalStatus': ['Approved'],
      'Apply.Payload': [NO_OUTPUT],
    });
  });

  it('goes to onFailure step:HandleRejection on one rejection, which ends the execution Failed (critical step)', () => {
    const { engine, executionId } = start();
    engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' });
    engine.signal(OUTSIDER, {
      AutomationExecutionId: executionId,
      SignalType: 'Reject',
      Payload: { Comment: ['no'] },
    });

    const execution = engine.get(executionId);
    expect(execution.AutomationExecutionStatus).toBe('Failed');
    expect(execution.FailureMessage).toBe(`The approval request was rejected by ${OUTSIDER}.`);
    expect(execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).toStrictEqual([
      ['Approve', 'Failed'],
      ['HandleRejection', 'Success'],
      ['Apply', 'Pending'],
    ]);
    expect(
      execution.StepExecutions?.[0]?.Outputs?.ApproverDecisions?.map((d) => JSON.parse(d).Decision),
    ).toStrictEqual(['Approve', 'Reject']);
  });

  it('times out at the step timeoutSeconds (3600)', () => {
    const { engine, clock, executionId } = start();
    clock.advance(3600);

    expect(engine.get(executionId).AutomationExecutionStatus).toBe('TimedOut');
    expect(engine.get(executionId).StepExecutions?.[0]).toMatchObject({
      StepStatus: 'TimedOut',
      TimeoutSeconds: 3600,
      FailureMessage: 'Step timed out after 3600 seconds.',
    });
  });

  it('fails the step when MinRequiredApprovals exceeds the number of approvers', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, {
      DocumentName: 'Test-MultiApprover',
      Parameters: { MinRequiredApprovals: ['4'] },
    });

    const execution = engine.get(AutomationExecutionId as string);
    expect(execution.StepExecutions?.[0]).toMatchObject({
      StepStatus: 'Failed',
      FailureMessage:
        'MinRequiredApprovals must be a positive integer no greater than the number of Approvers (3).',
    });
    expect(execution.StepExecutions?.map((s) => s.StepStatus)).toStrictEqual([
      'Failed',
      'Success',
      'Pending',
    ]);
    expect(execution.AutomationExecutionStatus).toBe('Failed');
  });
});
