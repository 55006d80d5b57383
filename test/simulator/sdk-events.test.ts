/**
 * The events of the simulator as a whole: the unmodified SDK drives executions over HTTP, the
 * listeners given to startSimulator hear about them after the response.
 */
import { SendAutomationSignalCommand, SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import {
  type AutomationStatusChangeEvent,
  DEFAULT_LOCAL_PRINCIPALS,
  LOCAL_NOTIFICATION_TOPIC_ARN,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../local/simulator';
import { ManualClock } from './helpers';

const simulators: Simulator[] = [];
const clients: SSMClient[] = [];
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of simulators) await s.close();
});

const launch = async (options: SimulatorOptions) => {
  const simulator = await startSimulator({
    clock: new ManualClock('2025-06-01T12:00:00.000Z').now,
    ...options,
  });
  simulators.push(simulator);
  const client = (accessKeyId: string) => {
    const created = new SSMClient({
      endpoint: simulator.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId,
        secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? '',
      },
      maxAttempts: 1,
    });
    clients.push(created);
    return created;
  };
  return { simulator, operator: client('AKIALOCALOPERATOR001'), webhook: client('AKIALOCALWEBHOOKSIGN') };
};

/** Lets the listeners run (they are called on a later turn of the event loop). */
const delivered = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

it('LOCAL_NOTIFICATION_TOPIC_ARN is the local Automation topic', () => {
  expect(LOCAL_NOTIFICATION_TOPIC_ARN).toBe(
    'arn:aws:sns:us-east-1:123456789012:Automation-ApprovalWebhook-Local',
  );
});

it('a Demo-TwoGates run over HTTP: an SNS notification per gate, status-change events in order', async () => {
  const sns: SNSEvent[] = [];
  const events: AutomationStatusChangeEvent[] = [];
  const { operator, webhook } = await launch({
    onSnsNotification: (event) => void sns.push(event),
    onEventBridgeEvent: (event) => void events.push(event),
  });

  const { AutomationExecutionId } = await operator.send(
    new StartAutomationExecutionCommand({ DocumentName: 'Demo-TwoGates' }),
  );
  await delivered();
  expect(
    sns.map((e) => [e.Records[0]?.Sns.TopicArn, e.Records[0]?.Sns.Message.split('\n')[0]]),
  ).toStrictEqual([
    [
      LOCAL_NOTIFICATION_TOPIC_ARN,
      `Approval required: Automation execution ${AutomationExecutionId} of runbook Demo-TwoGates is waiting at step ApproveStaging.`,
    ],
  ]);

  await webhook.send(new SendAutomationSignalCommand({ AutomationExecutionId, SignalType: 'Approve' }));
  await delivered();
  expect(sns.map((e) => e.Records[0]?.Sns.Message.split('\n')[0])).toStrictEqual([
    `Approval required: Automation execution ${AutomationExecutionId} of runbook Demo-TwoGates is waiting at step ApproveStaging.`,
    `Approval required: Automation execution ${AutomationExecutionId} of runbook Demo-TwoGates is waiting at step ApproveProduction.`,
  ]);
  expect(
    events.map((e) => [e.detail.ExecutionId, e.detail.StepName ?? '(execution)', e.detail.Status]),
  ).toStrictEqual([
    [AutomationExecutionId, '(execution)', 'InProgress'],
    [AutomationExecutionId, 'PrepareRelease', 'InProgress'],
    [AutomationExecutionId, 'PrepareRelease', 'Success'],
    [AutomationExecutionId, 'ApproveStaging', 'InProgress'],
    [AutomationExecutionId, 'ApproveStaging', 'Waiting'],
    [AutomationExecutionId, '(execution)', 'Waiting'],
    [AutomationExecutionId, 'ApproveStaging', 'Success'],
    [AutomationExecutionId, '(execution)', 'InProgress'],
    [AutomationExecutionId, 'DeployStaging', 'InProgress'],
    [AutomationExecutionId, 'DeployStaging', 'Success'],
    [AutomationExecutionId, 'ApproveProduction', 'InProgress'],
    [AutomationExecutionId, 'ApproveProduction', 'Waiting'],
    [AutomationExecutionId, '(execution)', 'Waiting'],
  ]);
  expect(events[12]?.detail.ExecutedBy).toBe(DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001?.arn);
});

it('throwing listeners do not break the SSM calls; their errors reach onInternalError', async () => {
  const errors: unknown[] = [];
  const { operator, webhook, simulator } = await launch({
    onSnsNotification: () => {
      throw new Error('notifier down');
    },
    onEventBridgeEvent: () => {
      throw new Error('event bus down');
    },
    onInternalError: (error) => void errors.push(error),
  });

  const { AutomationExecutionId } = await operator.send(
    new StartAutomationExecutionCommand({ DocumentName: 'Demo-ApproveChange' }),
  );
  await webhook.send(new SendAutomationSignalCommand({ AutomationExecutionId, SignalType: 'Approve' }));
  await delivered();

  expect(simulator.engine.get(AutomationExecutionId as string).AutomationExecutionStatus).toBe('Success');
  const messages = errors.map((e) => (e as Error).message);
  expect(messages.filter((m) => m === 'notifier down')).toHaveLength(1);
  // Start: 6 changes (execution InProgress, PrepareChange ×2, ApproveChange ×2, execution Waiting);
  // approve: ApproveChange Success, execution InProgress, ApplyChange ×2, ReportResult ×2, execution Success.
  expect(messages.filter((m) => m === 'event bus down')).toHaveLength(13);
  expect(messages).toHaveLength(14);
});
