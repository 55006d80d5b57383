import type { AutomationEngine } from '../../local/simulator/engine';
import { id, newEngine, OPERATOR, thrown, WEBHOOK } from './helpers';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const state = (engine: AutomationEngine, executionId: string) => {
  const execution = engine.get(executionId);
  return {
    status: execution.AutomationExecutionStatus,
    current: [execution.CurrentStepName, execution.CurrentAction],
    steps: execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus]),
  };
};

describe('Interactive mode', () => {
  const start = () => {
    const { engine, clock } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, {
      DocumentName: 'Demo-ApproveChange',
      Mode: 'Interactive',
    });
    return { engine, clock, executionId: AutomationExecutionId as string };
  };
  const startStep = (engine: AutomationEngine, executionId: string, name: string) =>
    engine.signal(OPERATOR, {
      AutomationExecutionId: executionId,
      SignalType: 'StartStep',
      Payload: { StepName: [name] },
    });

  it('starts Waiting, before its first step, with every step Pending', () => {
    const { engine, executionId } = start();

    expect(engine.get(executionId)).toMatchObject({
      Mode: 'Interactive',
      AutomationExecutionStatus: 'Waiting',
    });
    expect(state(engine, executionId)).toStrictEqual({
      status: 'Waiting',
      current: ['PrepareChange', 'aws:executeScript'],
      steps: [
        ['PrepareChange', 'Pending'],
        ['ApproveChange', 'Pending'],
        ['ApplyChange', 'Pending'],
        ['ReportResult', 'Pending'],
      ],
    });
  });

  it('runs one step per StartStep, waits for approval inside a step, and stays Waiting until Complete', () => {
    const { engine, clock, executionId } = start();

    startStep(engine, executionId, 'PrepareChange');
    expect(state(engine, executionId)).toStrictEqual({
      status: 'Waiting',
      current: ['ApproveChange', 'aws:approve'],
      steps: [
        ['PrepareChange', 'Success'],
        ['ApproveChange', 'Pending'],
        ['ApplyChange', 'Pending'],
        ['ReportResult', 'Pending'],
      ],
    });

    startStep(engine, executionId, 'ApproveChange');
    expect(state(engine, executionId).steps?.[1]).toStrictEqual(['ApproveChange', 'Waiting']);
    engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' });
    expect(state(engine, executionId)).toStrictEqual({
      status: 'Waiting',
      current: ['ApplyChange', 'aws:executeScript'],
      steps: [
        ['PrepareChange', 'Success'],
        ['ApproveChange', 'Success'],
        ['ApplyChange', 'Pending'],
        ['ReportResult', 'Pending'],
      ],
    });

    startStep(engine, executionId, 'ApplyChange');
    startStep(engine, executionId, 'ReportResult');
    expect(state(engine, executionId)).toStrictEqual({
      status: 'Waiting',
      current: [undefined, undefined],
      steps: [
        ['PrepareChange', 'Success'],
        ['ApproveChange', 'Success'],
        ['ApplyChange', 'Success'],
        ['ReportResult', 'Success'],
      ],
    });
    expect(thrown(() => startStep(engine, executionId, 'ReportResult'))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'Step ReportResult cannot be started now.',
    });

    clock.advance(42);
    engine.stop({ AutomationExecutionId: executionId, Type: 'Complete' });
    expect(engine.get(executionId)).toMatchObject({
      AutomationExecutionStatus: 'Success',
      ExecutionEndTime: at(42),
    });
  });

  it('only starts the next step, and says which one that is', () => {
    const { engine, executionId } = start();

    expect(thrown(() => startStep(engine, executionId, 'ApplyChange'))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'Step ApplyChange cannot be started now; the next step is PrepareChange.',
    });
    expect(thrown(() => startStep(engine, executionId, 'Nope'))).toStrictEqual({
      code: 'AutomationStepNotFoundException',
      message: `Step Nope does not exist in automation execution ${id(1)}.`,
    });
    expect(
      thrown(() => engine.signal(OPERATOR, { AutomationExecutionId: executionId, SignalType: 'StartStep' })),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'The StartStep signal requires StepName in its payload.',
    });
    expect(state(engine, executionId).steps?.every(([, status]) => status === 'Pending')).toBe(true);
  });

  it('refuses StartStep for an execution in Auto mode', () => {
    const { engine } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' });

    expect(thrown(() => startStep(engine, AutomationExecutionId as string, 'ApplyChange'))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'StartStep is only valid for an execution in Interactive mode.',
    });
  });

  it('Cancel between steps leaves the steps not run Pending', () => {
    const { engine, executionId } = start();
    startStep(engine, executionId, 'PrepareChange');

    engine.stop({ AutomationExecutionId: executionId, Type: 'Cancel' });

    expect(state(engine, executionId)).toStrictEqual({
      status: 'Cancelled',
      current: [undefined, undefined],
      steps: [
        ['PrepareChange', 'Success'],
        ['ApproveChange', 'Pending'],
        ['ApplyChange', 'Pending'],
        ['ReportResult', 'Pending'],
      ],
    });
  });
});

