import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import { validateNotifierConfig } from '../../lambda/notify/config';
import { NOTIFIER_EVENT_PATTERNS } from '../../lambda/notify/event-patterns';
import { SLACK_POST_KEY_PREFIX } from '../../lambda/notify/slack-posts';
import { STATE_TABLE_ENV } from '../../lambda/notify/state-table';
import { QUORUM_KEY_PREFIX } from '../../lambda/quorum/claims';
import { FUNCTION_ENTRIES, type FunctionName, ROUTES, routeKey } from '../../lambda/routes';
import { NOTIFIER_FUNCTION_ENTRY } from '../../lib/approval-notifier';
import { ACCESS_LOG_FIELDS } from '../../lib/approval-webhook';
import { APPROVER_SEAT_ROLE_ARNS_ENV } from '../../lib/approver-seats';
import { SECRET_WRITE_ACTIONS } from '../../lib/secret-policy';
import { SLACK_FUNCTION_DEFAULTS } from '../../lib/slack-function';
import { SHARED_ROLES, SSM_ACTIONS } from '../../lib/ssm-permissions';
import { STATE_ITEM_ACCESS } from '../../lib/state-table-access';
import type { WebhookFunction } from '../../lib/webhook-function';
import { ESM_REQUIRE_BANNER } from '../../lib/webhook-function';
import {
  AUTOMATION_EXECUTIONS_ARN,
  acknowledgments,
  deployedString,
  resources,
  type Synthesized,
  synthesize,
} from './synth';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The functions that act on a gate or show it, and so learn the approver seats: all but stop. */
const SEAT_KNOWERS = ['signal', 'confirm', 'slack', 'notifier'] as const;

let synthesized: Synthesized;
let logicalId: (construct: IConstruct) => string;
let webhook: Synthesized['stack']['webhook'];

/** APPROVER_SEAT_ROLE_ARNS as CloudFormation gets it: the JSON array of the three seats, seat 1 first. */
function seatRoleArnsVariable(): unknown {
  const [seat2, seat3] = webhook.approverSeats.seatRoles.map(logicalId);
  return {
    'Fn::Join': [
      '',
      [
        '["',
        { 'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'] },
        '","',
        { 'Fn::GetAtt': [seat2, 'Arn'] },
        '","',
        { 'Fn::GetAtt': [seat3, 'Arn'] },
        '"]',
      ],
    ],
  };
}

beforeAll(() => {
  synthesized = synthesize();
  webhook = synthesized.stack.webhook;
  logicalId = (construct) => synthesized.stack.getLogicalId(construct.node.defaultChild as CfnElement);
});

/**
 * The notifier's environment as Lambda gives it after deployment: every CloudFormation reference in it
 * replaced by a plausible deployed value.
 */
function deployedNotifierEnvironment(): { NOTIFIER_CONFIG: string; STATE_TABLE_NAME: string } {
  const deployedValues = new Map<string, string>([
    [JSON.stringify({ Ref: logicalId(webhook.httpApi) }), 'abc123'],
    [JSON.stringify({ Ref: 'AWS::Region' }), 'eu-west-1'],
    [JSON.stringify({ Ref: 'AWS::URLSuffix' }), 'amazonaws.com'],
    [
      JSON.stringify({ 'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'] }),
      'arn:aws:iam::111111111111:role/SignalRole',
    ],
    [JSON.stringify({ Ref: logicalId(webhook.stateTable) }), 'TestWebhook-StateTable-ABC'],
  ]);
  const deployed = (reference: unknown): string => {
    const value = deployedValues.get(JSON.stringify(reference));
    if (value === undefined) throw new Error(`unexpected reference ${JSON.stringify(reference)}`);
    return value;
  };
  const variables = resources(synthesized.template)[logicalId(webhook.notifier.function.function)]?.Properties
    ?.Environment as { Variables: Record<string, unknown> };
  return {
    NOTIFIER_CONFIG: deployedString(variables.Variables.NOTIFIER_CONFIG, deployed),
    STATE_TABLE_NAME: deployedString(variables.Variables.STATE_TABLE_NAME, deployed),
  };
}

/** The logical ids of the policies attached to a role. */
function policiesOfRole(roleLogicalId: string): string[] {
  return Object.entries(resources(synthesized.template))
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(resource.Properties?.Roles) === JSON.stringify([{ Ref: roleLogicalId }]),
    )
    .map(([id]) => id);
}

/** The statements of a role's default policy (the one its grants go to). */
function statementsOfRole(role: IConstruct): Statement[] {
  const defaultPolicy = logicalId(role.node.findChild('DefaultPolicy'));
  expect(policiesOfRole(logicalId(role))).toContain(defaultPolicy);
  const document = resources(synthesized.template)[defaultPolicy]?.Properties?.PolicyDocument as {
    Statement: Statement[];
  };
  return document.Statement;
}

function functionsByName(): Record<FunctionName, WebhookFunction> {
  return {
    signal: webhook.signalFunction,
    stop: webhook.stopFunction,
    confirm: webhook.confirmFunction,
    slack: webhook.slackFunction,
  };
}

/** The functions of the HTTP API that run with a role of their own (the Slack function runs as the signal role). */
const OWN_ROLE_FUNCTIONS = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter(
  (name) => !(name in SHARED_ROLES),
);

