/**
 * Links sent with chat messages, through the real approve and reject routes (middy chain and all) with SSM
 * mocked. A Slack message's link only shows its page: everyone in the channel can open it, so it never
 * acts (403 `slack-link-view-only`), and SSM is not even read. A Teams card's link is an ordinary link.
 */
import { GetAutomationExecutionCommand, SendAutomationSignalCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { type LinkChannel, signLinkToken } from '../../lambda/auth/link-token';
import { DECIDE_IN_SLACK } from '../../lambda/pages/actions';
import { escapeHtml } from '../../lambda/pages/html';
import { approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { context, formPost, JSON_RESPONSE_HEADERS, jsonPost } from '../support/events';
import { AUTH_CONFIG, useTestSecret } from '../support/secrets';

useTestSecret();
const ssm = mockClient(SSMClient);
const { handler } = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const GATE = { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID };
const VIEW_ONLY_DETAIL =
  "This link came with a Slack message and only shows the details. Decide with the message's buttons in Slack, where your Slack user is checked against the runbook's approvers.";

const sentThrough = (channel: LinkChannel, approver: string) =>
  signLinkToken(AUTH_CONFIG, {
    executionId: ID,
    actions: ['approve', 'reject'],
    approver,
    gate: GATE,
    channel,
    ttlSeconds: 3600,
  });

beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
      AutomationExecutionId: ID,
    }),
  });
  ssm.on(SendAutomationSignalCommand).resolves({});
});

describe('a link from a Slack message', () => {
  it.each(['approve', 'reject'] as const)(
    'cannot %s: 403 slack-link-view-only, SSM untouched',
    async (action) => {
      const token = await sentThrough('slack', 'slack:C0LOCAL01');

      const response = await handler(jsonPost(`/executions/${ID}/${action}`, { token }), context());

      expect(response).toEqual({
        statusCode: 403,
        headers: { 'content-type': 'application/problem+json', ...JSON_RESPONSE_HEADERS },
        body: JSON.stringify({
          type: 'urn:ssm-approval-webhook:problem:slack-link-view-only',
          title: 'Not allowed',
          status: 403,
          detail: VIEW_ONLY_DETAIL,
        }),
      });
      expect(ssm.calls()).toHaveLength(0);
    },
  );

  it('posted from a page as a form, answers with a page that says where to decide', async () => {
    const token = await sentThrough('slack', 'slack:C0LOCAL01');

    const response = await handler(
      formPost(`/executions/${ID}/approve`, { token, comment: 'ok' }),
      context(),
    );

    expect(response.statusCode).toBe(403);
    expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<h1>Decide in Slack</h1>');
    expect(response.body).toContain(
      '<p>This link came with a Slack message, where everyone in the channel can open it, so it only shows the details. Nothing was changed.</p>',
    );
    expect(response.body).toContain(`<h2>What to do next</h2>\n<p>${escapeHtml(DECIDE_IN_SLACK)}</p>`);
    expect(response.body).not.toContain('<form');
    expect(response.body).not.toContain(token);
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('a link from a Teams card or an e-mail', () => {
  it.each<[LinkChannel, string, 'approve' | 'reject', string]>([
    ['teams', 'teams:ops', 'approve', 'Approved via Teams link by teams:ops: ok'],
    ['teams', 'teams:ops', 'reject', 'Rejected via Teams link by teams:ops: ok'],
    ['email', 'alice@example.com', 'approve', 'Approved via e-mail link by alice@example.com: ok'],
    ['email', 'alice@example.com', 'reject', 'Rejected via e-mail link by alice@example.com: ok'],
  ])('a %s link can %s, recorded with its channel', async (channel, approver, action, comment) => {
    const token = await sentThrough(channel, approver);

    const response = await handler(
      jsonPost(`/executions/${ID}/${action}`, { token, comment: 'ok' }),
      context(),
    );

    expect(response.statusCode).toBe(200);
    expect(ssm.commandCalls(SendAutomationSignalCommand).map((call) => call.args[0].input)).toEqual([
      {
        AutomationExecutionId: ID,
        SignalType: action === 'approve' ? 'Approve' : 'Reject',
        Payload: { Comment: [comment] },
      },
    ]);
  });
});
