/**
 * GET on a signed link renders a confirmation page and changes nothing: the confirm function only reads
 * the execution (asserted here: GetAutomationExecution is the one command the mock ever receives).
 */

import { writeFileSync } from 'node:fs';
import { GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { type LinkChannel, signLinkToken } from '../../lambda/auth/link-token';
import { parseSecretDocument } from '../../lambda/auth/secret-document';
import { DECIDE_IN_SLACK } from '../../lambda/pages/actions';
import { escapeHtml } from '../../lambda/pages/html';
import { PROBLEM_REASONS, type ProblemReason } from '../../lambda/pages/result-page';
import { approved, approveStep, execution, PRODUCTION_ID, SIGNAL_ROLE, STAGING_ID } from '../gate/fixtures';
import { apiEvent, context } from '../support/events';
import { AUTH_CONFIG, link, SECRET_DOCUMENT, useTestSecret } from '../support/secrets';

useTestSecret();
const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
// The stack's approver seats (seat 1 = the signal role); the function reads them on first use.
process.env.APPROVER_SEAT_ROLE_ARNS = JSON.stringify([SIGNAL_ROLE, SEAT_2]);
const ssm = mockClient(SSMClient);
const { handler } =
  require('../../lambda/handlers/confirm') as typeof import('../../lambda/handlers/confirm');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const get = (path: string) => handler(apiEvent({ method: 'GET', path }), context());

const STAGING = { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID };
const atStaging = execution(
  'Waiting',
  [
    approveStep('ApproveStaging', STAGING_ID, 'Waiting', {
      ExecutionStartTime: new Date(Date.now() - 30_000),
    }),
  ],
  {
    AutomationExecutionId: ID,
    CurrentStepName: 'ApproveStaging',
  },
);

beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: atStaging });
});
afterEach(() => {
  // Reading is all the confirmation page may do.
  for (const call of ssm.calls()) expect(call.args[0]).toBeInstanceOf(GetAutomationExecutionCommand);
});

describe('what the page shows', () => {
  it('shows the runbook, the gate, its message with line breaks, the parameters, who started it and time left', async () => {
    const token = await link(ID, ['approve'], { gate: STAGING, channel: 'email' });
    const response = await get(`/executions/${ID}/approve?token=${token}`);
    expect(response.statusCode).toBe(200);
    expect(ssm).toHaveReceivedCommandWith(GetAutomationExecutionCommand, { AutomationExecutionId: ID });
    expect(response.body).toContain(
      '<dt>Runbook</dt>\n<dd>Demo-TwoGates <span class="hint">(version 1)</span></dd>\n<dt>Approval step</dt>\n<dd>ApproveStaging</dd>\n<dt>Time left</dt>\n<dd>59 minutes, until <time',
    );
    expect(response.body).toContain(
      '<dt>Started by</dt>\n<dd>local-operator (IAM user, account 123456789012)</dd>',
    );
    expect(response.body).toContain(
      '<blockquote class="message">Approve ApproveStaging?<br>Second line</blockquote>',
    );
    expect(response.body).toContain(
      '<dl class="parameters">\n<dt><code>Version</code></dt>\n<dd>1.2.3</dd>\n</dl>',
    );
    expect(response.body).not.toContain('not bound to one approval step');
    // 512 − 'Approved via e-mail link by alice@example.com'.length − ': '.length
    expect(response.body).toContain('maxlength="465"');
  });

  it('says so when a link made by hand is not bound to a gate, and shows the gate that waits', async () => {
    const response = await get(`/executions/${ID}/approve?token=${await link(ID, ['approve'])}`);
    expect(response.body).toContain('<dt>Approval step</dt>\n<dd>ApproveStaging</dd>');
    expect(response.body).toContain(
      '<p class="note">This link is not bound to one approval step: it acts on whichever approval step waits when you press the button.',
    );
    expect(response.body).toContain('<form method="post"');
  });

  it('says what happened instead of offering a button when the gate no longer waits', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: execution(
        'Waiting',
        [
          approved('ApproveStaging', STAGING_ID, 'Approved via e-mail link by bob@example.com'),
          approveStep('ApproveProduction', PRODUCTION_ID, 'Waiting'),
        ],
        { AutomationExecutionId: ID },
      ),
    });
    const response = await get(
      `/executions/${ID}/reject?token=${await link(ID, ['reject'], { gate: STAGING })}`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<h1>This approval step is no longer waiting</h1>');
    expect(response.body).toContain(
      '<p>This link was for gate ApproveStaging; ApproveStaging was approved at 2026-12-01 16:04 UTC; the runbook is now waiting at gate ApproveProduction.</p>',
    );
    expect(response.body).not.toContain('<form');
  });

  it('says "Already approved" to a second look at an approve link whose gate was approved', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: execution(
        'Success',
        [approved('ApproveStaging', STAGING_ID, 'Approved via e-mail link by alice@example.com')],
        {
          AutomationExecutionId: ID,
        },
      ),
    });
    const response = await get(
      `/executions/${ID}/approve?token=${await link(ID, ['approve'], { gate: STAGING })}`,
    );
    expect(response.body).toContain('<h1>Already approved</h1>');
    expect(response.body).toContain(
      '<dt>Recorded as</dt>\n<dd>Approved via e-mail link by alice@example.com</dd>',
    );
    expect(response.body).not.toContain('<form');
  });
});

