import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cdkJsonContext, REPO_ROOT } from './synth';

// lib/app.ts run the way the CDK CLI runs it (cdk.json "app"): a separate process that receives the
// context in CDK_CONTEXT_JSON, the default environment in CDK_DEFAULT_*, and writes to CDK_OUTDIR.
interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly outdir: string;
}

function runApp(context: Record<string, unknown>, env: Record<string, string> = {}): Promise<Run> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'webhook-app-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), ...context }),
    ...env,
  };
  // Jest sets NODE_ENV=test, which makes aws-cdk-lib behave as in a unit test; the CLI does not.
  delete childEnv.NODE_ENV;
  return new Promise((resolve) => {
    execFile(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['lib/app.ts'],
      { cwd: REPO_ROOT, env: childEnv, timeout: 110_000 },
      (error, _stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stderr,
          outdir,
        });
      },
    );
  });
}

describe('lib/app.ts', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
  });

  it('synthesizes the stack from context and CDK_DEFAULT_*, with cdk-nag finding nothing', async () => {
    const run = await runApp(
      {
        throttleRateLimit: '4',
        throttleBurstLimit: '8',
        logRetentionDays: '14',
        stackName: 'WebhookAppTest',
        // As `-c notifications='{...}'` passes it: a string.
        notifications: JSON.stringify({
          email: { from: 'approvals@example.com' },
          defaultRule: { email: ['sre@example.com'] },
          maxLinkTtlSeconds: 3600,
        }),
        stateTableRemovalPolicy: 'retain',
        secretOperatorRoleArn: 'arn:aws:iam::111111111111:role/WebhookSecretOperator',
        approverSeats: '2',
        alarmTopicArn: 'arn:aws:sns:eu-central-1:111111111111:ops-alarms',
      },
      { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-central-1' },
    );
    outdirs.push(run.outdir);
    expect({ code: run.code, errors: run.stderr.match(/^.*(error|violation).*$/gim) }).toEqual({
      code: 0,
      errors: null,
    });

    const manifest = JSON.parse(readFileSync(path.join(run.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    expect(manifest.artifacts.WebhookAppTest).toMatchObject({
      type: 'aws:cloudformation:stack',
      environment: 'aws://111111111111/eu-central-1',
    });

    const template = JSON.parse(
      readFileSync(path.join(run.outdir, 'WebhookAppTest.template.json'), 'utf8'),
    ) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Outputs: Record<string, unknown>;
    };
    const ofType = (type: string) =>
      Object.values(template.Resources).filter((resource) => resource.Type === type);
    expect(ofType('AWS::ApiGatewayV2::Stage').map((stage) => stage.Properties.DefaultRouteSettings)).toEqual([
      { ThrottlingRateLimit: 4, ThrottlingBurstLimit: 8 },
    ]);
    expect(ofType('AWS::Logs::LogGroup').map((logGroup) => logGroup.Properties.RetentionInDays)).toEqual([
      14, 14, 14, 14, 14, 14,
    ]);
    expect(Object.keys(template.Outputs).sort()).toEqual([
      'ApiUrl',
      'ApproverSeatRoleArns',
      'NotificationTopicArn',
      'SecretArn',
      'SignalRoleArn',
      'SlackInteractionsUrl',
      'StopRoleArn',
    ]);
    // Two seats: the signal role and one seat role; every alarm tells the topic from context.
    expect(
      ofType('AWS::IAM::Role').filter((role) =>
        JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('"AWS":'),
      ),
    ).toHaveLength(1);
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-central-1:111111111111:ops-alarms']);
    }
    const notifierConfigs = ofType('AWS::Lambda::Function')
      .map(
        (fn) =>
          (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NOTIFIER_CONFIG,
      )
      .filter((value) => value !== undefined) as { 'Fn::Join': [string, unknown[]] }[];
    // The notifier's, and the very same for the Slack function (who may decide from Slack) and the signal
    // function (it shows a quorum's tally on the gate's Slack messages).
    expect(notifierConfigs).toHaveLength(3);
    expect(notifierConfigs[1]).toEqual(notifierConfigs[0]);
    expect(notifierConfigs[2]).toEqual(notifierConfigs[0]);
    const [config] = notifierConfigs as [{ 'Fn::Join': [string, unknown[]] }];
    expect(config['Fn::Join'][1].at(-1)).toBe(
      '","email":{"from":"approvals@example.com"},"webhooks":{},"rules":[],' +
        '"defaultRule":{"email":["sre@example.com"]},"maxLinkTtlSeconds":3600}',
    );
    expect(JSON.stringify(template.Resources)).toContain('"ses:FromAddress":"approvals@example.com"');
    expect(
      ofType('AWS::DynamoDB::Table').map((table) => (table as { DeletionPolicy?: string }).DeletionPolicy),
    ).toEqual(['Retain']);

    // The operator role from context, and the bootstrap's CloudFormation execution role of the stack's
    // environment, are the only principals that may change the secret.
    expect(
      ofType('AWS::SecretsManager::ResourcePolicy').map(
        (policy) =>
          (policy.Properties.ResourcePolicy as { Statement: { Sid: string; Condition: unknown }[] })
            .Statement,
      ),
    ).toEqual([
      [
        expect.objectContaining({ Sid: 'DenyReadExceptFunctionsOperatorDeployment' }),
        expect.objectContaining({
          Sid: 'DenyChangeExceptOperatorDeployment',
          Condition: {
            ArnNotEquals: {
              'aws:PrincipalArn': [
                'arn:aws:iam::111111111111:role/WebhookSecretOperator',
                {
                  'Fn::Sub':
                    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
                    'arn:${AWS::Partition}:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-central-1',
                },
              ],
            },
          },
        }),
      ],
    ]);

    const report = JSON.parse(readFileSync(path.join(run.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  }, 120_000);

  it('fails before synthesizing anything when a context value is unusable', async () => {
    const run = await runApp({ throttleRateLimit: 'fast' });
    outdirs.push(run.outdir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('AppConfigError: context throttleRateLimit must be a number, got "fast"');
  }, 60_000);

  it('fails before synthesizing anything when the secret operator role is not a role ARN', async () => {
    const run = await runApp({ secretOperatorRoleArn: 'arn:aws:iam::111111111111:role/*' });
    outdirs.push(run.outdir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'AppConfigError: context secretOperatorRoleArn must be an IAM role ARN without wildcards',
    );
  }, 60_000);

  it('fails before synthesizing anything when the notifications are unusable, naming the property', async () => {
    const run = await runApp({ notifications: '{"rules":[{"runbooks":["Deploy *"]}]}' });
    outdirs.push(run.outdir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'AppConfigError: context notifications: "rules[0].runbooks[0]" must be a runbook-name pattern',
    );
  }, 60_000);
});
