import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { APPROVAL_NOTIFIER_DEFAULTS } from '../../lib/approval-notifier';
import {
  ALARM_THRESHOLD_DEFAULTS,
  AlarmThresholdsError,
  resolveAlarmThresholds,
  SSM_THROTTLING_EVALUATION,
} from '../../lib/approval-webhook-alarms';
import { WEBHOOK_FUNCTION_DEFAULTS } from '../../lib/webhook-function';
import { METRICS_NAMESPACE, searchExpression, searchLabel, WEBHOOK_METRICS } from '../../lib/webhook-metrics';
import { resources, type Synthesized, synthesize } from './synth';

const ALARM_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:ops-alarms';

/** CloudWatch's dynamic label of a dimension's value. */
const dim = (name: string): string => `\${PROP('Dim.${name}')}`;

/** The service dimension every metric of the functions carries. */
const SERVICE = { Name: 'service', Value: 'ssm-approval-webhook' };

function helpers(synthesized: Synthesized) {
  const { stack } = synthesized;
  const logicalId = (construct: IConstruct): string =>
    stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
  const propertiesOf = (construct: IConstruct): Record<string, unknown> | undefined =>
    resources(synthesized.template)[logicalId(construct)]?.Properties;
  return { webhook: stack.webhook, logicalId, propertiesOf };
}

describe('metrics namespace', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({}, 'TestWebhook', { bundling: false });
  });

  it('is SsmApprovalWebhook in POWERTOOLS_METRICS_NAMESPACE of every function, next to the service name', () => {
    expect(METRICS_NAMESPACE).toBe('SsmApprovalWebhook');
    expect(WEBHOOK_FUNCTION_DEFAULTS.metricsNamespace).toBe('SsmApprovalWebhook');
    const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'SsmApprovalWebhook',
        POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook',
      });
    }
  });

  it('names the metrics and detail dimensions of the contract with the handlers', () => {
    expect(WEBHOOK_METRICS).toEqual({
      decisions: { name: 'Decisions', dimensions: ['Action', 'Outcome', 'Channel'] },
      authenticationFailures: { name: 'AuthenticationFailures', dimensions: ['Reason'] },
      ssmErrors: { name: 'SsmErrors', dimensions: ['Operation', 'ErrorName'] },
      ssmThrottles: { name: 'SsmThrottles', dimensions: [] },
      ssmCallLatency: { name: 'SsmCallLatency', dimensions: ['Operation'] },
      notificationsSent: { name: 'NotificationsSent', dimensions: ['Channel'] },
      notificationsFailed: { name: 'NotificationsFailed', dimensions: ['Channel'] },
    });
  });
});