describe('links sent with chat messages', () => {
  const sentThrough = (channel: LinkChannel, approver: string) =>
    signLinkToken(AUTH_CONFIG, {
      executionId: ID,
      actions: ['approve', 'reject'],
      approver,
      gate: STAGING,
      channel,
      ttlSeconds: 3600,
    });

  it.each(['approve', 'reject'] as const)(
    'a Slack link opens the %s path as the details, with no form and the sentence that says where to decide',
    async (action) => {
      const token = await sentThrough('slack', 'slack:C0LOCAL01');

      const response = await get(`/executions/${ID}/${action}?token=${token}`);

      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      });
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.body).toContain(
        "<h1>Decide in Slack</h1>\n<p>Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook's approvers can decide.</p>",
      );
      expect(response.body).toContain(`<p>${DECIDE_IN_SLACK}</p>`);
      expect(response.body).toContain(
        '<dt>Runbook</dt>\n<dd>Demo-TwoGates <span class="hint">(version 1)</span></dd>\n<dt>Approval step</dt>\n<dd>ApproveStaging</dd>\n<dt>Time left</dt>\n<dd>59 minutes, until <time',
      );
      expect(response.body).toContain(
        '<blockquote class="message">Approve ApproveStaging?<br>Second line</blockquote>',
      );
      expect(response.body).toContain(
        '<dl class="parameters">\n<dt><code>Version</code></dt>\n<dd>1.2.3</dd>\n</dl>',
      );
      expect(response.body).not.toContain('<form');
      expect(response.body).not.toContain('<button');
      expect(response.body).not.toContain('<textarea');
      expect(response.body).not.toContain(token);
      expect(response.body).not.toContain('<script');
    },
  );

  it('a Slack link whose gate was decided shows what happened, like any link', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: execution(
        'Success',
        [approved('ApproveStaging', STAGING_ID, 'Approved via Slack by alice (U0LOCALALICE): ok')],
        { AutomationExecutionId: ID },
      ),
    });

    const response = await get(
      `/executions/${ID}/approve?token=${await sentThrough('slack', 'slack:C0LOCAL01')}`,
    );

    expect(response.body).toContain('<h1>Already approved</h1>');
    expect(response.body).toContain(
      '<dt>Recorded as</dt>\n<dd>Approved via Slack by alice (U0LOCALALICE): ok</dd>',
    );
    expect(response.body).not.toContain('<form');
  });

  it('a Slack link for another execution is refused like any link (403)', async () => {
    const other = await signLinkToken(AUTH_CONFIG, {
      executionId: OTHER,
      actions: ['approve'],
      approver: 'slack:C0LOCAL01',
      channel: 'slack',
      ttlSeconds: 3600,
    });

    const response = await get(`/executions/${ID}/approve?token=${other}`);

    expect(response.statusCode).toBe(403);
    expect(response.body).toContain(escapeHtml(PROBLEM_REASONS['link-wrong-execution'].heading));
  });

  it.each<[LinkChannel, string, number]>([
    // 512 − 'Approved via Teams link by teams:ops'.length − ': '.length
    ['teams', 'teams:ops', 474],
    // 512 − 'Approved via e-mail link by alice@example.com'.length − ': '.length
    ['email', 'alice@example.com', 465],
  ])('a %s link gets the confirmation form and its button', async (channel, approver, room) => {
    const token = await sentThrough(channel, approver);

    const response = await get(`/executions/${ID}/approve?token=${token}`);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<h1>Approve this execution?</h1>');
    expect(response.body).toContain(
      `<form method="post" action="./approve" enctype="application/x-www-form-urlencoded">\n<input type="hidden" name="token" value="${token}">`,
    );
    expect(response.body).toContain(`maxlength="${room}"`);
    expect(response.body).toContain('<button type="submit" class="button">Approve execution</button>');
    expect(response.body).not.toContain(DECIDE_IN_SLACK);
  });
});

