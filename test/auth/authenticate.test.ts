import { decodeJwt } from 'jose';
import { hashApiToken } from '../../lambda/auth/api-token';
import { authenticate, challengeFor } from '../../lambda/auth/authenticate';
import { type LinkAction, type LinkChannel, signLinkToken } from '../../lambda/auth/link-token';
import { AuthenticationError, ForbiddenError, ValidationError } from '../../lambda/core/errors';
import {
  authConfig,
  describeError,
  EXECUTION_ID,
  JIRA_SHA256,
  JIRA_TOKEN,
  OTHER_EXECUTION_ID,
  rejectionOf,
} from './fixtures';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const FULL_SCOPE = { actions: ['approve', 'reject', 'stop', 'signal', 'complete'] as const, runbooks: ['*'] };
const config = authConfig({ apiClients: [{ name: 'jira', sha256: JIRA_SHA256, ...FULL_SCOPE }] });
const LEGACY_TOKEN = 'sawh_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9';
const legacyConfig = authConfig({
  apiClients: [{ name: 'legacy', sha256: hashApiToken(LEGACY_TOKEN).toString('hex') }],
});
const JIRA = { kind: 'api', channel: 'api', name: 'jira', scope: FULL_SCOPE };
const approveOnly = () =>
  signLinkToken(config, {
    executionId: EXECUTION_ID,
    actions: ['approve'],
    approver: 'alice@example.com',
    ttlSeconds: 600,
    now: NOW,
  });

const MISSING = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'missing-credentials',
  message: 'This action needs a signed link or an API token (Authorization: Bearer).',
};
const INVALID_API_TOKEN = {
  name: 'AuthenticationError',
  status: 401,
  reason: 'invalid-api-token',
  message: 'The API token is not valid.',
};

describe('authenticate with an API token', () => {
  it.each(['approve', 'reject', 'stop', 'signal'] as const)('allows %s on any execution', async (action) => {
    const identity = await authenticate(
      config,
      { authorization: `Bearer ${JIRA_TOKEN}` },
      { executionId: OTHER_EXECUTION_ID, action },
      NOW,
    );

    expect(identity).toEqual(JIRA);
  });

  it.each(['approve', 'reject'] as const)(
    'reads an entry stored without a scope as approve/reject anywhere: %s',
    async (action) => {
      const identity = await authenticate(
        legacyConfig,
        { authorization: `Bearer ${LEGACY_TOKEN}` },
        { executionId: EXECUTION_ID, action },
        NOW,
      );
      expect(identity).toEqual({
        kind: 'api',
        channel: 'api',
        name: 'legacy',
        scope: { actions: ['approve', 'reject'], runbooks: ['*'] },
      });
    },
  );

  it.each([
    ['stop', 'The API client "legacy" may not stop executions; its scope allows: approve, reject.'],
    [
      'signal',
      'The API client "legacy" may not send signals to executions; its scope allows: approve, reject.',
    ],
  ] as const)('refuses %s outside the scope (403)', async (action, message) => {
    const error = await rejectionOf(
      authenticate(
        legacyConfig,
        { authorization: `Bearer ${LEGACY_TOKEN}` },
        { executionId: EXECUTION_ID, action },
        NOW,
      ),
    );
    expect(describeError(error)).toEqual({
      name: 'ForbiddenError',
      status: 403,
      reason: 'scope-action',
      message,
    });
  });

  it.each([`bearer ${JIRA_TOKEN}`, `BEARER   ${JIRA_TOKEN}`, `  Bearer ${JIRA_TOKEN}  `])(
    'accepts the scheme in any case and extra spaces: %j',
    async (authorization) => {
      const identity = await authenticate(
        config,
        { authorization },
        { executionId: EXECUTION_ID, action: 'stop' },
      );

      expect(identity).toEqual(JIRA);
    },
  );

  it.each([
    ['an unknown token', 'Bearer sawh_unknown'],
    ['Bearer without a token', 'Bearer'],
    ['Bearer and spaces only', 'Bearer   '],
    ['a token with a space inside', `Bearer ${JIRA_TOKEN} extra`],
    ['a token with a character outside token68', `Bearer ${JIRA_TOKEN}!`],
  ])('refuses %s as invalid-api-token', async (_case, authorization) => {
    const error = await rejectionOf(
      authenticate(config, { authorization }, { executionId: EXECUTION_ID, action: 'approve' }),
    );

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toEqual(INVALID_API_TOKEN);
    expect(challengeFor(error as AuthenticationError)).toBe(
      'Bearer realm="ssm-approval-webhook", error="invalid_token"',
    );
  });

  it.each([
    ['Basic', `Basic ${Buffer.from('jira:secret').toString('base64')}`],
    ['a bare token', JIRA_TOKEN],
    ['an empty header', ''],
    ['Bearer glued to the token', `Bearer${JIRA_TOKEN}`],
  ])(
    'refuses %s as unsupported-auth-scheme, with a challenge without an error code',
    async (_case, authorization) => {
      const error = await rejectionOf(
        authenticate(config, { authorization }, { executionId: EXECUTION_ID, action: 'approve' }),
      );

      expect(describeError(error)).toEqual({
        name: 'AuthenticationError',
        status: 401,
        reason: 'unsupported-auth-scheme',
        message: 'Only the Bearer authorization scheme is accepted.',
      });
      expect(challengeFor(error as AuthenticationError)).toBe('Bearer realm="ssm-approval-webhook"');
    },
  );
});

