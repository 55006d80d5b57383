/**
 * The approve, reject and signal routes, through the real Lambda handler (middy chain and all) with SSM
 * mocked: exact SDK command inputs, exact statuses and bodies.
 */
import {
  AutomationExecutionNotFoundException,
  AutomationStepNotFoundException,
  GetAutomationExecutionCommand,
  InternalServerError,
  InvalidAutomationSignalException,
  SendAutomationSignalCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approved, approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { apiEvent, context, formPost, JSON_RESPONSE_HEADERS, jsonPost } from '../support/events';
import { bearer, link, useTestSecret } from '../support/secrets';

useTestSecret();
const ssm = mockClient(SSMClient);
// Imported after the secret is in place, as Lambda loads the module with its environment set.
const { handler } = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
/** The execution as SSM shows it before each decision: waiting at its approval step. */
const WAITING = {
  AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    AutomationExecutionId: ID,
  }),
};
const invoke = (event: ReturnType<typeof apiEvent>) => handler(event, context());

const problem = (status: number, reason: string, title: string, detail: string, code?: string) => ({
  statusCode: status,
  headers: { 'content-type': 'application/problem+json', ...JSON_RESPONSE_HEADERS },
  body: JSON.stringify({
    type: `urn:ssm-approval-webhook:problem:${reason}`,
    title,
    status,
    detail,
    ...(code ? { code } : {}),
  }),
});

const ok = (body: unknown) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', ...JSON_RESPONSE_HEADERS },
  body: JSON.stringify(body),
});

beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves(WAITING);
  ssm.on(SendAutomationSignalCommand).resolves({});
});

describe('POST /executions/{id}/approve', () => {
  it('given an API client and no body, sends Approve with who approved as the comment', async () => {
    const response = await invoke(apiEvent({ path: `/executions/${ID}/approve`, headers: bearer() }));

    expect(ssm).toHaveReceivedCommandTimes(SendAutomationSignalCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
      AutomationExecutionId: ID,
      SignalType: 'Approve',
      Payload: { Comment: ['Approved via API token by jira'] },
    });
    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input).toEqual({
      AutomationExecutionId: ID,
      SignalType: 'Approve',
      Payload: { Comment: ['Approved via API token by jira'] },
    });
    expect(response).toEqual(
      ok({
        executionId: ID,
        action: 'approve',
        operation: 'SendAutomationSignal',
        signalType: 'Approve',
        payload: { Comment: ['Approved via API token by jira'] },
      }),
    );
  });

  it('keeps the trimmed comment after the identity', async () => {
    await invoke(jsonPost(`/executions/${ID}/approve`, { comment: '  CHG-1234 reviewed  ' }, bearer()));
    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input).toEqual({
      AutomationExecutionId: ID,
      SignalType: 'Approve',
      Payload: { Comment: ['Approved via API token by jira: CHG-1234 reviewed'] },
    });
  });

  it('accepts a base64-encoded JSON body and a JSON content type with a charset', async () => {
    const event = jsonPost(
      `/executions/${ID}/approve`,
      {},
      { ...bearer(), 'content-type': 'application/json; charset=utf-8' },
    );
    const response = await invoke({
      ...event,
      body: Buffer.from('{"comment":"b64"}').toString('base64'),
      isBase64Encoded: true,
    });
    expect(response.statusCode).toBe(200);
    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input.Payload).toEqual({
      Comment: ['Approved via API token by jira: b64'],
    });
  });

  it('given a signed link posted from the confirmation page, approves and answers with an HTML result page', async () => {
    const token = await link(ID, ['approve', 'reject']);
    const response = await invoke(formPost(`/executions/${ID}/approve`, { token, comment: 'ship it' }));

    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input).toEqual({
      AutomationExecutionId: ID,
      SignalType: 'Approve',
      Payload: { Comment: ['Approved via signed link by alice@example.com: ship it'] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    expect(response.body).toContain('<dd>alice@example.com</dd>');
    expect(response.body).toContain('<dd>ship it</dd>');
    expect(response.body).not.toContain(token);
  });
});

describe('POST /executions/{id}/reject', () => {
  it('sends Reject with the comment', async () => {
    const response = await invoke(
      jsonPost(`/executions/${ID}/reject`, { comment: 'not in the freeze window' }, bearer()),
    );
    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input).toEqual({
      AutomationExecutionId: ID,
      SignalType: 'Reject',
      Payload: { Comment: ['Rejected via API token by jira: not in the freeze window'] },
    });
    expect(JSON.parse(response.body)).toEqual({
      executionId: ID,
      action: 'reject',
      operation: 'SendAutomationSignal',
      signalType: 'Reject',
      payload: { Comment: ['Rejected via API token by jira: not in the freeze window'] },
    });
  });
});