describe('alarms without an alarm topic', () => {
  let synthesized: Synthesized;
  let h: ReturnType<typeof helpers>;
  beforeAll(() => {
    synthesized = synthesize({}, 'TestWebhook', { bundling: false });
    h = helpers(synthesized);
  });

  /** What every alarm shares: ≥ threshold, missing data is no breach. */
  const common = {
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    Period: 300,
  };

  it('creates exactly six alarms, with no actions', () => {
    const alarms = synthesized.template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms).sort()).toEqual(h.webhook.alarms.alarms.map(h.logicalId).sort());
    expect(Object.keys(alarms)).toHaveLength(6);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
      expect(alarm.Properties.OKActions).toBeUndefined();
      expect(alarm.Properties.AlarmName).toBeUndefined(); // generated: two webhooks in one account stay apart
    }
  });

  it('alarms on one 5xx answer of the HTTP API in 5 minutes', () => {
    expect(h.propertiesOf(h.webhook.alarms.apiServerErrors)).toEqual({
      ...common,
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: h.logicalId(h.webhook.httpApi) } }],
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmDescription: expect.stringMatching(/^ssm-approval-webhook: the API answered 5xx\. .*What to do: /),
    });
  });

  it('alarms on SSM throttling in two of three 5-minute periods', () => {
    expect(SSM_THROTTLING_EVALUATION).toEqual({ evaluationPeriods: 3, datapointsToAlarm: 2 });
    expect(h.propertiesOf(h.webhook.alarms.ssmThrottling)).toEqual({
      ...common,
      Namespace: 'SsmApprovalWebhook',
      MetricName: 'SsmThrottles',
      Dimensions: [SERVICE],
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      AlarmDescription: expect.stringMatching(/^ssm-approval-webhook: SSM throttled .*What to do: /),
    });
  });

  it("alarms on one error of the notifier function (Lambda's Errors)", () => {
    expect(h.propertiesOf(h.webhook.alarms.notifierErrors)).toEqual({
      ...common,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: h.logicalId(h.webhook.notifier.function.function) } },
      ],
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmDescription: expect.stringMatching(
        /^ssm-approval-webhook: the notifier function failed\. .*What to do: /,
      ),
    });
  });

  it('alarms on one failed notification (NotificationsFailed, all channels)', () => {
    expect(h.propertiesOf(h.webhook.alarms.notificationsFailed)).toEqual({
      ...common,
      Namespace: 'SsmApprovalWebhook',
      MetricName: 'NotificationsFailed',
      Dimensions: [SERVICE],
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmDescription: expect.stringMatching(/^ssm-approval-webhook: a notification .*What to do: /),
    });
  });

  it('alarms on 20 authentication failures in 5 minutes', () => {
    expect(h.propertiesOf(h.webhook.alarms.authenticationFailures)).toEqual({
      ...common,
      Namespace: 'SsmApprovalWebhook',
      MetricName: 'AuthenticationFailures',
      Dimensions: [SERVICE],
      Statistic: 'Sum',
      Threshold: 20,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmDescription: expect.stringMatching(
        /^ssm-approval-webhook: 20 or more requests in 5 minutes were refused .*What to do: /,
      ),
    });
  });

  it('alarms on one message visible in the dead-letter queue', () => {
    expect(h.propertiesOf(h.webhook.alarms.deadLetters)).toEqual({
      ...common,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [h.logicalId(h.webhook.notifier.deadLetterQueue), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      AlarmDescription: expect.stringMatching(
        /^ssm-approval-webhook: failed notifier events wait .*What to do: /,
      ),
    });
  });

  it('describes each alarm in full sentences that say what to do', () => {
    for (const alarm of h.webhook.alarms.alarms) {
      const description = h.propertiesOf(alarm)?.AlarmDescription as string;
      expect(description).toMatch(/What to do: .{40,}\.$/);
      // CloudWatch's limit on AlarmDescription.
      expect(description.length).toBeLessThanOrEqual(1024);
    }
  });
});

describe('alarms with an alarm topic (-c alarmTopicArn) and thresholds', () => {
  let synthesized: Synthesized;
  let h: ReturnType<typeof helpers>;
  beforeAll(() => {
    synthesized = synthesize(
      { alarmTopicArn: ALARM_TOPIC_ARN, webhook: { alarmThresholds: { authenticationFailures: 50 } } },
      'TestWebhook',
      { bundling: false },
    );
    h = helpers(synthesized);
  });

  it('tells the topic of every change into ALARM and back to OK', () => {
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([ALARM_TOPIC_ARN]);
      expect(alarm.Properties.OKActions).toEqual([ALARM_TOPIC_ARN]);
      expect(alarm.Properties.InsufficientDataActions).toBeUndefined();
    }
  });

  it('uses the given threshold and keeps the defaults of the others', () => {
    expect(h.propertiesOf(h.webhook.alarms.authenticationFailures)).toMatchObject({
      Threshold: 50,
      AlarmDescription: expect.stringMatching(/^ssm-approval-webhook: 50 or more requests in 5 minutes/),
    });
    expect(h.propertiesOf(h.webhook.alarms.apiServerErrors)).toMatchObject({ Threshold: 1 });
  });

  it('imports the topic (no new topic, no change to its policy) and stays clean for cdk-nag', () => {
    synthesized.template.resourceCountIs('AWS::SNS::Topic', 1); // the notifier's
    synthesized.template.resourceCountIs('AWS::SNS::TopicPolicy', 1);
    expect(synthesized.nag.violations).toEqual([]);
  });
});

