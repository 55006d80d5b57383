/** The hand-off to the asynchronous side: the exact Invoke, and whether a failed one may still run. */
import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  ServiceException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { SlackDecisionJob } from '../../lambda/slack/decision-job';
import { DispatchError, LAMBDA_CLIENT_CONFIG, lambdaDispatch } from '../../lambda/slack/dispatch';
import { openJob, sealJob } from '../../lambda/slack/job-token';
import { authConfig } from '../auth/fixtures';

const CONFIG = authConfig({});
const seal = (job: SlackDecisionJob) => sealJob(CONFIG, job);
const dispatchTo = (name: string | undefined) => lambdaDispatch(client, name, seal);

const lambda = mockClient(LambdaClient);
const client = new LambdaClient({ region: 'us-east-1' });

const JOB: SlackDecisionJob = {
  kind: 'slack-decision',
  executionId: '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77',
  gate: { stepName: 'ApproveChange', stepExecutionId: '5e0d2a8c-1b3f-4c6d-8e9f-0a1b2c3d4e5f' },
  action: 'approve',
  runbook: 'Demo-ApproveChange',
  user: { id: 'U0LOCALALICE', name: 'alice' },
  teamId: 'T0LOCAL01',
  channelId: 'C0LOCALOPS',
  messageTs: '1700000000.000100',
  tokenId: '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22',
  keyId: 'k1',
};

beforeEach(() => lambda.reset());

it('is bounded well inside Slack’s 3 seconds', () => {
  expect(LAMBDA_CLIENT_CONFIG).toEqual({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1_000, throwOnRequestTimeout: true },
  });
});

it('invokes the function itself, asynchronously, with the job sealed as its event', async () => {
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  await dispatchTo('sawh-slack')(JOB);

  const calls = lambda.commandCalls(InvokeCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]?.args[0].input;
  const event = JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array));
  expect({ ...input, Payload: event }).toEqual({
    FunctionName: 'sawh-slack',
    InvocationType: 'Event',
    Payload: { kind: 'slack-decision', token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/) },
  });
  expect(await openJob(CONFIG, event)).toEqual({ job: JOB });
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

it.each([
  [
    'Lambda refused the request (not queued)',
    new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }),
    false,
  ],
  [
    'the connection was refused (not queued)',
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    false,
  ],
  [
    'Lambda failed on its side (may be queued)',
    new ServiceException({ message: 'boom', $metadata: {} }),
    true,
  ],
  [
    'the answer timed out (may be queued)',
    Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
    true,
  ],
])('when %s, says whether the job may still run', async (_, error, maybeStarted) => {
  lambda.on(InvokeCommand).rejects(error);
  const failure = await failureOf(dispatchTo('sawh-slack')(JOB));
  expect(failure).toBeInstanceOf(DispatchError);
  expect(failure).toMatchObject({ maybeStarted, cause: error });
});

it('treats an answer other than 202 as "may be queued"', async () => {
  lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
  const failure = await failureOf(dispatchTo('sawh-slack')(JOB));
  expect(failure).toMatchObject({
    name: 'DispatchError',
    message: 'Lambda answered the asynchronous invoke with status 200, not 202',
    maybeStarted: true,
  });
});

it('refuses to run without the function name', async () => {
  const failure = await failureOf(dispatchTo(undefined)(JOB));
  expect(failure).toMatchObject({
    name: 'ConfigurationError',
    message: 'AWS_LAMBDA_FUNCTION_NAME is not set: the Slack function cannot hand on decisions',
  });
  expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
});
