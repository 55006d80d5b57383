/**
 * The local Lambda Invoke API (local/lambda/server.ts), called as the Slack function calls it: through
 * @aws-sdk/client-lambda's InvokeCommand, pointed at it by endpoint, signed with the caller's local
 * credentials. Given a function, when it is invoked synchronously or asynchronously, then Lambda's answers:
 * 200 with the result, 202 at once (the event runs in the background), 404 ResourceNotFoundException,
 * 403 AccessDeniedException or the SigV4 errors.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type FunctionPool, startFunctionPool } from '../../local/function-pool';
import { type LocalInvoke, type LocalLambda, startLocalLambda } from '../../local/lambda/server';

const CALLER = {
  accessKeyId: 'AKIALOCALWEBHOOKSIGN',
  secretAccessKey: 'local-dummy-secret-webhook-signal-00000000',
};
const CALLER_ARN = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';
const SLACK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:slack';

const text = (payload: Uint8Array | undefined): string => Buffer.from(payload ?? []).toString('utf8');

/** What an invocation of the SDK came back with, or the error it threw, in the parts that matter. */
const outcome = async (client: LambdaClient, input: ConstructorParameters<typeof InvokeCommand>[0]) => {
  try {
    const output = await client.send(new InvokeCommand(input));
    return {
      status: output.StatusCode,
      functionError: output.FunctionError,
      executedVersion: output.ExecutedVersion,
      payload: text(output.Payload),
    };
  } catch (error) {
    const { name, message, $metadata } = error as Error & { $metadata: { httpStatusCode?: number } };
    return { error: name, message, httpStatus: $metadata.httpStatusCode };
  }
};

