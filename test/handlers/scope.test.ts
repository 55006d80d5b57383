/**
 * API clients act only within their scope: the actions granted, on runbooks matching their patterns. The
 * function reads the execution's DocumentName before acting; outside the scope: 403 and no mutating call.
 */
import {
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  SSMClient,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { context, JSON_RESPONSE_HEADERS, jsonPost } from '../support/events';
import { API, bearer, LEGACY, NARROW, STOPPER, useTestSecret } from '../support/secrets';

useTestSecret();
const ssm = mockClient(SSMClient);
const signal = (require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal'))
  .handler;
const stop = (require('../../lambda/handlers/stop') as typeof import('../../lambda/handlers/stop')).handler;

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const waitingIn = (documentName: string) => ({
  AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    AutomationExecutionId: ID,
    DocumentName: documentName,
  }),
});

const forbidden = (reason: string, detail: string) => ({
  statusCode: 403,
  headers: { 'content-type': 'application/problem+json', ...JSON_RESPONSE_HEADERS },
  body: JSON.stringify({
    type: `urn:ssm-approval-webhook:problem:${reason}`,
    title: 'Not allowed',
    status: 403,
    detail,
  }),
});

const mutations = () =>
  ssm.calls().filter((call) => !(call.args[0] instanceof GetAutomationExecutionCommand)).length;

beforeEach(() => {
  ssm.reset();
  ssm.on(SendAutomationSignalCommand).resolves({});
  ssm.on(StopAutomationExecutionCommand).resolves({});
});

describe('a client scoped to approve/reject on Change-*', () => {
  it('approves a Change-* runbook', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(waitingIn('Change-Database'));
    const response = await signal(jsonPost(`/executions/${ID}/approve`, {}, bearer(NARROW.token)), context());
    expect(response.statusCode).toBe(200);
    expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
      AutomationExecutionId: ID,
      SignalType: 'Approve',
      Payload: { Comment: ['Approved via API token by change-bot'] },
    });
  });

  it('cannot touch another runbook: 403 after reading its name, no signal', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(waitingIn('Deploy-Production'));
    const response = await signal(jsonPost(`/executions/${ID}/reject`, {}, bearer(NARROW.token)), context());
    expect(response).toEqual(
      forbidden(
        'scope-runbook',
        'The API client "change-bot" may not act on runbook Deploy-Production; its scope allows runbooks matching: Change-*.',
      ),
    );
    expect(mutations()).toBe(0);
  });

  it('cannot stop, even its own runbooks: 403 before any SSM call', async () => {
    const response = await stop(jsonPost(`/executions/${ID}/stop`, {}, bearer(NARROW.token)), context());
    expect(response).toEqual(
      forbidden(
        'scope-action',
        'The API client "change-bot" may not stop executions; its scope allows: approve, reject.',
      ),
    );
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('a client stored before scopes existed', () => {
  it('approves any runbook', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(waitingIn('Anything-At-All'));
    const response = await signal(jsonPost(`/executions/${ID}/approve`, {}, bearer(LEGACY.token)), context());
    expect(response.statusCode).toBe(200);
  });

  it('needs an explicit grant for /signal and for stop', async () => {
    const viaSignal = await signal(
      jsonPost(
        `/executions/${ID}/signal`,
        { signalType: 'Resume', payload: { StepName: 'x' } },
        bearer(LEGACY.token),
      ),
      context(),
    );
    expect(viaSignal.statusCode).toBe(403);
    const viaStop = await stop(jsonPost(`/executions/${ID}/stop`, {}, bearer(LEGACY.token)), context());
    expect(viaStop.statusCode).toBe(403);
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('stop with Complete', () => {
  it('needs the complete grant: stop alone is Cancel only', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves(waitingIn('Change-Database'));
    const refused = await stop(
      jsonPost(`/executions/${ID}/stop`, { type: 'Complete' }, bearer(STOPPER.token)),
      context(),
    );
    expect(refused).toEqual(
      forbidden(
        'scope-action',
        'The API client "stopper" may not stop executions as Complete; its scope allows: stop.',
      ),
    );
    expect(ssm.calls()).toHaveLength(0);
    const cancel = await stop(jsonPost(`/executions/${ID}/stop`, {}, bearer(STOPPER.token)), context());
    expect(cancel.statusCode).toBe(200);
    const allowed = await stop(
      jsonPost(`/executions/${ID}/stop`, { type: 'Complete' }, bearer(API.token)),
      context(),
    );
    expect(allowed.statusCode).toBe(200);
    expect(ssm).toHaveReceivedCommandWith(StopAutomationExecutionCommand, {
      AutomationExecutionId: ID,
      Type: 'Complete',
    });
  });
});
