/**
 * The SSM client's metrics middleware against a tiny local SSM endpoint (SSM's JSON protocol: HTTP 400 and
 * `{"__type": …}` for an error): every SDK call writes its latency, a failed one its error, a throttled
 * one SsmThrottles; once per call, the SDK's retries inside it. The last test goes through the real stop
 * handler, so the whole chain's lines are pinned: SSM throttles the read, the caller gets 503.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { createSsmClient } from '../../lambda/core/ssm-client';
import { apiEvent, context } from '../support/events';
import { bearer, useTestSecret } from '../support/secrets';
import { captureEmf, decisionLine, latencyLine, ssmErrorLine, THROTTLE_LINE } from './emf';

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';

type Answer = { readonly status: number; readonly body: unknown } | 'hang';
let answer: Answer;
const targets: string[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    targets.push(String(request.headers['x-amz-target']));
    request.resume();
    request.on('end', () => {
      if (answer === 'hang') return;
      response.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': 'local-request-1',
      });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const THROTTLED: Answer = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const client = (overrides: Parameters<typeof createSsmClient>[0] = {}) =>
  createSsmClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, ...overrides });
const read = (ssm: ReturnType<typeof createSsmClient>) =>
  ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: ID }));

let capture: ReturnType<typeof captureEmf>;
beforeEach(() => {
  targets.length = 0;
  capture = captureEmf();
});
afterEach(() => capture.stop());

it('a successful call writes only its latency, under its operation', async () => {
  answer = {
    status: 200,
    body: {
      AutomationExecution: {
        AutomationExecutionId: ID,
        DocumentName: 'Demo-Approval',
        AutomationExecutionStatus: 'Waiting',
        StepExecutions: [],
      },
    },
  };

  await read(client());

  expect(capture.lines).toEqual([latencyLine('GetAutomationExecution')]);
  expect(capture.lines[0]?.SsmCallLatency).toBeGreaterThanOrEqual(0);
});

it('a throttled call, retried by the SDK, is counted once: latency, SsmErrors, SsmThrottles', async () => {
  answer = THROTTLED;

  await expect(read(client({ maxAttempts: 2 }))).rejects.toMatchObject({ name: 'ThrottlingException' });

  expect(targets).toEqual(['AmazonSSM.GetAutomationExecution', 'AmazonSSM.GetAutomationExecution']);
  expect(capture.lines).toEqual([
    latencyLine('GetAutomationExecution'),
    ssmErrorLine('GetAutomationExecution', 'ThrottlingException'),
    THROTTLE_LINE,
  ]);
});

it('an SSM error that is not throttling writes no throttle line', async () => {
  answer = {
    status: 400,
    body: { __type: 'AutomationExecutionNotFoundException', message: 'not found' },
  };

  await expect(read(client())).rejects.toMatchObject({ name: 'AutomationExecutionNotFoundException' });

  expect(capture.lines).toEqual([
    latencyLine('GetAutomationExecution'),
    ssmErrorLine('GetAutomationExecution', 'AutomationExecutionNotFoundException'),
  ]);
});

it('a call that times out is counted under TimeoutError', async () => {
  answer = 'hang';

  await expect(
    read(
      client({
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 100, throwOnRequestTimeout: true },
      }),
    ),
  ).rejects.toMatchObject({ name: 'TimeoutError' });

  expect(capture.lines).toEqual([
    latencyLine('GetAutomationExecution'),
    ssmErrorLine('GetAutomationExecution', 'TimeoutError'),
  ]);
});

it('a refused connection is counted under its network code (Node names the error only `Error`)', async () => {
  // What Node's HTTP handler rejects with when nothing listens. A real socket is not used: under Jest's
  // sandbox Node's error comes from another realm, and the SDK's retry layer wraps it without its code.
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  const ssm = client({
    maxAttempts: 1,
    requestHandler: {
      handle: async () => {
        throw refused;
      },
    },
  });

  await expect(read(ssm)).rejects.toBe(refused);

  expect(capture.lines).toEqual([
    latencyLine('GetAutomationExecution'),
    ssmErrorLine('GetAutomationExecution', 'ECONNREFUSED'),
  ]);
});

describe('through the stop handler', () => {
  const saved = ['AWS_ENDPOINT_URL_SSM', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map(
    (name) => [name, process.env[name]] as const,
  );
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('SSM throttling the read → 503, with SsmErrors, SsmThrottles and a failed decision', async () => {
    answer = THROTTLED;
    useTestSecret();
    process.env.AWS_ENDPOINT_URL_SSM = endpoint;
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    let stop: typeof import('../../lambda/handlers/stop') | undefined;
    jest.isolateModules(() => {
      stop = require('../../lambda/handlers/stop');
    });

    const response = await (stop as typeof import('../../lambda/handlers/stop')).handler(
      apiEvent({ path: `/executions/${ID}/stop`, headers: bearer() }),
      context(),
    );

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'ThrottlingException' });
    expect(capture.lines).toEqual([
      latencyLine('GetAutomationExecution'),
      ssmErrorLine('GetAutomationExecution', 'ThrottlingException'),
      THROTTLE_LINE,
      decisionLine('stop', 'failed', 'api'),
    ]);
  });
});