describe('authenticate with a link token', () => {
  it('returns the approver and the token id', async () => {
    const token = await approveOnly();

    const identity = await authenticate(
      config,
      { linkToken: token },
      { executionId: EXECUTION_ID, action: 'approve' },
      NOW,
    );

    expect(identity).toEqual({
      kind: 'link',
      channel: 'link',
      name: 'alice@example.com',
      keyId: 'k1',
      tokenId: decodeJwt(token).jti,
    });
  });

  it('refuses another execution (403)', async () => {
    const error = await rejectionOf(
      authenticate(
        config,
        { linkToken: await approveOnly() },
        { executionId: OTHER_EXECUTION_ID, action: 'approve' },
        NOW,
      ),
    );

    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).reason).toBe('link-wrong-execution');
  });

  it.each(['reject', 'stop', 'signal'] as const)(
    'refuses %s with an approve-only link (403)',
    async (action) => {
      const error = await rejectionOf(
        authenticate(config, { linkToken: await approveOnly() }, { executionId: EXECUTION_ID, action }, NOW),
      );

      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).reason).toBe('link-wrong-action');
    },
  );

  it('refuses an expired link (403)', async () => {
    const error = await rejectionOf(
      authenticate(
        config,
        { linkToken: await approveOnly() },
        { executionId: EXECUTION_ID, action: 'approve' },
        new Date(NOW.getTime() + 3_600_000),
      ),
    );

    expect(describeError(error)).toMatchObject({ status: 403, reason: 'link-expired' });
  });

  it.each([
    ['garbage', 'not.a.token'],
    ['an empty token field', ''],
  ])('refuses %s as invalid-link-token (401) with error="invalid_token"', async (_case, linkToken) => {
    const error = await rejectionOf(
      authenticate(config, { linkToken }, { executionId: EXECUTION_ID, action: 'approve' }, NOW),
    );

    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('invalid-link-token');
    expect(challengeFor(error as AuthenticationError)).toBe(
      'Bearer realm="ssm-approval-webhook", error="invalid_token"',
    );
  });

  it('answers a link signed with a retired key with error="invalid_token"', async () => {
    const retired = authConfig({ keys: { k0: true }, active: 'k0' });
    const error = await rejectionOf(
      authenticate(
        retired,
        { linkToken: await approveOnly() },
        { executionId: EXECUTION_ID, action: 'approve' },
        NOW,
      ),
    );

    expect((error as AuthenticationError).reason).toBe('unknown-key-id');
    expect(challengeFor(error as AuthenticationError)).toBe(
      'Bearer realm="ssm-approval-webhook", error="invalid_token"',
    );
  });
});

