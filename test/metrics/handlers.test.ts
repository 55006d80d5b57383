/**
 * Decisions and AuthenticationFailures through the real handlers (middy chain and all), SSM mocked: the
 * exact EMF lines each request writes. The mocked client skips the SDK's middleware stack, so no
 * SsmCallLatency lines here (test/metrics/ssm-client.test.ts has those, against a local SSM endpoint).
 */
import {
  GetAutomationExecutionCommand,
  InternalServerError,
  SendAutomationSignalCommand,
  SSMClient,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { signLinkToken } from '../../lambda/auth/link-token';
import { approved, approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { apiEvent, context, formPost, jsonPost } from '../support/events';
import { AUTH_CONFIG, bearer, link, NARROW, useTestSecret } from '../support/secrets';
import { authenticationFailureLine, captureEmf, decisionLine } from './emf';

useTestSecret();
const ssm = mockClient(SSMClient);
const signal = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');
const stop = require('../../lambda/handlers/stop') as typeof import('../../lambda/handlers/stop');
const confirm = require('../../lambda/handlers/confirm') as typeof import('../../lambda/handlers/confirm');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const WAITING = {
  AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    AutomationExecutionId: ID,
  }),
};

let capture: ReturnType<typeof captureEmf>;
beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves(WAITING);
  ssm.on(SendAutomationSignalCommand).resolves({});
  ssm.on(StopAutomationExecutionCommand).resolves({});
  capture = captureEmf();
});
afterEach(() => capture.stop());

describe('refused before the caller is known', () => {
  it('no credentials (401): AuthenticationFailures{missing-credentials}, Decisions{approve, refused, unknown}', async () => {
    const response = await signal.handler(apiEvent({ path: `/executions/${ID}/approve` }), context());

    expect(response.statusCode).toBe(401);
    expect(capture.lines).toEqual([
      authenticationFailureLine('missing-credentials'),
      decisionLine('approve', 'refused', 'unknown'),
    ]);
  });

  it('an unknown API token (401): counted under invalid-api-token and the api channel', async () => {
    const response = await stop.handler(
      apiEvent({ path: `/executions/${ID}/stop`, headers: bearer('swa_not-a-token') }),
      context(),
    );

    expect(response.statusCode).toBe(401);
    expect(capture.lines).toEqual([
      authenticationFailureLine('invalid-api-token'),
      decisionLine('stop', 'refused', 'api'),
    ]);
  });

  it('a forged link token (401): counted under invalid-link-token and the link channel', async () => {
    const token = await link(ID, ['reject'], { channel: 'email' });
    const forged = `${token.slice(0, -4)}AAAA`;

    const response = await signal.handler(formPost(`/executions/${ID}/reject`, { token: forged }), context());

    expect(response.statusCode).toBe(401);
    expect(capture.lines).toEqual([
      authenticationFailureLine('invalid-link-token'),
      decisionLine('reject', 'refused', 'link'),
    ]);
  });

  it('the confirmation page (not a decision) counts only the authentication failure', async () => {
    const response = await confirm.handler(
      apiEvent({ method: 'GET', path: `/executions/${ID}/approve?token=not-a-token` }),
      context(),
    );

    expect(response.statusCode).toBe(401);
    expect(capture.lines).toEqual([authenticationFailureLine('invalid-link-token')]);
  });
});

describe('refused or failed after authentication', () => {
  it('a client outside its scope (403): AuthenticationFailures by the scope reason, refused under api', async () => {
    const response = await stop.handler(
      apiEvent({ path: `/executions/${ID}/stop`, headers: bearer(NARROW.token) }),
      context(),
    );

    expect(response.statusCode).toBe(403);
    expect(capture.lines).toEqual([
      authenticationFailureLine('scope-action'),
      decisionLine('stop', 'refused', 'api'),
    ]);
  });

  it('a malformed body (400) is a refused decision, not an authentication failure', async () => {
    const response = await signal.handler(
      jsonPost(`/executions/${ID}/signal`, { signalType: 'Revoke' }, bearer()),
      context(),
    );

    expect(response.statusCode).toBe(400);
    expect(capture.lines).toEqual([decisionLine('signal', 'refused', 'api')]);
  });

  it('SSM failing (502) is a failed decision under the caller’s channel', async () => {
    ssm
      .on(GetAutomationExecutionCommand)
      .rejects(new InternalServerError({ message: 'boom', $metadata: {} }));

    const response = await stop.handler(
      apiEvent({ path: `/executions/${ID}/stop`, headers: bearer() }),
      context(),
    );

    expect(response.statusCode).toBe(502);
    expect(capture.lines).toEqual([decisionLine('stop', 'failed', 'api')]);
  });
});

describe('decisions made, counted where they are audited (logDecision)', () => {
  it('an e-mailed link’s approval: Decisions{approve, sent, email}', async () => {
    const token = await link(ID, ['approve'], { channel: 'email' });

    const response = await signal.handler(formPost(`/executions/${ID}/approve`, { token }), context());

    expect(response.statusCode).toBe(200);
    expect(capture.lines).toEqual([decisionLine('approve', 'sent', 'email')]);
  });

  it('a hand-made link (no channel) counts under link', async () => {
    const token = await link(ID, ['stop']);

    const response = await stop.handler(formPost(`/executions/${ID}/stop`, { token }), context());

    expect(response.statusCode).toBe(200);
    expect(capture.lines).toEqual([decisionLine('stop', 'sent', 'link')]);
  });

  it('a step-bound link to a gate already approved: Decisions{approve, already, teams}', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: execution(
        'InProgress',
        [approved('ApproveStaging', STAGING_ID, 'Approved via e-mail link by bob@example.com')],
        { AutomationExecutionId: ID },
      ),
    });
    const token = await signLinkToken(AUTH_CONFIG, {
      executionId: ID,
      actions: ['approve'],
      approver: 'alice@example.com',
      ttlSeconds: 3600,
      channel: 'teams',
      gate: { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID },
    });

    const response = await signal.handler(formPost(`/executions/${ID}/approve`, { token }), context());

    expect(response.statusCode).toBe(200);
    expect(ssm.commandCalls(SendAutomationSignalCommand)).toHaveLength(0);
    expect(capture.lines).toEqual([decisionLine('approve', 'already', 'teams')]);
  });

  it('a lost answer that the execution shows applied: Decisions{approve, applied, api}', async () => {
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
          { AutomationExecutionId: ID },
        ),
      });

    const response = await signal.handler(jsonPost(`/executions/${ID}/approve`, {}, bearer()), context());

    expect(response.statusCode).toBe(200);
    expect(capture.lines).toEqual([decisionLine('approve', 'applied', 'api')]);
  });

  it('the next invocation does not inherit the previous caller’s channel', async () => {
    const token = await link(ID, ['approve'], { channel: 'webhook' });
    await signal.handler(formPost(`/executions/${ID}/approve`, { token }), context());
    const { logDecision } =
      require('../../lambda/core/decision-log') as typeof import('../../lambda/core/decision-log');

    logDecision(
      { executionId: ID, action: 'stop', operation: 'StopAutomationExecution', stopType: 'Cancel' },
      'sent',
      undefined,
    );

    expect(capture.lines).toEqual([
      decisionLine('approve', 'sent', 'webhook'),
      decisionLine('stop', 'sent', 'unknown'),
    ]);
  });
});
