/**
 * What the engine publishes: EventBridge status-change events and SNS approval notifications,
 * delivered after the operation, in order, with listener failures contained.
 */
import type { SNSEvent } from 'aws-lambda';
import { AutomationEngine, type AutomationStatusChangeEvent } from '../../local/simulator';
import { type AutomationStatusChangeDetail, detailTime } from '../../local/simulator/events';
import { allRunbooks, id, ManualClock, OPERATOR, sequentialIds, WEBHOOK } from './helpers';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:Automation-ApprovalWebhook-Local';
const SUBSCRIPTION = `${TOPIC}:51d88265-5cb1-478e-890a-c2d11fbcd5d5`;
const EXECUTION_CHANGE = 'EC2 Automation Execution Status-change Notification';
const STEP_CHANGE = 'EC2 Automation Step Status-change Notification';
const eventId = (n: number): string => `eeeeeeee-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Lets the listeners run (they are called on a later turn of the event loop). */
const delivered = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const setup = (
  listeners: {
    onSnsNotification?: (event: SNSEvent) => void | Promise<void>;
    onEventBridgeEvent?: (event: AutomationStatusChangeEvent) => void | Promise<void>;
  } = {},
) => {
  const clock = new ManualClock();
  const sns: SNSEvent[] = [];
  const events: AutomationStatusChangeEvent[] = [];
  const errors: unknown[] = [];
  let n = 0;
  const engine = new AutomationEngine({
    runbooks: allRunbooks(),
    clock: clock.now,
    newId: sequentialIds(),
    newEventId: () => eventId(++n),
    onSnsNotification: listeners.onSnsNotification ?? ((event) => void sns.push(event)),
    onEventBridgeEvent: listeners.onEventBridgeEvent ?? ((event) => void events.push(event)),
    onInternalError: (error) => void errors.push(error),
  });
  return { engine, clock, sns, events, errors };
};

/** The detail of an execution event of Demo-TwoGates (execution id(1), started by the operator). */
const execution = (
  Status: string,
  ended?: { EndTime: string; Time: number },
): AutomationStatusChangeDetail => ({
  ExecutionId: id(1),
  Definition: 'Demo-TwoGates',
  DefinitionVersion: 1,
  Status,
  StartTime: 'Jan 1, 2025 12:00:00 AM',
  ...ended,
  ExecutedBy: OPERATOR,
});

const step = (
  StepName: string,
  Action: string,
  Status: string,
  StartTime: string,
  ended?: { EndTime: string; Time: number },
): AutomationStatusChangeDetail => ({
  ExecutionId: id(1),
  Definition: 'Demo-TwoGates',
  DefinitionVersion: 1,
  Status,
  StartTime,
  ...ended,
  StepName,
  Action,
});

const T0 = 'Jan 1, 2025 12:00:00 AM';
const T60 = 'Jan 1, 2025 12:01:00 AM';
const T90 = 'Jan 1, 2025 12:01:30 AM';

describe('detailTime', () => {
  it.each([
    ['2024-11-29T19:43:25.000Z', 'Nov 29, 2024 7:43:25 PM'],
    ['2025-01-01T00:00:00.000Z', 'Jan 1, 2025 12:00:00 AM'],
    ['2025-06-30T12:05:09.999Z', 'Jun 30, 2025 12:05:09 PM'],
    ['2025-12-31T23:59:59.000Z', 'Dec 31, 2025 11:59:59 PM'],
  ])('%s → %s (as in the documented examples, UTC)', (iso, expected) => {
    expect(detailTime(new Date(iso))).toBe(expected);
  });
});

describe('EventBridge status-change events', () => {
  it('a Demo-TwoGates run: every execution and step status change, in order', async () => {
    const { engine, clock, events, errors } = setup();

    const AutomationExecutionId = engine.start(OPERATOR, { DocumentName: 'Demo-TwoGates' })
      .AutomationExecutionId as string;
    expect(events).toStrictEqual([]);
    await delivered();

    expect(events[0]).toStrictEqual<AutomationStatusChangeEvent>({
      version: '0',
      id: eventId(1),
      'detail-type': EXECUTION_CHANGE,
      source: 'aws.ssm',
      account: '123456789012',
      time: '2025-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [
        `arn:aws:ssm:us-east-1:123456789012:automation-execution/${id(1)}`,
        'arn:aws:ssm:us-east-1:123456789012:automation-definition/Demo-TwoGates:1',
      ],
      detail: execution('InProgress'),
    });
    expect(events[4]).toStrictEqual<AutomationStatusChangeEvent>({
      version: '0',
      id: eventId(5),
      'detail-type': STEP_CHANGE,
      source: 'aws.ssm',
      account: '123456789012',
      time: '2025-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [
        `arn:aws:ssm:us-east-1:123456789012:automation-execution/${id(1)}`,
        'arn:aws:ssm:us-east-1:123456789012:automation-definition/Demo-TwoGates:1',
      ],
      detail: step('ApproveStaging', 'aws:approve', 'Waiting', T0),
    });
    expect(events.map((e) => e.detail)).toStrictEqual([
      execution('InProgress'),
      step('PrepareRelease', 'aws:executeScript', 'InProgress', T0),
      step('PrepareRelease', 'aws:executeScript', 'Success', T0, { EndTime: T0, Time: 0 }),
      step('ApproveStaging', 'aws:approve', 'InProgress', T0),
      step('ApproveStaging', 'aws:approve', 'Waiting', T0),
      execution('Waiting'),
    ]);

    clock.advance(60);
    engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' });
    await delivered();

    // eventId(7) went to the SNS notification of ApproveStaging.
    expect(events.slice(6).map((e) => [e.id, e.time, e['detail-type'], e.detail])).toStrictEqual([
      [
        eventId(8),
        '2025-01-01T00:01:00Z',
        STEP_CHANGE,
        step('ApproveStaging', 'aws:approve', 'Success', T0, { EndTime: T60, Time: 60_000 }),
      ],
      [eventId(9), '2025-01-01T00:01:00Z', EXECUTION_CHANGE, execution('InProgress')],
      [
        eventId(10),
        '2025-01-01T00:01:00Z',
        STEP_CHANGE,
        step('DeployStaging', 'aws:executeScript', 'InProgress', T60),
      ],
      [
        eventId(11),
        '2025-01-01T00:01:00Z',
        STEP_CHANGE,
        step('DeployStaging', 'aws:executeScript', 'Success', T60, { EndTime: T60, Time: 0 }),
      ],
      [
        eventId(12),
        '2025-01-01T00:01:00Z',
        STEP_CHANGE,
        step('ApproveProduction', 'aws:approve', 'InProgress', T60),
      ],
      [
        eventId(13),
        '2025-01-01T00:01:00Z',
        STEP_CHANGE,
        step('ApproveProduction', 'aws:approve', 'Waiting', T60),
      ],
      [eventId(14), '2025-01-01T00:01:00Z', EXECUTION_CHANGE, execution('Waiting')],
    ]);

    clock.advance(30);
    engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' });
    await delivered();

    expect(events.slice(13).map((e) => e.detail)).toStrictEqual([
      step('ApproveProduction', 'aws:approve', 'Success', T60, { EndTime: T90, Time: 30_000 }),
      execution('InProgress'),
      step('DeployProduction', 'aws:executeScript', 'InProgress', T90),
      step('DeployProduction', 'aws:executeScript', 'Success', T90, { EndTime: T90, Time: 0 }),
      execution('Success', { EndTime: T90, Time: 90_000 }),
    ]);
    expect(engine.get(AutomationExecutionId).AutomationExecutionStatus).toBe('Success');
    expect(errors).toStrictEqual([]);
  });

  it('reads publish nothing, unless they apply a timeout: then step and execution TimedOut at the deadline', async () => {
    const { engine, clock, events } = setup();
    const AutomationExecutionId = engine.start(OPERATOR, { DocumentName: 'Demo-TwoGates' })
      .AutomationExecutionId as string;
    engine.get(AutomationExecutionId);
    engine.describeSteps({ AutomationExecutionId });
    await delivered();
    expect(events).toHaveLength(6);

    clock.advance(3601);
    // The signal is refused, but the timeout it applied first is published.
    expect(() => engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' })).toThrow(
      `Automation execution ${id(1)} is TimedOut and accepts no more signals.`,
    );
    engine.get(AutomationExecutionId);
    await delivered();

    const T3600 = 'Jan 1, 2025 1:00:00 AM';
    expect(events.slice(6).map((e) => [e.time, e.detail])).toStrictEqual([
      [
        '2025-01-01T01:00:00Z',
        step('ApproveStaging', 'aws:approve', 'TimedOut', T0, { EndTime: T3600, Time: 3_600_000 }),
      ],
      ['2025-01-01T01:00:00Z', execution('TimedOut', { EndTime: T3600, Time: 3_600_000 })],
    ]);
  });

  it('StopAutomationExecution: the waiting step and the execution Cancelled', async () => {
    const { engine, clock, events } = setup();
    const AutomationExecutionId = engine.start(OPERATOR, { DocumentName: 'Demo-TwoGates' })
      .AutomationExecutionId as string;
    clock.advance(5);

    engine.stop({ AutomationExecutionId });
    await delivered();

    const T5 = 'Jan 1, 2025 12:00:05 AM';
    expect(events.slice(6).map((e) => e.detail)).toStrictEqual([
      step('ApproveStaging', 'aws:approve', 'Cancelled', T0, { EndTime: T5, Time: 5000 }),
      execution('Cancelled', { EndTime: T5, Time: 5000 }),
    ]);
  });

  it('Interactive mode: the execution starts Waiting; StartStep runs one step', async () => {
    const { engine, events } = setup();
    const AutomationExecutionId = engine.start(OPERATOR, {
      DocumentName: 'Demo-TwoGates',
      Mode: 'Interactive',
    }).AutomationExecutionId as string;
    engine.signal(OPERATOR, {
      AutomationExecutionId,
      SignalType: 'StartStep',
      Payload: { StepName: ['PrepareRelease'] },
    });
    await delivered();

    expect(events.map((e) => e.detail)).toStrictEqual([
      execution('Waiting'),
      execution('InProgress'),
      step('PrepareRelease', 'aws:executeScript', 'InProgress', T0),
      step('PrepareRelease', 'aws:executeScript', 'Success', T0, { EndTime: T0, Time: 0 }),
      execution('Waiting'),
    ]);
  });
});

describe('SNS notifications of aws:approve steps', () => {
  const approvalRequired = (
    stepName: string,
    message: string,
    MessageId: string,
    Timestamp: string,
  ): SNSEvent => ({
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: SUBSCRIPTION,
        Sns: {
          Type: 'Notification',
          MessageId,
          TopicArn: TOPIC,
          Subject: `Approval required for Automation execution ${id(1)}`,
          Message: `Approval required: Automation execution ${id(1)} of runbook Demo-TwoGates is waiting at step ${stepName}.\n\n${message}`,
          Timestamp,
          SignatureVersion: '1',
          Signature: 'LOCAL-SIMULATOR-UNSIGNED',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-local-simulator.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SUBSCRIPTION}`,
          MessageAttributes: {},
        },
      },
    ],
  });

  it('one notification per approve step that starts waiting, to its NotificationArn', async () => {
    const { engine, clock, sns } = setup();
    const AutomationExecutionId = engine.start(OPERATOR, {
      DocumentName: 'Demo-TwoGates',
      Parameters: { Version: ['2.4.1'], ChangeTicket: ['CHG-1234'] },
    }).AutomationExecutionId as string;
    expect(sns).toStrictEqual([]);
    await delivered();

    // Event ids 1-6 went to the EventBridge events of the same operation.
    expect(sns).toStrictEqual([
      approvalRequired(
        'ApproveStaging',
        'Deploy release 2.4.1 (CHG-1234) to staging?',
        eventId(7),
        '2025-01-01T00:00:00.000Z',
      ),
    ]);

    engine.get(AutomationExecutionId);
    engine.describeSteps({ AutomationExecutionId });
    clock.advance(60);
    engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' });
    await delivered();

    expect(sns).toHaveLength(2);
    expect(sns[1]).toStrictEqual(
      approvalRequired(
        'ApproveProduction',
        'Release 2.4.1 (CHG-1234) is on staging. Deploy it to production?',
        eventId(15),
        '2025-01-01T00:01:00.000Z',
      ),
    );

    clock.advance(60);
    engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' });
    engine.get(AutomationExecutionId);
    await delivered();
    expect(sns).toHaveLength(2);
  });

  it('none for an approve step without NotificationArn (the execution events are still sent)', async () => {
    const { engine, sns, events } = setup();

    engine.start(OPERATOR, { DocumentName: 'Test-MultiApprover' });
    await delivered();

    expect(sns).toStrictEqual([]);
    expect(events.map((e) => [e.detail.StepName, e.detail.Status])).toStrictEqual([
      [undefined, 'InProgress'],
      ['Approve', 'InProgress'],
      ['Approve', 'Waiting'],
      [undefined, 'Waiting'],
    ]);
  });

  it.each([
    ['a topic whose name does not begin with "Automation"', 'arn:aws:sns:us-east-1:123456789012:Approvals'],
    ['a lower-case prefix', 'arn:aws:sns:us-east-1:123456789012:automation-approvals'],
    ['an SQS queue', 'arn:aws:sqs:us-east-1:123456789012:AutomationApprovals'],
    ['a subscription ARN', `${TOPIC}:51d88265-5cb1-478e-890a-c2d11fbcd5d5`],
    ['not an ARN', 'Automation-ApprovalWebhook-Local'],
  ])('an invalid NotificationArn (%s) fails the step, and nothing is sent to SNS', async (_, arn) => {
    const { engine, sns } = setup();

    const AutomationExecutionId = engine.start(OPERATOR, {
      DocumentName: 'Demo-ApproveChange',
      Parameters: { NotificationArn: [arn] },
    }).AutomationExecutionId as string;
    await delivered();

    const execution = engine.get(AutomationExecutionId);
    const message =
      'NotificationArn must be the ARN of an Amazon SNS topic whose name begins with "Automation".';
    expect([execution.AutomationExecutionStatus, execution.FailureMessage]).toStrictEqual([
      'Failed',
      message,
    ]);
    expect(execution.StepExecutions?.map((s) => [s.StepName, s.StepStatus, s.FailureMessage])).toStrictEqual([
      ['PrepareChange', 'Success', undefined],
      ['ApproveChange', 'Failed', message],
      ['ApplyChange', 'Pending', undefined],
      ['ReportResult', 'Pending', undefined],
    ]);
    expect(sns).toStrictEqual([]);
  });

  it('a well-formed topic of another account, partition or FIFO type is accepted', async () => {
    const { engine, sns } = setup();
    const topics = [
      'arn:aws:sns:eu-west-1:210987654321:AutomationApproval',
      'arn:aws-cn:sns:cn-north-1:123456789012:Automation_Approvals',
      'arn:aws:sns:us-east-1:123456789012:Automation-Approvals.fifo',
    ];
    for (const topic of topics) {
      engine.start(OPERATOR, {
        DocumentName: 'Demo-ApproveChange',
        Parameters: { NotificationArn: [topic] },
      });
    }
    await delivered();

    expect(
      sns.map((e) => [e.Records[0]?.Sns.TopicArn, e.Records[0]?.Sns.UnsubscribeUrl.split('?')[0]]),
    ).toStrictEqual([
      [topics[0], 'https://sns.eu-west-1.amazonaws.com/'],
      [topics[1], 'https://sns.cn-north-1.amazonaws.com/'],
      [topics[2], 'https://sns.us-east-1.amazonaws.com/'],
    ]);
  });
});

