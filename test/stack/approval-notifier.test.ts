import { App, Aws, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Template as TemplateType } from 'aws-cdk-lib/assertions';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { validateNotifierConfig } from '../../lambda/notify/config';
import {
  APPROVE_STEP_PATTERN,
  FINISHED_EXECUTION_PATTERN,
  WAITING_EXECUTION_PATTERN,
} from '../../lambda/notify/event-patterns';
import {
  ApprovalNotifier,
  ApprovalNotifierPropsError,
  eventRuleDescription,
  eventRuleId,
  MAX_ROUTING_JSON_BYTES,
  type NotificationProps,
  resolveNotificationProps,
} from '../../lib/approval-notifier';
import { WebhookFunction } from '../../lib/webhook-function';
import { AUTOMATION_EXECUTIONS_ARN, cdkJsonContext, deployedString, SKIP_BUNDLING_CONTEXT } from './synth';

// The notifier on its own, with the webhook's parts imported: the template only, so no bundling.
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:webhook-AbCdEf';
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:111111111111:table/webhook-state';
const SIGNAL_ROLE_ARN = 'arn:aws:iam::111111111111:role/webhook-signal';
const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';

interface Built {
  readonly stack: Stack;
  readonly notifier: ApprovalNotifier;
  readonly template: TemplateType;
  readonly nagViolations: unknown[];
}

function build(notifications?: NotificationProps, id = 'Notifier'): Built {
  const app = new App({ context: { ...cdkJsonContext(), ...SKIP_BUNDLING_CONTEXT } });
  const stack = new Stack(app, 'Host', { env: { account: '111111111111', region: 'eu-west-1' } });
  const notifier = new ApprovalNotifier(stack, id, {
    apiUrl: API_URL,
    signalRole: iam.Role.fromRoleArn(stack, 'SignalRole', SIGNAL_ROLE_ARN),
    secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN),
    stateTable: dynamodb.Table.fromTableArn(stack, 'StateTable', TABLE_ARN),
    notifications,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return {
    stack,
    notifier,
    template: Template.fromStack(stack),
    nagViolations: new AwsSolutionsChecks().validateScope(app).violations,
  };
}

const logicalId = (built: Built, element: { node: { defaultChild?: unknown } }): string =>
  built.stack.getLogicalId(element.node.defaultChild as CfnElement);

const FULL: NotificationProps = {
  email: { from: 'approvals@example.com' },
  webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm' } },
  rules: [
    { runbooks: ['Deploy-*'], email: ['sre@example.com'], webhooks: ['change-board'] },
    { runbooks: ['Sandbox-*'] },
  ],
  defaultRule: { email: ['platform@example.com'] },
  maxLinkTtl: Duration.hours(12),
};

describe('ApprovalNotifier with e-mail, webhooks and rules', () => {
  let built: Built;
  beforeAll(() => {
    built = build(FULL);
  });

  it('gives its role exactly: its log group, the secret, reads of executions, the table items, SES as the one address, and sending to its dead-letter queue', () => {
    const policies = Object.values(built.template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.Roles).toEqual([{ Ref: logicalId(built, built.notifier.role) }]);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(built, built.notifier.function.logGroup), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: SECRET_ARN,
      },
      { Effect: 'Allow', Action: 'ssm:GetAutomationExecution', Resource: AUTOMATION_EXECUTIONS_ARN },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: TABLE_ARN,
      },
      // Never the approver-seat claims: only the signal role may change who holds a seat.
      {
        Effect: 'Deny',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: TABLE_ARN,
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['quorum#*'] } },
      },
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ses:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':identity/approvals@example.com',
            ],
          ],
        },
        Condition: { StringEquals: { 'ses:FromAddress': 'approvals@example.com' } },
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(built, built.notifier.deadLetterQueue), 'Arn'] },
      },
    ]);
  });

  it('passes NOTIFIER_CONFIG with the deploy-time values and the validated routing, and the table name', () => {
    const fn =
      built.template.findResources('AWS::Lambda::Function')[
        logicalId(built, built.notifier.function.function)
      ];
    const variables = fn?.Properties.Environment.Variables as Record<string, unknown>;
    const deployed = (reference: unknown): string => {
      throw new Error(`unexpected reference ${JSON.stringify(reference)}`);
    };
    const config = JSON.parse(deployedString(variables.NOTIFIER_CONFIG, deployed));
    expect(config).toEqual({
      apiUrl: API_URL,
      signalRoleArn: SIGNAL_ROLE_ARN,
      email: { from: 'approvals@example.com' },
      webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm' } },
      rules: [
        { runbooks: ['Deploy-*'], email: ['sre@example.com'], webhooks: ['change-board'] },
        { runbooks: ['Sandbox-*'] },
      ],
      defaultRule: { email: ['platform@example.com'] },
      maxLinkTtlSeconds: 43200,
    });
    expect(validateNotifierConfig(config).apiUrl).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
    expect(variables.STATE_TABLE_NAME).toBe('webhook-state');
    expect(variables.POWERTOOLS_IDEMPOTENCY_DISABLED).toBeUndefined();
    expect(built.notifier.routing).toEqual({
      email: config.email,
      webhooks: config.webhooks,
      rules: config.rules,
      defaultRule: config.defaultRule,
      maxLinkTtlSeconds: 43200,
    });
    // What the Slack function gets too: exactly the function's two configuration variables.
    expect(Object.keys(built.notifier.configEnvironment)).toEqual(['NOTIFIER_CONFIG', 'STATE_TABLE_NAME']);
    expect(built.stack.resolve(built.notifier.configEnvironment)).toEqual({
      NOTIFIER_CONFIG: variables.NOTIFIER_CONFIG,
      STATE_TABLE_NAME: variables.STATE_TABLE_NAME,
    });
  });

  it('names its topic Automation-<path and hash>', () => {
    const topics = Object.values(built.template.findResources('AWS::SNS::Topic'));
    expect(topics.map((topic) => topic.Properties.TopicName)).toEqual(['Automation-HostNotifier31393687']);
  });

  it('leaves nothing for cdk-nag AwsSolutions to report', () => {
    expect(built.nagViolations).toEqual([]);
  });
});

