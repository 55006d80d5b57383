import { type Simulator, startSimulator } from '../../local/simulator';
import type { AutomationEngine } from '../../local/simulator/engine';
import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator/principals';
import { handleRequest } from '../../local/simulator/protocol';
import { epoch, LOCAL_RUNBOOKS, ManualClock, type RawResponse, rawRequest } from './helpers';
import { SIGNING_DATE, signedRequest } from './sigv4-request';

const JSON_TYPE = 'application/x-amz-json-1.1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let simulator: Simulator;
const clock = new ManualClock('2025-03-04T05:06:07.890Z');

beforeAll(async () => {
  simulator = await startSimulator({ runbookDir: LOCAL_RUNBOOKS, clock: clock.now });
});
afterAll(async () => {
  await simulator.close();
});

const call = (target: string, body: unknown, options: Parameters<typeof rawRequest>[1] = {}) =>
  rawRequest(simulator.url, {
    target: `AmazonSSM.${target}`,
    contentType: JSON_TYPE,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...options,
  });

/** The whole error response: status, error type header, body. */
const error = (response: RawResponse) => ({
  status: response.status,
  errorType: response.headers.get('x-amzn-errortype'),
  contentType: response.headers.get('content-type'),
  body: JSON.parse(response.text) as unknown,
});