/** Every function of the stack: the four of the HTTP API and the notifier. */
type AnyFunctionName = FunctionName | 'notifier';
function allFunctions(): Record<AnyFunctionName, WebhookFunction> {
  return { ...functionsByName(), notifier: webhook.notifier.function };
}
const ALL_ENTRIES: Readonly<Record<AnyFunctionName, { readonly entry: string; readonly handler: string }>> = {
  ...FUNCTION_ENTRIES,
  notifier: NOTIFIER_FUNCTION_ENTRY,
};

describe('HTTP API', () => {
  it('has exactly the routes of lambda/routes.ts, none authorized by API Gateway (the handlers authenticate)', () => {
    const routes = synthesized.template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes)
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(keys).toEqual(
      [
        'GET /executions/{executionId}/{action}',
        'GET /openapi.json',
        'POST /executions/{executionId}/approve',
        'POST /executions/{executionId}/reject',
        'POST /executions/{executionId}/signal',
        'POST /executions/{executionId}/stop',
        'POST /slack/interactions',
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
    const permissions = Object.values(
      synthesized.template.findResources('AWS::Lambda::Permission', {
        Properties: { Principal: 'apigateway.amazonaws.com' },
      }),
    );
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

/** The notifier role's one Deny: it may not touch the approver-seat claims (quorum# items). */
const QUORUM_CLAIMS_DENIED = {
  Effect: 'Deny',
  Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WebhookStateTable[0-9A-F]{8}$/), 'Arn'] },
  Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['quorum#*'] } },
};

