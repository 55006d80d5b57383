import {
  App,
  type CfnElement,
  CliCredentialsStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApprovalNotifierPropsError } from '../../lib/approval-notifier';
import {
  ApprovalWebhook,
  type ApprovalWebhookProps,
  ApprovalWebhookPropsError,
} from '../../lib/approval-webhook';
import { SECRET_WRITE_ACTIONS } from '../../lib/secret-policy';
import { AUTOMATION_EXECUTIONS_ARN, cdkJsonContext, SKIP_BUNDLING_CONTEXT } from './synth';

const OPERATOR_ROLE_ARN = 'arn:aws:iam::111111111111:role/ops/WebhookSecretOperator';
const DEPLOYMENT_ROLE_ARN = 'arn:aws:iam::111111111111:role/Deployer';
const ALARM_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:ops-alarms';

// The construct dropped into someone else's app: a plain Stack in a concrete environment, every prop set.
describe('ApprovalWebhook in a stack of its own, with every prop set', () => {
  let template: Template;
  let webhook: ApprovalWebhook;
  let stack: Stack;
  let nagViolations: unknown[];

  beforeAll(() => {
    const app = new App({ context: cdkJsonContext() });
    stack = new Stack(app, 'Host', { env: { account: '111111111111', region: 'eu-west-1' } });
    webhook = new ApprovalWebhook(stack, 'Approvals', {
      throttleRateLimit: 2.5,
      throttleBurstLimit: 5,
      logRetention: RetentionDays.ONE_WEEK,
      logRemovalPolicy: RemovalPolicy.DESTROY,
      secretRemovalPolicy: RemovalPolicy.RETAIN,
      logLevel: 'DEBUG',
      notifications: {
        email: { from: 'approvals@example.com', identity: 'example.com' },
        webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm' } },
        rules: [{ runbooks: ['Deploy-*'], email: ['sre@example.com'], webhooks: ['change-board'] }],
        defaultRule: { email: ['platform@example.com'] },
        maxLinkTtl: Duration.days(2),
      },
      stateTableRemovalPolicy: RemovalPolicy.RETAIN,
      secretOperatorRoleArn: OPERATOR_ROLE_ARN,
      secretDeploymentRoleArn: DEPLOYMENT_ROLE_ARN,
      approverSeats: 2,
      alarmTopic: sns.Topic.fromTopicArn(stack, 'OpsAlarms', ALARM_TOPIC_ARN),
      alarmThresholds: { authenticationFailures: 100, apiServerErrors: 5 },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    template = Template.fromStack(stack);
    nagViolations = new AwsSolutionsChecks().validateScope(app).violations;
  });

  const logicalId = (element: { node: { defaultChild?: unknown } }): string =>
    stack.getLogicalId(element.node.defaultChild as CfnElement);

  it('throttles the stage with the given rate and burst', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 2.5, ThrottlingBurstLimit: 5 },
    });
  });

  it('applies the retention and removal policy to all six log groups', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(6);
    for (const logGroup of logGroups) {
      expect(logGroup).toEqual({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 7 },
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
    }
  });

  it('retains the secret when asked to', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.map((secret) => [secret.DeletionPolicy, secret.UpdateReplacePolicy])).toEqual([
      ['Retain', 'Retain'],
    ]);
  });

  it('lets the operator role read and change the secret, and the given deployment role too; retains the policy with the secret', () => {
    const roleArn = (role: { node: { defaultChild?: unknown } }) => ({
      'Fn::GetAtt': [logicalId(role), 'Arn'],
    });
    expect(Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy'))).toEqual([
      {
        Type: 'AWS::SecretsManager::ResourcePolicy',
        Properties: {
          SecretId: { Ref: logicalId(webhook.secret) },
          ResourcePolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyReadExceptFunctionsOperatorDeployment',
                Effect: 'Deny',
                Principal: '*',
                Action: 'secretsmanager:GetSecretValue',
                Resource: '*',
                Condition: {
                  ArnNotEquals: {
                    'aws:PrincipalArn': [
                      roleArn(webhook.signalRole),
                      roleArn(webhook.stopRole),
                      roleArn(webhook.confirmRole),
                      roleArn(webhook.notifier.role),
                      OPERATOR_ROLE_ARN,
                      DEPLOYMENT_ROLE_ARN,
                    ],
                  },
                },
              },
              {
                Sid: 'DenyChangeExceptOperatorDeployment',
                Effect: 'Deny',
                Principal: '*',
                Action: [...SECRET_WRITE_ACTIONS].sort(),
                Resource: '*',
                Condition: { ArnNotEquals: { 'aws:PrincipalArn': [OPERATOR_ROLE_ARN, DEPLOYMENT_ROLE_ARN] } },
              },
            ],
          },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      },
    ]);
  });

  it('retains the state table when asked to', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.map((table) => [table.DeletionPolicy, table.UpdateReplacePolicy])).toEqual([
      ['Retain', 'Retain'],
    ]);
  });

  it('passes the log level to every function, the notifier and the Slack function included', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL)).toEqual([
      'DEBUG',
      'DEBUG',
      'DEBUG',
      'DEBUG',
      'DEBUG',
    ]);
  });

  it('passes the notifications to the notifier, and lets it send e-mail only as the one address of the identity', () => {
    const variables =
      template.findResources('AWS::Lambda::Function')[logicalId(webhook.notifier.function.function)]
        ?.Properties.Environment.Variables;
    const config = variables.NOTIFIER_CONFIG['Fn::Join'][1] as unknown[];
    expect(config[config.length - 1]).toBe(
      '","email":{"from":"approvals@example.com"},"webhooks":{"change-board":{"url":"https://hooks.example.com/ssm"}},' +
        '"rules":[{"runbooks":["Deploy-*"],"email":["sre@example.com"],"webhooks":["change-board"]}],' +
        '"defaultRule":{"email":["platform@example.com"]},"maxLinkTtlSeconds":172800}',
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(webhook.notifier.role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'ses:SendEmail',
            Effect: 'Allow',
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
                  ':identity/example.com',
                ],
              ],
            },
            Condition: { StringEquals: { 'ses:FromAddress': 'approvals@example.com' } },
          },
        ]),
      },
    });
  });

  it('creates the given number of approver seats: the signal role and one seat role', () => {
    expect(webhook.approverSeats.count).toBe(2);
    expect(webhook.approverSeats.seatRoles.map((role) => role.node.id)).toEqual(['ApproverSeat2']);
    template.resourceCountIs('AWS::IAM::Role', 5);
  });

  it('sends every alarm to the given topic, with the given thresholds', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([ALARM_TOPIC_ARN]);
      expect(alarm.Properties.OKActions).toEqual([ALARM_TOPIC_ARN]);
    }
    expect(
      template.toJSON().Resources[logicalId(webhook.alarms.authenticationFailures)].Properties.Threshold,
    ).toBe(100);
    expect(template.toJSON().Resources[logicalId(webhook.alarms.apiServerErrors)].Properties.Threshold).toBe(
      5,
    );
    expect(template.toJSON().Resources[logicalId(webhook.alarms.deadLetters)].Properties.Threshold).toBe(1);
  });

  it('keeps pseudo parameters in the SSM resource even in a concrete environment', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(webhook.signalRole) }],
      PolicyDocument: {
        Statement: [
          {},
          {},
          {
            Action: ['ssm:GetAutomationExecution', 'ssm:SendAutomationSignal'],
            Resource: AUTOMATION_EXECUTIONS_ARN,
          },
          { Action: 'sts:AssumeRole' },
          { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
        ],
      },
    });
  });

  it('names the API after its construct path, so two webhooks in one account stay apart', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: Match.stringLikeRegexp('^HostApprovals[A-F0-9]{8}$'),
    });
  });

  it('leaves nothing for cdk-nag AwsSolutions to report (its acknowledgments travel with the construct)', () => {
    expect(nagViolations).toEqual([]);
  });
});