describe('protocol errors', () => {
  it('answers a body that is not JSON with SerializationException (no message)', async () => {
    const response = await call('GetAutomationExecution', '{"AutomationExecutionId": ');

    expect(error(response)).toStrictEqual({
      status: 400,
      errorType: 'SerializationException',
      contentType: JSON_TYPE,
      body: { __type: 'SerializationException' },
    });
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
  });

  it.each([
    ['an unknown operation', { target: 'AmazonSSM.GetParameter' }],
    ['another service prefix', { target: 'AmazonSSMx.GetAutomationExecution' }],
    ['a missing X-Amz-Target', { target: undefined }],
  ])('answers %s with UnknownOperationException (no message)', async (_, options) => {
    const response = await rawRequest(simulator.url, { contentType: JSON_TYPE, body: '{}', ...options });

    expect(error(response)).toStrictEqual({
      status: 400,
      errorType: 'UnknownOperationException',
      contentType: JSON_TYPE,
      body: { __type: 'UnknownOperationException' },
    });
  });

  it.each([
    ['a wrong content type', { contentType: 'text/plain' }],
    ['the JSON 1.0 content type', { contentType: 'application/x-amz-json-1.0' }],
    ['a GET', { method: 'GET', body: undefined }],
  ])('answers %s with 404 <UnknownOperationException/>', async (_, options) => {
    const response = await call('GetAutomationExecution', {}, options);

    expect(response.status).toBe(404);
    expect(response.text).toBe('<UnknownOperationException/>\n');
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
  });

  it('takes application/json and a charset parameter', async () => {
    for (const contentType of ['application/json', 'application/x-amz-json-1.1; charset=utf-8']) {
      const response = await call(
        'StartAutomationExecution',
        { DocumentName: 'Demo-PauseAndResume' },
        { contentType },
      );
      expect(response.status).toBe(200);
    }
  });

  it('answers an unsigned request with MissingAuthenticationTokenException', async () => {
    const response = await call('GetAutomationExecution', {}, { sign: false });

    expect(error(response)).toStrictEqual({
      status: 400,
      errorType: 'MissingAuthenticationTokenException',
      contentType: JSON_TYPE,
      body: {
        __type: 'MissingAuthenticationTokenException',
        message: 'Request is missing Authentication Token',
      },
    });
  });

  it('answers an unknown access key with UnrecognizedClientException', async () => {
    const response = await call('GetAutomationExecution', {}, { accessKeyId: 'AKIANOTCONFIGURED000' });

    expect(error(response)).toStrictEqual({
      status: 400,
      errorType: 'UnrecognizedClientException',
      contentType: JSON_TYPE,
      body: {
        __type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    });
  });

  it('answers a wrong secret, and a session token it never issued, as AWS does', async () => {
    const wrongSecret = await call('GetAutomationExecution', {}, { secretAccessKey: 'not-the-secret' });
    expect(error(wrongSecret)).toStrictEqual({
      status: 400,
      errorType: 'InvalidSignatureException',
      contentType: JSON_TYPE,
      body: { __type: 'InvalidSignatureException', message: BAD_SIGNATURE },
    });

    const withToken = await call(
      'GetAutomationExecution',
      {},
      { extraHeaders: { 'x-amz-security-token': 'token' } },
    );
    expect(error(withToken).body).toStrictEqual({
      __type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid',
    });
  });

  it('answers a signature scoped to another region with InvalidSignatureException', async () => {
    const response = await call(
      'GetAutomationExecution',
      { AutomationExecutionId: 'e'.repeat(36) },
      { region: 'eu-west-1' },
    );

    expect(error(response)).toStrictEqual({
      status: 400,
      errorType: 'InvalidSignatureException',
      contentType: JSON_TYPE,
      body: {
        __type: 'InvalidSignatureException',
        message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
      },
    });
  });

  it('answers a signature made more than 15 minutes ago with InvalidSignatureException', async () => {
    const response = await call(
      'GetAutomationExecution',
      {},
      { signingDate: new Date(Date.now() - 16 * 60 * 1000) },
    );

    expect(error(response).errorType).toBe('InvalidSignatureException');
    expect((error(response).body as { message: string }).message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
  });

  it.each([
    [
      'an id of the wrong length',
      'GetAutomationExecution',
      { AutomationExecutionId: 'x' },
      "1 validation error detected: Value 'x' at 'automationExecutionId' failed to satisfy constraint: Member must have length greater than or equal to 36",
    ],
    [
      'missing required members',
      'SendAutomationSignal',
      {},
      "2 validation errors detected: Value null at 'automationExecutionId' failed to satisfy constraint: Member must not be null; Value null at 'signalType' failed to satisfy constraint: Member must not be null",
    ],
    [
      'an unknown enum value and a long payload value',
      'SendAutomationSignal',
      { AutomationExecutionId: 'a'.repeat(37), SignalType: 'Deny', Payload: { Comment: ['c'.repeat(513)] } },
      `3 validation errors detected: Value '${'a'.repeat(37)}' at 'automationExecutionId' failed to satisfy constraint: Member must have length less than or equal to 36; ` +
        "Value 'Deny' at 'signalType' failed to satisfy constraint: Member must satisfy enum value set: [Approve, Reject, StartStep, StopStep, Resume, Revoke]; " +
        `Value '{Comment=[${'c'.repeat(513)}]}' at 'payload' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 50, Member must have length greater than or equal to 0, Member must satisfy constraint: [Member must have length less than or equal to 512, Member must have length greater than or equal to 1]]`,
    ],
    [
      'filters and MaxResults',
      'DescribeAutomationStepExecutions',
      { AutomationExecutionId: 'e'.repeat(36), Filters: [{ Key: 'Color', Values: [] }], MaxResults: 0 },
      "3 validation errors detected: Value 'Color' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [StartTimeBefore, StartTimeAfter, StepExecutionStatus, StepExecutionId, StepName, Action, ParentStepExecutionId, ParentStepIteration, ParentStepIteratorValue]; " +
        "Value '[]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'a document name and client token out of pattern',
      'StartAutomationExecution',
      { DocumentName: 'a b', ClientToken: 'not-a-uuid-not-a-uuid-not-a-uuid-1234' },
      "3 validation errors detected: Value 'a b' at 'documentName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.:/]{3,128}$; " +
        "Value 'not-a-uuid-not-a-uuid-not-a-uuid-1234' at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 36; " +
        "Value 'not-a-uuid-not-a-uuid-not-a-uuid-1234' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$",
    ],
    [
      'rate-control and alarm members out of the model constraints',
      'StartAutomationExecution',
      {
        DocumentName: 'Demo-ApproveChange',
        Targets: [{ Key: 'bad key!', Values: ['i-1'] }],
        MaxConcurrency: '0',
        MaxErrors: '101%',
        AlarmConfiguration: {},
        TargetLocationsURL: 'http://example.com/x',
      },
      "5 validation errors detected: Value 'bad key!' at 'targets.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\p{L}\\p{Z}\\p{N}_.:/=\\-@]*$|resource-groups:ResourceTypeFilters|resource-groups:Name$; " +
        "Value '0' at 'maxConcurrency' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$; " +
        "Value '101%' at 'maxErrors' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$; " +
        "Value null at 'alarmConfiguration.alarms' failed to satisfy constraint: Member must not be null; " +
        "Value 'http://example.com/x' at 'targetLocationsURL' failed to satisfy constraint: Member must satisfy regular expression pattern: ^https:\\/\\/[-a-zA-Z0-9@:%._\\+~#=]{1,253}\\.s3(\\.[a-z\\d-]{9,16})?\\.amazonaws\\.com\\/.{1,2000}$",
    ],
    [
      'too many targets and an account id out of pattern',
      'StartAutomationExecution',
      {
        DocumentName: 'Demo-ApproveChange',
        TargetLocations: [{ Accounts: ['123456789012'], ExcludeAccounts: ['12345'] }],
        Targets: Array.from({ length: 6 }, () => ({ Key: 'tag:Env', Values: ['dev'] })),
      },
      `2 validation errors detected: Value '[${Array.from({ length: 6 }, () => '{Key=tag:Env, Values=[dev]}').join(', ')}]' at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5; ` +
        "Value '[12345]' at 'targetLocations.1.member.excludeAccounts' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 68, Member must have length greater than or equal to 6, Member must satisfy regular expression pattern: ^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})|(\\d{12})$]",
    ],
  ])('answers %s with ValidationException', async (_, target, body, message) => {
    expect(error(await call(target, body))).toStrictEqual({
      status: 400,
      errorType: 'ValidationException',
      contentType: JSON_TYPE,
      body: { __type: 'ValidationException', message },
    });
  });

  it.each([
    ['a number for a string', { AutomationExecutionId: 5 }, 'NUMBER_VALUE cannot be converted to String'],
    [
      'a map for a string',
      { AutomationExecutionId: {} },
      'Start of structure or map found where not expected.',
    ],
    ['a list for the request', [], 'Start of list found where not expected.'],
  ])('answers %s with SerializationException', async (_, body, message) => {
    expect(error(await call('GetAutomationExecution', body)).body).toStrictEqual({
      __type: 'SerializationException',
      Message: message,
    });
  });

  it('checks the JSON types of rate-control members against the model', async () => {
    expect(
      error(await call('StartAutomationExecution', { DocumentName: 'Demo-ApproveChange', MaxConcurrency: 5 }))
        .body,
    ).toStrictEqual({
      __type: 'SerializationException',
      Message: 'NUMBER_VALUE cannot be converted to String',
    });
  });

  it('holds an execution id to the model length only: the model gives it no pattern', async () => {
    const id = 'z'.repeat(36);
    expect(error(await call('GetAutomationExecution', { AutomationExecutionId: id })).body).toStrictEqual({
      __type: 'AutomationExecutionNotFoundException',
      Message: `Automation execution ${id} does not exist.`,
    });
  });

  it('answers a signed empty body with SerializationException', async () => {
    expect(error(await call('GetAutomationExecution', '')).body).toStrictEqual({
      __type: 'SerializationException',
    });
  });

  it('answers a call the principal may not make with AccessDeniedException', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const response = await call(
      'StopAutomationExecution',
      { AutomationExecutionId: id },
      { accessKeyId: 'AKIALOCALWEBHOOKSIGN' },
    );

    expect(error(response)).toStrictEqual({
      status: 400,
      errorType: 'AccessDeniedException',
      contentType: JSON_TYPE,
      body: {
        __type: 'AccessDeniedException',
        message: `User: ${DEFAULT_LOCAL_PRINCIPALS.AKIALOCALWEBHOOKSIGN?.arn} is not authorized to perform: ssm:StopAutomationExecution on resource: arn:aws:ssm:us-east-1:123456789012:automation-execution/${id} because no identity-based policy allows the ssm:StopAutomationExecution action`,
      },
    });
  });

  it('answers modelled errors with Message', async () => {
    const id = '00000000-0000-4000-8000-000000000099';
    expect(error(await call('GetAutomationExecution', { AutomationExecutionId: id }))).toStrictEqual({
      status: 400,
      errorType: 'AutomationExecutionNotFoundException',
      contentType: JSON_TYPE,
      body: {
        __type: 'AutomationExecutionNotFoundException',
        Message: `Automation execution ${id} does not exist.`,
      },
    });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const response = await call('GetAutomationExecution', 'x'.repeat(1024 * 1024 + 1), { sign: false });

    expect(response.status).toBe(413);
  });
});

describe('successful calls', () => {
  it('answer 200 with a JSON body, timestamps in epoch seconds and a request id', async () => {
    const started = await call('StartAutomationExecution', { DocumentName: 'Demo-PauseAndResume' });
    expect(started.status).toBe(200);
    expect(started.headers.get('content-type')).toBe(JSON_TYPE);
    expect(started.headers.get('x-amzn-requestid')).toMatch(UUID);
    const { AutomationExecutionId } = JSON.parse(started.text) as { AutomationExecutionId: string };
    expect(AutomationExecutionId).toMatch(UUID);

    const got = await call('GetAutomationExecution', { AutomationExecutionId });
    const execution = (JSON.parse(got.text) as { AutomationExecution: Record<string, unknown> })
      .AutomationExecution;
    expect(execution.ExecutionStartTime).toBe(epoch('2025-03-04T05:06:07.890Z'));
    expect(execution.AutomationExecutionStatus).toBe('Waiting');

    const stopped = await call('StopAutomationExecution', { AutomationExecutionId });
    expect([stopped.status, stopped.text]).toStrictEqual([200, '{}']);
  });
});

describe('step executions', () => {
  it('carry OverriddenParameters {} on the wire, Pending steps included, as SSM reports them', async () => {
    const started = await call('StartAutomationExecution', { DocumentName: 'Demo-PauseAndResume' });
    const { AutomationExecutionId } = JSON.parse(started.text) as { AutomationExecutionId: string };
    type WireStep = { StepName: string; StepStatus: string; OverriddenParameters?: unknown };

    const got = JSON.parse((await call('GetAutomationExecution', { AutomationExecutionId })).text) as {
      AutomationExecution: { StepExecutions: WireStep[] };
    };
    const described = JSON.parse(
      (await call('DescribeAutomationStepExecutions', { AutomationExecutionId })).text,
    ) as { StepExecutions: WireStep[] };

    const expected = [
      ['BeforePause', 'Success', {}],
      ['WaitForOperator', 'Waiting', {}],
      ['AfterPause', 'Pending', {}],
    ];
    const view = (steps: WireStep[]) => steps.map((s) => [s.StepName, s.StepStatus, s.OverriddenParameters]);
    expect(view(got.AutomationExecution.StepExecutions)).toStrictEqual(expected);
    expect(view(described.StepExecutions)).toStrictEqual(expected);
  });
});

describe('null members', () => {
  it('count as absent, as the framework treats them', async () => {
    const started = await call('StartAutomationExecution', {
      DocumentName: 'Demo-PauseAndResume',
      Parameters: null,
      Mode: null,
    });
    expect(started.status).toBe(200);

    expect(error(await call('GetAutomationExecution', { AutomationExecutionId: null })).body).toStrictEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'automationExecutionId' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('handleRequest', () => {
  it('answers an unexpected failure with InternalServerError (500) and reports it', async () => {
    const failures: unknown[] = [];
    const boom = new Error('boom');
    const engine = {
      region: 'us-east-1',
      accountId: '123456789012',
      get: () => {
        throw boom;
      },
    } as unknown as AutomationEngine;
    const request = await signedRequest('GetAutomationExecution', { AutomationExecutionId: 'e'.repeat(36) });

    const response = await handleRequest(request, {
      engine,
      principals: DEFAULT_LOCAL_PRINCIPALS,
      now: () => SIGNING_DATE,
      onInternalError: (e) => failures.push(e),
    });

    expect({ status: response.status, body: JSON.parse(response.body) }).toStrictEqual({
      status: 500,
      body: { __type: 'InternalServerError', Message: 'An internal error occurred.' },
    });
    expect(failures).toStrictEqual([boom]);
  });
});