describe('functions', () => {
  it('deploys exactly the four functions of FUNCTION_ENTRIES and the notifier', () => {
    expect(Object.keys(synthesized.template.findResources('AWS::Lambda::Function')).sort()).toEqual(
      Object.values(allFunctions())
        .map((fn) => logicalId(fn.function))
        .sort(),
    );
    expect(Object.keys(FUNCTION_ENTRIES).sort()).toEqual(['confirm', 'signal', 'slack', 'stop']);
  });

  it.each(OWN_ROLE_FUNCTIONS)(
    'runs %s on nodejs24.x/arm64, 256 MB, 10 s, with its own role and log group (and, but for stop, the seats and the state table)',
    (name) => {
      const webhookFunction = functionsByName()[name];
      const resource = resources(synthesized.template)[logicalId(webhookFunction.function)];
      expect(resource?.Properties).toEqual({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
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
            POWERTOOLS_METRICS_NAMESPACE: 'SsmApprovalWebhook',
            APP_SECRET_ARN: { Ref: logicalId(webhook.secret) },
            NODE_OPTIONS: '--enable-source-maps',
            ...(name === 'stop'
              ? {}
              : {
                  [APPROVER_SEAT_ROLE_ARNS_ENV]: seatRoleArnsVariable(),
                  STATE_TABLE_NAME: { Ref: logicalId(webhook.stateTable) },
                }),
            // The signal function shows a quorum's tally on the gate's Slack messages: the notifier's config.
            ...(name === 'signal'
              ? {
                  NOTIFIER_CONFIG: (
                    resources(synthesized.template)[logicalId(webhook.notifier.function.function)]?.Properties
                      ?.Environment as { Variables?: Record<string, unknown> } | undefined
                  )?.Variables?.NOTIFIER_CONFIG,
                }
              : {}),
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

  it.each(Object.keys(ALL_ENTRIES) as AnyFunctionName[])(
    'bundles %s as one minified ES module with a source map, the AWS SDK inside',
    (name) => {
      const assembly = synthesized.app.synth();
      const code = allFunctions()[name].function.node.findChild('Code') as Asset;
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
      expect(map.sources).toEqual(expect.arrayContaining([expect.stringContaining(ALL_ENTRIES[name].entry)]));
    },
  );

  it('produces bundles that load as ES modules and export their handlers (the createRequire banner works)', async () => {
    const assembly = synthesized.app.synth();
    const load = (name: AnyFunctionName): Promise<string> => {
      const asset = allFunctions()[name].function.node.findChild('Code') as Asset;
      const file = path.join(assembly.directory, asset.assetPath, 'index.mjs');
      const script = `const m = await import(process.argv[1]); process.stdout.write(typeof m[process.argv[2]]);`;
      return new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          ['--input-type=module', '-e', script, file, ALL_ENTRIES[name].handler],
          {
            // What Lambda gives the module at import time, minus credentials: nothing is called.
            env: {
              APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:webhook-AbCdEf',
              AWS_REGION: 'eu-west-1',
              POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook',
              NODE_NO_WARNINGS: '1',
              AWS_LAMBDA_FUNCTION_NAME: `TestWebhook-${name}`,
              ...(name === 'notifier' || name === 'slack' ? deployedNotifierEnvironment() : {}),
            },
            timeout: 20_000,
          },
          (error, stdout, stderr) =>
            error === null ? resolve(stdout) : reject(new Error(stderr, { cause: error })),
        );
      });
    };
    const names = Object.keys(ALL_ENTRIES) as AnyFunctionName[];
    expect(names).toContain('notifier');
    expect(await Promise.all(names.map(load))).toEqual(names.map(() => 'function'));
  });

  it('keeps every log group with a retention of one month, retained with the stack', () => {
    const logGroups = synthesized.template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(logGroups).sort()).toEqual(
      [
        logicalId(webhook.signalFunction.logGroup),
        logicalId(webhook.stopFunction.logGroup),
        logicalId(webhook.confirmFunction.logGroup),
        logicalId(webhook.slackFunction.logGroup),
        logicalId(webhook.notifier.function.logGroup),
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
  const logWrite = (name: AnyFunctionName): Statement => ({
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::GetAtt': [logicalId(allFunctions()[name].logGroup), 'Arn'] },
  });
  const allStatements = (): Statement[] =>
    Object.values(synthesized.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );

  it('splits the SSM actions into the two mutating ones, each in one role, and the one read action', () => {
    expect(SSM_ACTIONS).toEqual({
      signal: { mutating: ['ssm:SendAutomationSignal'], read: ['ssm:GetAutomationExecution'] },
      stop: { mutating: ['ssm:StopAutomationExecution'], read: ['ssm:GetAutomationExecution'] },
      confirm: { mutating: [], read: ['ssm:GetAutomationExecution'] },
      notifier: { mutating: [], read: ['ssm:GetAutomationExecution'] },
      approverSeat: { mutating: ['ssm:SendAutomationSignal'], read: [] },
    });
  });

  it("gives the signal role exactly ssm:SendAutomationSignal and ssm:GetAutomationExecution on automation executions, sts:AssumeRole on the approver seats, the signal and Slack functions' log groups, the secret and get and update of the table's slack# and quorum# items", () => {
    expect(statementsOfRole(webhook.signalRole)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          { 'Fn::GetAtt': [logicalId(webhook.signalFunction.logGroup), 'Arn'] },
          { 'Fn::GetAtt': [logicalId(webhook.slackFunction.logGroup), 'Arn'] },
        ],
      },
      secretRead(),
      {
        Effect: 'Allow',
        Action: ['ssm:GetAutomationExecution', 'ssm:SendAutomationSignal'],
        Resource: AUTOMATION_EXECUTIONS_ARN,
      },
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: webhook.approverSeats.seatRoles.map((role) => ({ 'Fn::GetAtt': [logicalId(role), 'Arn'] })),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [logicalId(webhook.stateTable), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['slack#*', 'quorum#*'] } },
      },
    ]);
  });

  it('takes the state-table key prefixes from the lambda modules that write the items', () => {
    expect(SLACK_POST_KEY_PREFIX).toBe('slack#');
    expect(QUORUM_KEY_PREFIX).toBe('quorum#');
    expect(STATE_ITEM_ACCESS).toEqual({
      signal: {
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        keyPrefixes: [SLACK_POST_KEY_PREFIX, QUORUM_KEY_PREFIX],
      },
      confirm: { actions: ['dynamodb:GetItem'], keyPrefixes: [QUORUM_KEY_PREFIX] },
    });
  });

  it('runs the Slack function as the signal role itself, the one SSM accepts approvals from', () => {
    expect(SHARED_ROLES).toEqual({ slack: 'signal' });
    expect(webhook.slackFunction.role).toBe(webhook.signalRole);
    expect(webhook.slackFunction.function.role).toBe(webhook.signalRole);
    expect(
      resources(synthesized.template)[logicalId(webhook.slackFunction.function)]?.Properties?.Role,
    ).toEqual({
      'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'],
    });
    // No role of its own.
    expect(webhook.slackFunction.node.tryFindChild('Role')).toBeUndefined();
  });

  it('lets the signal role invoke the Slack function, and nothing else, in a policy of its own', () => {
    expect(policiesOfRole(logicalId(webhook.signalRole)).sort()).toEqual(
      [
        logicalId(webhook.signalRole.node.findChild('DefaultPolicy')),
        logicalId(webhook.slackSelfInvokePolicy),
      ].sort(),
    );
    expect(resources(synthesized.template)[logicalId(webhook.slackSelfInvokePolicy)]).toEqual({
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: logicalId(webhook.slackSelfInvokePolicy),
        Roles: [{ Ref: logicalId(webhook.signalRole) }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: { 'Fn::GetAtt': [logicalId(webhook.slackFunction.function), 'Arn'] },
            },
          ],
        },
      },
    });
    const invokeStatements = allStatements().filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('lambda:')),
    );
    expect(invokeStatements).toHaveLength(1);
  });

  it('gives the stop role exactly ssm:StopAutomationExecution and ssm:GetAutomationExecution on automation executions, its log group and the secret', () => {
    expect(policiesOfRole(logicalId(webhook.stopRole))).toHaveLength(1);
    expect(statementsOfRole(webhook.stopRole)).toEqual([
      logWrite('stop'),
      secretRead(),
      {
        Effect: 'Allow',
        Action: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'],
        Resource: AUTOMATION_EXECUTIONS_ARN,
      },
    ]);
  });

  it("gives the confirm role only ssm:GetAutomationExecution of SSM, its log group, the secret and get of the table's quorum# items", () => {
    expect(policiesOfRole(logicalId(webhook.confirmRole))).toHaveLength(1);
    expect(statementsOfRole(webhook.confirmRole)).toEqual([
      logWrite('confirm'),
      secretRead(),
      { Effect: 'Allow', Action: 'ssm:GetAutomationExecution', Resource: AUTOMATION_EXECUTIONS_ARN },
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [logicalId(webhook.stateTable), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['quorum#*'] } },
      },
    ]);
  });

  it('gives the notifier role reads of executions, item access to the state table, its log group, the secret and sending to its dead-letter queue; no SES without e-mail', () => {
    expect(policiesOfRole(logicalId(webhook.notifier.role))).toHaveLength(1);
    expect(statementsOfRole(webhook.notifier.role)).toEqual([
      logWrite('notifier'),
      secretRead(),
      { Effect: 'Allow', Action: 'ssm:GetAutomationExecution', Resource: AUTOMATION_EXECUTIONS_ARN },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [logicalId(webhook.stateTable), 'Arn'] },
      },
      QUORUM_CLAIMS_DENIED,
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(webhook.notifier.deadLetterQueue), 'Arn'] },
      },
    ]);
    expect(JSON.stringify(synthesized.template.toJSON())).not.toMatch(/"ses:/);
  });

  it('has four function roles (the Slack function runs as the signal role), assumable by Lambda only, and two approver seats; none with a managed or inline policy', () => {
    const roles = synthesized.template.findResources('AWS::IAM::Role');
    const seatIds = webhook.approverSeats.seatRoles.map(logicalId);
    expect(Object.keys(roles).sort()).toEqual(
      [...new Set(Object.values(allFunctions()).map((fn) => logicalId(fn.role))), ...seatIds].sort(),
    );
    expect(Object.keys(roles)).toHaveLength(6);
    for (const [id, role] of Object.entries(roles)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      if (seatIds.includes(id)) continue; // their trust: 'approver seats' below
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      });
    }
    synthesized.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    // One default policy per role (seats included), and the signal role's self-invoke policy.
    synthesized.template.resourceCountIs('AWS::IAM::Policy', 7);
  });

  /*
   * The rule of the mutating actions: ssm:StopAutomationExecution in exactly one role, the stop role (SSM
   * checks no approver on a stop). ssm:SendAutomationSignal in the signal role and the approver seats only,
   * and every seat holds nothing else and trusts only the signal role. Why seats hold it at all: SSM counts
   * approvals per principal, so a gate that needs N people needs N principals among its Approvers; the seats
   * let N different people's approvals reach SSM as N decisions, and only through the signal role.
   */
  it('grants no SSM action but the three: StopAutomationExecution in the stop role only, SendAutomationSignal in the signal role and the seats only; never ssm:* and never on a * resource', () => {
    const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy'));
    const ssmActionsByRole = policies
      .map((policy) => ({
        roles: policy.Properties.Roles as unknown[],
        actions: (policy.Properties.PolicyDocument.Statement as Statement[])
          .flatMap((statement) => asArray(statement.Action))
          .filter((action) => action.toLowerCase().startsWith('ssm'))
          .sort(),
      }))
      .filter(({ actions }) => actions.length > 0);
    const byRoles = (a: { roles: unknown[] }, b: { roles: unknown[] }) =>
      JSON.stringify(a.roles).localeCompare(JSON.stringify(b.roles));
    expect(ssmActionsByRole.sort(byRoles)).toEqual(
      [
        {
          roles: [{ Ref: logicalId(webhook.signalRole) }],
          actions: ['ssm:GetAutomationExecution', 'ssm:SendAutomationSignal'],
        },
        {
          roles: [{ Ref: logicalId(webhook.stopRole) }],
          actions: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'],
        },
        { roles: [{ Ref: logicalId(webhook.confirmRole) }], actions: ['ssm:GetAutomationExecution'] },
        { roles: [{ Ref: logicalId(webhook.notifier.role) }], actions: ['ssm:GetAutomationExecution'] },
        ...webhook.approverSeats.seatRoles.map((seat) => ({
          roles: [{ Ref: logicalId(seat) }],
          actions: ['ssm:SendAutomationSignal'],
        })),
      ].sort(byRoles),
    );
    expect(ssmActionsByRole.filter(({ actions }) => actions.includes('ssm:StopAutomationExecution'))).toEqual(
      [{ roles: [{ Ref: logicalId(webhook.stopRole) }], actions: expect.any(Array) }],
    );
    const signalHolders = ssmActionsByRole
      .filter(({ actions }) => actions.includes('ssm:SendAutomationSignal'))
      .map(({ roles }) => roles);
    const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(signalHolders.sort(byJson)).toEqual(
      [webhook.signalRole, ...webhook.approverSeats.seatRoles]
        .map((role) => [{ Ref: logicalId(role) }])
        .sort(byJson),
    );
    // Every seat: trusts only the signal role, holds only SendAutomationSignal, in one policy.
    for (const seat of webhook.approverSeats.seatRoles) {
      expect(resources(synthesized.template)[logicalId(seat)]?.Properties?.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'] } },
          },
        ],
      });
      expect(policiesOfRole(logicalId(seat))).toEqual([logicalId(seat.node.findChild('DefaultPolicy'))]);
      expect(statementsOfRole(seat)).toEqual([
        { Effect: 'Allow', Action: 'ssm:SendAutomationSignal', Resource: AUTOMATION_EXECUTIONS_ARN },
      ]);
    }

    const ssmStatements = allStatements().filter((statement) =>
      asArray(statement.Action).some((action) => action.toLowerCase().startsWith('ssm')),
    );
    for (const statement of ssmStatements) {
      expect(statement).toEqual({
        Effect: 'Allow',
        Action: expect.anything(),
        Resource: AUTOMATION_EXECUTIONS_ARN,
      });
    }
    // Nothing else in the template names an SSM action either (no role policy hidden elsewhere).
    expect([...new Set(JSON.stringify(synthesized.template.toJSON()).match(/"ssm:[^"]*"/gi))].sort()).toEqual(
      ['"ssm:GetAutomationExecution"', '"ssm:SendAutomationSignal"', '"ssm:StopAutomationExecution"'],
    );
    for (const statement of allStatements()) {
      expect(asArray(statement.Action)).not.toContain('*');
      expect(asArray(statement.Resource)).not.toContain('*');
      // The one Deny: the notifier may not touch the seat claims.
      if (statement.Effect === 'Deny') expect(statement).toEqual(QUORUM_CLAIMS_DENIED);
      else expect(statement.Effect).toBe('Allow');
    }
  });

  it('lets roles read the one secret only', () => {
    const secretStatements = allStatements().filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toEqual([secretRead(), secretRead(), secretRead(), secretRead()]);
  });

  it('lets only the signal role assume a role, and only the approver seats', () => {
    const stsStatements = Object.values(synthesized.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument.Statement as Statement[])
          .filter((statement) => asArray(statement.Action).some((action) => action.startsWith('sts:')))
          .map((statement) => ({ roles: policy.Properties.Roles as unknown[], statement })),
    );
    expect(stsStatements).toEqual([
      {
        roles: [{ Ref: logicalId(webhook.signalRole) }],
        statement: {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: webhook.approverSeats.seatRoles.map((seat) => ({
            'Fn::GetAtt': [logicalId(seat), 'Arn'],
          })),
        },
      },
    ]);
    // No sts:TagSession anywhere: the webhook passes no session tags.
    expect(JSON.stringify(synthesized.template.toJSON())).not.toContain('sts:TagSession');
  });

  it("lets only the notifier, the signal role and the confirm role touch the state table's items: the signal role only slack# and quorum# items, without put or delete, the confirm role only reads quorum# items", () => {
    const dynamoStatementsByRole = Object.values(
      synthesized.template.findResources('AWS::IAM::Policy'),
    ).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[])
        .filter((statement) => asArray(statement.Action).some((action) => action.startsWith('dynamodb:')))
        .map((statement) => ({ roles: policy.Properties.Roles as unknown[], statement })),
    );
    const table = { 'Fn::GetAtt': [logicalId(webhook.stateTable), 'Arn'] };
    expect(dynamoStatementsByRole).toEqual([
      {
        roles: [{ Ref: logicalId(webhook.signalRole) }],
        statement: {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: table,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['slack#*', 'quorum#*'] } },
        },
      },
      {
        roles: [{ Ref: logicalId(webhook.confirmRole) }],
        statement: {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: table,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['quorum#*'] } },
        },
      },
      {
        roles: [{ Ref: logicalId(webhook.notifier.role) }],
        statement: {
          Effect: 'Allow',
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: table,
        },
      },
      // The notifier never touches the seat claims: they alone keep one person to one seat.
      { roles: [{ Ref: logicalId(webhook.notifier.role) }], statement: QUORUM_CLAIMS_DENIED },
    ]);
  });
});