describe('GET /executions/{id}/{action}?token=…', () => {
  it('renders the confirmation page for a valid link, with strict headers', async () => {
    const token = await link(ID, ['approve', 'reject'], { approver: 'alice@example.com' });
    const response = await get(`/executions/${ID}/approve?token=${encodeURIComponent(token)}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.body).toContain('<form method="post" action="./approve"');
    expect(response.body).toContain(`name="token" value="${token}"`);
    expect(response.body).toContain('alice@example.com');
    // 512 − 'Approved via signed link by alice@example.com'.length − ': '.length
    expect(response.body).toContain('maxlength="465"');
    expect(response.body).not.toContain('<script');
    expect(response.body).toContain('<dt>Runbook</dt>\n<dd>Demo-TwoGates');
  });

  it.each([
    ['no token', async () => `/executions/${ID}/approve`, 401, 'missing-credentials'],
    ['a garbage token', async () => `/executions/${ID}/approve?token=garbage`, 401, 'invalid-link-token'],
    [
      'a link for another execution',
      async () => `/executions/${ID}/approve?token=${await link(OTHER, ['approve'])}`,
      403,
      'link-wrong-execution',
    ],
    [
      'a link for another action',
      async () => `/executions/${ID}/stop?token=${await link(ID, ['approve'])}`,
      403,
      'link-wrong-action',
    ],
    [
      'an expired link',
      async () =>
        `/executions/${ID}/approve?token=${await link(ID, ['approve'], { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) })}`,
      403,
      'link-expired',
    ],
    ['an action without links', async () => `/executions/${ID}/signal?token=x`, 400, 'invalid-action'],
    ['a malformed execution id', async () => `/executions/123/approve?token=x`, 400, 'invalid-execution-id'],
  ])('answers %s with its status and a page', async (_name, path, status, reason) => {
    const response = await get(await path());
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain(String(status));
    expect(response.body).not.toContain('<form');
    if (status === 401)
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="ssm-approval-webhook"/);
    expect(response.body).toContain(escapeHtml(PROBLEM_REASONS[reason as ProblemReason].heading));
  });
});

describe('right after a link key rotation', () => {
  it('a warm function re-reads the secret once for a key id it has not seen, and accepts the link', async () => {
    // Given: the function has cached the secret (5 minutes by default)
    const before = await link(ID, ['approve']);
    expect((await get(`/executions/${ID}/approve?token=${before}`)).statusCode).toBe(200);
    // When: the secret gains a new active key, and a link is signed with it
    const file = process.env.APP_SECRET_FILE as string;
    const rotated = {
      ...SECRET_DOCUMENT,
      activeLinkKeyId: 'k2',
      'linkKey.k2': 'k2-key-0123456789abcdefghijklmnopqrstuvwxyz_-',
    };
    writeFileSync(file, JSON.stringify(rotated));
    const after = await signLinkToken(parseSecretDocument(JSON.stringify(rotated)), {
      executionId: ID,
      actions: ['approve'],
      approver: 'bob@example.com',
      ttlSeconds: 600,
    });
    // Then: both the new link and the old one work
    const response = await get(`/executions/${ID}/approve?token=${after}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('bob@example.com');
    expect((await get(`/executions/${ID}/approve?token=${before}`)).statusCode).toBe(200);
  });
});

