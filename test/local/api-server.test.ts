/**
 * What the local API answers when the integration fails, as an HTTP API does: the function failed, timed
 * out or Lambda throttled it → 500 `{"message":"Internal Server Error"}`; no answer within the
 * integration timeout → 503 `{"message":"Service Unavailable"}`; every answer with API Gateway's
 * `apigw-requestid`. The signal function's routes run test/local/fixtures/echo-api.ts, which answers
 * with the event it received after what the request's body asks (wait, block for good, throw).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FunctionName } from '../../lambda/routes';
import { type LocalApi, type LocalApiOptions, startLocalApi } from '../../local/api-server';
import type { LocalRequest } from '../../local/slack/local-route';

const EXECUTION = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const REQUEST_ID = /^[A-Za-z0-9_-]{15}=$/;
const ENVIRONMENT = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' };

const start = (options: Partial<LocalApiOptions>): Promise<LocalApi> =>
  startLocalApi({
    port: 0,
    functionEnvironments: {
      signal: ENVIRONMENT,
      stop: ENVIRONMENT,
      confirm: ENVIRONMENT,
      slack: ENVIRONMENT,
    } satisfies Record<FunctionName, Record<string, string>>,
    functionCode: { signal: { entry: 'test/local/fixtures/echo-api.ts', handler: 'handler' } },
    ...options,
  });

const approve = async (api: LocalApi, instructions: { delayMs?: number; spin?: boolean; fail?: string }) => {
  const started = Date.now();
  const response = await fetch(`${api.url}/executions/${EXECUTION}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(instructions),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    requestId: response.headers.get('apigw-requestid') as string,
    body: await response.text(),
    ms: Date.now() - started,
  };
};

const INTERNAL_SERVER_ERROR = {
  status: 500,
  contentType: 'application/json',
  requestId: expect.stringMatching(REQUEST_ID),
  body: '{"message":"Internal Server Error"}',
  ms: expect.any(Number),
};

/** What the server wrote to the console: where, and the cause. */
const consoleErrors = () => {
  const causes: { where: string; error: unknown }[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((where: unknown, error: unknown) => {
    // Own fields too (errorType, reason): toEqual compares errors by name and message only.
    causes.push({ where: String(where), error: { ...(error as Error), message: (error as Error).message } });
  });
  return { causes: () => causes, restore: () => spy.mockRestore() };
};

describe('the local API', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await start({ functionTimeoutMs: 500 });
  });
  afterAll(() => api?.close());

  it('hands the function the event API Gateway would, with its request id also in apigw-requestid', async () => {
    const answer = await approve(api, {});

    expect(answer.status).toBe(200);
    const event = JSON.parse(answer.body) as APIGatewayProxyEventV2;
    const { port } = new URL(api.url);
    expect(event.requestContext.requestId).toBe(answer.requestId);
    expect(answer.requestId).toMatch(REQUEST_ID);
    expect(event.requestContext.domainName).toBe('127.0.0.1');
    expect(event.requestContext.domainPrefix).toBe('127');
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.headers).toMatchObject({
      host: `127.0.0.1:${port}`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-port': port,
      'x-forwarded-proto': 'http',
      'x-amzn-trace-id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
    });
  });

  it('stops a function that runs past its timeout and answers 500 Internal Server Error', async () => {
    const errors = consoleErrors();
    const answer = await approve(api, { spin: true }).finally(errors.restore);

    expect(answer).toEqual(INTERNAL_SERVER_ERROR);
    expect(errors.causes()).toEqual([
      {
        where: `local API: ${answer.requestId}:`,
        error: {
          name: 'FunctionError',
          errorType: 'Sandbox.Timedout',
          message: 'Task timed out after 0.50 seconds',
        },
      },
    ]);
    // The instance that ran it is gone; the next call gets a fresh one.
    expect(api.functions.signal.stats()).toEqual({ instances: 0, busy: 0, queued: 0, coldStarts: 1 });
    expect((await approve(api, {})).status).toBe(200);
    expect(api.functions.signal.stats()).toEqual({ instances: 1, busy: 0, queued: 0, coldStarts: 2 });
  });

  it('answers 500 Internal Server Error when the function throws', async () => {
    const errors = consoleErrors();
    const answer = await approve(api, { fail: 'boom' }).finally(errors.restore);

    expect(answer).toEqual(INTERNAL_SERVER_ERROR);
    expect(errors.causes()).toEqual([
      {
        where: `local API: ${answer.requestId}:`,
        error: { name: 'FunctionError', errorType: 'Unhandled', message: 'Error: boom' },
      },
    ]);
  });

  it('answers a path no route serves 404 Not Found, with a request id of its own', async () => {
    const response = await fetch(`${api.url}/health`);

    expect(response.status).toBe(404);
    expect(response.headers.get('apigw-requestid')).toMatch(REQUEST_ID);
    expect(await response.text()).toBe('{"message":"Not Found"}');
  });
});

