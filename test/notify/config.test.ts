import * as linkToken from '../../lambda/auth/link-token';
import { ConfigurationError } from '../../lambda/core/errors';
import {
  DEFAULT_MAX_LINK_TTL_SECONDS,
  MAX_LINK_TTL_SECONDS,
  MIN_LINK_TTL_SECONDS,
  NOTIFIER_CONFIG_LIMITS,
  type NotifierConfig,
  NotifierConfigError,
  parseNotifierConfig,
  validateNotifierConfig,
  validateNotifierRouting,
} from '../../lambda/notify/config';

const SIGNAL_ROLE_ARN = 'arn:aws:iam::111122223333:role/SsmApprovalWebhook-SignalFunctionRole-AbCdEf';

const full = {
  apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
  signalRoleArn: SIGNAL_ROLE_ARN,
  email: { from: 'approvals@example.com' },
  webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm/ops' } },
  rules: [
    { runbooks: ['Deploy-*', 'Patch?'], email: ['sre@example.com'], webhooks: ['change-board'] },
    { runbooks: ['Sandbox-*'] },
  ],
  defaultRule: { email: ['platform@example.com'] },
  maxLinkTtlSeconds: 3600,
};

/** `full` with one property replaced (or removed, with `undefined`). */
const withProperty = (key: string, value: unknown): Record<string, unknown> => {
  const config: Record<string, unknown> = { ...full, [key]: value };
  if (value === undefined) delete config[key];
  return config;
};