describe('a gate that needs two approvals from different people', () => {
  /** The waiting quorum gate, with the decisions SSM shows so far. */
  const quorumGate = (decisions: object[]) =>
    execution(
      'Waiting',
      [
        approveStep('ApproveStaging', STAGING_ID, 'Waiting', {
          ExecutionStartTime: new Date(Date.now() - 30_000),
          Inputs: {
            Approvers: JSON.stringify([SIGNAL_ROLE, SEAT_2]),
            MinRequiredApprovals: '2',
          },
          ...(decisions.length === 0
            ? {}
            : { Outputs: { ApproverDecisions: decisions.map((d) => JSON.stringify(d)) } }),
        }),
      ],
      { AutomationExecutionId: ID, CurrentStepName: 'ApproveStaging' },
    );
  const ALICE_APPROVED = {
    Approver: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/fn',
    Decision: 'Approve',
    Comment: 'Approved via e-mail link by alice@example.com: fine by me',
    ApprovalDecisionTime: '2026-12-01T16:02:00.000Z',
  };

  it('shows that nobody has approved yet, and the Approve button', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: quorumGate([]) });
    const token = await link(ID, ['approve'], { gate: STAGING, channel: 'email' });

    const response = await get(`/executions/${ID}/approve?token=${token}`);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>0 of 2 approvals · 2 needed from different people</dd>\n',
    );
    expect(response.body).toContain('<button type="submit" class="button">Approve execution</button>');
  });

  it('shows the tally to the second approver, with the Approve button', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: quorumGate([ALICE_APPROVED]) });
    const token = await link(ID, ['approve'], {
      gate: STAGING,
      channel: 'email',
      approver: 'bob@example.com',
    });

    const response = await get(`/executions/${ID}/approve?token=${token}`);

    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>\n',
    );
    expect(response.body).toContain('<form method="post" action="./approve"');
  });

  it('tells the first approver they approved, without the Approve button, whichever channel the link came by', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: quorumGate([ALICE_APPROVED]) });
    const token = await link(ID, ['approve'], { gate: STAGING, channel: 'webhook' });

    const response = await get(`/executions/${ID}/approve?token=${token}`);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<h1>You have approved</h1>');
    expect(response.body).toContain(
      '<p>You approved this at <time datetime="2026-12-01T16:02:00Z">Tuesday 1 December 2026, 16:02 UTC</time> <span class="nowrap">(<code>2026-12-01T16:02:00Z</code>)</span>; waiting for 1 more approval.</p>',
    );
    expect(response.body).not.toContain('<form');
  });

  it('offers the first approver\u2019s reject link as ever', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: quorumGate([ALICE_APPROVED]) });
    const token = await link(ID, ['reject'], { gate: STAGING, channel: 'email' });

    const response = await get(`/executions/${ID}/reject?token=${token}`);

    expect(response.body).toContain('<form method="post" action="./reject"');
    expect(response.body).toContain('<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>');
  });

  const channelLink = (channel: LinkChannel | undefined, approver: string, action: 'approve' | 'reject') =>
    signLinkToken(AUTH_CONFIG, {
      executionId: ID,
      actions: [action],
      approver,
      gate: STAGING,
      ...(channel === undefined ? {} : { channel }),
      ttlSeconds: 3600,
    });

  it.each<[string, LinkChannel | undefined, string, string]>([
    ['a Teams card', 'teams', 'teams:ops', 'a Teams channel'],
    ['an outgoing webhook', 'webhook', 'webhook:change-system', 'a webhook'],
    // A link made by hand with a channel's label, without the channel claim.
    ['a hand-made link with a webhook label', undefined, 'webhook:change-system', 'a webhook'],
  ])(
    'an approve link from %s: no Approve button, and the sentence saying why',
    async (_from, channel, approver, where) => {
      ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: quorumGate([ALICE_APPROVED]) });
      const token = await channelLink(channel, approver, 'approve');

      const response = await get(`/executions/${ID}/approve?token=${token}`);

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(
        `<h1>This link cannot approve</h1>\n<p>This link was sent to ${where}, not to one person; a step that needs approvals from 2 different people counts only approvals from a person&#39;s own link (e-mail), Slack or an API client.</p>\n<dl>\n`,
      );
      expect(response.body).toContain('<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>');
      expect(response.body).toContain(`<dt>Link issued for</dt>\n<dd>${approver}</dd>`);
      expect(response.body).not.toContain('<form');
      expect(response.body).not.toContain('<button');
      expect(response.body).not.toContain(token);
    },
  );

  it('a Teams card\u2019s reject link is offered as ever', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: quorumGate([ALICE_APPROVED]) });
    const token = await channelLink('teams', 'teams:ops', 'reject');

    const response = await get(`/executions/${ID}/reject?token=${token}`);

    expect(response.body).toContain('<h1>Reject this execution?</h1>');
    expect(response.body).toContain(
      `<form method="post" action="./reject" enctype="application/x-www-form-urlencoded">\n<input type="hidden" name="token" value="${token}">`,
    );
  });

  it('names a foreign approver by its ARN even when its comment names the link\u2019s person', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: quorumGate([
        { ...ALICE_APPROVED, Approver: 'arn:aws:iam::123456789012:user/mallory' },
      ]),
    });
    const token = await link(ID, ['approve'], { gate: STAGING, channel: 'email' });

    const response = await get(`/executions/${ID}/approve?token=${token}`);

    expect(response.body).toContain(
      '<dd>1 of 2 approvals: mallory (IAM user, account 123456789012) · 1 more needed</dd>',
    );
    expect(response.body).toContain('<form method="post" action="./approve"');
  });
});

