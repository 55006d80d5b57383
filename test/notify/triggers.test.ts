import {
  APPROVE_STEP_PATTERN,
  FINISHED_EXECUTION_PATTERN,
  matchesPattern,
  NOTIFIER_EVENT_PATTERNS,
  WAITING_EXECUTION_PATTERN,
} from '../../lambda/notify/event-patterns';
import { executionIdsInMessage, triggerOf } from '../../lambda/notify/triggers';

const ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
const STEP = '11111111-1111-4111-8111-111111111111';

const sns = (...messages: unknown[]) => ({
  Records: messages.map((Message) => ({ EventSource: 'aws:sns', Sns: { Message } })),
});

describe('triggerOf', () => {
  it('takes every UUID of a plain-text SNS message, once, lower case', () => {
    expect(
      triggerOf(sns(`Approval required: execution ${ID.toUpperCase()} waits at step X (${STEP}); ${ID}`)),
    ).toEqual({
      source: 'sns',
      executionIds: [ID, STEP],
      ignored: [],
    });
  });

  it('prefers properties named like an execution id in a JSON message', () => {
    expect(
      executionIdsInMessage(JSON.stringify({ StepExecutionId: STEP, Detail: { AutomationExecutionId: ID } })),
    ).toEqual([ID]);
    expect(executionIdsInMessage(JSON.stringify({ ExecutionId: ID }))).toEqual([ID]);
  });

  it('takes at most five ids from one message', () => {
    const many = Array.from({ length: 7 }, (_, i) => `0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a2${i}`).join(' ');
    expect(executionIdsInMessage(many)).toHaveLength(5);
  });

  it('reports records that name nothing instead of failing', () => {
    expect(triggerOf(sns('hello', 42))).toEqual({
      source: 'sns',
      executionIds: [],
      ignored: ['Records[0]: the message names no execution id', 'Records[1] has no Sns.Message'],
    });
  });

  it('reads detail.ExecutionId of an aws.ssm EventBridge event', () => {
    expect(
      triggerOf({
        source: 'aws.ssm',
        'detail-type': 'EC2 Automation Step Status-change Notification',
        detail: { ExecutionId: ID },
      }),
    ).toEqual({ source: 'eventbridge', executionIds: [ID], ignored: [] });
    expect(triggerOf({ source: 'aws.ssm', detail: {} })).toEqual({
      source: 'eventbridge',
      executionIds: [],
      ignored: ['the event has no detail.ExecutionId'],
    });
  });

  it('refuses any other event', () => {
    expect(() => triggerOf({ source: 'aws.ec2' })).toThrow(
      'The notifier was invoked with an event that is neither SNS nor an aws.ssm EventBridge event',
    );
  });
});

describe('a run that ends wakes the notifier (its Slack messages are updated)', () => {
  const statusChange = (Status: string) => ({
    version: '0',
    source: 'aws.ssm',
    'detail-type': 'EC2 Automation Execution Status-change Notification',
    detail: { ExecutionId: ID, Definition: 'Demo-ApproveChange', Status },
  });

  it('matches every final status of an execution, and no other', () => {
    const finals = [
      'Success',
      'Failed',
      'TimedOut',
      'Cancelled',
      'CompletedWithSuccess',
      'CompletedWithFailure',
    ];
    for (const status of finals) {
      expect([status, matchesPattern(statusChange(status), FINISHED_EXECUTION_PATTERN)]).toEqual([
        status,
        true,
      ]);
    }
    for (const status of ['InProgress', 'Waiting', 'Cancelling', 'Pending']) {
      expect([status, matchesPattern(statusChange(status), FINISHED_EXECUTION_PATTERN)]).toEqual([
        status,
        false,
      ]);
    }
    expect(NOTIFIER_EVENT_PATTERNS).toEqual([
      WAITING_EXECUTION_PATTERN,
      APPROVE_STEP_PATTERN,
      FINISHED_EXECUTION_PATTERN,
    ]);
  });

  it("takes the ended run's execution id from the event", () => {
    expect(triggerOf(statusChange('Cancelled'))).toEqual({
      source: 'eventbridge',
      executionIds: [ID],
      ignored: [],
    });
  });
});