describe('state table', () => {
  it('is on demand, keyed by the string "id", expires items by "expiration", with PITR and AWS-managed encryption, destroyed with the stack', () => {
    const tables = synthesized.template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toEqual([logicalId(webhook.stateTable)]);
    expect(Object.values(tables)[0]).toEqual({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('notifier', () => {
  it('runs on nodejs24.x/arm64, 256 MB, 30 s, with its own role and log group, the config and the table name', () => {
    const notifier = webhook.notifier.function;
    const resource = resources(synthesized.template)[logicalId(notifier.function)];
    expect(resource?.Properties).toEqual({
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      Code: expect.any(Object),
      Description: 'Tells approvers that an SSM Automation approval gate waits',
      Role: { 'Fn::GetAtt': [logicalId(notifier.role), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: logicalId(notifier.logGroup) } },
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_METRICS_NAMESPACE: 'SsmApprovalWebhook',
          APP_SECRET_ARN: { Ref: logicalId(webhook.secret) },
          NODE_OPTIONS: '--enable-source-maps',
          NOTIFIER_CONFIG: expect.any(Object),
          STATE_TABLE_NAME: { Ref: logicalId(webhook.stateTable) },
          APPROVER_SEAT_ROLE_ARNS: seatRoleArnsVariable(),
        },
      },
    });
    expect(resource?.DependsOn).toEqual(
      expect.arrayContaining([logicalId(notifier.role), expect.stringMatching(/DefaultPolicy/)]),
    );
  });

  it('gets NOTIFIER_CONFIG as JSON with the API URL and signal role ARN filled in at deploy time', () => {
    const environment = deployedNotifierEnvironment();
    expect(JSON.parse(environment.NOTIFIER_CONFIG)).toEqual({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
      signalRoleArn: 'arn:aws:iam::111111111111:role/SignalRole',
      webhooks: {},
      rules: [],
      maxLinkTtlSeconds: 604800,
    });
    // What the notifier will read at run time passes its own validation.
    expect(validateNotifierConfig(JSON.parse(environment.NOTIFIER_CONFIG))).toEqual({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      signalRoleArn: 'arn:aws:iam::111111111111:role/SignalRole',
      webhooks: {},
      rules: [],
      maxLinkTtlSeconds: 604800,
    });
  });

  it('is reached through an SNS topic named Automation-…, encrypted with the AWS-managed SNS key, TLS only', () => {
    const topics = synthesized.template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toEqual([logicalId(webhook.notifier.topic)]);
    const topic = Object.values(topics)[0];
    expect(topic?.Properties).toEqual({
      TopicName: 'Automation-TestWebhookNotifier72159BAC',
      DisplayName: 'SSM Automation approval gates (ssm-approval-webhook)',
      KmsMasterKeyId: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':kms:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alias/aws/sns',
          ],
        ],
      },
    });
    expect(topic?.Properties.TopicName).toMatch(/^Automation/);

    const topicRef = { Ref: logicalId(webhook.notifier.topic) };
    expect(
      Object.values(synthesized.template.findResources('AWS::SNS::TopicPolicy')).map((p) => p.Properties),
    ).toEqual([
      {
        Topics: [topicRef],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowPublishThroughSSLOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: topicRef,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            {
              Sid: 'PublishFromThisAccount',
              Effect: 'Allow',
              Principal: {
                AWS: {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
                  ],
                },
              },
              Action: 'sns:Publish',
              Resource: topicRef,
            },
          ],
        },
      },
    ]);

    const notifierArn = { 'Fn::GetAtt': [logicalId(webhook.notifier.function.function), 'Arn'] };
    expect(
      Object.values(synthesized.template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties),
    ).toEqual([
      {
        Protocol: 'lambda',
        TopicArn: topicRef,
        Endpoint: notifierArn,
        // What SNS cannot hand to the function lands in the notifier's dead-letter queue.
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(webhook.notifier.deadLetterQueue), 'Arn'] },
        },
      },
    ]);
  });

  it('is reached through one EventBridge rule per pattern of NOTIFIER_EVENT_PATTERNS, retried for up to 6 hours, then dead-lettered', () => {
    const target = {
      Arn: { 'Fn::GetAtt': [logicalId(webhook.notifier.function.function), 'Arn'] },
      Id: 'Target0',
      RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 20 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(webhook.notifier.deadLetterQueue), 'Arn'] } },
    };
    expect(webhook.notifier.eventRules.map((rule) => rule.node.id)).toEqual([
      'WaitingExecutionRule',
      'ApproveStepRule',
      'FinishedExecutionRule',
    ]);
    expect(webhook.notifier.eventRules).toHaveLength(NOTIFIER_EVENT_PATTERNS.length);
    const rules = synthesized.template.findResources('AWS::Events::Rule');
    expect(rules).toEqual(
      Object.fromEntries(
        webhook.notifier.eventRules.map((rule, index) => [
          logicalId(rule),
          {
            Type: 'AWS::Events::Rule',
            Properties: {
              Description: expect.stringMatching(/^ssm-approval-webhook notifier: EC2 Automation /),
              EventPattern: NOTIFIER_EVENT_PATTERNS[index],
              State: 'ENABLED',
              Targets: [target],
            },
          },
        ]),
      ),
    );
    // The first two keep the logical ids they had before patterns were added.
    expect(Object.keys(rules)).toEqual(
      expect.arrayContaining([
        'WebhookNotifierWaitingExecutionRule37FDAEA1',
        'WebhookNotifierApproveStepRule948F3CE3',
      ]),
    );
    expect(rules[logicalId(webhook.notifier.eventRules[0] as IConstruct)]?.Properties.Description).toBe(
      'ssm-approval-webhook notifier: EC2 Automation Execution Status-change Notification, Status Waiting',
    );
    expect(rules[logicalId(webhook.notifier.eventRules[1] as IConstruct)]?.Properties.Description).toBe(
      'ssm-approval-webhook notifier: EC2 Automation Step Status-change Notification, Action aws:approve',
    );
  });

  it('may be invoked by its topic and its rules only', () => {
    const notifierArn = { 'Fn::GetAtt': [logicalId(webhook.notifier.function.function), 'Arn'] };
    const permissions = Object.values(synthesized.template.findResources('AWS::Lambda::Permission'))
      .map((permission) => permission.Properties)
      .filter((properties) => JSON.stringify(properties.FunctionName) === JSON.stringify(notifierArn));
    expect(permissions).toEqual(
      expect.arrayContaining([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: notifierArn,
          Principal: 'sns.amazonaws.com',
          SourceArn: { Ref: logicalId(webhook.notifier.topic) },
        },
        ...webhook.notifier.eventRules.map((rule) => ({
          Action: 'lambda:InvokeFunction',
          FunctionName: notifierArn,
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [logicalId(rule), 'Arn'] },
        })),
      ]),
    );
    expect(permissions).toHaveLength(1 + NOTIFIER_EVENT_PATTERNS.length);
    synthesized.template.resourceCountIs(
      'AWS::Lambda::Permission',
      ROUTES.length + 1 + NOTIFIER_EVENT_PATTERNS.length,
    );
  });
});

