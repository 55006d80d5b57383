/** The stop route through the real handler, SSM mocked: exact StopAutomationExecution inputs and answers. */
import {
  AutomationExecutionNotFoundException,
  GetAutomationExecutionCommand,
  InvalidAutomationStatusUpdateException,
  SSMClient,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { apiEvent, context, formPost, JSON_RESPONSE_HEADERS, jsonPost } from '../support/events';
import { bearer, link, useTestSecret } from '../support/secrets';

useTestSecret();
const ssm = mockClient(SSMClient);
const { handler } = require('../../lambda/handlers/stop') as typeof import('../../lambda/handlers/stop');

const ID = '0b5e7a43-2c1d-4e8f-9a6b-7c8d9e0f1a2b';
/** The execution as SSM shows it before each decision: waiting at its approval step. */
const WAITING = {
  AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    AutomationExecutionId: ID,
  }),
};
const invoke = (event: ReturnType<typeof apiEvent>) => handler(event, context());

beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves(WAITING);
  ssm.on(StopAutomationExecutionCommand).resolves({});
});

describe('POST /executions/{id}/stop', () => {
  it('with no body, stops with Cancel (the default) and says what it sent', async () => {
    const response = await invoke(apiEvent({ path: `/executions/${ID}/stop`, headers: bearer() }));
    expect(ssm.commandCalls(StopAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: ID, Type: 'Cancel' },
    ]);
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', ...JSON_RESPONSE_HEADERS },
      body: JSON.stringify({
        executionId: ID,
        action: 'stop',
        operation: 'StopAutomationExecution',
        stopType: 'Cancel',
      }),
    });
  });

  it('stops with Complete when asked', async () => {
    await invoke(jsonPost(`/executions/${ID}/stop`, { type: 'Complete' }, bearer()));
    expect(ssm.commandCalls(StopAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: ID, Type: 'Complete' },
    ]);
  });

  it('a stop link posted from its page stops with Cancel and answers HTML', async () => {
    const token = await link(ID, ['stop']);
    const response = await invoke(formPost(`/executions/${ID}/stop`, { token }));
    expect(ssm.commandCalls(StopAutomationExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { AutomationExecutionId: ID, Type: 'Cancel' },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it.each([
    [{ type: 'cancel' }, "'type' must be one of Cancel, Complete."],
    [{ type: 'Cancel', comment: 'x' }, "Unknown field 'comment'; allowed: 'type'."],
  ])('refuses %j with a 400 and never calls SSM', async (body, detail) => {
    const response = await invoke(jsonPost(`/executions/${ID}/stop`, body, bearer()));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).detail).toBe(detail);
    expect(ssm.commandCalls(StopAutomationExecutionCommand)).toHaveLength(0);
  });

  it.each([
    [new AutomationExecutionNotFoundException({ message: 'x', $metadata: {} }), 404, 'execution-not-found'],
    [
      new InvalidAutomationStatusUpdateException({ message: 'x', $metadata: {} }),
      409,
      'execution-not-stoppable',
    ],
  ])('maps %s', async (error, status, reason) => {
    ssm.on(StopAutomationExecutionCommand).rejects(error);
    const response = await invoke(jsonPost(`/executions/${ID}/stop`, {}, bearer()));
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({
      type: `urn:ssm-approval-webhook:problem:${reason}`,
      status,
      code: error.name,
    });
  });
});