describe('authenticate with a link sent through a chat channel', () => {
  const GATE = { stepName: 'ApproveProduction', stepExecutionId: '0b7d4a53-8a7c-4d5e-9f10-2a3b4c5d6e7f' };
  const sentThrough = (channel: LinkChannel, actions: LinkAction[] = ['approve', 'reject']) =>
    signLinkToken(config, {
      executionId: EXECUTION_ID,
      actions,
      approver: `${channel}:C0LOCAL01`,
      gate: GATE,
      channel,
      ttlSeconds: 600,
      now: NOW,
    });
  const SLACK_VIEW_ONLY = {
    name: 'ForbiddenError',
    status: 403,
    reason: 'slack-link-view-only',
    message:
      "This link came with a Slack message and only shows the details. Decide with the message's buttons in Slack, where your Slack user is checked against the runbook's approvers.",
  };

  it.each(['approve', 'reject'] as const)(
    'refuses to %s with a Slack link (403 slack-link-view-only)',
    async (action) => {
      const error = await rejectionOf(
        authenticate(
          config,
          { linkToken: await sentThrough('slack') },
          { executionId: EXECUTION_ID, action },
          NOW,
        ),
      );

      expect(error).toBeInstanceOf(ForbiddenError);
      expect(describeError(error)).toEqual(SLACK_VIEW_ONLY);
    },
  );

  it('refuses to stop with a Slack link that carries stop', async () => {
    const error = await rejectionOf(
      authenticate(
        config,
        { linkToken: await sentThrough('slack', ['stop']) },
        { executionId: EXECUTION_ID, action: 'stop' },
        NOW,
      ),
    );

    expect(describeError(error)).toEqual(SLACK_VIEW_ONLY);
  });

  it('checks the execution and the action first: a Slack link for another execution is link-wrong-execution', async () => {
    const error = await rejectionOf(
      authenticate(
        config,
        { linkToken: await sentThrough('slack') },
        { executionId: OTHER_EXECUTION_ID, action: 'approve' },
        NOW,
      ),
    );

    expect(describeError(error)).toMatchObject({ status: 403, reason: 'link-wrong-execution' });
  });

  it.each<[LinkChannel, LinkAction]>([
    ['teams', 'approve'],
    ['teams', 'reject'],
    ['email', 'approve'],
    ['email', 'reject'],
    ['webhook', 'approve'],
  ])('lets a %s link %s, recorded with its channel and gate', async (channel, action) => {
    const token = await sentThrough(channel);

    const identity = await authenticate(
      config,
      { linkToken: token },
      { executionId: EXECUTION_ID, action },
      NOW,
    );

    expect(identity).toEqual({
      kind: 'link',
      channel: 'link',
      name: `${channel}:C0LOCAL01`,
      keyId: 'k1',
      tokenId: decodeJwt(token).jti,
      gate: GATE,
      via: channel,
    });
  });
});

describe('authenticate with no or both credentials', () => {
  it('refuses a request without credentials (401, challenge without error code)', async () => {
    const error = await rejectionOf(
      authenticate(config, {}, { executionId: EXECUTION_ID, action: 'approve' }, NOW),
    );

    expect(describeError(error)).toEqual(MISSING);
    expect(challengeFor(error as AuthenticationError)).toBe('Bearer realm="ssm-approval-webhook"');
  });

  it('refuses both an Authorization header and a link token (400), even if both are valid', async () => {
    const error = await rejectionOf(
      authenticate(
        config,
        { authorization: `Bearer ${JIRA_TOKEN}`, linkToken: await approveOnly() },
        { executionId: EXECUTION_ID, action: 'approve' },
        NOW,
      ),
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect(describeError(error)).toEqual({
      name: 'ValidationError',
      status: 400,
      reason: 'ambiguous-credentials',
      message: 'Send either an Authorization header or a link token, not both.',
    });
  });
});