describe('validateNotifierConfig', () => {
  it('accepts a full configuration and drops the trailing slash of apiUrl', () => {
    expect(validateNotifierConfig(full)).toEqual<NotifierConfig>({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      signalRoleArn: SIGNAL_ROLE_ARN,
      email: { from: 'approvals@example.com' },
      webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm/ops' } },
      rules: [
        { runbooks: ['Deploy-*', 'Patch?'], email: ['sre@example.com'], webhooks: ['change-board'] },
        { runbooks: ['Sandbox-*'] },
      ],
      defaultRule: { email: ['platform@example.com'] },
      maxLinkTtlSeconds: 3600,
    });
  });

  it('fills in the defaults of a minimal configuration: no webhooks, no rules, links of at most 7 days', () => {
    expect(
      validateNotifierConfig({ apiUrl: 'http://127.0.0.1:3000', signalRoleArn: SIGNAL_ROLE_ARN }),
    ).toEqual<NotifierConfig>({
      apiUrl: 'http://127.0.0.1:3000',
      signalRoleArn: SIGNAL_ROLE_ARN,
      webhooks: {},
      rules: [],
      maxLinkTtlSeconds: 604800,
    });
    expect(DEFAULT_MAX_LINK_TTL_SECONDS).toBe(604800);
  });

  it.each([
    ['https://api.example.com/prod/', 'https://api.example.com/prod'],
    ['https://api.example.com//', 'https://api.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('normalizes apiUrl %s to %s', (apiUrl, expected) => {
    expect(validateNotifierConfig(withProperty('apiUrl', apiUrl)).apiUrl).toBe(expected);
  });

  it.each([
    'arn:aws:iam::111122223333:role/approvals',
    'arn:aws-cn:iam::111122223333:role/service-role/approvals+x=y,z.@-_',
    'arn:aws-us-gov:iam::111122223333:role/a',
  ])('accepts the role ARN %s', (arn) => {
    expect(validateNotifierConfig(withProperty('signalRoleArn', arn)).signalRoleArn).toBe(arn);
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]:9000/hook'])(
    'allows the loopback webhook URL %s (local runs)',
    (url) => {
      const config = validateNotifierConfig(withProperty('webhooks', { 'change-board': { url } }));
      expect(config.webhooks).toEqual({ 'change-board': { url } });
    },
  );

  it.each([60, 2592000])('accepts maxLinkTtlSeconds %p', (seconds) => {
    expect(validateNotifierConfig(withProperty('maxLinkTtlSeconds', seconds)).maxLinkTtlSeconds).toBe(
      seconds,
    );
  });

  it('accepts the limits: 50 rules, 50 recipients in a rule', () => {
    const email = Array.from({ length: 49 }, (_, index) => `person${index}@example.com`);
    const rules = Array.from({ length: 50 }, () => ({ runbooks: ['*'], email, webhooks: ['change-board'] }));
    expect(validateNotifierConfig(withProperty('rules', rules)).rules).toHaveLength(50);
  });

  const refusals: ReadonlyArray<readonly [string, unknown, string]> = [
    ['a non-object', 'config', 'the configuration must be a JSON object'],
    ['an array', [], 'the configuration must be a JSON object'],
    [
      'unknown properties',
      { ...full, slack: {}, extra: 1 },
      'the configuration has unknown properties "slack", "extra" (allowed: apiUrl, signalRoleArn, email, ' +
        'webhooks, rules, defaultRule, maxLinkTtlSeconds)',
    ],
    ['a missing apiUrl', withProperty('apiUrl', undefined), '"apiUrl" must be an http(s) URL'],
    ['a relative apiUrl', withProperty('apiUrl', '/executions'), '"apiUrl" must be an http(s) URL'],
    ['an ftp apiUrl', withProperty('apiUrl', 'ftp://example.com/'), '"apiUrl" must be an http(s) URL'],
    [
      'an apiUrl with user info',
      withProperty('apiUrl', 'https://admin:hunter2@api.example.com/'),
      '"apiUrl" must not contain user info (user:password@)',
    ],
    [
      'an apiUrl with a query',
      withProperty('apiUrl', 'https://api.example.com/?stage=prod'),
      '"apiUrl" must not have a query or a fragment: links are built below it',
    ],
    [
      'an apiUrl with a fragment',
      withProperty('apiUrl', 'https://api.example.com/#x'),
      '"apiUrl" must not have a query or a fragment: links are built below it',
    ],
    [
      'an over-long apiUrl',
      withProperty('apiUrl', `https://api.example.com/${'a'.repeat(2030)}`),
      '"apiUrl" must be at most 2048 characters long',
    ],
    [
      'a missing signalRoleArn',
      withProperty('signalRoleArn', undefined),
      '"signalRoleArn" must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)',
    ],
    [
      'a user ARN as signalRoleArn',
      withProperty('signalRoleArn', 'arn:aws:iam::111122223333:user/alice'),
      '"signalRoleArn" must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)',
    ],
    [
      'an assumed-role ARN as signalRoleArn',
      withProperty('signalRoleArn', 'arn:aws:sts::111122223333:assumed-role/approvals/session'),
      '"signalRoleArn" must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)',
    ],
    [
      'a non-object email',
      withProperty('email', 'approvals@example.com'),
      '"email" must be an object with a "from" address',
    ],
    ['an email without from', withProperty('email', {}), '"email.from" must be an e-mail address'],
    [
      'an invalid email.from',
      withProperty('email', { from: 'Approvals <a@example.com>' }),
      '"email.from" must be an e-mail address',
    ],
    [
      'an over-long email.from',
      withProperty('email', { from: `${'a'.repeat(250)}@example.com` }),
      '"email.from" must be an e-mail address',
    ],
    [
      'unknown email properties',
      withProperty('email', { from: 'approvals@example.com', identity: 'example.com' }),
      '"email" has unknown property "identity" (allowed: from)',
    ],
    ['non-object webhooks', withProperty('webhooks', []), '"webhooks" must be an object of webhooks by name'],
    [
      'an invalid webhook name',
      { ...withProperty('webhooks', { 'change board': { url: 'https://hooks.example.com/' } }), rules: [] },
      '"webhooks" has an invalid name "change board": use 1 to 64 letters, digits, _ or -',
    ],
    [
      'a webhook that is a bare URL',
      withProperty('webhooks', { 'change-board': 'https://hooks.example.com/' }),
      '"webhooks.change-board" must be an object with a "url"',
    ],
    [
      'a webhook without url',
      withProperty('webhooks', { 'change-board': {} }),
      '"webhooks.change-board.url" must be an https:// URL',
    ],
    [
      'a webhook with unknown properties',
      withProperty('webhooks', { 'change-board': { url: 'https://hooks.example.com/', secret: 's3cr3t' } }),
      '"webhooks.change-board" has unknown property "secret" (allowed: url)',
    ],
    [
      'a webhook URL that is no URL',
      withProperty('webhooks', { 'change-board': { url: 'hooks.example.com/ssm' } }),
      '"webhooks.change-board.url" must be an https:// URL',
    ],
    [
      'a plain http webhook URL to a remote host',
      withProperty('webhooks', { 'change-board': { url: 'http://hooks.example.com/ssm' } }),
      '"webhooks.change-board.url" must be an https:// URL (http:// only for 127.0.0.1, localhost, [::1], for local runs)',
    ],
    [
      'a webhook URL with a query (a secret there would sit in the template)',
      withProperty('webhooks', { 'change-board': { url: 'https://hooks.example.com/ssm?sig=s3cr3t' } }),
      '"webhooks.change-board.url" must not have a query or a fragment: a secret there would sit in the template; the requests are signed instead',
    ],
    [
      'a plain http apiUrl to a remote host (links carry tokens)',
      withProperty('apiUrl', 'http://api.example.com/'),
      '"apiUrl" must be an https:// URL (http:// only for 127.0.0.1, localhost, [::1], for local runs)',
    ],
    [
      'a webhook URL with user info',
      withProperty('webhooks', { 'change-board': { url: 'https://bot:s3cr3t@hooks.example.com/ssm' } }),
      '"webhooks.change-board.url" must not contain user info (user:password@): the requests are signed instead',
    ],
    [
      'an over-long webhook URL',
      withProperty('webhooks', { 'change-board': { url: `https://hooks.example.com/${'a'.repeat(2030)}` } }),
      '"webhooks.change-board.url" must be at most 2048 characters long',
    ],
    [
      'more than 50 webhooks',
      {
        ...withProperty(
          'webhooks',
          Object.fromEntries(
            Array.from({ length: 51 }, (_, index) => [`hook${index}`, { url: 'https://hooks.example.com/' }]),
          ),
        ),
        rules: [],
      },
      '"webhooks" has 51 entries; at most 50 are allowed',
    ],
    ['non-array rules', withProperty('rules', { runbooks: ['*'] }), '"rules" must be an array'],
    [
      'more than 50 rules',
      withProperty(
        'rules',
        Array.from({ length: 51 }, () => ({ runbooks: ['*'] })),
      ),
      '"rules" has 51 entries; at most 50 are allowed',
    ],
    [
      'a non-object rule',
      withProperty('rules', ['Deploy-*']),
      '"rules[0]" must be an object with "runbooks"',
    ],
    [
      'a rule without runbooks',
      withProperty('rules', [{ email: ['sre@example.com'] }]),
      '"rules[0].runbooks" must be a non-empty array of runbook-name patterns',
    ],
    [
      'a rule with no runbook pattern',
      withProperty('rules', [{ runbooks: [] }]),
      '"rules[0].runbooks" must be a non-empty array of runbook-name patterns',
    ],
    [
      'a rule with a single pattern instead of a list',
      withProperty('rules', [{ runbooks: 'Deploy-*' }]),
      '"rules[0].runbooks" must be a non-empty array of runbook-name patterns',
    ],
    [
      'a runbook pattern with a space',
      withProperty('rules', [{ runbooks: ['Deploy-*'] }, { runbooks: ['ok', 'Deploy *'] }]),
      '"rules[1].runbooks[1]" must be a runbook-name pattern: 1 to 128 letters, digits, _ . - and the wildcards * ?',
    ],
    [
      'an empty runbook pattern',
      withProperty('rules', [{ runbooks: [''] }]),
      '"rules[0].runbooks[0]" must be a runbook-name pattern: 1 to 128 letters, digits, _ . - and the wildcards * ?',
    ],
    [
      'more than 50 runbook patterns',
      withProperty('rules', [{ runbooks: Array.from({ length: 51 }, (_, index) => `R${index}`) }]),
      '"rules[0].runbooks" has 51 patterns; at most 50 are allowed',
    ],
    [
      'a rule with unknown properties',
      withProperty('rules', [{ runbooks: ['*'], pagerduty: ['ops'] }]),
      '"rules[0]" has unknown property "pagerduty" (allowed: runbooks, email, webhooks, slack, teams)',
    ],
    [
      'a single address instead of a list',
      withProperty('rules', [{ runbooks: ['*'], email: 'sre@example.com' }]),
      '"rules[0].email" must be an array of e-mail addresses',
    ],
    [
      'an invalid e-mail recipient',
      withProperty('rules', [{ runbooks: ['*'], email: ['sre@example.com', 'sre'] }]),
      '"rules[0].email[1]" must be an e-mail address',
    ],
    [
      'a repeated e-mail recipient',
      withProperty('rules', [
        { runbooks: ['*'], email: ['sre@example.com', 'ops@example.com', 'sre@example.com'] },
      ]),
      '"rules[0].email[2]" repeats an earlier entry',
    ],
    [
      'e-mail recipients without email.from',
      withProperty('email', undefined),
      '"rules[0].email" needs "email.from": e-mail recipients require a sender address',
    ],
    [
      'webhook names that are not a list',
      withProperty('rules', [{ runbooks: ['*'], webhooks: 'change-board' }]),
      '"rules[0].webhooks" must be an array of webhook names',
    ],
    [
      'an invalid webhook name in a rule',
      withProperty('rules', [{ runbooks: ['*'], webhooks: [42] }]),
      '"rules[0].webhooks[0]" must be the name of a webhook',
    ],
    [
      'a rule naming an undefined webhook',
      withProperty('rules', [{ runbooks: ['*'], webhooks: ['change-board', 'pager'] }]),
      '"rules[0].webhooks[1]" names the webhook "pager", which "webhooks" does not define',
    ],
    [
      'a rule naming an inherited property as a webhook',
      withProperty('rules', [{ runbooks: ['*'], webhooks: ['constructor'] }]),
      '"rules[0].webhooks[0]" names the webhook "constructor", which "webhooks" does not define',
    ],
    [
      'a repeated webhook',
      withProperty('rules', [{ runbooks: ['*'], webhooks: ['change-board', 'change-board'] }]),
      '"rules[0].webhooks[1]" repeats an earlier entry',
    ],
    [
      'more than 50 recipients in a rule',
      withProperty('rules', [
        {
          runbooks: ['*'],
          email: Array.from({ length: 50 }, (_, index) => `person${index}@example.com`),
          webhooks: ['change-board'],
        },
      ]),
      '"rules[0]" has 51 recipients; at most 50 are allowed',
    ],
    [
      'a non-object default rule',
      withProperty('defaultRule', ['sre@example.com']),
      '"defaultRule" must be an object',
    ],
    [
      'runbooks in the default rule',
      withProperty('defaultRule', { runbooks: ['*'], email: ['sre@example.com'] }),
      '"defaultRule" has unknown property "runbooks" (allowed: email, webhooks, slack, teams)',
    ],
    [
      'an invalid default recipient',
      withProperty('defaultRule', { email: ['platform at example.com'] }),
      '"defaultRule.email[0]" must be an e-mail address',
    ],
    [
      'a default rule naming an undefined webhook',
      withProperty('defaultRule', { webhooks: ['pager'] }),
      '"defaultRule.webhooks[0]" names the webhook "pager", which "webhooks" does not define',
    ],
    [
      'a default rule with e-mail recipients but no email.from',
      { ...withProperty('email', undefined), rules: [] },
      '"defaultRule.email" needs "email.from": e-mail recipients require a sender address',
    ],
    [
      'maxLinkTtlSeconds below a minute',
      withProperty('maxLinkTtlSeconds', 59),
      '"maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    ],
    [
      'maxLinkTtlSeconds above 30 days',
      withProperty('maxLinkTtlSeconds', 2592001),
      '"maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    ],
    [
      'a fractional maxLinkTtlSeconds',
      withProperty('maxLinkTtlSeconds', 3600.5),
      '"maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    ],
    [
      'maxLinkTtlSeconds as a string',
      withProperty('maxLinkTtlSeconds', '3600'),
      '"maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    ],
  ];

  it.each(refusals)('refuses %s', (_name, value, problem) => {
    const validate = () => validateNotifierConfig(value);
    expect(validate).toThrow(new ConfigurationError(`Invalid notifier config: ${problem}`));
    expect(validate).toThrow(ConfigurationError);
    expect(validate).toThrow(NotifierConfigError);
  });

  it('names the error and keeps the problem apart from the prefix', () => {
    let caught: unknown;
    try {
      validateNotifierConfig(withProperty('maxLinkTtlSeconds', 1));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotifierConfigError);
    expect(caught).toMatchObject({
      name: 'NotifierConfigError',
      problem: '"maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    });
  });

  it('never repeats a URL, an address or a secret in its messages', () => {
    const secretish = [
      withProperty('apiUrl', 'https://admin:hunter2@api.example.com/'),
      withProperty('webhooks', {
        'change-board': { url: 'https://bot:s3cr3t@hooks.example.com/ssm?key=k3y' },
      }),
      withProperty('webhooks', { 'change-board': { url: 'http://hooks.example.com/ssm?key=k3y' } }),
      withProperty('rules', [{ runbooks: ['*'], email: ['s3cr3t-person'] }]),
    ];
    for (const value of secretish) {
      expect(() => validateNotifierConfig(value)).toThrow(ConfigurationError);
      try {
        validateNotifierConfig(value);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/hunter2|s3cr3t|k3y|hooks\.example|api\.example/);
      }
    }
  });
});

describe('validateNotifierConfig: Slack and Teams recipients', () => {
  const slack = {
    channels: ['C0123DEPLOYS', 'G0PRIVATE1'],
    approvers: { users: ['U0ALICE', 'W0ENTERPRISE'], userGroups: ['S0SRE'] },
    approve: 'with-comment',
  };

  /** `full` with the first rule's (or, with `rule: 'defaultRule'`, the default rule's) Slack part replaced. */
  const withSlack = (value: unknown, rule: 'rules[0]' | 'defaultRule' = 'rules[0]') =>
    rule === 'defaultRule'
      ? withProperty('defaultRule', { slack: value })
      : withProperty('rules', [{ runbooks: ['Deploy-*'], slack: value }]);
  const withTeams = (value: unknown) => withProperty('rules', [{ runbooks: ['Deploy-*'], teams: value }]);
  const ids = (prefix: string, count: number, from = 0) =>
    Array.from({ length: count }, (_, index) => `${prefix}0${String(from + index).padStart(3, '0')}`);

  it('accepts Slack and Teams recipients in rules and the default rule, as given, with no defaults added', () => {
    const config = validateNotifierConfig({
      ...full,
      rules: [
        { runbooks: ['Deploy-*'], email: ['sre@example.com'], slack, teams: ['change-advisory', 'sre_team'] },
        { runbooks: ['Patch-*'], slack: { channels: ['C0PATCHES'], approvers: { users: ['U0BOB'] } } },
        {
          runbooks: ['Audit-*'],
          slack: { channels: ['C0AUDIT'], approvers: { userGroups: ['S0AUDITORS'] } },
        },
        { runbooks: ['Teams-*'], teams: [] },
      ],
      defaultRule: {
        slack: {
          channels: ['C0PLATFORM'],
          approvers: { users: [], userGroups: ['S0PLATFORM'] },
          approve: 'at-once',
        },
        teams: ['platform'],
      },
    });
    expect(config).toEqual<NotifierConfig>({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      signalRoleArn: SIGNAL_ROLE_ARN,
      email: { from: 'approvals@example.com' },
      webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm/ops' } },
      rules: [
        {
          runbooks: ['Deploy-*'],
          email: ['sre@example.com'],
          slack: {
            channels: ['C0123DEPLOYS', 'G0PRIVATE1'],
            approvers: { users: ['U0ALICE', 'W0ENTERPRISE'], userGroups: ['S0SRE'] },
            approve: 'with-comment',
          },
          teams: ['change-advisory', 'sre_team'],
        },
        { runbooks: ['Patch-*'], slack: { channels: ['C0PATCHES'], approvers: { users: ['U0BOB'] } } },
        {
          runbooks: ['Audit-*'],
          slack: { channels: ['C0AUDIT'], approvers: { userGroups: ['S0AUDITORS'] } },
        },
        { runbooks: ['Teams-*'], teams: [] },
      ],
      defaultRule: {
        slack: {
          channels: ['C0PLATFORM'],
          approvers: { users: [], userGroups: ['S0PLATFORM'] },
          approve: 'at-once',
        },
        teams: ['platform'],
      },
      maxLinkTtlSeconds: 3600,
    });
    // Copies: the caller's arrays are not handed on.
    expect(config.rules[0]?.slack?.channels).not.toBe(slack.channels);
    expect(config.rules[0]?.slack?.approvers.users).not.toBe(slack.approvers.users);
  });

  it('does not require Teams webhook names to be declared: their URLs live only in the secret', () => {
    const config = validateNotifierConfig(withTeams(['not-in-webhooks']));
    expect(config.rules).toEqual([{ runbooks: ['Deploy-*'], teams: ['not-in-webhooks'] }]);
    expect(config.webhooks).toEqual({ 'change-board': { url: 'https://hooks.example.com/ssm/ops' } });
  });

  it('accepts the limits: 20 Slack channels, 100 approvers, 50 recipients counting Slack channels and Teams', () => {
    const atLimits = {
      channels: ids('C', 20),
      approvers: { users: ids('U', 60), userGroups: ids('S', 40) },
    };
    const rule = {
      runbooks: ['*'],
      email: ids('person', 10).map((name) => `${name}@example.com`),
      webhooks: ['change-board'],
      slack: atLimits,
      teams: ids('team', 19),
    };
    const config = validateNotifierConfig(withProperty('rules', [rule]));
    expect(config.rules[0]?.slack).toEqual(atLimits);
    expect(config.rules[0]?.teams).toHaveLength(19);
    expect(NOTIFIER_CONFIG_LIMITS).toMatchObject({
      recipientsPerRule: 50,
      slackChannelsPerRule: 20,
      slackApproversPerRule: 100,
    });
  });

  const approversRequired =
    'must name at least one Slack user or user group: without approvers nobody could decide from Slack';

  const refusals: ReadonlyArray<readonly [string, unknown, string]> = [
    [
      'a Slack part that is a list of channels',
      withSlack(['C0123DEPLOYS']),
      '"rules[0].slack" must be an object with "channels" and "approvers"',
    ],
    [
      'a Slack part that is null',
      withSlack(null),
      '"rules[0].slack" must be an object with "channels" and "approvers"',
    ],
    [
      'unknown Slack properties',
      withSlack({ ...slack, channel: 'C0123DEPLOYS', token: 'xoxb-1' }),
      '"rules[0].slack" has unknown properties "channel", "token" (allowed: channels, approvers, approve)',
    ],
    [
      'a Slack part without channels',
      withSlack({ approvers: slack.approvers }),
      '"rules[0].slack.channels" must be a non-empty array of Slack channel ids (C… or G…)',
    ],
    [
      'an empty channel list',
      withSlack({ ...slack, channels: [] }),
      '"rules[0].slack.channels" must be a non-empty array of Slack channel ids (C… or G…)',
    ],
    [
      'a single channel instead of a list',
      withSlack({ ...slack, channels: 'C0123DEPLOYS' }),
      '"rules[0].slack.channels" must be a non-empty array of Slack channel ids (C… or G…)',
    ],
    [
      'a channel name instead of its id',
      withSlack({ ...slack, channels: ['C0123DEPLOYS', '#deploys'] }),
      '"rules[0].slack.channels[1]" must be a Slack channel id (C… or G…, as shown in the channel\'s details)',
    ],
    [
      'a direct-message id as a channel',
      withSlack({ ...slack, channels: ['D0123DM'] }),
      '"rules[0].slack.channels[0]" must be a Slack channel id (C… or G…, as shown in the channel\'s details)',
    ],
    [
      'a lower-case channel id',
      withSlack({ ...slack, channels: ['c0123deploys'] }),
      '"rules[0].slack.channels[0]" must be a Slack channel id (C… or G…, as shown in the channel\'s details)',
    ],
    [
      'a channel id that is too short',
      withSlack({ ...slack, channels: ['C0'] }),
      '"rules[0].slack.channels[0]" must be a Slack channel id (C… or G…, as shown in the channel\'s details)',
    ],
    [
      'a channel id that is too long',
      withSlack({ ...slack, channels: [`C${'A'.repeat(31)}`] }),
      '"rules[0].slack.channels[0]" must be a Slack channel id (C… or G…, as shown in the channel\'s details)',
    ],
    [
      'a channel id that is not a string',
      withSlack({ ...slack, channels: [42] }),
      '"rules[0].slack.channels[0]" must be a Slack channel id (C… or G…, as shown in the channel\'s details)',
    ],
    [
      'a repeated channel',
      withSlack({ ...slack, channels: ['C0123DEPLOYS', 'G0PRIVATE1', 'C0123DEPLOYS'] }),
      '"rules[0].slack.channels[2]" repeats an earlier entry',
    ],
    [
      'more than 20 Slack channels',
      withSlack({ ...slack, channels: ids('C', 21) }),
      '"rules[0].slack.channels" has 21 channels; at most 20 are allowed',
    ],
    [
      'a Slack part without approvers',
      withSlack({ channels: ['C0123DEPLOYS'] }),
      `"rules[0].slack.approvers" ${approversRequired}`,
    ],
    [
      'empty approvers',
      withSlack({ channels: ['C0123DEPLOYS'], approvers: {} }),
      `"rules[0].slack.approvers" ${approversRequired}`,
    ],
    [
      'approvers whose lists are empty',
      withSlack({ channels: ['C0123DEPLOYS'], approvers: { users: [], userGroups: [] } }),
      `"rules[0].slack.approvers" ${approversRequired}`,
    ],
    [
      'approvers in the default rule that name nobody',
      withSlack({ channels: ['C0PLATFORM'], approvers: { users: [] } }, 'defaultRule'),
      `"defaultRule.slack.approvers" ${approversRequired}`,
    ],
    [
      'approvers as a list of user ids',
      withSlack({ ...slack, approvers: ['U0ALICE'] }),
      '"rules[0].slack.approvers" must be an object with "users" and/or "userGroups"',
    ],
    [
      'unknown approver properties',
      withSlack({ ...slack, approvers: { users: ['U0ALICE'], groups: ['S0SRE'] } }),
      '"rules[0].slack.approvers" has unknown property "groups" (allowed: users, userGroups)',
    ],
    [
      'a single user instead of a list',
      withSlack({ ...slack, approvers: { users: 'U0ALICE' } }),
      '"rules[0].slack.approvers.users" must be an array of Slack user ids',
    ],
    [
      'a user name instead of a user id',
      withSlack({ ...slack, approvers: { users: ['U0ALICE', '@bob'] } }),
      '"rules[0].slack.approvers.users[1]" must be a Slack user id (U… or W…)',
    ],
    [
      'a user-group id among the users',
      withSlack({ ...slack, approvers: { users: ['S0SRE'] } }),
      '"rules[0].slack.approvers.users[0]" must be a Slack user id (U… or W…)',
    ],
    [
      'a bot id among the users',
      withSlack({ ...slack, approvers: { users: ['B0BOT'] } }),
      '"rules[0].slack.approvers.users[0]" must be a Slack user id (U… or W…)',
    ],
    [
      'a repeated user',
      withSlack({ ...slack, approvers: { users: ['U0ALICE', 'U0ALICE'] } }),
      '"rules[0].slack.approvers.users[1]" repeats an earlier entry',
    ],
    [
      'a single user group instead of a list',
      withSlack({ ...slack, approvers: { userGroups: 'S0SRE' } }),
      '"rules[0].slack.approvers.userGroups" must be an array of Slack user-group ids',
    ],
    [
      'a user group given by its handle',
      withSlack({ ...slack, approvers: { userGroups: ['@sre-oncall'] } }),
      '"rules[0].slack.approvers.userGroups[0]" must be a Slack user-group id (S…)',
    ],
    [
      'a user id among the user groups',
      withSlack({ ...slack, approvers: { users: ['U0ALICE'], userGroups: ['S0SRE', 'U0BOB'] } }),
      '"rules[0].slack.approvers.userGroups[1]" must be a Slack user-group id (S…)',
    ],
    [
      'a repeated user group',
      withSlack({ ...slack, approvers: { userGroups: ['S0SRE', 'S0DBA', 'S0SRE'] } }),
      '"rules[0].slack.approvers.userGroups[2]" repeats an earlier entry',
    ],
    [
      'more than 100 users and user groups',
      withSlack({ ...slack, approvers: { users: ids('U', 60), userGroups: ids('S', 41) } }),
      '"rules[0].slack.approvers" has 101 users and user groups; at most 100 are allowed',
    ],
    [
      'an unknown approve mode',
      withSlack({ ...slack, approve: 'with-reason' }),
      '"rules[0].slack.approve" must be "at-once" or "with-comment"',
    ],
    [
      'an approve mode that is not a string',
      withSlack({ ...slack, approve: true }),
      '"rules[0].slack.approve" must be "at-once" or "with-comment"',
    ],
    [
      'a Slack part in the default rule with unknown properties',
      withSlack({ ...slack, runbooks: ['*'] }, 'defaultRule'),
      '"defaultRule.slack" has unknown property "runbooks" (allowed: channels, approvers, approve)',
    ],
    [
      'Teams names that are not a list',
      withTeams('change-advisory'),
      '"rules[0].teams" must be an array of Teams webhook names',
    ],
    [
      'a Teams webhook URL instead of its name',
      withTeams(['change-advisory', 'https://example.webhook.office.com/webhookb2/abc']),
      '"rules[0].teams[1]" must be the name of a Teams webhook: 1 to 64 letters, digits, _ or -',
    ],
    [
      'an empty Teams name',
      withTeams(['']),
      '"rules[0].teams[0]" must be the name of a Teams webhook: 1 to 64 letters, digits, _ or -',
    ],
    [
      'a Teams name longer than 64 characters',
      withTeams(['t'.repeat(65)]),
      '"rules[0].teams[0]" must be the name of a Teams webhook: 1 to 64 letters, digits, _ or -',
    ],
    [
      'a Teams name that is not a string',
      withTeams([{ name: 'change-advisory' }]),
      '"rules[0].teams[0]" must be the name of a Teams webhook: 1 to 64 letters, digits, _ or -',
    ],
    [
      'a repeated Teams name',
      withTeams(['change-advisory', 'change-advisory']),
      '"rules[0].teams[1]" repeats an earlier entry',
    ],
    [
      'an invalid Teams name in the default rule',
      withProperty('defaultRule', { teams: ['platform team'] }),
      '"defaultRule.teams[0]" must be the name of a Teams webhook: 1 to 64 letters, digits, _ or -',
    ],
    [
      'more than 50 recipients counting Slack channels and Teams webhooks',
      withProperty('rules', [
        {
          runbooks: ['*'],
          email: ids('person', 10).map((name) => `${name}@example.com`),
          webhooks: ['change-board'],
          slack: { channels: ids('C', 20), approvers: { users: ['U0ALICE'] } },
          teams: ids('team', 20),
        },
      ]),
      '"rules[0]" has 51 recipients; at most 50 are allowed',
    ],
    [
      'more than 50 recipients in the default rule, counting Slack channels and Teams webhooks',
      withProperty('defaultRule', {
        slack: { channels: ids('C', 20), approvers: { userGroups: ['S0SRE'] } },
        teams: ids('team', 31),
      }),
      '"defaultRule" has 51 recipients; at most 50 are allowed',
    ],
  ];

  it.each(refusals)('refuses %s', (_name, value, problem) => {
    const validate = () => validateNotifierConfig(value);
    expect(validate).toThrow(new ConfigurationError(`Invalid notifier config: ${problem}`));
    expect(validate).toThrow(NotifierConfigError);
  });

  it('never repeats a Teams webhook URL given in place of a name', () => {
    const url = 'https://example.webhook.office.com/webhookb2/abc/IncomingWebhook/def?sig=s3cr3t';
    expect(() => validateNotifierConfig(withTeams([url]))).toThrow(NotifierConfigError);
    try {
      validateNotifierConfig(withTeams([url]));
    } catch (error) {
      expect((error as Error).message).not.toMatch(/s3cr3t|webhook\.office/);
    }
  });
});

describe('link lifetime bounds', () => {
  it('agree with the link tokens the notifier mints (60 s to 30 days, the longest aws:approve timeout)', () => {
    expect([MIN_LINK_TTL_SECONDS, MAX_LINK_TTL_SECONDS]).toEqual([60, 2592000]);
    expect([MIN_LINK_TTL_SECONDS, MAX_LINK_TTL_SECONDS]).toEqual([
      linkToken.MIN_LINK_TTL_SECONDS,
      linkToken.MAX_LINK_TTL_SECONDS,
    ]);
  });
});

describe('validateNotifierRouting', () => {
  it('validates the part people write, without apiUrl and signalRoleArn', () => {
    const { apiUrl: _apiUrl, signalRoleArn: _signalRoleArn, ...routing } = full;
    expect(validateNotifierRouting(routing)).toEqual({
      email: { from: 'approvals@example.com' },
      webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm/ops' } },
      rules: [
        { runbooks: ['Deploy-*', 'Patch?'], email: ['sre@example.com'], webhooks: ['change-board'] },
        { runbooks: ['Sandbox-*'] },
      ],
      defaultRule: { email: ['platform@example.com'] },
      maxLinkTtlSeconds: 3600,
    });
    expect(validateNotifierRouting({})).toEqual({ webhooks: {}, rules: [], maxLinkTtlSeconds: 604800 });
  });

  it('refuses apiUrl and signalRoleArn: the deployment adds them', () => {
    expect(() => validateNotifierRouting({ apiUrl: 'https://api.example.com' })).toThrow(
      new ConfigurationError(
        'Invalid notifier config: the configuration has unknown property "apiUrl" (allowed: email, webhooks, ' +
          'rules, defaultRule, maxLinkTtlSeconds)',
      ),
    );
  });
});

describe('parseNotifierConfig', () => {
  it('parses and validates NOTIFIER_CONFIG', () => {
    expect(parseNotifierConfig(JSON.stringify(full))).toEqual(validateNotifierConfig(full));
  });

  it('refuses text that is not JSON without quoting it', () => {
    const parse = () => parseNotifierConfig('{"apiUrl": "https://admin:hunter2@api.example.com/"');
    expect(parse).toThrow(new ConfigurationError('Invalid notifier config: not valid JSON'));
    try {
      parse();
    } catch (error) {
      expect(error).toBeInstanceOf(NotifierConfigError);
      expect((error as Error).cause).toBeUndefined();
    }
  });

  it('refuses JSON that is not an object', () => {
    expect(() => parseNotifierConfig('null')).toThrow(
      new ConfigurationError('Invalid notifier config: the configuration must be a JSON object'),
    );
  });
});