describe('ApprovalWebhook with Slack and Teams routing', () => {
  let template: Template;
  let webhook: ApprovalWebhook;
  let stack: Stack;

  beforeAll(() => {
    const app = new App({ context: { ...cdkJsonContext(), ...SKIP_BUNDLING_CONTEXT } });
    stack = new Stack(app, 'Host', { env: { account: '111111111111', region: 'eu-west-1' } });
    webhook = new ApprovalWebhook(stack, 'Approvals', {
      notifications: {
        rules: [
          {
            runbooks: ['Deploy-*'],
            slack: {
              channels: ['C0123DEPLOYS'],
              approvers: { users: ['U0123ALICE'], userGroups: ['S0123SRE'] },
              approve: 'with-comment',
            },
            teams: ['change-advisory'],
          },
        ],
        defaultRule: { slack: { channels: ['C0123OPS'], approvers: { users: ['U0123BOB'] } } },
      },
    });
    template = Template.fromStack(stack);
  });

  const variablesOf = (fn: { node: { defaultChild?: unknown } }): Record<string, unknown> =>
    template.findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.node.defaultChild as CfnElement)]
      ?.Properties.Environment.Variables;

  it('passes the slack and teams recipients through to the notifier and the Slack function alike', () => {
    const notifierConfig = variablesOf(webhook.notifier.function.function).NOTIFIER_CONFIG as {
      'Fn::Join': [string, unknown[]];
    };
    expect(notifierConfig['Fn::Join'][1].at(-1)).toBe(
      '","webhooks":{},"rules":[{"runbooks":["Deploy-*"],"slack":{"channels":["C0123DEPLOYS"],' +
        '"approvers":{"users":["U0123ALICE"],"userGroups":["S0123SRE"]},"approve":"with-comment"},' +
        '"teams":["change-advisory"]}],"defaultRule":{"slack":{"channels":["C0123OPS"],' +
        '"approvers":{"users":["U0123BOB"]}}},"maxLinkTtlSeconds":604800}',
    );
    expect(variablesOf(webhook.slackFunction.function).NOTIFIER_CONFIG).toEqual(notifierConfig);
    // One table: the Slack, signal and confirm functions read the seat claims the others write.
    const tableName = { Ref: stack.getLogicalId(webhook.stateTable.node.defaultChild as CfnElement) };
    for (const fn of [
      webhook.notifier.function,
      webhook.slackFunction,
      webhook.signalFunction,
      webhook.confirmFunction,
    ]) {
      expect(variablesOf(fn.function).STATE_TABLE_NAME).toEqual(tableName);
    }
  });

  it('refuses a Slack rule without approvers before it builds anything, naming the property', () => {
    expect(
      () =>
        new ApprovalWebhook(new Stack(new App(), 'S'), 'W', {
          notifications: {
            rules: [{ runbooks: ['Deploy-*'], slack: { channels: ['C0123DEPLOYS'] } as never }],
          },
        }),
    ).toThrow(/^notifications: "rules\[0\]\.slack/);
  });
});