describe('ApprovalNotifier without notifications', () => {
  let built: Built;
  beforeAll(() => {
    built = build(undefined, 'N'.repeat(300));
  });

  it('holds no SES permission', () => {
    expect(JSON.stringify(built.template.toJSON())).not.toMatch(/"ses:/);
  });

  it('keeps a long topic name within SNS limits (256 characters), still starting with Automation-', () => {
    const [name] = Object.values(built.template.findResources('AWS::SNS::Topic')).map(
      (topic) => topic.Properties.TopicName as string,
    );
    expect(name).toMatch(/^Automation-HostN+[A-F0-9]{8}$/);
    expect(name?.length).toBeGreaterThan(250);
    expect(name?.length).toBeLessThanOrEqual(256);
  });
});

describe('ApprovalNotifier with an e-mail identity', () => {
  it.each([
    ['example.com', ':identity/example.com'],
    ['Example.COM', ':identity/Example.COM'],
    ['APPROVALS@example.com', ':identity/APPROVALS@example.com'],
  ])('accepts the identity %s and grants on it, still only for the from address', (identity, arnTail) => {
    const built = build({ email: { from: 'approvals@example.com', identity } });
    const statements = Object.values(built.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown }[],
    );
    const ses = statements.filter((statement) => statement.Action === 'ses:SendEmail');
    expect(ses).toEqual([
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ses:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              arnTail,
            ],
          ],
        },
        Condition: { StringEquals: { 'ses:FromAddress': 'approvals@example.com' } },
      },
    ]);
  });
});