describe('alarm thresholds', () => {
  it('default to 1 of everything that needs a person, and 20 authentication failures', () => {
    expect(ALARM_THRESHOLD_DEFAULTS).toEqual({
      apiServerErrors: 1,
      ssmThrottles: 1,
      notifierErrors: 1,
      notificationsFailed: 1,
      authenticationFailures: 20,
      deadLetters: 1,
    });
    expect(resolveAlarmThresholds()).toEqual(ALARM_THRESHOLD_DEFAULTS);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuse %p, naming the threshold', (value) => {
    const resolve = () => resolveAlarmThresholds({ authenticationFailures: value });
    expect(resolve).toThrow(AlarmThresholdsError);
    expect(resolve).toThrow(
      `alarmThresholds.authenticationFailures must be a whole number of at least 1, got ${value}`,
    );
  });

  it('are refused by the construct before anything is built', () => {
    expect(() =>
      synthesize({ webhook: { alarmThresholds: { deadLetters: 0 } } }, 'TestWebhook', { bundling: false }),
    ).toThrow('alarmThresholds.deadLetters must be a whole number of at least 1, got 0');
  });
});

describe('dashboard', () => {
  let synthesized: Synthesized;
  let h: ReturnType<typeof helpers>;
  let body: string;
  beforeAll(() => {
    synthesized = synthesize({}, 'TestWebhook', { bundling: false });
    h = helpers(synthesized);
    const dashboards = Object.values(synthesized.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    // The body as CloudFormation renders it: references become placeholders that never look like metric names.
    const join = dashboards[0]?.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    body = join[1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  });

  it('has a generated name', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: Match.absent(),
    });
  });

  it('is valid JSON once deployed', () => {
    expect(() => JSON.parse(body)).not.toThrow();
  });

  it('graphs each metric of the functions by its detail dimensions, labelled by their values', () => {
    const widgets = (
      JSON.parse(body) as { widgets: { properties: { title?: string; metrics?: unknown[] } }[] }
    ).widgets;
    const expressions = widgets.flatMap((widget) =>
      (widget.properties.metrics ?? []).flatMap((line) =>
        (line as unknown[]).filter(
          (part): part is { expression: string; label: string } =>
            typeof part === 'object' && part !== null && 'expression' in part,
        ),
      ),
    );
    expect(expressions).toEqual([
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Action,Outcome,Channel} service="ssm-approval-webhook" MetricName="Decisions"', 'Sum', 300)`,
        label: `${dim('Action')} ${dim('Outcome')} ${dim('Channel')}`,
      },
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Reason} service="ssm-approval-webhook" MetricName="AuthenticationFailures"', 'Sum', 300)`,
        label: dim('Reason'),
      },
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Operation,ErrorName} service="ssm-approval-webhook" MetricName="SsmErrors"', 'Sum', 300)`,
        label: `${dim('Operation')} ${dim('ErrorName')}`,
      },
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Operation} service="ssm-approval-webhook" MetricName="SsmCallLatency"', 'p50', 300)`,
        label: `${dim('Operation')} p50`,
      },
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Operation} service="ssm-approval-webhook" MetricName="SsmCallLatency"', 'p99', 300)`,
        label: `${dim('Operation')} p99`,
      },
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Channel} service="ssm-approval-webhook" MetricName="NotificationsSent"', 'Sum', 300)`,
        label: dim('Channel'),
      },
      {
        expression: `SEARCH('{SsmApprovalWebhook,service,Channel} service="ssm-approval-webhook" MetricName="NotificationsFailed"', 'Sum', 300)`,
        label: dim('Channel'),
      },
    ]);
    expect(searchExpression('ssmErrors', 'svc', 'p90')).toBe(
      `SEARCH('{SsmApprovalWebhook,service,Operation,ErrorName} service="svc" MetricName="SsmErrors"', 'p90', 300)`,
    );
    expect(searchLabel('notificationsSent')).toBe(dim('Channel'));
  });

  it('graphs the aggregates, the API, every function and the dead-letter queue, with the alarms on top', () => {
    const parsed = JSON.parse(body) as {
      widgets: { type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } }[];
    };
    expect(parsed.widgets.map((widget) => widget.properties.title)).toEqual([
      'Alarms',
      'Decisions by action, outcome and channel',
      'Decisions (all)',
      'Authentication failures by reason',
      'SSM errors by operation and name',
      'SSM throttles (after retries)',
      'SSM call latency p50 by operation (ms)',
      'SSM call latency p99 by operation (ms)',
      'Notifications sent by channel',
      'Notifications failed by channel',
      'API requests, 4xx and 5xx',
      'API latency (ms)',
      'Dead-letter queue',
      'Lambda errors',
      'Lambda throttles',
      'Lambda duration p99 (ms)',
    ]);
    const byTitle = (title: string) => parsed.widgets.find((widget) => widget.properties.title === title);
    expect(byTitle('Alarms')?.properties.alarms).toEqual(['REF', 'REF', 'REF', 'REF', 'REF', 'REF']);
    expect(byTitle('SSM throttles (after retries)')?.properties.metrics).toEqual([
      [
        'SsmApprovalWebhook',
        'SsmThrottles',
        'service',
        'ssm-approval-webhook',
        { label: 'SsmThrottles', stat: 'Sum' },
      ],
    ]);
    expect(byTitle('API requests, 4xx and 5xx')?.properties.metrics).toEqual([
      ['AWS/ApiGateway', 'Count', 'ApiId', 'REF', { label: 'Requests', stat: 'Sum' }],
      ['AWS/ApiGateway', '4xx', 'ApiId', 'REF', { label: '4xx', stat: 'Sum' }],
      ['AWS/ApiGateway', '5xx', 'ApiId', 'REF', { label: '5xx', stat: 'Sum' }],
    ]);
    expect(byTitle('API latency (ms)')?.properties.metrics).toEqual([
      ['AWS/ApiGateway', 'Latency', 'ApiId', 'REF', { label: 'p50', stat: 'p50' }],
      ['AWS/ApiGateway', 'Latency', 'ApiId', 'REF', { label: 'p99', stat: 'p99' }],
    ]);
    expect(byTitle('Dead-letter queue')?.properties.metrics).toEqual([
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        'REF',
        { label: 'Messages visible', stat: 'Maximum' },
      ],
      [
        'AWS/SQS',
        'ApproximateAgeOfOldestMessage',
        'QueueName',
        'REF',
        { label: 'Age of oldest (s)', stat: 'Maximum' },
      ],
    ]);
    const names = ['signal', 'stop', 'confirm', 'slack', 'notifier'];
    for (const [title, metricName, stat] of [
      ['Lambda errors', 'Errors', 'Sum'],
      ['Lambda throttles', 'Throttles', 'Sum'],
      ['Lambda duration p99 (ms)', 'Duration', 'p99'],
    ] as const) {
      const metrics = byTitle(title)?.properties.metrics ?? [];
      expect(metrics.map((line) => line.at(-1))).toEqual(names.map((label) => ({ label, stat })));
      expect(metrics[0]?.slice(0, 3)).toEqual(['AWS/Lambda', metricName, 'FunctionName']);
    }
    // Every metric name of the contract appears in the body.
    for (const { name, dimensions } of Object.values(WEBHOOK_METRICS)) {
      // Searched by its detail dimensions, or (SsmThrottles, which has none) graphed as the aggregate.
      expect(body).toContain(
        dimensions.length > 0 ? `MetricName=\\"${name}\\"` : `"SsmApprovalWebhook","${name}","service"`,
      );
    }
    expect(body).toContain('"SsmApprovalWebhook","Decisions","service","ssm-approval-webhook"');
  });

  it('refers to the alarms, the API, the functions and the queue of this stack', () => {
    const join = Object.values(synthesized.template.findResources('AWS::CloudWatch::Dashboard'))[0]
      ?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const references = join.filter((part) => typeof part !== 'string').map((part) => JSON.stringify(part));
    const expected = [
      ...h.webhook.alarms.alarms.map((alarm) => ({ 'Fn::GetAtt': [h.logicalId(alarm), 'Arn'] })),
      { Ref: h.logicalId(h.webhook.httpApi) },
      { 'Fn::GetAtt': [h.logicalId(h.webhook.notifier.deadLetterQueue), 'QueueName'] },
      ...[
        h.webhook.signalFunction,
        h.webhook.stopFunction,
        h.webhook.confirmFunction,
        h.webhook.slackFunction,
        h.webhook.notifier.function,
      ].map((fn) => ({ Ref: h.logicalId(fn.function) })),
      { Ref: 'AWS::Region' },
    ].map((reference) => JSON.stringify(reference));
    expect([...new Set(references)].sort()).toEqual([...new Set(expected)].sort());
  });
});

