import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import { FUNCTION_ENTRIES, type FunctionName, ROUTES, routeKey } from '../../lambda/routes';
import { ACCESS_LOG_FIELDS } from '../../lib/approval-webhook';
import { ESM_REQUIRE_BANNER } from '../../lib/webhook-function';
import { AUTOMATION_EXECUTIONS_ARN, acknowledgments, resources, type Synthesized, synthesize } from './synth';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let synthesized: Synthesized;
let logicalId: (construct: IConstruct) => string;
let webhook: Synthesized['stack']['webhook'];

beforeAll(() => {
  synthesized = synthesize();
  webhook = synthesized.stack.webhook;
  logicalId = (construct) => synthesized.stack.getLogicalId(construct.node.defaultChild as CfnElement);
});

/** The statements of the one inline policy attached to a role (the role has no other policy). */
function statementsOfRole(roleLogicalId: string): Statement[] {
  const policies = Object.values(resources(synthesized.template)).filter(
    (resource) =>
      resource.Type === 'AWS::IAM::Policy' &&
      JSON.stringify(resource.Properties?.Roles) === JSON.stringify([{ Ref: roleLogicalId }]),
  );
  expect(policies).toHaveLength(1);
  const document = policies[0]?.Properties?.PolicyDocument as { Statement: Statement[] };
  return document.Statement;
}

function functionsByName(): Record<FunctionName, Synthesized['stack']['webhook']['signalFunction']> {
  return { signal: webhook.signalFunction, stop: webhook.stopFunction, confirm: webhook.confirmFunction };
}

describe('HTTP API', () => {
  it('has exactly the routes of lambda/routes.ts, none authorized by API Gateway (the handlers authenticate)', () => {
    const routes = synthesized.template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes)
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(keys).toEqual(
      [
        'GET /executions/{executionId}/{action}',
        'POST /executions/{executionId}/approve',
        'POST /executions/{executionId}/reject',
        'POST /executions/{executionId}/signal',
        'POST /executions/{executionId}/stop',
      ].sort(),
    );
    expect(keys).toEqual(ROUTES.map(routeKey).sort());
    for (const route of Object.values(routes)) {
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(route.Properties.ApiId).toEqual({ Ref: logicalId(webhook.httpApi) });
    }
  });

  it.each(ROUTES.map((route) => [routeKey(route), route.functionName] as const))(
    'routes %s to the %s function through a payload 2.0 proxy integration',
    (key, functionName) => {
      const route = Object.values(
        synthesized.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: key } }),
      );
      expect(route).toHaveLength(1);
      const target = route[0]?.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      expect(target['Fn::Join'][1][0]).toBe('integrations/');
      const integrationId = target['Fn::Join'][1][1].Ref;
      const integration = resources(synthesized.template)[integrationId];
      expect(integration?.Type).toBe('AWS::ApiGatewayV2::Integration');
      expect(integration?.Properties).toEqual({
        ApiId: { Ref: logicalId(webhook.httpApi) },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(functionsByName()[functionName].function), 'Arn'] },
        PayloadFormatVersion: '2.0',
      });
    },
  );

  it('lets API Gateway invoke each function only through its own routes', () => {
    const permissions = Object.values(synthesized.template.findResources('AWS::Lambda::Permission'));
    const expected = ROUTES.map((route) => ({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [logicalId(functionsByName()[route.functionName].function), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':execute-api:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':',
            { Ref: logicalId(webhook.httpApi) },
            `/*/*${route.path}`,
          ],
        ],
      },
    }));
    expect(permissions.map((permission) => permission.Properties)).toEqual(expect.arrayContaining(expected));
    expect(permissions).toHaveLength(ROUTES.length);
  });

  it('has no CORS configuration and no default stage of its own', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
  });

  it('deploys one auto-deployed $default stage, throttled at 10 rps with a burst of 20, with JSON access logs', () => {
    const stages = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages.map((stage) => stage.Properties)).toEqual([
      {
        ApiId: { Ref: logicalId(webhook.httpApi) },
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logicalId(webhook.accessLogGroup), 'Arn'] },
          Format: JSON.stringify(ACCESS_LOG_FIELDS),
        },
      },
    ]);
  });

  it('logs the route key, never the path or query string, which carry link tokens', () => {
    const stage = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const format = stage?.Properties.AccessLogSettings.Format as string;
    expect(JSON.parse(format)).toEqual({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      integrationErrorMessage: '$context.integrationErrorMessage',
    });
    expect(format).not.toMatch(/\$context\.(path|querystring|rawQueryString|rawPath)\b/i);
    expect(format).not.toMatch(/\$input|\$request|querystring/i);
  });
});