describe('listeners that fail', () => {
  it('a throwing listener breaks nothing: the operation succeeds, the error goes to onInternalError', async () => {
    const thrown = new Error('listener down');
    const { engine, errors } = setup({
      onSnsNotification: () => {
        throw thrown;
      },
      onEventBridgeEvent: () => {
        throw thrown;
      },
    });

    const AutomationExecutionId = engine.start(OPERATOR, { DocumentName: 'Demo-ApproveChange' })
      .AutomationExecutionId as string;
    engine.signal(WEBHOOK, { AutomationExecutionId, SignalType: 'Approve' });
    expect(errors).toStrictEqual([]);
    await delivered();

    expect(engine.get(AutomationExecutionId).AutomationExecutionStatus).toBe('Success');
    // 6 + 7 EventBridge events and one SNS notification, each reported.
    expect(errors).toHaveLength(14);
    expect(errors.every((error) => error === thrown)).toBe(true);
  });

  it('a rejecting async listener is reported too, and the next event is still delivered', async () => {
    const seen: string[] = [];
    const { engine, errors } = setup({
      onEventBridgeEvent: async (event) => {
        seen.push(event.detail.Status);
        if (event.detail.Status === 'InProgress') throw new Error(`rejected ${event.id}`);
      },
    });

    engine.start(OPERATOR, { DocumentName: 'Test-MultiApprover' });
    await delivered();
    await delivered();

    expect(seen).toStrictEqual(['InProgress', 'InProgress', 'Waiting', 'Waiting']);
    expect(errors.map((e) => (e as Error).message)).toStrictEqual([
      `rejected ${eventId(1)}`,
      `rejected ${eventId(2)}`,
    ]);
  });

  it('an onInternalError that throws as well is ignored', async () => {
    const engine = new AutomationEngine({
      runbooks: allRunbooks(),
      onEventBridgeEvent: () => {
        throw new Error('listener down');
      },
      onInternalError: () => {
        throw new Error('reporter down');
      },
    });

    engine.start(OPERATOR, { DocumentName: 'Demo-PauseAndResume' });
    await delivered();

    expect(engine.executionIds).toHaveLength(1);
  });
});