describe('the local Lambda Invoke API', () => {
  let lambda: LocalLambda;
  let client: LambdaClient;
  const received: unknown[] = [];
  const asyncErrors: { name: string; error: unknown }[] = [];
  let release: () => void = () => undefined;
  let slowPool: Promise<void> = Promise.resolve();
  const functions: Record<string, LocalInvoke> = {
    slack: async (event) => {
      received.push(event);
      await slowPool;
      if ((event as { fail?: string }).fail) throw new Error((event as { fail: string }).fail);
      return { ok: true };
    },
    notifier: async () => 'not for this caller',
  };

  beforeAll(async () => {
    lambda = await startLocalLambda({
      callers: {
        [CALLER.accessKeyId]: {
          secretAccessKey: CALLER.secretAccessKey,
          arn: CALLER_ARN,
          mayInvoke: ['slack', 'nope'],
        },
      },
      functions: (name) => functions[name],
      onAsyncError: (name, error) => asyncErrors.push({ name, error }),
    });
    client = new LambdaClient({
      endpoint: lambda.url,
      region: 'us-east-1',
      credentials: CALLER,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await lambda?.close();
  });
  beforeEach(() => {
    received.length = 0;
    asyncErrors.length = 0;
  });

  it('runs a RequestResponse invocation and answers 200 with the result', async () => {
    // When
    const answer = await outcome(client, {
      FunctionName: 'slack',
      Payload: JSON.stringify({ kind: 'slack-decision', n: 1 }),
    });

    // Then
    expect(answer).toEqual({
      status: 200,
      functionError: undefined,
      executedVersion: '$LATEST',
      payload: '{"ok":true}',
    });
    expect(received).toEqual([{ kind: 'slack-decision', n: 1 }]);
  });

  it('answers an Event invocation 202 with an empty body at once, and runs the event in the background', async () => {
    // Given: the function takes its time
    slowPool = new Promise((resolve) => {
      release = resolve;
    });

    // When
    const answer = await outcome(client, {
      FunctionName: SLACK_ARN,
      InvocationType: 'Event',
      Payload: JSON.stringify({ kind: 'slack-decision', n: 2 }),
    });

    // Then: answered before the function finished
    expect(answer).toEqual({
      status: 202,
      functionError: undefined,
      executedVersion: undefined,
      payload: '',
    });
    expect(received).toEqual([{ kind: 'slack-decision', n: 2 }]);
    release();
    slowPool = Promise.resolve();
    await lambda.idle();
    expect(asyncErrors).toEqual([]);
  });

  it('reports a failed Event invocation once and does not retry it', async () => {
    // When
    const answer = await outcome(client, {
      FunctionName: 'slack',
      InvocationType: 'Event',
      Payload: JSON.stringify({ fail: 'boom' }),
    });
    await lambda.idle();

    // Then
    expect(answer.status).toBe(202);
    expect(received).toEqual([{ fail: 'boom' }]);
    expect(asyncErrors).toEqual([{ name: 'slack', error: new Error('boom') }]);
  });

  it('answers DryRun 204 and runs nothing', async () => {
    const answer = await outcome(client, { FunctionName: 'slack', InvocationType: 'DryRun', Payload: '{}' });

    expect(answer).toEqual({
      status: 204,
      functionError: undefined,
      executedVersion: undefined,
      payload: '',
    });
    expect(received).toEqual([]);
  });

  it('takes the $LATEST qualifier, in the name or as Qualifier', async () => {
    expect((await outcome(client, { FunctionName: 'slack:$LATEST', Payload: '{}' })).status).toBe(200);
    expect(
      (await outcome(client, { FunctionName: 'slack', Qualifier: '$LATEST', Payload: '{}' })).status,
    ).toBe(200);
    expect(received).toEqual([{}, {}]);
  });

  it('answers 404 ResourceNotFoundException for a function that does not exist, or a version it does not have', async () => {
    expect(await outcome(client, { FunctionName: 'nope', Payload: '{}' })).toEqual({
      error: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
      httpStatus: 404,
    });
    expect(await outcome(client, { FunctionName: 'slack', Qualifier: 'live', Payload: '{}' })).toEqual({
      error: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:slack:live',
      httpStatus: 404,
    });
    expect(received).toEqual([]);
  });

  it('answers 403 AccessDeniedException for a function the caller’s role may not invoke', async () => {
    expect(await outcome(client, { FunctionName: 'notifier', Payload: '{}' })).toEqual({
      error: 'AccessDeniedException',
      message: `User: ${CALLER_ARN} is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:notifier because no identity-based policy allows the lambda:InvokeFunction action`,
      httpStatus: 403,
    });
  });

  it('answers 400 InvalidRequestContentException for a payload that is not JSON, and runs nothing', async () => {
    const answer = await outcome(client, { FunctionName: 'slack', Payload: Buffer.from('{not json') });

    expect(answer).toEqual({
      error: 'InvalidRequestContentException',
      message:
        'Could not parse request body into json: Could not parse payload into json: the payload is not valid JSON.',
      httpStatus: 400,
    });
    expect(received).toEqual([]);
  });

  it('refuses a request signed with the wrong secret, or by an unknown access key', async () => {
    const wrongSecret = new LambdaClient({
      endpoint: lambda.url,
      region: 'us-east-1',
      credentials: { ...CALLER, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    const stranger = new LambdaClient({
      endpoint: lambda.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIALOCALOUTSIDER001', secretAccessKey: 'whatever' },
      maxAttempts: 1,
    });

    expect(await outcome(wrongSecret, { FunctionName: 'slack', Payload: '{}' })).toEqual({
      error: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      httpStatus: 403,
    });
    expect(await outcome(stranger, { FunctionName: 'slack', Payload: '{}' })).toEqual({
      error: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      httpStatus: 403,
    });
    expect(received).toEqual([]);
    wrongSecret.destroy();
    stranger.destroy();
  });

  it('refuses an unsigned request with 403 MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${lambda.url}/2015-03-31/functions/slack/invocations`, {
      method: 'POST',
      body: '{}',
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(received).toEqual([]);
  });
});

describe('the local Lambda Invoke API in front of a function pool', () => {
  let pool: FunctionPool;
  let lambda: LocalLambda;
  let client: LambdaClient;

  beforeAll(async () => {
    pool = await startFunctionPool({
      functionName: 'local-slack',
      code: { entry: 'test/local/fixtures/echo-event.ts', handler: 'handler' },
      environment: { PATH: process.env.PATH ?? '' },
      timeoutMs: 10_000,
    });
    lambda = await startLocalLambda({
      callers: {
        [CALLER.accessKeyId]: {
          secretAccessKey: CALLER.secretAccessKey,
          arn: CALLER_ARN,
          mayInvoke: ['slack'],
        },
      },
      functions: (name) => (name === 'slack' ? (event) => pool.invoke(event) : undefined),
    });
    client = new LambdaClient({
      endpoint: lambda.url,
      region: 'us-east-1',
      credentials: CALLER,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await lambda?.close();
    await pool?.close();
  });

  it('hands the event to an instance unchanged and answers its result', async () => {
    const event = { kind: 'slack-decision', text: 'Grüße, “quoted” & <tagged>', n: [1, 2.5, null] };

    const answer = await outcome(client, { FunctionName: 'slack', Payload: JSON.stringify(event) });

    expect(answer).toEqual({
      status: 200,
      functionError: undefined,
      executedVersion: '$LATEST',
      payload: JSON.stringify({ received: event, functionName: 'local-slack' }),
    });
  });

  it('answers a thrown error as Lambda does: 200, X-Amz-Function-Error Unhandled, its type and message', async () => {
    const answer = await outcome(client, {
      FunctionName: 'slack',
      Payload: JSON.stringify({ fail: 'no such gate' }),
    });

    expect(answer).toEqual({
      status: 200,
      functionError: 'Unhandled',
      executedVersion: '$LATEST',
      payload: '{"errorType":"TypeError","errorMessage":"no such gate"}',
    });
  });
});