describe('an integration that outlasts the integration timeout', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await start({ integrationTimeoutMs: 300 });
  });
  afterAll(() => api?.close());

  it('is answered 503 Service Unavailable while the function runs on, as an HTTP API does', async () => {
    const answer = await approve(api, { delayMs: 1_000 });

    expect(answer).toEqual({
      status: 503,
      contentType: 'application/json',
      requestId: expect.stringMatching(REQUEST_ID),
      body: '{"message":"Service Unavailable"}',
      ms: expect.any(Number),
    });
    expect(answer.ms).toBeLessThan(1_000);
    expect(api.functions.signal.stats()).toMatchObject({ busy: 1 });
  });
});

describe('with overflow "throttle" and one instance per function', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await start({ maxInstancesPerFunction: 1, overflow: 'throttle' });
  });
  afterAll(() => api?.close());

  it('answers a call that finds the one instance busy 500 at once: Lambda throttled it', async () => {
    const errors = consoleErrors();
    const first = approve(api, { delayMs: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await approve(api, {});
    const firstAnswer = await first.finally(errors.restore);

    expect(firstAnswer.status).toBe(200);
    expect(second).toEqual(INTERNAL_SERVER_ERROR);
    expect(second.ms).toBeLessThan(500);
    expect(errors.causes()).toEqual([
      {
        where: `local API: ${second.requestId}:`,
        error: {
          name: 'TooManyRequestsException',
          reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
          message: 'Rate Exceeded.',
        },
      },
    ]);
  });
});

describe('by default, with one instance per function', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await start({ maxInstancesPerFunction: 1 });
  });
  afterAll(() => api?.close());

  it('queues a call that finds the one instance busy, and answers both 200', async () => {
    const answers = await Promise.all([approve(api, { delayMs: 300 }), approve(api, {})]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[1]?.ms).toBeGreaterThanOrEqual(250);
  });
});

describe('local routes, the Slack route and invoking a function with any event', () => {
  const ECHO_EVENT = { entry: 'test/local/fixtures/echo-event.ts', handler: 'handler' } as const;
  const seen: LocalRequest[] = [];
  let api: LocalApi;
  let givenUrl: string | undefined;
  beforeAll(async () => {
    api = await start({
      maxInstancesPerFunction: 1,
      functionEnvironments: (apiUrl) => {
        givenUrl = apiUrl;
        return {
          signal: ENVIRONMENT,
          stop: ENVIRONMENT,
          confirm: ENVIRONMENT,
          slack: { ...ENVIRONMENT, ECHO_VALUE: `links point at ${apiUrl}` },
        };
      },
      functionCode: { slack: ECHO_EVENT },
      localRoutes: {
        '/_local/things/press': (request) => {
          seen.push(request);
          return { status: 303, headers: { location: '/_local/things' }, body: '' };
        },
      },
      localPages: {
        '/_local/things': () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'things' }),
      },
    });
  });
  afterAll(() => api?.close());

  it('passes a local route the request as read, any method, and answers without an API Gateway request id', async () => {
    const body = 'user=U0LOCALALICE&action=0%3A1&note=caf%C3%A9+%2A';

    const response = await fetch(`${api.url}/_local/things/press?as=U0LOCALBOB`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test': 'yes' },
      body,
      redirect: 'manual',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/_local/things');
    expect(response.headers.get('apigw-requestid')).toBeNull();
    expect(seen).toHaveLength(1);
    const [request] = seen as [LocalRequest];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/_local/things/press');
    expect([...request.query]).toEqual([['as', 'U0LOCALBOB']]);
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'x-test': 'yes',
    });
    expect(request.body.toString('utf8')).toBe(body);
    // GET pages still answer beside the routes.
    expect(await (await fetch(`${api.url}/_local/things`)).text()).toBe('things');
  });

  it('gives the functions’ environments the API’s URL, once it listens', () => {
    expect(givenUrl).toBe(api.url);
  });

  it('hands POST /slack/interactions to the slack function, the form body base64-encoded byte for byte', async () => {
    // A Slack payload as Slack sends it: form-encoded JSON, with characters that must survive exactly, since
    // the signature is over the raw bytes (`*` stays `*`, non-ASCII as percent-encoded UTF-8, `+` for space).
    const raw = `payload=${encodeURIComponent('{"type":"block_actions","text":"*Approve* “now” – ok"}').replace(/%20/g, '+')}&x=*`;

    const response = await fetch(`${api.url}/slack/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': '1764615600',
        'x-slack-signature': 'v0=abc',
      },
      body: raw,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('apigw-requestid')).toMatch(REQUEST_ID);
    const answer = (await response.json()) as { received: APIGatewayProxyEventV2; echo: string };
    expect(answer.echo).toBe(`links point at ${api.url}`);
    const event = answer.received;
    expect(event.routeKey).toBe('POST /slack/interactions');
    expect(event.rawPath).toBe('/slack/interactions');
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from(raw, 'utf8').toString('base64'));
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe(raw);
    expect(event.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': '1764615600',
      'x-slack-signature': 'v0=abc',
    });
  });

  it('invokes a function with any event, as the local Lambda Invoke API does', async () => {
    const event = { kind: 'slack-decision', executionId: EXECUTION };

    expect(await api.invoke('slack', event)).toEqual({
      received: event,
      functionName: 'local-slack',
      echo: `links point at ${api.url}`,
    });
  });
});
