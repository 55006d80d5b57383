/**
 * End to end over real HTTP: the local API runs each Lambda handler in its own worker with its own
 * simulator credentials, and the unmodified SDK inside them talks SSM's wire protocol to the simulator.
 */
import { IdempotentParameterMismatch, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { type E2E, startE2E } from './local-stack';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e.close());

const DEMO = 'Demo-ApproveChange';
const PAUSE = 'Demo-PauseAndResume';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('decisions through the webhook move the execution on', () => {
  it('approve → 200, the execution runs to Success', async () => {
    const id = await e2e.start(DEMO);
    expect(await e2e.status(id)).toBe('Waiting');

    const response = await e2e.post(`/executions/${id}/approve`, { json: { comment: 'CHG-42 reviewed' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      executionId: id,
      action: 'approve',
      operation: 'SendAutomationSignal',
      signalType: 'Approve',
      payload: { Comment: ['Approved via API token by local-curl: CHG-42 reviewed'] },
    });
    expect(await e2e.status(id)).toBe('Success');
    expect(await e2e.steps(id)).toEqual([
      expect.objectContaining({ name: 'PrepareChange', status: 'Success' }),
      expect.objectContaining({ name: 'ApproveChange', status: 'Success' }),
      expect.objectContaining({ name: 'ApplyChange', status: 'Success' }),
      expect.objectContaining({ name: 'ReportResult', status: 'Success' }),
    ]);
  });

  it('reject → 200, the approval step fails and the execution is Failed', async () => {
    const id = await e2e.start(DEMO);
    const response = await e2e.post(`/executions/${id}/reject`, { json: { comment: 'freeze window' } });
    expect(response.status).toBe(200);
    expect(await e2e.status(id)).toBe('Failed');
    expect((await e2e.steps(id)).find((s) => s.name === 'ApproveChange')?.status).toBe('Failed');
  });

  it('stop (Cancel by default) → 200, the execution is Cancelled', async () => {
    const id = await e2e.start(DEMO);
    const response = await e2e.post(`/executions/${id}/stop`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      executionId: id,
      action: 'stop',
      operation: 'StopAutomationExecution',
      stopType: 'Cancel',
    });
    expect(await e2e.status(id)).toBe('Cancelled');
  });

  it('a second approve → 409 with SSM’s error name, the execution unchanged', async () => {
    const id = await e2e.start(DEMO);
    expect((await e2e.post(`/executions/${id}/approve`)).status).toBe(200);
    const second = await e2e.post(`/executions/${id}/approve`);
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toBe('application/problem+json');
    expect(await second.json()).toMatchObject({
      type: 'urn:ssm-approval-webhook:problem:signal-not-accepted',
      status: 409,
      code: 'InvalidAutomationSignalException',
    });
    expect(await e2e.status(id)).toBe('Success');
  });

  it('stopping a finished execution → 409 InvalidAutomationStatusUpdateException', async () => {
    const id = await e2e.start(DEMO);
    await e2e.post(`/executions/${id}/approve`);
    const response = await e2e.post(`/executions/${id}/stop`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'InvalidAutomationStatusUpdateException' });
  });

  it('an unknown execution → 404 AutomationExecutionNotFoundException', async () => {
    const response = await e2e.post(`/executions/${UNKNOWN}/approve`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      type: 'urn:ssm-approval-webhook:problem:execution-not-found',
      code: 'AutomationExecutionNotFoundException',
    });
  });

  it('when the webhook’s role is not among the step’s Approvers → 409, the execution still Waiting', async () => {
    const id = await e2e.start(DEMO, {
      parameters: { Approver: ['arn:aws:iam::123456789012:role/someone-else'] },
    });
    const response = await e2e.post(`/executions/${id}/approve`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'InvalidAutomationSignalException' });
    expect(await e2e.status(id)).toBe('Waiting');
  });
});

describe('the generic signal route', () => {
  it('Interactive mode: StartStep runs each step on demand', async () => {
    const id = await e2e.start(DEMO, { mode: 'Interactive' });
    const first = await e2e.post(`/executions/${id}/signal`, {
      json: { signalType: 'StartStep', payload: { StepName: 'PrepareChange' } },
    });
    expect(first.status).toBe(200);
    const statuses = async () => (await e2e.steps(id)).map((step) => [step.name, step.status]);
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await statuses()).toEqual([
      ['PrepareChange', 'Success'],
      ['ApproveChange', 'Pending'],
      ['ApplyChange', 'Pending'],
      ['ReportResult', 'Pending'],
    ]);
    await e2e.post(`/executions/${id}/signal`, {
      json: { signalType: 'StartStep', payload: { StepName: 'ApproveChange' } },
    });
    expect((await e2e.post(`/executions/${id}/approve`)).status).toBe(200);
    expect(await statuses()).toEqual([
      ['PrepareChange', 'Success'],
      ['ApproveChange', 'Success'],
      ['ApplyChange', 'Pending'],
      ['ReportResult', 'Pending'],
    ]);
  });

  it('aws:pause: Resume with the step name lets the execution finish', async () => {
    const id = await e2e.start(PAUSE);
    expect(await e2e.status(id)).toBe('Waiting');
    const response = await e2e.post(`/executions/${id}/signal`, {
      json: { signalType: 'Resume', payload: { StepName: 'WaitForOperator' } },
    });
    expect(response.status).toBe(200);
    expect(await e2e.status(id)).toBe('Success');
  });

  it('StopStep with the step execution id stops the waiting step', async () => {
    const id = await e2e.start(PAUSE);
    const waiting = (await e2e.steps(id)).find((s) => s.name === 'WaitForOperator');
    const response = await e2e.post(`/executions/${id}/signal`, {
      json: { signalType: 'StopStep', payload: { StepExecutionId: waiting?.id } },
    });
    expect(response.status).toBe(200);
    expect((await e2e.steps(id)).map((step) => [step.name, step.status])).toEqual([
      ['BeforePause', 'Success'],
      ['WaitForOperator', 'Cancelled'],
      ['AfterPause', 'Pending'],
    ]);
    expect(await e2e.status(id)).toBe('Cancelled');
  });

  it('an unknown step → 404 AutomationStepNotFoundException', async () => {
    const id = await e2e.start(PAUSE);
    const response = await e2e.post(`/executions/${id}/signal`, {
      json: { signalType: 'Resume', payload: { StepName: 'NoSuchStep' } },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'AutomationStepNotFoundException' });
  });
});

describe('the simulator keeps SSM’s idempotency', () => {
  it('a reused ClientToken returns the same execution; with other parameters it is a mismatch', async () => {
    const ClientToken = '6a1f0c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
    const first = await e2e.ssm.send(
      new StartAutomationExecutionCommand({ DocumentName: DEMO, ClientToken }),
    );
    const again = await e2e.ssm.send(
      new StartAutomationExecutionCommand({ DocumentName: DEMO, ClientToken }),
    );
    expect(again.AutomationExecutionId).toBe(first.AutomationExecutionId);
    await expect(
      e2e.ssm.send(new StartAutomationExecutionCommand({ DocumentName: PAUSE, ClientToken })),
    ).rejects.toBeInstanceOf(IdempotentParameterMismatch);
  });
});
