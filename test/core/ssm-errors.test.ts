/**
 * SSM's failures as the real SDK raises them (a tiny server answers each case), mapped by the one
 * mapping: busy → 503 with Retry-After, unreadable answers → 502 (never 500), signature errors with the
 * credential errors.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { toProblem } from '../../lambda/core/problem';

let answer: { status: number; headers: Record<string, string>; body: string };
let server: Server;
let client: SSMClient;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(answer.status, answer.headers).end(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new SSMClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

const problemFor = async (status: number, headers: Record<string, string>, body: string) => {
  answer = { status, headers, body };
  const error = await client
    .send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22' }),
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return toProblem(error);
};

describe('SSM failures through the real SDK', () => {
  it.each([
    [
      'ServiceUnavailable',
      503,
      JSON_11,
      '{"__type":"ServiceUnavailable","message":"x"}',
      'ServiceUnavailable',
    ],
    ['a 503 with no body', 503, {}, '', 'Unknown'],
    ['a 429 with no body', 429, {}, '', 'Unknown'],
  ])('%s → 503 with Retry-After', async (_case, status, headers, body, code) => {
    expect(await problemFor(status, headers, body)).toEqual({
      status: 503,
      title: 'SSM is unavailable',
      reason: 'ssm-unavailable',
      detail: `SSM answered that it cannot take requests now (HTTP ${status}). Try again in 5 seconds.`,
      code,
      headers: { 'retry-after': '5' },
    });
  });

  it('ThrottlingException stays "throttling"', async () => {
    expect(
      await problemFor(400, JSON_11, '{"__type":"ThrottlingException","message":"Rate exceeded"}'),
    ).toMatchObject({
      status: 503,
      reason: 'ssm-throttled',
      headers: { 'retry-after': '5' },
    });
  });

  it.each([
    [
      'an HTML error page from a proxy',
      502,
      { 'content-type': 'text/html' },
      '<html><body>Bad gateway</body></html>',
    ],
    ['a truncated JSON answer', 200, JSON_11, '{"AutomationExecution":{"Auto'],
  ])('%s → 502, not 500', async (_case, status, headers, body) => {
    expect(await problemFor(status, headers, body)).toEqual({
      status: 502,
      title: 'SSM’s answer could not be read',
      reason: 'ssm-unreadable-answer',
      detail: `The answer to the webhook’s call to SSM (HTTP ${status}) was not SSM’s JSON: a proxy or load balancer may be answering instead. Check the function’s network path to the SSM endpoint.`,
    });
  });

  it('IncompleteSignatureException is a credential error', async () => {
    expect(
      await problemFor(400, JSON_11, '{"__type":"IncompleteSignatureException","message":"x"}'),
    ).toMatchObject({
      status: 502,
      reason: 'ssm-access-denied',
      code: 'IncompleteSignatureException',
    });
  });

  it('any other SSM error → 502 naming it', async () => {
    expect(await problemFor(500, {}, '')).toEqual({
      status: 502,
      title: 'SSM rejected the request',
      reason: 'ssm-error',
      detail: 'SSM answered with Unknown. Check the webhook’s log for the request id.',
      code: 'Unknown',
    });
  });
});