describe('a waiting quorum gate whose approvals SSM does not show yet: the seat claims complete the page', () => {
  const { confirmRoute } =
    require('../../lambda/handlers/confirm') as typeof import('../../lambda/handlers/confirm');
  const { httpHandler } =
    require('../../lambda/middleware/chain') as typeof import('../../lambda/middleware/chain');
  const { logger } = require('../../lambda/core/logger') as typeof import('../../lambda/core/logger');

  /** SSM shows the gate waiting and no decisions at all (its documentation does not say it shows them). */
  const waitingQuorumGate = execution(
    'Waiting',
    [
      approveStep('ApproveStaging', STAGING_ID, 'Waiting', {
        ExecutionStartTime: new Date(Date.now() - 30_000),
        Inputs: { Approvers: JSON.stringify([SIGNAL_ROLE, SEAT_2]), MinRequiredApprovals: '2' },
      }),
    ],
    { AutomationExecutionId: ID, CurrentStepName: 'ApproveStaging' },
  );
  const aliceSent = {
    seat: SIGNAL_ROLE,
    person: 'link:alice@example.com',
    name: 'alice@example.com',
    state: 'sent' as const,
    at: new Date('2026-12-01T16:02:00Z'),
  };
  const store = (claimsOf: jest.Mock) => ({
    claimsOf,
    claim: jest.fn(),
    markSent: jest.fn(),
    release: jest.fn(),
  });
  const pageWith = (claimsOf: jest.Mock | undefined) =>
    httpHandler(
      confirmRoute(
        new SSMClient({}),
        () => new Date(),
        () => [SIGNAL_ROLE, SEAT_2],
        () => (claimsOf === undefined ? undefined : store(claimsOf)),
      ),
    );
  const open = async (claimsOf: jest.Mock | undefined, approver = 'bob@example.com') => {
    const token = await link(ID, ['approve'], { gate: STAGING, channel: 'email', approver });
    return pageWith(claimsOf)(
      apiEvent({ method: 'GET', path: `/executions/${ID}/approve?token=${token}` }),
      context(),
    );
  };

  beforeEach(() => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: waitingQuorumGate });
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts an approval SSM accepted (a claim marked sent) and reads the claims of this gate', async () => {
    const claimsOf = jest.fn().mockResolvedValue([aliceSent]);

    const response = await open(claimsOf);

    expect(response.statusCode).toBe(200);
    expect(claimsOf.mock.calls).toEqual([[{ executionId: ID, stepExecutionId: STAGING_ID }]]);
    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>\n',
    );
    expect(response.body).toContain('<form method="post" action="./approve"');
  });

  it('tells the person the claims show approving that they approved, without the button', async () => {
    const response = await open(jest.fn().mockResolvedValue([aliceSent]), 'alice@example.com');

    expect(response.body).toContain('<h1>You have approved</h1>');
    expect(response.body).toContain(
      '<p>You approved this at <time datetime="2026-12-01T16:02:00Z">Tuesday 1 December 2026, 16:02 UTC</time> <span class="nowrap">(<code>2026-12-01T16:02:00Z</code>)</span>; waiting for 1 more approval.</p>',
    );
    expect(response.body).not.toContain('<form');
  });

  it('does not count a claim whose signal is still being sent', async () => {
    const response = await open(jest.fn().mockResolvedValue([{ ...aliceSent, state: 'sending' }]));

    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>0 of 2 approvals · 2 needed from different people</dd>\n',
    );
  });

  it('shows SSM’s record alone, and warns, when the claims cannot be read: never a 500 for the page', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const failure = new Error('ProvisionedThroughputExceededException');

    const response = await open(jest.fn().mockRejectedValue(failure));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>0 of 2 approvals · 2 needed from different people</dd>\n',
    );
    expect(warn.mock.calls).toEqual([
      [
        "Could not read the gate's seat claims; the page shows SSM's record of approvals alone",
        { executionId: ID, stepExecutionId: STAGING_ID, error: failure },
      ],
    ]);
  });

  it('shows SSM’s record alone when no state table is configured', async () => {
    const response = await open(undefined);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      '<dt>Approvals</dt>\n<dd>0 of 2 approvals · 2 needed from different people</dd>\n',
    );
  });

  it('reads no claims for a gate that needs one approval', async () => {
    ssm.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: atStaging });
    const claimsOf = jest.fn().mockResolvedValue([aliceSent]);

    const response = await open(claimsOf);

    expect(response.statusCode).toBe(200);
    expect(claimsOf).not.toHaveBeenCalled();
    expect(response.body).not.toContain('<dt>Approvals</dt>');
  });
});