describe('resolveNotificationProps', () => {
  it('resolves nothing to an empty routing and no SES identity', () => {
    expect(resolveNotificationProps()).toEqual({
      routing: { webhooks: {}, rules: [], maxLinkTtlSeconds: 604800 },
    });
  });

  it('defaults the SES identity to the from address', () => {
    expect(resolveNotificationProps({ email: { from: 'approvals@example.com' } })).toEqual({
      routing: {
        email: { from: 'approvals@example.com' },
        webhooks: {},
        rules: [],
        maxLinkTtlSeconds: 604800,
      },
      sesIdentity: 'approvals@example.com',
    });
  });

  // 50 rules, the most the notifier takes, each with one address: 3173 bytes of JSON.
  const manyRules = Array.from({ length: 50 }, (_, index) => ({
    runbooks: [`Runbook-${index}-*`],
    email: [`team-${index}@example.com`],
  }));
  const refusals: ReadonlyArray<readonly [string, NotificationProps, string]> = [
    [
      'unknown properties',
      { slack: {}, maxLinkTtlSeconds: 60 } as unknown as NotificationProps,
      'unknown properties "slack", "maxLinkTtlSeconds" (allowed: email, webhooks, rules, defaultRule, maxLinkTtl)',
    ],
    [
      'tokens',
      { email: { from: `approvals@${Aws.URL_SUFFIX}` } },
      "must be plain values, not tokens: they are validated at synth time and written into the notifier's configuration",
    ],
    [
      'a link lifetime under a minute',
      { maxLinkTtl: Duration.seconds(59) },
      '"maxLinkTtl" must be from 1 minute to 30 days, in whole seconds, got 59 seconds',
    ],
    [
      'a link lifetime over 30 days',
      { maxLinkTtl: Duration.days(31) },
      '"maxLinkTtl" must be from 1 minute to 30 days, in whole seconds, got 2678400 seconds',
    ],
    [
      'a link lifetime in fractions of a second',
      { maxLinkTtl: Duration.millis(90_500) },
      '"maxLinkTtl" must be from 1 minute to 30 days, in whole seconds, got 90.5 seconds',
    ],
    [
      'an email that is a string',
      { email: 'approvals@example.com' } as unknown as NotificationProps,
      '"email" must be an object with a "from" address',
    ],
    [
      'unknown email properties',
      { email: { from: 'approvals@example.com', configurationSet: 'x' } } as unknown as NotificationProps,
      '"email" has unknown property "configurationSet" (allowed: from, identity)',
    ],
    ['an invalid from address', { email: { from: 'approvals' } }, '"email.from" must be an e-mail address'],
    [
      'an identity of another domain',
      { email: { from: 'approvals@example.com', identity: 'example.org' } },
      '"email.identity" must be the from address or its domain',
    ],
    [
      'an identity that is another address',
      { email: { from: 'approvals@example.com', identity: 'other@example.com' } },
      '"email.identity" must be the from address or its domain',
    ],
    [
      'an identity that is a parent domain',
      { email: { from: 'approvals@mail.example.com', identity: 'example.com' } },
      '"email.identity" must be the from address or its domain',
    ],
    [
      'an invalid rule (the notifier’s own validation)',
      { rules: [{ runbooks: ['Deploy *'] }] },
      '"rules[0].runbooks[0]" must be a runbook-name pattern: 1 to 128 letters, digits, _ . - and the wildcards * ?',
    ],
    [
      'a webhook URL with user info',
      { webhooks: { hook: { url: 'https://u:p@hooks.example.com/' } } },
      '"webhooks.hook.url" must not contain user info (user:password@): the requests are signed instead',
    ],
    [
      'a routing too large for the environment',
      { email: { from: 'approvals@example.com' }, rules: manyRules },
      `the routing takes 3173 bytes of JSON, more than the ${MAX_ROUTING_JSON_BYTES} that the notifier's ` +
        'environment leaves for it (Lambda allows 4 KB of environment variables): use fewer rules, wider ' +
        'runbook patterns or fewer recipients',
    ],
  ];

  it.each(refusals)('refuses %s', (_name, props, problem) => {
    const resolve = () => resolveNotificationProps(props);
    expect(resolve).toThrow(new ApprovalNotifierPropsError(problem));
    expect(resolve).toThrow(`notifications: ${problem}`);
    expect(resolve).toThrow(ApprovalNotifierPropsError);
  });

  it('keeps the problem apart from the prefix and names the error', () => {
    const error = new ApprovalNotifierPropsError('"x" is wrong');
    expect(error).toMatchObject({
      name: 'ApprovalNotifierPropsError',
      problem: '"x" is wrong',
      message: 'notifications: "x" is wrong',
    });
  });

  it('accepts a routing just within the environment budget (2400 bytes, leaving room for 10 approver seats), and refuses one rule more', () => {
    expect(MAX_ROUTING_JSON_BYTES).toBe(2400);
    const bytes = (rules: typeof manyRules) =>
      Buffer.byteLength(
        JSON.stringify(resolveNotificationProps({ email: { from: 'approvals@example.com' }, rules }).routing),
      );
    const fitting = manyRules.slice(0, 37);
    expect(bytes(fitting)).toBeLessThanOrEqual(MAX_ROUTING_JSON_BYTES);
    expect(() =>
      resolveNotificationProps({ email: { from: 'approvals@example.com' }, rules: manyRules.slice(0, 38) }),
    ).toThrow(/^notifications: the routing takes \d+ bytes of JSON, more than the 2400/);
  });
});

describe('eventRuleId and eventRuleDescription', () => {
  it("name each rule after its pattern's export, so that adding a pattern replaces no rule", () => {
    expect(eventRuleId(WAITING_EXECUTION_PATTERN)).toBe('WaitingExecutionRule');
    expect(eventRuleId(APPROVE_STEP_PATTERN)).toBe('ApproveStepRule');
    expect(eventRuleId(FINISHED_EXECUTION_PATTERN)).toBe('FinishedExecutionRule');
  });

  it('refuse a pattern that is not exported on its own (its rule would have no stable name)', () => {
    expect(() => eventRuleId({ ...WAITING_EXECUTION_PATTERN })).toThrow(
      new Error(
        'every pattern of NOTIFIER_EVENT_PATTERNS must be exported on its own as <NAME>_PATTERN from ' +
          'lambda/notify/event-patterns.ts: its rule is named after it',
      ),
    );
  });

  it('describe what the rule matches, from the pattern itself', () => {
    expect(eventRuleDescription(APPROVE_STEP_PATTERN)).toBe(
      'ssm-approval-webhook notifier: EC2 Automation Step Status-change Notification, Action aws:approve',
    );
    expect(
      eventRuleDescription({
        source: ['aws.ssm'],
        'detail-type': ['A', 'B'],
        detail: { Status: ['Success', 'Failed'], Action: ['aws:approve'] },
      }),
    ).toBe('ssm-approval-webhook notifier: A or B, Status Success or Failed, Action aws:approve');
  });
});

describe('WebhookFunction environment', () => {
  it('refuses extra variables that would replace the ones every function gets', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING_CONTEXT }), 'S');
    expect(
      () =>
        new WebhookFunction(stack, 'Fn', {
          entry: 'lambda/handlers/notifier.ts',
          handler: 'handler',
          secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN),
          environment: { APP_SECRET_ARN: 'other', NODE_OPTIONS: '', EXTRA: 'fine' },
        }),
    ).toThrow(new Error('WebhookFunction Fn: environment may not replace APP_SECRET_ARN, NODE_OPTIONS'));
  });
});