describe('ApprovalWebhook prop validation', () => {
  const build = (props: ApprovalWebhookProps) => () =>
    new ApprovalWebhook(new Stack(new App(), 'S'), 'W', props);

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses throttleRateLimit %p', (rate) => {
    expect(build({ throttleRateLimit: rate })).toThrow(
      new ApprovalWebhookPropsError(`throttleRateLimit must be a positive number, got ${rate}`),
    );
  });

  it.each([0, -3, 1.5])('refuses throttleBurstLimit %p', (burst) => {
    expect(build({ throttleBurstLimit: burst })).toThrow(
      new ApprovalWebhookPropsError(`throttleBurstLimit must be a positive integer, got ${burst}`),
    );
  });

  it.each([
    [
      { secretOperatorRoleArn: 'arn:aws:iam::111111111111:role/ops-*' },
      'secretOperatorRoleArn must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got "arn:aws:iam::111111111111:role/ops-*"',
    ],
    [
      { secretDeploymentRoleArn: 'arn:aws:iam::111111111111:root' },
      'secretDeploymentRoleArn must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got "arn:aws:iam::111111111111:root"',
    ],
  ])('refuses %p', (props, message) => {
    expect(build(props)).toThrow(new ApprovalWebhookPropsError(message));
  });

  it("refuses a secret role of another account than the stack's", () => {
    const create = () =>
      new ApprovalWebhook(
        new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } }),
        'W',
        {
          secretOperatorRoleArn: 'arn:aws:iam::222222222222:role/Ops',
        },
      );
    expect(create).toThrow(
      new ApprovalWebhookPropsError(
        'secretOperatorRoleArn must be a role of the stack\'s account 111111111111, got "arn:aws:iam::222222222222:role/Ops"',
      ),
    );
  });

  it('needs the deployment role with a synthesizer that has no CloudFormation execution role, and uses it', () => {
    const stackWithCliCredentials = () =>
      new Stack(new App({ context: SKIP_BUNDLING_CONTEXT }), 'S', {
        synthesizer: new CliCredentialsStackSynthesizer(),
      });
    expect(() => new ApprovalWebhook(stackWithCliCredentials(), 'W')).toThrow(
      new ApprovalWebhookPropsError(
        "secretDeploymentRoleArn is required with a synthesizer other than DefaultStackSynthesizer: the secret's " +
          'resource policy denies everyone else, and CloudFormation acts with the credentials of whoever deploys',
      ),
    );

    const stack = stackWithCliCredentials();
    new ApprovalWebhook(stack, 'W', { secretDeploymentRoleArn: DEPLOYMENT_ROLE_ARN });
    const statements = Object.values(
      Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'),
    )[0]?.Properties.ResourcePolicy.Statement as {
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': unknown[] } };
    }[];
    expect(
      statements.map((statement) => statement.Condition.ArnNotEquals['aws:PrincipalArn'].at(-1)),
    ).toEqual([DEPLOYMENT_ROLE_ARN, DEPLOYMENT_ROLE_ARN]);
  });

  it('names the error class', () => {
    expect(build({ throttleBurstLimit: 0 })).toThrow(ApprovalWebhookPropsError);
    expect(new ApprovalWebhookPropsError('x').name).toBe('ApprovalWebhookPropsError');
  });

  it('refuses unusable notifications before it builds anything', () => {
    let stack = new Stack(new App(), 'S');
    const create = () => {
      stack = new Stack(new App(), 'S');
      return new ApprovalWebhook(stack, 'W', {
        notifications: { defaultRule: { email: ['sre@example.com'] } },
      });
    };
    expect(create).toThrow(
      new ApprovalNotifierPropsError(
        '"defaultRule.email" needs "email.from": e-mail recipients require a sender address',
      ),
    );
    expect(create).toThrow(ApprovalNotifierPropsError);
    expect(stack.node.findAll().filter((construct) => construct.node.id === 'SignalFunction')).toEqual([]);
  });
});
