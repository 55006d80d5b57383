import { executionView, waitingGates } from '../../lambda/gate/execution-view';
import { assessGate, GateClosedError, inspectGate } from '../../lambda/gate/gate-check';
import {
  approved,
  approveStep,
  EXECUTION_ID,
  execution,
  PRODUCTION_ID,
  SIGNAL_ROLE,
  STAGING_ID,
} from './fixtures';

const staging = { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID };
const production = { stepName: 'ApproveProduction', stepExecutionId: PRODUCTION_ID };

const atStaging = executionView(
  execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    CurrentStepName: 'ApproveStaging',
  }),
);
const atProduction = executionView(
  execution(
    'Waiting',
    [
      approved('ApproveStaging', STAGING_ID, 'Approved via e-mail link by alice@example.com'),
      approveStep('ApproveProduction', PRODUCTION_ID, 'Waiting'),
    ],
    { CurrentStepName: 'ApproveProduction' },
  ),
);

const closedDetail = (run: () => unknown): { reason: string; detail: string; status: number } => {
  try {
    run();
  } catch (error) {
    if (error instanceof GateClosedError)
      return { reason: error.reason, detail: error.detail, status: error.status };
    throw error;
  }
  throw new Error('expected a GateClosedError');
};

describe('executionView', () => {
  it('decodes the gate from the JSON-encoded step inputs, with its deadline', () => {
    const [gate] = waitingGates(atStaging);
    expect(gate).toEqual({
      stepName: 'ApproveStaging',
      stepExecutionId: STAGING_ID,
      approvers: [SIGNAL_ROLE],
      minRequiredApprovals: 1,
      timeoutSeconds: 3600,
      message: 'Approve ApproveStaging?\nSecond line',
      startedAt: new Date('2026-12-01T16:00:00Z'),
      deadline: new Date('2026-12-01T17:00:00Z'),
      notificationArn: 'arn:aws:sns:us-east-1:123456789012:Automation-Test',
      stepStatus: 'Waiting',
      waiting: true,
    });
    expect(atStaging).toMatchObject({
      executionId: EXECUTION_ID,
      documentName: 'Demo-TwoGates',
      documentVersion: '1',
      finished: false,
    });
  });

  it('uses SSM’s 7-day default when a gate declares no timeout', () => {
    const view = executionView(
      execution('Waiting', [
        approveStep('ApproveStaging', STAGING_ID, 'Waiting', { TimeoutSeconds: undefined }),
      ]),
    );
    expect(view.gates[0]?.timeoutSeconds).toBe(604_800);
    expect(view.gates[0]?.deadline).toEqual(new Date('2026-12-08T16:00:00Z'));
  });

  it('reads what happened at a decided gate', () => {
    expect(atProduction.gates[0]?.outcome).toEqual({
      result: 'Approved',
      stepStatus: 'Success',
      endedAt: new Date('2026-12-01T16:04:00Z'),
      decisions: [
        {
          approver: SIGNAL_ROLE,
          decision: 'Approve',
          comment: 'Approved via e-mail link by alice@example.com',
          at: new Date('2026-12-01T16:04:00Z'),
        },
      ],
    });
  });
});

describe('assessGate', () => {
  it('opens a step-bound link at its own waiting gate', () => {
    expect(assessGate(atStaging, 'approve', staging)).toEqual({ kind: 'open', gate: atStaging.gates[0] });
  });

  it('refuses the first gate’s link at the second gate, naming both (409)', () => {
    expect(closedDetail(() => assessGate(atProduction, 'reject', staging))).toEqual({
      status: 409,
      reason: 'gate-moved-on',
      detail:
        'This link was for gate ApproveStaging; ApproveStaging was approved at 2026-12-01 16:04 UTC; the runbook is now waiting at gate ApproveProduction.',
    });
  });

  it('calls the same decision at a decided gate "already", with who and when', () => {
    expect(assessGate(atProduction, 'approve', staging)).toEqual({
      kind: 'already',
      gate: atProduction.gates[0],
      at: new Date('2026-12-01T16:04:00Z'),
      by: 'Approved via e-mail link by alice@example.com',
    });
  });

  it('refuses a link for a gate the execution has not reached', () => {
    expect(closedDetail(() => assessGate(atStaging, 'approve', production))).toEqual({
      status: 409,
      reason: 'gate-not-found',
      detail: `This link was for gate ApproveProduction (step execution ${PRODUCTION_ID}), which this execution does not show; the runbook is now waiting at gate ApproveStaging.`,
    });
  });

  it('says the run has finished', () => {
    const done = executionView(
      execution(
        'Success',
        [approved('ApproveStaging', STAGING_ID, 'x'), approved('ApproveProduction', PRODUCTION_ID, 'y')],
        {
          ExecutionEndTime: new Date('2026-12-01T16:30:00Z'),
        },
      ),
    );
    expect(closedDetail(() => assessGate(done, 'stop', production)).detail).toBe(
      'This link was for gate ApproveProduction; ApproveProduction was approved at 2026-12-01 16:04 UTC; the runbook has finished (Success).',
    );
  });

  it('treats a stop link on a cancelled run as already stopped, and on a finished run as closed', () => {
    const cancelled = executionView(
      execution('Cancelled', [approveStep('ApproveStaging', STAGING_ID, 'Cancelled')], {
        ExecutionEndTime: new Date('2026-12-01T16:10:00Z'),
      }),
    );
    expect(assessGate(cancelled, 'stop', staging)).toEqual({
      kind: 'already',
      gate: cancelled.gates[0],
      at: new Date('2026-12-01T16:10:00Z'),
    });
    expect(assessGate(cancelled, 'stop')).toEqual({ kind: 'already', at: new Date('2026-12-01T16:10:00Z') });
    const failed = executionView(execution('Failed', []));
    expect(closedDetail(() => assessGate(failed, 'stop'))).toEqual({
      status: 409,
      reason: 'execution-finished',
      detail: 'Nothing to stop: the runbook has finished (Failed).',
    });
  });

  it('lets links without a gate act on whichever gate waits, and refuses when none does', () => {
    expect(assessGate(atProduction, 'approve')).toEqual({ kind: 'open', gate: atProduction.gates[1] });
    const running = executionView(execution('InProgress', [], { CurrentStepName: 'Deploy' }));
    expect(closedDetail(() => assessGate(running, 'approve'))).toEqual({
      status: 409,
      reason: 'no-gate-waiting',
      detail: 'The execution is not waiting for an approval: the runbook is now at step Deploy (InProgress).',
    });
    expect(assessGate(running, 'stop')).toEqual({ kind: 'open' });
  });

  it('inspectGate returns the refusal instead of throwing it', () => {
    const inspection = inspectGate(atProduction, 'approve', production);
    expect(inspection).toEqual({ kind: 'open', gate: atProduction.gates[1] });
    const closed = inspectGate(atStaging, 'approve', production);
    expect(closed.kind).toBe('closed');
  });
});