describe('dead-letter queue', () => {
  let synthesized: Synthesized;
  let h: ReturnType<typeof helpers>;
  beforeAll(() => {
    synthesized = synthesize({}, 'TestWebhook', { bundling: false });
    h = helpers(synthesized);
  });

  it('is one SQS queue with SSE-SQS and 14 days retention', () => {
    expect(APPROVAL_NOTIFIER_DEFAULTS.deadLetterRetention.toDays()).toBe(14);
    const queues = synthesized.template.findResources('AWS::SQS::Queue');
    expect(queues).toEqual({
      [h.logicalId(h.webhook.notifier.deadLetterQueue)]: {
        Type: 'AWS::SQS::Queue',
        Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      },
    });
  });

  it("is the notifier's on-failure destination after two retries within 6 hours", () => {
    expect(
      Object.values(
        synthesized.template.findResources('AWS::Lambda::EventInvokeConfig', {
          Properties: { FunctionName: { Ref: h.logicalId(h.webhook.notifier.function.function) } },
        }),
      ).map((config) => config.Properties),
    ).toEqual([
      {
        FunctionName: { Ref: h.logicalId(h.webhook.notifier.function.function) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [h.logicalId(h.webhook.notifier.deadLetterQueue), 'Arn'] },
          },
        },
      },
    ]);
    // The function has no DLQ of its own besides (a destination carries the error too).
    expect(h.propertiesOf(h.webhook.notifier.function.function)?.DeadLetterConfig).toBeUndefined();
  });

  it('is the dead-letter queue of the SNS subscription and of every EventBridge target of the notifier', () => {
    const queueArn = { 'Fn::GetAtt': [h.logicalId(h.webhook.notifier.deadLetterQueue), 'Arn'] };
    for (const subscription of Object.values(synthesized.template.findResources('AWS::SNS::Subscription'))) {
      expect(subscription.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: queueArn });
    }
    const rules = Object.values(synthesized.template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets as { DeadLetterConfig: unknown }[]) {
        expect(target.DeadLetterConfig).toEqual({ Arn: queueArn });
      }
    }
  });

  it('lets only the topic and the three rules send, by source ARN, and only over TLS', () => {
    const queueArn = { 'Fn::GetAtt': [h.logicalId(h.webhook.notifier.deadLetterQueue), 'Arn'] };
    const send = (service: string, sourceArn: unknown) => ({
      Action: 'sqs:SendMessage',
      Effect: 'Allow',
      Principal: { Service: service },
      Resource: queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
    });
    const policies = Object.values(synthesized.template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies.map((policy) => policy.Properties)).toEqual([
      {
        Queues: [{ Ref: h.logicalId(h.webhook.notifier.deadLetterQueue) }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'sqs:*',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Resource: queueArn,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            send('sns.amazonaws.com', { Ref: h.logicalId(h.webhook.notifier.topic) }),
            ...h.webhook.notifier.eventRules.map((rule) => ({
              ...send('events.amazonaws.com', { 'Fn::GetAtt': [h.logicalId(rule), 'Arn'] }),
              Sid: expect.stringMatching(/^AllowEventRule/),
            })),
          ],
        },
      },
    ]);
  });
});