describe('POST /executions/{id}/signal', () => {
  it.each([
    [{ signalType: 'StartStep', payload: { StepName: 'applyChange' } }, { StepName: ['applyChange'] }],
    [{ signalType: 'Resume', payload: { StepName: ['pauseForCheck'] } }, { StepName: ['pauseForCheck'] }],
    [{ signalType: 'StopStep', payload: { StepExecutionId: ID } }, { StepExecutionId: [ID] }],
    [
      { signalType: 'Approve', payload: { Comment: 'ok' } },
      { Comment: ['Approved via API token by jira: ok'] },
    ],
    [{ signalType: 'Reject' }, { Comment: ['Rejected via API token by jira'] }],
  ])('sends %j as its exact SSM payload', async (body, payload) => {
    const response = await invoke(jsonPost(`/executions/${ID}/signal`, body, bearer()));
    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input).toEqual({
      AutomationExecutionId: ID,
      SignalType: body.signalType,
      Payload: payload,
    });
    expect(response).toEqual(
      ok({
        executionId: ID,
        action: 'signal',
        operation: 'SendAutomationSignal',
        signalType: body.signalType,
        payload,
      }),
    );
  });
});

describe('bad requests never reach SSM', () => {
  it.each([
    [
      'a malformed execution id',
      jsonPost('/executions/not-a-uuid/approve', {}, bearer()),
      400,
      'invalid-execution-id',
      'Invalid request',
      'The execution id must be an SSM Automation execution id: a UUID of 36 characters.',
    ],
    [
      'malformed JSON',
      apiEvent({
        path: `/executions/${ID}/approve`,
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: '{"comment":',
      }),
      400,
      'invalid-json',
      'Invalid request',
      'The body is not valid JSON.',
    ],
    [
      'a JSON array',
      apiEvent({
        path: `/executions/${ID}/approve`,
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: '["x"]',
      }),
      400,
      'invalid-body',
      'Invalid request',
      'The JSON body must be an object.',
    ],
    [
      'an unknown field',
      jsonPost(`/executions/${ID}/approve`, { approved: true }, bearer()),
      400,
      'unknown-field',
      'Invalid request',
      "Unknown field 'approved'; allowed: 'comment'.",
    ],
    [
      'a comment over 512 characters',
      jsonPost(`/executions/${ID}/reject`, { comment: 'x'.repeat(513) }, bearer()),
      400,
      'field-too-long',
      'Invalid request',
      "'comment' is 513 characters long; SSM takes at most 512.",
    ],
    [
      'an unknown signal type',
      jsonPost(`/executions/${ID}/signal`, { signalType: 'Pause' }, bearer()),
      400,
      'invalid-signal-type',
      'Invalid request',
      "'signalType' must be one of Approve, Reject, StartStep, StopStep, Resume.",
    ],
    [
      'Revoke',
      jsonPost(`/executions/${ID}/signal`, { signalType: 'Revoke' }, bearer()),
      400,
      'unsupported-signal-type',
      'Invalid request',
      "'signalType' Revoke is not supported: SSM does not document its effect.",
    ],
    [
      'StartStep without a step name',
      jsonPost(`/executions/${ID}/signal`, { signalType: 'StartStep' }, bearer()),
      400,
      'missing-field',
      'Invalid request',
      "'payload.StepName' is required.",
    ],
    [
      'StopStep without a step execution id',
      jsonPost(`/executions/${ID}/signal`, { signalType: 'StopStep', payload: {} }, bearer()),
      400,
      'missing-field',
      'Invalid request',
      "'payload.StepExecutionId' is required.",
    ],
    [
      'a text/plain body',
      apiEvent({
        path: `/executions/${ID}/approve`,
        headers: { ...bearer(), 'content-type': 'text/plain' },
        body: 'approve',
      }),
      415,
      'unsupported-media-type',
      'Unsupported media type',
      "Content type 'text/plain' is not accepted; send application/json or application/x-www-form-urlencoded.",
    ],
    [
      'a body without a content type',
      apiEvent({ path: `/executions/${ID}/approve`, headers: bearer(), body: '{}' }),
      415,
      'unsupported-media-type',
      'Unsupported media type',
      "Content type '(none)' is not accepted; send application/json or application/x-www-form-urlencoded.",
    ],
    [
      'a body over 16 KiB',
      jsonPost(`/executions/${ID}/approve`, { comment: 'x'.repeat(17_000) }, bearer()),
      413,
      'body-too-large',
      'Body too large',
      'The body is 17014 bytes; at most 16384 are accepted.',
    ],
  ])('%s', async (_name, event, status, reason, title, detail) => {
    expect(await invoke(event)).toEqual(problem(status, reason, title, detail));
    expect(ssm).not.toHaveReceivedAnyCommand();
  });
});

