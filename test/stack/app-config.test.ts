import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AppConfigError, resolveAppConfig } from '../../lib/app-config';

const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('resolveAppConfig', () => {
  it('falls back to the construct defaults and an environment-agnostic stack when nothing is set', () => {
    expect(resolveAppConfig(context({}), {})).toEqual({
      stackName: 'SsmApprovalWebhook',
      env: { account: undefined, region: undefined },
      alarmTopicArn: undefined,
      webhook: {
        approverSeats: undefined,
        alarmThresholds: undefined,
        throttleRateLimit: undefined,
        throttleBurstLimit: undefined,
        logRetention: undefined,
        logLevel: undefined,
        notifications: undefined,
        stateTableRemovalPolicy: undefined,
        secretOperatorRoleArn: undefined,
        secretDeploymentRoleArn: undefined,
      },
    });
  });

  it('takes account and region from CDK_DEFAULT_*, and context values as the CLI passes them (strings)', () => {
    const config = resolveAppConfig(
      context({
        stackName: 'Approvals-Prod',
        throttleRateLimit: '2.5',
        throttleBurstLimit: '5',
        logRetentionDays: '90',
        logLevel: 'DEBUG',
      }),
      { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'us-east-2' },
    );
    expect(config).toEqual({
      stackName: 'Approvals-Prod',
      env: { account: '111111111111', region: 'eu-west-1' },
      webhook: {
        throttleRateLimit: 2.5,
        throttleBurstLimit: 5,
        logRetention: RetentionDays.THREE_MONTHS,
        logLevel: 'DEBUG',
        notifications: undefined,
        stateTableRemovalPolicy: undefined,
        secretOperatorRoleArn: undefined,
        secretDeploymentRoleArn: undefined,
      },
    });
  });

  it('accepts numbers as cdk.json gives them', () => {
    const config = resolveAppConfig(context({ throttleRateLimit: 7, logRetentionDays: 365 }), {});
    expect(config.webhook).toEqual({
      throttleRateLimit: 7,
      throttleBurstLimit: undefined,
      logRetention: RetentionDays.ONE_YEAR,
      logLevel: undefined,
      notifications: undefined,
      stateTableRemovalPolicy: undefined,
      secretOperatorRoleArn: undefined,
      secretDeploymentRoleArn: undefined,
    });
  });

  it('reads the secret operator and deployment roles, paths included', () => {
    const operator =
      'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_WebhookOps_0123456789abcdef';
    const deployment = 'arn:aws-cn:iam::111111111111:role/Deployer';
    const config = resolveAppConfig(
      context({ secretOperatorRoleArn: operator, secretDeploymentRoleArn: deployment }),
      { CDK_DEFAULT_ACCOUNT: '111111111111' },
    );
    expect(config.webhook).toMatchObject({
      secretOperatorRoleArn: operator,
      secretDeploymentRoleArn: deployment,
    });
    // Without CDK_DEFAULT_ACCOUNT the account cannot be compared, only the format.
    expect(
      resolveAppConfig(context({ secretOperatorRoleArn: 'arn:aws:iam::222222222222:role/Ops' }), {}).webhook
        .secretOperatorRoleArn,
    ).toBe('arn:aws:iam::222222222222:role/Ops');
  });

  const notifications = {
    email: { from: 'approvals@example.com', identity: 'example.com' },
    webhooks: { 'change-board': { url: 'https://hooks.example.com/ssm' } },
    rules: [{ runbooks: ['Deploy-*'], email: ['sre@example.com'], webhooks: ['change-board'] }],
    defaultRule: { email: ['platform@example.com'] },
  };

  it('reads notifications as a JSON string (-c notifications=...), with the link lifetime in seconds', () => {
    const config = resolveAppConfig(
      context({ notifications: JSON.stringify({ ...notifications, maxLinkTtlSeconds: 86400 }) }),
      {},
    );
    expect(config.webhook.notifications).toEqual({ ...notifications, maxLinkTtl: Duration.seconds(86400) });
    expect(config.webhook.notifications?.maxLinkTtl?.toSeconds()).toBe(86400);
  });

  it('reads notifications as an object (cdk.json)', () => {
    expect(resolveAppConfig(context({ notifications }), {}).webhook.notifications).toEqual(notifications);
  });

  it.each([
    ['destroy', RemovalPolicy.DESTROY],
    ['retain', RemovalPolicy.RETAIN],
  ])('reads stateTableRemovalPolicy %s', (value, policy) => {
    expect(
      resolveAppConfig(context({ stateTableRemovalPolicy: value }), {}).webhook.stateTableRemovalPolicy,
    ).toBe(policy);
  });

  it('refuses a secret role of another account than CDK_DEFAULT_ACCOUNT: the policy grants nothing across accounts', () => {
    const resolve = () =>
      resolveAppConfig(context({ secretOperatorRoleArn: 'arn:aws:iam::222222222222:role/Ops' }), {
        CDK_DEFAULT_ACCOUNT: '111111111111',
      });
    expect(resolve).toThrow(
      new AppConfigError(
        'context secretOperatorRoleArn must be a role of the stack\'s account 111111111111, got "arn:aws:iam::222222222222:role/Ops"',
      ),
    );
  });

  it('reads the approver seats, the alarm topic and the authentication-failure threshold as the CLI passes them', () => {
    const config = resolveAppConfig(
      context({
        approverSeats: '5',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:ops-alarms',
        authFailureAlarmThreshold: '50',
      }),
      { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1' },
    );
    expect(config.alarmTopicArn).toBe('arn:aws:sns:eu-west-1:111111111111:ops-alarms');
    expect(config.webhook).toMatchObject({
      approverSeats: 5,
      alarmThresholds: { authenticationFailures: 50 },
    });
    // As cdk.json gives them: numbers; and a topic of another account (its policy decides).
    const fromJson = resolveAppConfig(
      context({ approverSeats: 10, alarmTopicArn: 'arn:aws-cn:sns:cn-north-1:222222222222:Alarms_1' }),
      {},
    );
    expect(fromJson.webhook.approverSeats).toBe(10);
    expect(fromJson.alarmTopicArn).toBe('arn:aws-cn:sns:cn-north-1:222222222222:Alarms_1');
  });

  it("refuses an alarm topic outside the stack's region: CloudWatch alarms notify topics of their own region only", () => {
    const resolve = () =>
      resolveAppConfig(context({ alarmTopicArn: 'arn:aws:sns:us-east-1:111111111111:ops-alarms' }), {
        CDK_DEFAULT_REGION: 'eu-west-1',
      });
    expect(resolve).toThrow(
      new AppConfigError(
        'context alarmTopicArn must be a topic in the stack\'s region eu-west-1 (CloudWatch alarms notify topics of their own region only), got "arn:aws:sns:us-east-1:111111111111:ops-alarms"',
      ),
    );
  });

  it('treats an empty CDK_DEFAULT_* as unset', () => {
    expect(resolveAppConfig(context({}), { CDK_DEFAULT_ACCOUNT: '', CDK_DEFAULT_REGION: '' }).env).toEqual({
      account: undefined,
      region: undefined,
    });
  });

  it.each([
    [{ throttleRateLimit: 'ten' }, 'context throttleRateLimit must be a number, got "ten"'],
    [{ throttleRateLimit: '' }, 'context throttleRateLimit must be a number, got ""'],
    [{ throttleBurstLimit: true }, 'context throttleBurstLimit must be a number, got true'],
    [
      { logRetentionDays: '31' },
      'context logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ' +
        '1096, 1827, 2192, 2557, 2922, 3288, 3653, got 31',
    ],
    [
      { logRetentionDays: 9999 },
      'context logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ' +
        '1096, 1827, 2192, 2557, 2922, 3288, 3653, got 9999',
    ],
    [{ logLevel: 'info' }, 'context logLevel must be one of DEBUG, INFO, WARN, ERROR, SILENT, got "info"'],
    [{ logLevel: 3 }, 'context logLevel must be a non-empty string, got 3'],
    [
      { stackName: '1stack' },
      'context stackName must be a CloudFormation stack name (a letter, then letters, digits, -), got "1stack"',
    ],
    [
      { stateTableRemovalPolicy: 'snapshot' },
      'context stateTableRemovalPolicy must be one of destroy, retain, got "snapshot"',
    ],
    [
      { stateTableRemovalPolicy: 'RETAIN' },
      'context stateTableRemovalPolicy must be one of destroy, retain, got "RETAIN"',
    ],
    [
      { stateTableRemovalPolicy: false },
      'context stateTableRemovalPolicy must be a non-empty string, got false',
    ],
    [{ notifications: '{"email": {"from": "https://user:pw@x"' }, 'context notifications is not valid JSON'],
    [
      { notifications: '[]' },
      "context notifications must be a JSON object (in cdk.json) or a string holding one (-c notifications='{...}')",
    ],
    [
      { notifications: 5 },
      "context notifications must be a JSON object (in cdk.json) or a string holding one (-c notifications='{...}')",
    ],
    [
      { notifications: { email: { from: 'a@example.com' }, maxLinkTtl: 60, slack: {} } },
      'context notifications has unknown properties "maxLinkTtl", "slack" (allowed: email, webhooks, rules, defaultRule, maxLinkTtlSeconds)',
    ],
    [
      { notifications: { maxLinkTtlSeconds: '3600' } },
      'context notifications: "maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    ],
    [
      { notifications: { maxLinkTtlSeconds: 2592001 } },
      'context notifications: "maxLinkTtlSeconds" must be an integer from 60 to 2592000 (seconds)',
    ],
    [
      { notifications: { defaultRule: { email: ['sre@example.com'] } } },
      'context notifications: "defaultRule.email" needs "email.from": e-mail recipients require a sender address',
    ],
    [
      { notifications: { email: { from: 'approvals@example.com', identity: 'example.org' } } },
      'context notifications: "email.identity" must be the from address or its domain',
    ],
    [
      { notifications: JSON.stringify({ webhooks: { hook: { url: 'http://hooks.example.com/' } } }) },
      'context notifications: "webhooks.hook.url" must be an https:// URL (http:// only for 127.0.0.1, localhost, [::1], for local runs)',
    ],
    [
      { secretOperatorRoleArn: 'arn:aws:iam::111111111111:role/*' },
      'context secretOperatorRoleArn must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got "arn:aws:iam::111111111111:role/*"',
    ],
    [
      { secretOperatorRoleArn: 'arn:aws:iam::111111111111:user/alice' },
      'context secretOperatorRoleArn must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got "arn:aws:iam::111111111111:user/alice"',
    ],
    [
      { secretOperatorRoleArn: 'WebhookSecretOperator' },
      'context secretOperatorRoleArn must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got "WebhookSecretOperator"',
    ],
    [{ secretOperatorRoleArn: '' }, 'context secretOperatorRoleArn must be a non-empty string, got ""'],
    [
      { secretDeploymentRoleArn: 'arn:aws:sts::111111111111:assumed-role/Deployer/session' },
      'context secretDeploymentRoleArn must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got "arn:aws:sts::111111111111:assumed-role/Deployer/session"',
    ],
    [
      { approverSeats: '11' },
      'context approverSeats: approverSeats must be a whole number from 1 to 10 (an aws:approve step lists at most 10 Approvers), got 11',
    ],
    [
      { approverSeats: 0 },
      'context approverSeats: approverSeats must be a whole number from 1 to 10 (an aws:approve step lists at most 10 Approvers), got 0',
    ],
    [
      { approverSeats: '2.5' },
      'context approverSeats: approverSeats must be a whole number from 1 to 10 (an aws:approve step lists at most 10 Approvers), got 2.5',
    ],
    [{ approverSeats: 'three' }, 'context approverSeats must be a number, got "three"'],
    [
      { authFailureAlarmThreshold: '0' },
      'context authFailureAlarmThreshold: alarmThresholds.authenticationFailures must be a whole number of at least 1, got 0',
    ],
    [
      { alarmTopicArn: 'arn:aws:sqs:eu-west-1:111111111111:alarms' },
      'context alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "arn:aws:sqs:eu-west-1:111111111111:alarms"',
    ],
    [
      { alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alarms.fifo' },
      'context alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "arn:aws:sns:eu-west-1:111111111111:alarms.fifo"',
    ],
    [
      { alarmTopicArn: 'ops-alarms' },
      'context alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "ops-alarms"',
    ],
  ])('refuses %p', (values, message) => {
    const resolve = () => resolveAppConfig(context(values), {});
    expect(resolve).toThrow(new AppConfigError(message));
    expect(resolve).toThrow(AppConfigError);
  });
});