describe('Slack function', () => {
  it('serves POST /slack/interactions through a payload 2.0 proxy integration', () => {
    const route = Object.values(
      synthesized.template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: 'POST /slack/interactions' },
      }),
    );
    expect(route).toHaveLength(1);
    const target = route[0]?.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    expect(target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: expect.any(String) }]] });
    expect(resources(synthesized.template)[target['Fn::Join'][1][1].Ref]).toEqual({
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        ApiId: { Ref: logicalId(webhook.httpApi) },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': [logicalId(webhook.slackFunction.function), 'Arn'] },
        PayloadFormatVersion: '2.0',
      },
    });
    expect(FUNCTION_ENTRIES.slack).toEqual({ entry: 'lambda/handlers/slack.ts', handler: 'handler' });
  });

  it("runs on nodejs24.x/arm64, 256 MB, 10 s, as the signal role, with its own log group and the notifier's configuration", () => {
    const slack = webhook.slackFunction;
    const resource = resources(synthesized.template)[logicalId(slack.function)];
    const notifierVariables = resources(synthesized.template)[logicalId(webhook.notifier.function.function)]
      ?.Properties?.Environment as { Variables: Record<string, unknown> };
    expect(resource?.Properties).toEqual({
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      Code: expect.any(Object),
      Description: 'Approve or reject an SSM Automation execution from a Slack button',
      Role: { 'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: logicalId(slack.logGroup) } },
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_METRICS_NAMESPACE: 'SsmApprovalWebhook',
          APP_SECRET_ARN: { Ref: logicalId(webhook.secret) },
          NODE_OPTIONS: '--enable-source-maps',
          // The very value the notifier gets: the routing rules say who may decide from Slack.
          NOTIFIER_CONFIG: notifierVariables.Variables.NOTIFIER_CONFIG,
          STATE_TABLE_NAME: { Ref: logicalId(webhook.stateTable) },
          APPROVER_SEAT_ROLE_ARNS: seatRoleArnsVariable(),
        },
      },
    });
    expect(resource?.DependsOn).toEqual(
      expect.arrayContaining([
        logicalId(webhook.signalRole),
        expect.stringMatching(/SignalFunctionRoleDefaultPolicy/),
      ]),
    );
    expect(webhook.slackFunction.function.timeout?.toSeconds()).toBeLessThan(30);
  });

  it('never retries its asynchronous invocations (the hand-off of a decision), and drops them after 15 minutes', () => {
    expect(SLACK_FUNCTION_DEFAULTS.asyncRetryAttempts).toBe(0);
    expect(
      Object.values(
        synthesized.template.findResources('AWS::Lambda::EventInvokeConfig', {
          Properties: { FunctionName: { Ref: logicalId(webhook.slackFunction.function) } },
        }),
      ),
    ).toEqual([
      {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: { Ref: logicalId(webhook.slackFunction.function) },
          Qualifier: '$LATEST',
          MaximumRetryAttempts: 0,
          MaximumEventAgeInSeconds: 900,
        },
      },
    ]);
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

  /** The CDK bootstrap's CloudFormation execution role, as CloudFormation resolves it in this (environment-agnostic) stack. */
  const DEPLOYMENT_ROLE = {
    'Fn::Sub':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not JavaScript's
      'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
  };
  const roleArn = (role: IConstruct) => ({ 'Fn::GetAtt': [logicalId(role), 'Arn'] });

  it('denies reading its value to every principal but the four function roles and the deployment, and changing it to every principal but the deployment', () => {
    const policies = synthesized.template.findResources('AWS::SecretsManager::ResourcePolicy');
    expect(policies).toEqual({
      [logicalId(webhook.secretPolicy)]: {
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
                      DEPLOYMENT_ROLE,
                    ],
                  },
                },
              },
              {
                Sid: 'DenyChangeExceptOperatorDeployment',
                Effect: 'Deny',
                Principal: '*',
                Action: [
                  'secretsmanager:CancelRotateSecret',
                  'secretsmanager:DeleteResourcePolicy',
                  'secretsmanager:DeleteSecret',
                  'secretsmanager:PutResourcePolicy',
                  'secretsmanager:PutSecretValue',
                  'secretsmanager:RemoveRegionsFromReplication',
                  'secretsmanager:ReplicateSecretToRegions',
                  'secretsmanager:RestoreSecret',
                  'secretsmanager:RotateSecret',
                  'secretsmanager:StopReplicationToReplica',
                  'secretsmanager:UpdateSecret',
                  'secretsmanager:UpdateSecretVersionStage',
                ],
                Resource: '*',
                Condition: { ArnNotEquals: { 'aws:PrincipalArn': [DEPLOYMENT_ROLE] } },
              },
            ],
          },
        },
        // Destroyed with the secret (the default secretRemovalPolicy).
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      },
    });
    expect([...SECRET_WRITE_ACTIONS].sort()).toEqual(
      policies[logicalId(webhook.secretPolicy)]?.Properties.ResourcePolicy.Statement[1].Action,
    );
  });

  it('exempts from the read deny exactly the roles whose policies read the secret (a new reader would fail at run time)', () => {
    const readers = Object.values(synthesized.template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).some((statement) =>
          asArray(statement.Action).includes('secretsmanager:GetSecretValue'),
        ),
      )
      .flatMap((policy) => policy.Properties.Roles as { Ref: string }[])
      .map(({ Ref }) => ({ 'Fn::GetAtt': [Ref, 'Arn'] }));
    const policy = Object.values(
      synthesized.template.findResources('AWS::SecretsManager::ResourcePolicy'),
    )[0];
    const exempt = policy?.Properties.ResourcePolicy.Statement[0].Condition.ArnNotEquals['aws:PrincipalArn'];
    expect(readers).toHaveLength(4);
    expect(exempt).toEqual([...readers, DEPLOYMENT_ROLE]);
  });

  it('never appears by value: no SecretString, no dynamic reference, no secret-looking environment variable', () => {
    const json = JSON.stringify(synthesized.template.toJSON());
    expect(json).not.toMatch(/"SecretString"/);
    expect(json).not.toMatch(/\{\{resolve:secretsmanager/);
    const base = [
      'APP_SECRET_ARN',
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ];
    const functions = synthesized.template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(5);
    const configured = [
      webhook.notifier.function.function,
      webhook.slackFunction.function,
      webhook.signalFunction.function,
    ].map(logicalId);
    // The seat knowers also read the seat claims, so they all get the table's name.
    const seatKnowers = SEAT_KNOWERS.map((name) => logicalId(allFunctions()[name].function));
    for (const [id, fn] of Object.entries(functions)) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      const expected = [
        ...base,
        ...(configured.includes(id) ? ['NOTIFIER_CONFIG'] : []),
        ...(seatKnowers.includes(id) ? [APPROVER_SEAT_ROLE_ARNS_ENV, STATE_TABLE_ENV] : []),
      ];
      expect(Object.keys(variables).sort()).toEqual(expected.sort());
      // The only variable that refers to the secret is a Ref, which resolves to its ARN.
      expect(variables.APP_SECRET_ARN).toEqual({ Ref: logicalId(webhook.secret) });
    }
  });
});