describe('media types match in any case and spelling', () => {
  it.each([
    'APPLICATION/JSON',
    'application/json;',
    'application/json ; charset=utf-8',
    'Application/Json; Charset=UTF-8',
  ])('%s is parsed as JSON', async (contentType) => {
    const response = await invoke(
      apiEvent({
        path: `/executions/${ID}/approve`,
        headers: { ...bearer(), 'content-type': contentType },
        body: JSON.stringify({ comment: 'ok' }),
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(ssm).toHaveReceivedCommandWith(SendAutomationSignalCommand, {
      Payload: { Comment: ['Approved via API token by jira: ok'] },
    });
  });

  it('a form post in upper case is parsed as a form', async () => {
    const token = await link(ID, ['approve']);
    const response = await invoke(
      apiEvent({
        path: `/executions/${ID}/approve`,
        headers: { 'content-type': 'APPLICATION/X-WWW-FORM-URLENCODED', accept: 'text/html' },
        body: new URLSearchParams({ token, comment: 'ok' }).toString(),
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it.each([
    ['curl without a Content-Type', {}],
    [
      'a form post from a script (no Accept: text/html)',
      { 'content-type': 'application/x-www-form-urlencoded' },
    ],
  ])('%s gets application/problem+json, never a page', async (_case, headers) => {
    const response = await invoke(apiEvent({ path: `/executions/${ID}/approve`, headers, body: '' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });
});

describe('SSM errors map to precise statuses', () => {
  const meta = { $metadata: { httpStatusCode: 400 }, message: 'from SSM' };
  it.each([
    [
      new AutomationExecutionNotFoundException(meta),
      404,
      'execution-not-found',
      'Execution not found',
      'SSM has no Automation execution with this id in the webhook’s account and region.',
    ],
    [
      new AutomationStepNotFoundException(meta),
      404,
      'step-not-found',
      'Step not found',
      'SSM found no step with this name or step execution id in the execution.',
    ],
    [
      new InvalidAutomationSignalException(meta),
      409,
      'signal-not-accepted',
      'Signal not accepted now',
      'SSM did not accept the signal in the execution’s current state: it was already decided, is not waiting for this signal, or the webhook’s role is not among the step’s approvers.',
    ],
    [
      new SSMServiceException({ name: 'AccessDeniedException', $fault: 'client', ...meta }),
      502,
      'ssm-access-denied',
      'SSM refused the webhook',
      'SSM refused the webhook’s own AWS credentials. Check that the function’s role allows this SSM action on automation executions in this account and region.',
    ],
  ])('%s', async (error, status, reason, title, detail) => {
    ssm.on(SendAutomationSignalCommand).rejects(error);
    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));
    expect(response).toEqual(problem(status, reason, title, detail, error.name));
  });

  it('throttling after retries → 503 with Retry-After', async () => {
    ssm.on(SendAutomationSignalCommand).rejects(
      new SSMServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: {},
        message: 'Rate exceeded',
      }),
    );
    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));
    expect(response).toEqual({
      ...problem(
        503,
        'ssm-throttled',
        'SSM is throttling',
        'SSM throttled the webhook’s requests after retries. Try again in 5 seconds.',
        'ThrottlingException',
      ),
      headers: { ...problem(503, '', '', '').headers, 'retry-after': '5' },
    });
  });

  const UNKNOWN_DETAIL = `SSM may have applied the decision, but its answer was lost and the execution does not show the outcome yet. Check the execution before you try again: aws ssm get-automation-execution --automation-execution-id ${ID} (or the Systems Manager console, Automation, Executions).`;

  it.each([
    ['a 5xx from SSM', new InternalServerError({ ...meta, $metadata: { httpStatusCode: 500 } })],
    ['a timeout', Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' })],
    ['a reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['anything unexpected', new TypeError('secret internals at handler.ts:42')],
  ])('%s while the gate still waits → 504 outcome unknown, never "try again"', async (_name, error) => {
    ssm.on(SendAutomationSignalCommand).rejects(error);
    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));
    expect(response).toEqual(problem(504, 'outcome-unknown', 'Outcome unknown', UNKNOWN_DETAIL));
    expect(response.body).not.toContain('secret internals');
    expect(ssm).toHaveReceivedCommandTimes(GetAutomationExecutionCommand, 2);
  });

  it('a lost answer, and the execution shows the approval → 200, as sent', async () => {
    ssm
      .on(SendAutomationSignalCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    ssm
      .on(GetAutomationExecutionCommand)
      .resolvesOnce(WAITING)
      .resolves({
        AutomationExecution: execution(
          'InProgress',
          [approved('ApproveStaging', STAGING_ID, 'Approved via API token by jira')],
          {
            AutomationExecutionId: ID,
          },
        ),
      });
    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));
    expect(response).toEqual(
      ok({
        executionId: ID,
        action: 'approve',
        operation: 'SendAutomationSignal',
        signalType: 'Approve',
        payload: { Comment: ['Approved via API token by jira'] },
      }),
    );
  });

  it('a lost answer, and the execution shows a rejection → 409 decided otherwise', async () => {
    ssm
      .on(SendAutomationSignalCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const rejected = approveStep('ApproveStaging', STAGING_ID, 'Failed', {
      ExecutionEndTime: new Date('2026-12-01T16:04:00Z'),
      Outputs: { ApprovalStatus: ['Rejected'] },
    });
    ssm
      .on(GetAutomationExecutionCommand)
      .resolvesOnce(WAITING)
      .resolves({ AutomationExecution: execution('Failed', [rejected], { AutomationExecutionId: ID }) });
    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));
    expect(response).toEqual(
      problem(
        409,
        'decided-otherwise',
        'Decided otherwise',
        'Your decision was not applied: ApproveStaging was rejected at 2026-12-01 16:04 UTC; the runbook has finished (Failed).',
      ),
    );
  });

  it('a connection never made → 502 "nothing was changed … try again"', async () => {
    ssm
      .on(SendAutomationSignalCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));
    expect(response).toEqual(
      problem(
        502,
        'ssm-unreachable',
        'SSM unreachable',
        'The webhook could not reach SSM in time; nothing was changed. Check the function’s network path to the SSM endpoint (VPC endpoint or NAT) and try again.',
      ),
    );
  });

  it('for people, the same problem as an HTML page with the same status', async () => {
    ssm.on(SendAutomationSignalCommand).rejects(new InvalidAutomationSignalException(meta));
    const token = await link(ID, ['approve']);
    const response = await invoke(formPost(`/executions/${ID}/approve`, { token }));
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('409');
    expect(response.body).not.toContain(token);
  });
});

describe('a gate that needs two approvals (docs/quorum.md)', () => {
  const twoApprovals = approveStep('ApproveStaging', STAGING_ID, 'Waiting', {
    Inputs: {
      Approvers: JSON.stringify(['arn:aws:iam::123456789012:role/ssm-approval-webhook-signal']),
      MinRequiredApprovals: '2',
    },
  });

  it('a deployment without approver seats refuses it with a 409 and sends nothing, never a single approval', async () => {
    delete process.env.APPROVER_SEAT_ROLE_ARNS;
    ssm
      .on(GetAutomationExecutionCommand)
      .resolves({ AutomationExecution: execution('Waiting', [twoApprovals], { AutomationExecutionId: ID }) });

    const response = await invoke(jsonPost(`/executions/${ID}/approve`, {}, bearer()));

    expect(response).toEqual(
      problem(
        409,
        'quorum-seats-not-configured',
        'Not enough approver seats',
        'Gate ApproveStaging needs 2 approvals from different people, which the webhook gives through approver seats, and this deployment configures none (APPROVER_SEAT_ROLE_ARNS is empty). Nothing was sent. See docs/quorum.md.',
      ),
    );
    expect(ssm).not.toHaveReceivedCommand(SendAutomationSignalCommand);
  });

  it('a rejection is sent as before when no seats are configured: any one rejection rejects', async () => {
    ssm
      .on(GetAutomationExecutionCommand)
      .resolves({ AutomationExecution: execution('Waiting', [twoApprovals], { AutomationExecutionId: ID }) });

    const response = await invoke(jsonPost(`/executions/${ID}/reject`, {}, bearer()));

    expect(response.statusCode).toBe(200);
    expect(ssm.commandCalls(SendAutomationSignalCommand)[0]?.args[0].input).toEqual({
      AutomationExecutionId: ID,
      SignalType: 'Reject',
      Payload: { Comment: ['Rejected via API token by jira'] },
    });
  });
});
