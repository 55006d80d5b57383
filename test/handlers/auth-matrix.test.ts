/**
 * No unauthenticated change: every mutating route × every kind of credential, through the real handlers.
 * Only a valid credential for this execution and action reaches SSM.
 */
import {
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  SSMClient,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { type apiEvent, context, formPost, jsonPost } from '../support/events';
import { API, bearer, link, REVOKED, useTestSecret } from '../support/secrets';

useTestSecret();
const ssm = mockClient(SSMClient);
const signal = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');
const stop = require('../../lambda/handlers/stop') as typeof import('../../lambda/handlers/stop');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
/** The execution as SSM shows it before each decision: waiting at its approval step. */
const WAITING = {
  AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    AutomationExecutionId: ID,
  }),
};
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const HOUR_AGO = new Date(Date.now() - 3_600_000);

type Route = 'approve' | 'reject' | 'stop' | 'signal';
const ROUTES: Route[] = ['approve', 'reject', 'stop', 'signal'];
const handlerFor = (route: Route) => (route === 'stop' ? stop.handler : signal.handler);
const bodyFor = (route: Route): Record<string, string> =>
  route === 'signal' ? { signalType: 'Approve' } : {};
const linkAction = (route: Route) => (route === 'signal' ? 'approve' : route);
const otherAction = (route: Route) => (route === 'approve' ? 'reject' : 'approve');

interface Credential {
  readonly name: string;
  readonly event: (route: Route) => Promise<ReturnType<typeof apiEvent>>;
  /** Expected status per route; 200 means SSM was called once. */
  readonly status: (route: Route) => number;
  readonly challenge?: string;
}

const path = (route: Route) => `/executions/${ID}/${route}`;
const withLink = async (route: Route, token: string) => formPost(path(route), { ...bodyFor(route), token });

const CREDENTIALS: Credential[] = [
  {
    name: 'no credentials',
    event: async (route) => jsonPost(path(route), bodyFor(route)),
    status: () => 401,
    challenge: 'Bearer realm="ssm-approval-webhook"',
  },
  {
    name: 'a garbage bearer token',
    event: async (route) => jsonPost(path(route), bodyFor(route), bearer('sawh_garbage')),
    status: () => 401,
    challenge: 'Bearer realm="ssm-approval-webhook", error="invalid_token"',
  },
  {
    name: 'a revoked API token',
    event: async (route) => jsonPost(path(route), bodyFor(route), bearer(REVOKED.token)),
    status: () => 401,
    challenge: 'Bearer realm="ssm-approval-webhook", error="invalid_token"',
  },
  {
    name: 'Basic credentials',
    event: async (route) =>
      jsonPost(path(route), bodyFor(route), { authorization: 'Basic YWRtaW46YWRtaW4=' }),
    status: () => 401,
    challenge: 'Bearer realm="ssm-approval-webhook"',
  },
  {
    name: 'a garbage link token',
    event: (route) => withLink(route, 'eyJhbGciOiJIUzI1NiJ9.e30.x'),
    status: () => 401,
    challenge: 'Bearer realm="ssm-approval-webhook", error="invalid_token"',
  },
  {
    name: 'a link for another execution',
    event: async (route) => withLink(route, await link(OTHER, [linkAction(route)])),
    status: () => 403,
  },
  {
    name: 'a link for another action',
    event: async (route) => withLink(route, await link(ID, [otherAction(route)])),
    status: () => 403,
  },
  {
    name: 'an expired link',
    event: async (route) =>
      withLink(route, await link(ID, [linkAction(route)], { ttlSeconds: 60, now: HOUR_AGO })),
    status: () => 403,
  },
  {
    name: 'a valid link (links never allow the generic signal route)',
    event: async (route) => withLink(route, await link(ID, [linkAction(route)])),
    status: (route) => (route === 'signal' ? 403 : 200),
  },
  {
    name: 'a valid link and a bearer token at once',
    event: async (route) => {
      const event = await withLink(route, await link(ID, [linkAction(route)]));
      return { ...event, headers: { ...event.headers, ...bearer() } };
    },
    status: () => 400,
  },
  {
    name: 'a valid API token',
    event: async (route) => jsonPost(path(route), bodyFor(route), bearer(API.token)),
    status: () => 200,
  },
];

beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves(WAITING);
  ssm.on(SendAutomationSignalCommand).resolves({});
  ssm.on(StopAutomationExecutionCommand).resolves({});
});

describe.each(ROUTES)('POST /executions/{id}/%s', (route) => {
  it.each(CREDENTIALS)('with $name', async (credential) => {
    const response = await handlerFor(route)(await credential.event(route), context());
    const expected = credential.status(route);
    expect(response.statusCode).toBe(expected);
    // Allowed: a read of the execution, then the one mutating call. Refused: no SSM call at all.
    expect(ssm.calls().map((call) => call.args[0].constructor.name)).toEqual(
      expected === 200
        ? [
            'GetAutomationExecutionCommand',
            route.includes('stop') ? 'StopAutomationExecutionCommand' : 'SendAutomationSignalCommand',
          ]
        : [],
    );
    expect(response.headers['www-authenticate']).toBe(expected === 401 ? credential.challenge : undefined);
  });
});