describe('outputs', () => {
  it('outputs the API URL, the Slack interactivity URL, both role ARNs, the approver seats, the notification topic ARN and the secret ARN (not its value)', () => {
    const outputs = synthesized.template.toJSON().Outputs as Record<
      string,
      { Value: unknown; Description: string }
    >;
    expect(Object.keys(outputs).sort()).toEqual([
      'ApiUrl',
      'ApproverSeatRoleArns',
      'NotificationTopicArn',
      'SecretArn',
      'SignalRoleArn',
      'SlackInteractionsUrl',
      'StopRoleArn',
    ]);
    expect(outputs.SlackInteractionsUrl).toEqual({
      Description:
        "Slack app's interactivity Request URL (settings.interactivity.request_url in docs/slack-app-manifest.yaml)",
      Value: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: logicalId(webhook.httpApi) },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/slack/interactions',
          ],
        ],
      },
    });
    // For AWS::SNS::Topic, Ref is the ARN.
    expect(outputs.NotificationTopicArn).toEqual({
      Description: 'Put this ARN into the NotificationArn of your aws:approve steps',
      Value: { Ref: logicalId(webhook.notifier.topic) },
    });
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
    expect(outputs.ApproverSeatRoleArns).toEqual({
      Description:
        'The approver seats, seat 1 (the signal role) first, comma-separated: a gate that needs N people lists the first N in its Approvers',
      Value: {
        'Fn::Join': [
          ',',
          [webhook.signalRole, ...webhook.approverSeats.seatRoles].map((role) => ({
            'Fn::GetAtt': [logicalId(role), 'Arn'],
          })),
        ],
      },
    });
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
        `${base}/ConfirmFunction/Role ${iam5}`,
        `${base}/Notifier/Function/Role ${iam5}`,
        `${base}/ApproverSeats/ApproverSeat2 ${iam5}`,
        `${base}/ApproverSeats/ApproverSeat3 ${iam5}`,
        `${base}/Notifier/DeadLetterQueue AwsSolutions-SQS3`,
        `${base}/SignalFunction/Function AwsSolutions-L1`,
        `${base}/StopFunction/Function AwsSolutions-L1`,
        `${base}/ConfirmFunction/Function AwsSolutions-L1`,
        `${base}/SlackFunction/Function AwsSolutions-L1`,
        `${base}/Notifier/Function/Function AwsSolutions-L1`,
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

  it("gives GET /openapi.json an authorizer acknowledgment of its own, not the confirmation page's", () => {
    const reasonOf = (path: string): string | undefined =>
      acknowledgments(synthesized.app).find(
        (found) => found.path === `TestWebhook/Webhook/Api/GET${path}` && found.id === 'AwsSolutions-APIG4',
      )?.reason;
    expect(reasonOf('--openapi.json')).toBe(
      "The route serves the API's own OpenAPI description, the same for every caller: public by design, " +
        'read-only, it takes no credentials and its handler reads no secret, no execution and no table item, ' +
        'so there is nothing for an authorizer to protect.',
    );
    expect(reasonOf('--executions--{executionId}--{action}')).toBe(
      'The GET route only renders a confirmation page and never changes an execution (so mail scanners that ' +
        'prefetch links change nothing); the handler verifies the signed link token before rendering anything.',
    );
  });
});