describe('aws:pause and Resume (Demo-PauseAndResume)', () => {
  const start = () => {
    const { engine, clock } = newEngine();
    const { AutomationExecutionId } = engine.start(OPERATOR, { DocumentName: 'Demo-PauseAndResume' });
    return { engine, clock, executionId: AutomationExecutionId as string };
  };
  const resume = (engine: AutomationEngine, executionId: string, name?: string) =>
    engine.signal(OPERATOR, {
      AutomationExecutionId: executionId,
      SignalType: 'Resume',
      ...(name ? { Payload: { StepName: [name] } } : {}),
    });

  it('waits at the pause step until Resume names it, then finishes', () => {
    const { engine, clock, executionId } = start();
    expect(state(engine, executionId)).toStrictEqual({
      status: 'Waiting',
      current: ['WaitForOperator', 'aws:pause'],
      steps: [
        ['BeforePause', 'Success'],
        ['WaitForOperator', 'Waiting'],
        ['AfterPause', 'Pending'],
      ],
    });
    clock.advance(3);

    resume(engine, executionId, 'WaitForOperator');

    expect(engine.get(executionId).StepExecutions?.[1]).toStrictEqual({
      StepName: 'WaitForOperator',
      Action: 'aws:pause',
      ExecutionStartTime: T0,
      ExecutionEndTime: at(3),
      StepStatus: 'Success',
      Inputs: {},
      StepExecutionId: id(3),
      OverriddenParameters: {},
      ValidNextSteps: ['AfterPause'],
    });
    expect(state(engine, executionId).status).toBe('Success');
  });

  it('refuses Resume without StepName, for another step, for an unknown step, and Approve on a pause', () => {
    const { engine, executionId } = start();

    expect(thrown(() => resume(engine, executionId))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'The Resume signal requires StepName in its payload.',
    });
    expect(thrown(() => resume(engine, executionId, 'BeforePause'))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'Step BeforePause is not paused.',
    });
    expect(thrown(() => resume(engine, executionId, 'Nope'))).toStrictEqual({
      code: 'AutomationStepNotFoundException',
      message: `Step Nope does not exist in automation execution ${id(1)}.`,
    });
    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId: executionId, SignalType: 'Approve' }))
        .code,
    ).toBe('InvalidAutomationSignalException');
    expect(state(engine, executionId).status).toBe('Waiting');
  });

  it('times out after 7 days', () => {
    const { engine, clock, executionId } = start();
    clock.advance(604_800);

    expect(state(engine, executionId)).toStrictEqual({
      status: 'TimedOut',
      current: [undefined, undefined],
      steps: [
        ['BeforePause', 'Success'],
        ['WaitForOperator', 'TimedOut'],
        ['AfterPause', 'Pending'],
      ],
    });
  });
});

describe('StopStep', () => {
  const stopStep = (engine: AutomationEngine, executionId: string, stepExecutionId?: string) =>
    engine.signal(OPERATOR, {
      AutomationExecutionId: executionId,
      SignalType: 'StopStep',
      ...(stepExecutionId ? { Payload: { StepExecutionId: [stepExecutionId] } } : {}),
    });

  it('cancels the waiting step; with onFailure Abort the execution ends Cancelled', () => {
    const { engine, clock } = newEngine();
    const executionId = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' })
      .AutomationExecutionId as string;
    clock.advance(7);

    stopStep(engine, executionId, id(3));

    const execution = engine.get(executionId);
    expect(execution).toMatchObject({ AutomationExecutionStatus: 'Cancelled', ExecutionEndTime: at(7) });
    expect(execution.FailureMessage).toBeUndefined();
    expect(execution.StepExecutions?.[1]).toMatchObject({
      StepStatus: 'Cancelled',
      ExecutionEndTime: at(7),
      FailureMessage: 'The step was stopped by a StopStep signal.',
    });
    expect(execution.StepExecutions?.slice(2).map((s) => s.StepStatus)).toStrictEqual(['Pending', 'Pending']);
  });

  it('follows onFailure step:Name after a stopped step (the stopped step counts as a critical failure)', () => {
    const { engine } = newEngine();
    const executionId = engine.start(OPERATOR, { DocumentName: 'Test-MultiApprover' })
      .AutomationExecutionId as string;

    stopStep(engine, executionId, id(2));

    expect(state(engine, executionId)).toStrictEqual({
      status: 'Failed',
      current: [undefined, undefined],
      steps: [
        ['Approve', 'Cancelled'],
        ['HandleRejection', 'Success'],
        ['Apply', 'Pending'],
      ],
    });
    expect(engine.get(executionId).FailureMessage).toBe('The step was stopped by a StopStep signal.');
  });

  it('refuses a missing id, an unknown id and a step that is not running or waiting', () => {
    const { engine } = newEngine();
    const executionId = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' })
      .AutomationExecutionId as string;

    expect(thrown(() => stopStep(engine, executionId))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'The StopStep signal requires StepExecutionId in its payload.',
    });
    expect(thrown(() => stopStep(engine, executionId, id(99)))).toStrictEqual({
      code: 'AutomationStepNotFoundException',
      message: `Step execution ${id(99)} does not exist in automation execution ${id(1)}.`,
    });
    expect(thrown(() => stopStep(engine, executionId, id(2)))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: `Step execution ${id(2)} is Success and cannot be stopped.`,
    });
    expect(thrown(() => stopStep(engine, executionId, id(4)))).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: `Step execution ${id(4)} is Pending and cannot be stopped.`,
    });
    expect(state(engine, executionId).status).toBe('Waiting');
  });
});

describe('signal payloads', () => {
  it('refuses two Comment values and the undocumented Revoke signal', () => {
    const { engine } = newEngine();
    const AutomationExecutionId = engine.start(OPERATOR, {
      DocumentName: 'Demo-ApproveChange',
    }).AutomationExecutionId;

    expect(
      thrown(() =>
        engine.signal(WEBHOOK, {
          AutomationExecutionId,
          SignalType: 'Approve',
          Payload: { Comment: ['a', 'b'] },
        }),
      ),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'The Approve signal takes exactly one Comment value.',
    });
    expect(
      thrown(() => engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Revoke' })),
    ).toStrictEqual({
      code: 'InvalidAutomationSignalException',
      message: 'The Revoke signal is not supported.',
    });
    expect(engine.get(AutomationExecutionId as string).AutomationExecutionStatus).toBe('Waiting');
  });
});