describe('functions', () => {
  it('deploys exactly the three functions of FUNCTION_ENTRIES', () => {
    synthesized.template.resourceCountIs('AWS::Lambda::Function', Object.keys(FUNCTION_ENTRIES).length);
  });

  it.each(Object.keys(FUNCTION_ENTRIES) as FunctionName[])(
    'runs %s on nodejs22.x/arm64, 256 MB, 10 s, with its own role and log group',
    (name) => {
      const webhookFunction = functionsByName()[name];
      const resource = resources(synthesized.template)[logicalId(webhookFunction.function)];
      expect(resource?.Properties).toEqual({
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        Handler: `index.${FUNCTION_ENTRIES[name].handler}`,
        MemorySize: 256,
        Timeout: 10,
        Code: expect.any(Object),
        Description: expect.any(String),
        Role: { 'Fn::GetAtt': [logicalId(webhookFunction.role), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: logicalId(webhookFunction.logGroup) } },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            APP_SECRET_ARN: { Ref: logicalId(webhook.secret) },
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
      // Well under API Gateway's 30 s integration timeout.
      expect(resource?.Properties?.Timeout).toBeLessThan(30);
      // The function waits for its policy, so the first invocation already has its permissions.
      expect(resource?.DependsOn).toEqual(
        expect.arrayContaining([logicalId(webhookFunction.role), expect.stringMatching(/DefaultPolicy/)]),
      );
    },
  );

  it.each(Object.keys(FUNCTION_ENTRIES) as FunctionName[])(
    'bundles %s as one minified ES module with a source map, the AWS SDK inside',
    (name) => {
      const assembly = synthesized.app.synth();
      const code = functionsByName()[name].function.node.findChild('Code') as Asset;
      const assetDir = path.join(assembly.directory, code.assetPath);
      expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);

      const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      // Every static import left in the bundle is a Node.js built-in: dependencies, the SDK included, are inside.
      const imported = [
        ...bundle.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{][^;]*?from\s*)?["']([^"']+)["']/g),
      ].map((match) => match[1] as string);
      expect(imported.length).toBeGreaterThan(0);
      for (const specifier of imported) expect(builtinModules).toContain(specifier.replace(/^node:/, ''));
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      // Minified: very long lines (newlines remain only inside template literals and legal comments).
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
      expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);

      const map = JSON.parse(readFileSync(path.join(assetDir, 'index.mjs.map'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(map.version).toBe(3);
      expect(map.sourcesContent).toBeUndefined();
      expect(map.sources).toEqual(
        expect.arrayContaining([expect.stringContaining(FUNCTION_ENTRIES[name].entry)]),
      );
    },
  );

  it('produces bundles that load as ES modules and export their handlers (the createRequire banner works)', async () => {
    const assembly = synthesized.app.synth();
    const load = (name: FunctionName): Promise<string> => {
      const asset = functionsByName()[name].function.node.findChild('Code') as Asset;
      const file = path.join(assembly.directory, asset.assetPath, 'index.mjs');
      const script = `const m = await import(process.argv[1]); process.stdout.write(typeof m[process.argv[2]]);`;
      return new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          ['--input-type=module', '-e', script, file, FUNCTION_ENTRIES[name].handler],
          {
            // What Lambda gives the module at import time, minus credentials: nothing is called.
            env: {
              APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:webhook-AbCdEf',
              AWS_REGION: 'eu-west-1',
              POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook',
              NODE_NO_WARNINGS: '1',
            },
            timeout: 20_000,
          },
          (error, stdout, stderr) =>
            error === null ? resolve(stdout) : reject(new Error(stderr, { cause: error })),
        );
      });
    };
    const names = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
    expect(await Promise.all(names.map(load))).toEqual(names.map(() => 'function'));
  });

  it('keeps every log group with a retention of one month, retained with the stack', () => {
    const logGroups = synthesized.template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(logGroups).sort()).toEqual(
      [
        logicalId(webhook.signalFunction.logGroup),
        logicalId(webhook.stopFunction.logGroup),
        logicalId(webhook.confirmFunction.logGroup),
        logicalId(webhook.accessLogGroup),
      ].sort(),
    );
    for (const logGroup of Object.values(logGroups)) {
      expect(logGroup.Properties).toEqual({ RetentionInDays: 30 });
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('IAM', () => {
  const secretRead = (): Statement => ({
    Effect: 'Allow',
    Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    Resource: { Ref: logicalId(webhook.secret) },
  });
  const logWrite = (name: FunctionName): Statement => ({
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::GetAtt': [logicalId(functionsByName()[name].logGroup), 'Arn'] },
  });

  it('gives the signal role exactly ssm:SendAutomationSignal on automation executions, its log group and the secret', () => {
    expect(statementsOfRole(logicalId(webhook.signalRole))).toEqual([
      logWrite('signal'),
      secretRead(),
      { Effect: 'Allow', Action: 'ssm:SendAutomationSignal', Resource: AUTOMATION_EXECUTIONS_ARN },
    ]);
  });

  it('gives the stop role exactly ssm:StopAutomationExecution on automation executions, its log group and the secret', () => {
    expect(statementsOfRole(logicalId(webhook.stopRole))).toEqual([
      logWrite('stop'),
      secretRead(),
      { Effect: 'Allow', Action: 'ssm:StopAutomationExecution', Resource: AUTOMATION_EXECUTIONS_ARN },
    ]);
  });

  it('gives the confirm role no SSM action: its log group and the secret only', () => {
    expect(statementsOfRole(logicalId(webhook.confirmRole))).toEqual([logWrite('confirm'), secretRead()]);
  });

  it('has three roles, assumable by Lambda only, with no managed policy and no inline policy of their own', () => {
    const roles = Object.values(synthesized.template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(3);
    for (const role of roles) {
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
    }
    synthesized.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    synthesized.template.resourceCountIs('AWS::IAM::Policy', 3);
  });

  it('grants no SSM action anywhere but those two, never ssm:* and never on a * resource', () => {
    const all = Object.values(synthesized.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const ssmStatements = all.filter((statement) =>
      asArray(statement.Action).some((action) => action.toLowerCase().startsWith('ssm')),
    );
    expect(ssmStatements.flatMap((statement) => asArray(statement.Action)).sort()).toEqual([
      'ssm:SendAutomationSignal',
      'ssm:StopAutomationExecution',
    ]);
    for (const statement of ssmStatements) {
      expect(statement).toEqual({
        Effect: 'Allow',
        Action: expect.any(String),
        Resource: AUTOMATION_EXECUTIONS_ARN,
      });
    }
    // Nothing else in the template names an SSM action either (no role policy hidden elsewhere).
    expect(
      JSON.stringify(synthesized.template.toJSON())
        .match(/"ssm:[^"]*"/gi)
        ?.sort(),
    ).toEqual(['"ssm:SendAutomationSignal"', '"ssm:StopAutomationExecution"']);
    for (const statement of all) {
      expect(asArray(statement.Action)).not.toContain('*');
      expect(asArray(statement.Resource)).not.toContain('*');
      expect(statement.Effect).toBe('Allow');
    }
  });

  it('lets roles read the one secret only', () => {
    const all = Object.values(synthesized.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const secretStatements = all.filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toEqual([secretRead(), secretRead(), secretRead()]);
  });
});

describe('secret', () => {
  it('is generated at deploy time in the layout the runtime reads, and destroyed with the stack', () => {
    const secrets = Object.values(synthesized.template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.Properties).toEqual({
      Description: expect.any(String),
      GenerateSecretString: {
        SecretStringTemplate: '{"activeLinkKeyId":"k1","apiClients":[]}',
        GenerateStringKey: 'linkKey.k1',
        PasswordLength: 64,
        ExcludePunctuation: true,
      },
    });
    expect(secrets[0]?.DeletionPolicy).toBe('Delete');
    expect(secrets[0]?.UpdateReplacePolicy).toBe('Delete');
  });

  it('never appears by value: no SecretString, no dynamic reference, no secret-looking environment variable', () => {
    const json = JSON.stringify(synthesized.template.toJSON());
    expect(json).not.toMatch(/"SecretString"/);
    expect(json).not.toMatch(/\{\{resolve:secretsmanager/);
    for (const fn of Object.values(synthesized.template.findResources('AWS::Lambda::Function'))) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables).sort()).toEqual(
        ['APP_SECRET_ARN', 'NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME'].sort(),
      );
      // The only variable that refers to the secret is a Ref, which resolves to its ARN.
      expect(variables.APP_SECRET_ARN).toEqual({ Ref: logicalId(webhook.secret) });
    }
  });
});

describe('outputs', () => {
  it('outputs the API URL, both role ARNs and the secret ARN (not its value)', () => {
    const outputs = synthesized.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'SecretArn', 'SignalRoleArn', 'StopRoleArn']);
    expect(outputs.ApiUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: logicalId(webhook.httpApi) },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
        ],
      ],
    });
    expect(outputs.SignalRoleArn?.Value).toEqual({ 'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'] });
    expect(outputs.StopRoleArn?.Value).toEqual({ 'Fn::GetAtt': [logicalId(webhook.stopRole), 'Arn'] });
    // For AWS::SecretsManager::Secret, Ref is the ARN.
    expect(outputs.SecretArn?.Value).toEqual({ Ref: logicalId(webhook.secret) });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning', () => {
    expect(synthesized.nag.violations).toEqual([]);
    expect(synthesized.nag.success).toBe(true);
  });

  it('is acknowledged only where needed, each with a reason of at least a sentence', () => {
    const found = acknowledgments(synthesized.app);
    const base = 'TestWebhook/Webhook';
    const iam5 =
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*]';
    expect(found.map(({ path, id }) => `${path} ${id}`).sort()).toEqual(
      [
        `${base}/Secret AwsSolutions-SMG4`,
        `${base}/SignalFunction/Role ${iam5}`,
        `${base}/StopFunction/Role ${iam5}`,
        `${base}/SignalFunction/Function AwsSolutions-L1`,
        `${base}/StopFunction/Function AwsSolutions-L1`,
        `${base}/ConfirmFunction/Function AwsSolutions-L1`,
        ...ROUTES.map(
          (route) => `${base}/Api/${route.method}${route.path.replaceAll('/', '--')} AwsSolutions-APIG4`,
        ),
      ].sort(),
    );
    for (const { reason } of found) {
      expect(reason.length).toBeGreaterThanOrEqual(60);
      expect(reason).toMatch(/\.$/);
      expect(reason.split(/\s+/).length).toBeGreaterThanOrEqual(10);
    }
  });
});
