/**
 * Step-bound links through the real signal and stop handlers, SSM mocked: the function reads the
 * execution first and signals only while the link's gate waits; a repeated decision is answered calmly;
 * a stop link cannot choose how to stop.
 */
import {
  GetAutomationExecutionCommand,
  InvalidAutomationSignalException,
  SendAutomationSignalCommand,
  SSMClient,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approved, approveStep, execution, PRODUCTION_ID, STAGING_ID } from '../gate/fixtures';
import { context, formPost, JSON_RESPONSE_HEADERS, jsonPost } from '../support/events';
import { link, useTestSecret } from '../support/secrets';

useTestSecret();
const ssm = mockClient(SSMClient);
const signal = (require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal'))
  .handler;
const stop = (require('../../lambda/handlers/stop') as typeof import('../../lambda/handlers/stop')).handler;

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const STAGING = { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID };
const at = (status: string, steps: Parameters<typeof execution>[1]) => ({
  AutomationExecution: execution(status, steps, { AutomationExecutionId: ID }),
});
const AT_STAGING = at('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')]);
const AT_PRODUCTION = at('Waiting', [
  approved('ApproveStaging', STAGING_ID, 'Approved via e-mail link by bob@example.com'),
  approveStep('ApproveProduction', PRODUCTION_ID, 'Waiting'),
]);

beforeEach(() => ssm.reset());

describe('a step-bound approve link', () => {
  it('reads the execution, then approves while its gate waits', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(AT_STAGING);
    ssm.on(SendAutomationSignalCommand).resolves({});
    const token = await link(ID, ['approve'], { gate: STAGING, channel: 'email' });
    const response = await signal(jsonPost(`/executions/${ID}/approve`, { token, comment: 'ok' }), context());
    expect(response.statusCode).toBe(200);
    expect(ssm.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'GetAutomationExecutionCommand',
      'SendAutomationSignalCommand',
    ]);
    expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
      AutomationExecutionId: ID,
      SignalType: 'Approve',
      Payload: { Comment: ['Approved via e-mail link by alice@example.com: ok'] },
    });
  });

  it('cannot approve a later gate: 409 naming both gates, and no signal', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(AT_PRODUCTION);
    const token = await link(ID, ['reject'], { gate: STAGING });
    const response = await signal(jsonPost(`/executions/${ID}/reject`, { token }), context());
    expect(response).toEqual({
      statusCode: 409,
      headers: { 'content-type': 'application/problem+json', ...JSON_RESPONSE_HEADERS },
      body: JSON.stringify({
        type: 'urn:ssm-approval-webhook:problem:gate-moved-on',
        title: 'This approval step is no longer waiting',
        status: 409,
        detail:
          'This link was for gate ApproveStaging; ApproveStaging was approved at 2026-12-01 16:04 UTC; the runbook is now waiting at gate ApproveProduction.',
      }),
    });
    expect(ssm).not.toHaveReceivedCommand(SendAutomationSignalCommand);
  });

  it('answers a second click calmly: "Already approved", nothing sent again', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(AT_PRODUCTION);
    const token = await link(ID, ['approve'], { gate: STAGING });
    const page = await signal(formPost(`/executions/${ID}/approve`, { token }), context());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Already approved</h1>');
    expect(page.body).toContain('<main class="status-success">');
    const json = await signal(jsonPost(`/executions/${ID}/approve`, { token }), context());
    expect(JSON.parse(json.body)).toEqual({
      executionId: ID,
      action: 'approve',
      alreadyDone: true,
      gate: 'ApproveStaging',
      decidedAt: '2026-12-01T16:04:00.000Z',
    });
    expect(ssm).not.toHaveReceivedCommand(SendAutomationSignalCommand);
  });

  it('reads again when SSM refuses (a second tab was faster) and answers "Already approved"', async () => {
    ssm.on(GetAutomationExecutionCommand).resolvesOnce(AT_STAGING).resolves(AT_PRODUCTION);
    ssm
      .on(SendAutomationSignalCommand)
      .rejects(new InvalidAutomationSignalException({ message: 'decided', $metadata: {} }));
    const token = await link(ID, ['approve'], { gate: STAGING });
    const page = await signal(formPost(`/executions/${ID}/approve`, { token }), context());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Already approved</h1>');
    expect(ssm).toHaveReceivedCommandTimes(GetAutomationExecutionCommand, 2);
  });

  it('keeps SSM’s 409 when the gate still waits after a refusal', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(AT_STAGING);
    ssm
      .on(SendAutomationSignalCommand)
      .rejects(new InvalidAutomationSignalException({ message: 'not an approver', $metadata: {} }));
    const token = await link(ID, ['approve'], { gate: STAGING });
    const response = await signal(jsonPost(`/executions/${ID}/approve`, { token }), context());
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body).code).toBe('InvalidAutomationSignalException');
  });
});

describe('links without a gate (npm run link)', () => {
  it('act on whichever gate waits, without a gate check', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(AT_PRODUCTION);
    ssm.on(SendAutomationSignalCommand).resolves({});
    const token = await link(ID, ['approve']);
    const response = await signal(jsonPost(`/executions/${ID}/approve`, { token }), context());
    expect(response.statusCode).toBe(200);
    expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
      AutomationExecutionId: ID,
      SignalType: 'Approve',
    });
  });
});

describe('a stop link', () => {
  it('cancels while its gate waits', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(AT_STAGING);
    ssm.on(StopAutomationExecutionCommand).resolves({});
    const token = await link(ID, ['stop'], { gate: STAGING });
    const response = await stop(formPost(`/executions/${ID}/stop`, { token }), context());
    expect(response.statusCode).toBe(200);
    expect(ssm).toHaveReceivedCommandWith(StopAutomationExecutionCommand, {
      AutomationExecutionId: ID,
      Type: 'Cancel',
    });
  });

  it.each(['Complete', 'Cancel'])('cannot choose type %s: 403, nothing read or stopped', async (type) => {
    const token = await link(ID, ['stop'], { gate: STAGING });
    const response = await stop(jsonPost(`/executions/${ID}/stop`, { token, type }), context());
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:ssm-approval-webhook:problem:link-stop-type',
      detail:
        "A stop link cancels the execution; it cannot choose a stop type. Only API clients may send 'type'.",
    });
    expect(ssm.calls()).toHaveLength(0);
  });

  it('answers "Already stopped" on a cancelled run', async () => {
    ssm
      .on(GetAutomationExecutionCommand)
      .resolves(at('Cancelled', [approveStep('ApproveStaging', STAGING_ID, 'Cancelled')]));
    const token = await link(ID, ['stop'], { gate: STAGING });
    const page = await stop(formPost(`/executions/${ID}/stop`, { token }), context());
    expect(page.body).toContain('<h1>Already stopped</h1>');
    expect(ssm).not.toHaveReceivedCommand(StopAutomationExecutionCommand);
  });
});
