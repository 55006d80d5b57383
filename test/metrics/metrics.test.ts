/**
 * The metrics module on its own: each metric's exact EMF line (namespace, unit, both dimension sets),
 * one line per event; a value Powertools rejects is logged, never thrown; POWERTOOLS_METRICS_DISABLED
 * silences every line; the flush middleware writes nothing (not even a notice) when nothing is buffered.
 */
import middy from '@middy/core';
import { logger } from '../../lambda/core/logger';
import {
  flushMetrics,
  METRICS_NAMESPACE,
  metrics,
  recordAuthenticationFailure,
  recordDecision,
  recordNotification,
  recordSsmCall,
} from '../../lambda/core/metrics';
import { context } from '../support/events';
import { authenticationFailureLine, captureEmf, emfLine, ssmErrorLine, THROTTLE_LINE } from './emf';

let capture: ReturnType<typeof captureEmf>;
beforeEach(() => {
  capture = captureEmf();
});
afterEach(() => {
  capture.stop();
  jest.restoreAllMocks();
});

describe('one line per event, under [service] and [service, detail]', () => {
  it('Decisions: Action, Outcome, Channel (the whole line, exactly)', () => {
    recordDecision({ action: 'approve', outcome: 'sent', channel: 'email' });

    // Written out once in full; the other tests build the same shape with emf.ts.
    expect(capture.lines).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'SsmApprovalWebhook',
              Dimensions: [['service'], ['service', 'Action', 'Outcome', 'Channel']],
              Metrics: [{ Name: 'Decisions', Unit: 'Count' }],
            },
          ],
        },
        service: 'ssm-approval-webhook',
        Action: 'approve',
        Outcome: 'sent',
        Channel: 'email',
        Decisions: 1,
      },
    ]);
    expect(METRICS_NAMESPACE).toBe('SsmApprovalWebhook');
  });

  it('AuthenticationFailures: Reason', () => {
    recordAuthenticationFailure('invalid-link-token');

    expect(capture.lines).toEqual([authenticationFailureLine('invalid-link-token')]);
  });

  it('a successful SSM call: its latency under Operation, rounded to whole milliseconds', () => {
    recordSsmCall({ operation: 'GetAutomationExecution', durationMs: 41.6 });

    expect(capture.lines).toEqual([
      emfLine('SsmCallLatency', 'Milliseconds', 42, { Operation: 'GetAutomationExecution' }),
    ]);
  });

  it('a failed SSM call: latency, SsmErrors by Operation and ErrorName; no throttle line', () => {
    recordSsmCall({
      operation: 'SendAutomationSignal',
      durationMs: 12,
      errorName: 'InvalidAutomationSignalException',
      throttled: false,
    });

    expect(capture.lines).toEqual([
      emfLine('SsmCallLatency', 'Milliseconds', 12, { Operation: 'SendAutomationSignal' }),
      ssmErrorLine('SendAutomationSignal', 'InvalidAutomationSignalException'),
    ]);
  });

  it('a throttled SSM call adds SsmThrottles, under [service] only', () => {
    recordSsmCall({
      operation: 'GetAutomationExecution',
      durationMs: 3,
      errorName: 'ThrottlingException',
      throttled: true,
    });

    expect(capture.lines).toEqual([
      emfLine('SsmCallLatency', 'Milliseconds', 3, { Operation: 'GetAutomationExecution' }),
      ssmErrorLine('GetAutomationExecution', 'ThrottlingException'),
      THROTTLE_LINE,
    ]);
    expect(THROTTLE_LINE._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });

  it('NotificationsSent and NotificationsFailed: Channel', () => {
    recordNotification('teams', 'sent');
    recordNotification('webhook', 'failed');

    expect(capture.lines).toEqual([
      emfLine('NotificationsSent', 'Count', 1, { Channel: 'teams' }),
      emfLine('NotificationsFailed', 'Count', 1, { Channel: 'webhook' }),
    ]);
  });

  it('a blank dimension value is counted as "unknown"; a long one is cut to 128 characters', () => {
    recordAuthenticationFailure('  ');
    recordAuthenticationFailure('x'.repeat(300));

    expect(capture.lines).toEqual([
      authenticationFailureLine('unknown'),
      authenticationFailureLine('x'.repeat(128)),
    ]);
  });
});

describe('never in the way', () => {
  it('a value CloudWatch cannot take is logged as a warning and dropped; the other lines of the event stay', () => {
    const warn = jest.spyOn(logger, 'warn');

    expect(() =>
      recordSsmCall({
        operation: 'GetAutomationExecution',
        durationMs: Number.NaN,
        errorName: 'TimeoutError',
      }),
    ).not.toThrow();

    expect(warn.mock.calls).toEqual([
      [
        'Metric not recorded',
        { metric: 'SsmCallLatency', error: new RangeError('NaN is not a finite number') },
      ],
    ]);
    expect(capture.lines).toEqual([ssmErrorLine('GetAutomationExecution', 'TimeoutError')]);
  });

  it('POWERTOOLS_METRICS_DISABLED=true writes no line', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';

    recordDecision({ action: 'stop', outcome: 'failed', channel: 'api' });

    expect(capture.lines).toEqual([]);
  });

  it('the flush middleware of an invocation without metrics writes nothing at all (no notice either)', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const handler = middy(async () => 'done').use(flushMetrics());

    await expect(handler({}, context())).resolves.toBe('done');

    expect(capture.lines).toEqual([]);
    expect(capture.other).toEqual([]);
    expect(stderr).not.toHaveBeenCalled();
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('the flush middleware publishes what was buffered on the instance, with the [service] dimension', async () => {
    // The module's instance reads POWERTOOLS_METRICS_DISABLED when it loads: load it afresh, metrics on.
    let fresh: typeof import('../../lambda/core/metrics') | undefined;
    jest.isolateModules(() => {
      fresh = require('../../lambda/core/metrics');
    });
    const { metrics: instance, flushMetrics: flush } = fresh as typeof import('../../lambda/core/metrics');
    const handler = middy(async () => {
      instance.addMetric('Buffered', 'Count', 2);
    }).use(flush());

    await handler({}, context());

    expect(capture.lines).toEqual([emfLine('Buffered', 'Count', 2)]);
    expect(instance.hasStoredMetrics()).toBe(false);
  });
});
