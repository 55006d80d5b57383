/**
 * Reads the EMF lines Powertools Metrics writes to stdout, and builds the exact line expected of each of
 * our metrics (lambda/core/metrics.ts): namespace, the two dimension sets, the values. Metrics are off in
 * the test environment (test/setup-env.ts); {@link captureEmf} turns them on for a test.
 */
import { METRICS_NAMESPACE } from '../../lambda/core/metrics';

export type EmfLine = Record<string, unknown> & { readonly _aws: unknown };

/** Turns metrics on and records every EMF line written to stdout until `stop()`; other output is kept. */
export const captureEmf = () => {
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const lines: EmfLine[] = [];
  const other: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const text of String(chunk)
      .split('\n')
      .filter((line) => line !== '')) {
      const parsed: unknown = (() => {
        try {
          return JSON.parse(text);
        } catch {
          return undefined;
        }
      })();
      if (typeof parsed === 'object' && parsed !== null && '_aws' in parsed) lines.push(parsed as EmfLine);
      else other.push(text);
    }
    return true;
  });
  return {
    lines,
    other,
    stop: () => {
      write.mockRestore();
      if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = previous;
    },
  };
};

const SERVICE = 'ssm-approval-webhook';

/**
 * The exact line of one metric: under `[service]` alone and, with `detail`, under `[service, ...detail]`
 * too (two dimension sets in one line). `value` may be an asymmetric matcher (a latency).
 */
export const emfLine = (
  name: string,
  unit: 'Count' | 'Milliseconds',
  value: unknown,
  detail: Readonly<Record<string, string>> = {},
) => {
  const keys = Object.keys(detail);
  return {
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: keys.length > 0 ? [['service'], ['service', ...keys]] : [['service']],
          Metrics: [{ Name: name, Unit: unit }],
        },
      ],
    },
    service: SERVICE,
    ...detail,
    [name]: value,
  };
};

export const decisionLine = (action: string, outcome: string, channel: string) =>
  emfLine('Decisions', 'Count', 1, { Action: action, Outcome: outcome, Channel: channel });

export const authenticationFailureLine = (reason: string) =>
  emfLine('AuthenticationFailures', 'Count', 1, { Reason: reason });

export const latencyLine = (operation: string) =>
  emfLine('SsmCallLatency', 'Milliseconds', expect.any(Number), { Operation: operation });

export const ssmErrorLine = (operation: string, errorName: string) =>
  emfLine('SsmErrors', 'Count', 1, { Operation: operation, ErrorName: errorName });

export const THROTTLE_LINE = emfLine('SsmThrottles', 'Count', 1);
