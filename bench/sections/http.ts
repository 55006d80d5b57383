/**
 * Section 3: end to end over HTTP on 127.0.0.1. The local stack (SSM Automation simulator, local API,
 * the signal function in its worker thread) runs in this process; K executions of the demo runbook are
 * started, then each is approved through POST /executions/{id}/approve with bounded concurrency, and
 * every execution must end in Success.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  GetAutomationExecutionCommand,
  type SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { DEMO_RUNBOOK, startLocalStack } from '../../local/runner';
import { exposedGc, memorySnapshot } from '../measure';
import { mapWithConcurrency } from '../pool';
import type { BenchResult, SectionOptions, SectionOutcome } from '../results';
import { ratePerSecond, summarize } from '../stats';

const REQUEST_TIMEOUT_MS = 15_000;
/** How long executions may take to reach Success after their approval was accepted. */
const SETTLE_DEADLINE_MS = 10_000;
const SETTLE_POLL_MS = 100;

interface Timing<T> {
  readonly value: T;
  readonly ms: number;
}

const timed = async <T>(work: () => Promise<T>): Promise<Timing<T>> => {
  const begin = performance.now();
  const value = await work();
  return { value, ms: performance.now() - begin };
};

const statusOf = async (ssm: SSMClient, executionId: string): Promise<string | undefined> =>
  (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId })))
    .AutomationExecution?.AutomationExecutionStatus;

/** Statuses an execution can still leave; any other status than Success is final and a failure. */
const STILL_RUNNING: ReadonlySet<string | undefined> = new Set([
  'Pending',
  'InProgress',
  'Waiting',
  'Cancelling',
  'Scheduled',
  'RunbookInProgress',
]);

/**
 * Executions not in Success, with their last status: polled while any is still running, up to a deadline
 * (the simulator finishes an approved demo execution at once; real timing may differ).
 */
const notInSuccess = async (
  ssm: SSMClient,
  executionIds: readonly string[],
  concurrency: number,
): Promise<Map<string, string | undefined>> => {
  const deadline = performance.now() + SETTLE_DEADLINE_MS;
  const final = new Map<string, string | undefined>();
  let running = [...executionIds];
  while (running.length > 0) {
    const statuses = await mapWithConcurrency(running, concurrency, (id) => statusOf(ssm, id));
    const stillRunning: string[] = [];
    running.forEach((id, index) => {
      const status = statuses[index];
      if (STILL_RUNNING.has(status) && performance.now() <= deadline) stillRunning.push(id);
      else if (status !== 'Success') final.set(id, status);
    });
    running = stillRunning;
    if (running.length > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
  return final;
};

export async function runHttp(options: SectionOptions): Promise<SectionOutcome> {
  const executions = options.quick ? 30 : 300;
  const warmup = options.quick ? 8 : 32;
  const concurrency = 8;
  const secretDir = mkdtempSync(path.join(tmpdir(), 'sawh-bench-'));
  const rssBefore = memorySnapshot();
  const stack = await startLocalStack({
    apiPort: 0,
    simulatorPort: 0,
    secretFile: path.join(secretDir, 'secrets.json'),
    demo: false,
    logLevel: 'SILENT',
  });
  try {
    const ssm = stack.operatorSsm;
    if (ssm === undefined) throw new Error('the local stack started no simulator');
    const failures: string[] = [];

    const startExecution = () =>
      timed(async () => {
        const output = await ssm.send(new StartAutomationExecutionCommand({ DocumentName: DEMO_RUNBOOK }));
        if (output.AutomationExecutionId === undefined)
          throw new Error('StartAutomationExecution gave no id');
        return output.AutomationExecutionId;
      });
    const approve = (id: string) =>
      timed(async () => {
        const response = await fetch(`${stack.apiUrl}/executions/${id}/approve`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ comment: 'bench' }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        return { id, status: response.status, body: await response.text() };
      });

    // Unmeasured: the first calls pay for SDK set-up, connections and JIT in every component.
    const warmupIds = (
      await mapWithConcurrency(Array.from({ length: warmup }), concurrency, startExecution)
    ).map((entry) => entry.value);
    const warmupApprovals = await mapWithConcurrency(warmupIds, concurrency, approve);

    const startWall = performance.now();
    const started = await mapWithConcurrency(Array.from({ length: executions }), concurrency, startExecution);
    const startElapsed = performance.now() - startWall;
    const executionIds = started.map((entry) => entry.value);

    const afterStart = memorySnapshot();
    const approveWall = performance.now();
    const approvals = await mapWithConcurrency(executionIds, concurrency, approve);
    const approveElapsed = performance.now() - approveWall;
    const afterApprove = memorySnapshot();

    for (const { value } of [...warmupApprovals, ...approvals]) {
      if (value.status !== 200) {
        failures.push(`approve ${value.id}: HTTP ${value.status} ${value.body.slice(0, 200)}`);
      }
    }
    const notSuccess = await notInSuccess(ssm, [...warmupIds, ...executionIds], concurrency);
    for (const [id, status] of notSuccess) {
      failures.push(`execution ${id} ended ${status ?? 'without a status'}, not Success`);
    }

    const gcForced = exposedGc() !== undefined;
    const results: BenchResult[] = [
      {
        section: 'http',
        name: `StartAutomationExecution x${executions}, c=${concurrency}`,
        iterations: executions,
        unit: 'req/s',
        rate: ratePerSecond(executions, startElapsed),
        latencyMs: summarize(Float64Array.from(started, (entry) => entry.ms)),
        note: 'operator SDK client straight to the simulator (setup, for context)',
      },
      {
        section: 'http',
        name: `POST /executions/{id}/approve x${executions}, c=${concurrency}`,
        iterations: executions,
        unit: 'req/s',
        rate: ratePerSecond(executions, approveElapsed),
        latencyMs: summarize(Float64Array.from(approvals, (entry) => entry.ms)),
        memory: {
          before: afterStart,
          after: afterApprove,
          gcForced,
          scope: 'whole process: simulator, local API and the main heap (worker heaps count in RSS only)',
        },
        note:
          `after ${warmup} unmeasured approvals; all ${warmup + executions} executions checked for Success` +
          `${notSuccess.size === 0 ? ' (all passed)' : ''}; client, local API, signal worker and simulator ` +
          `share this process and its cores; RSS before the stack started: ${(rssBefore.rssBytes / 2 ** 20).toFixed(1)} MiB`,
      },
    ];
    return { results, failures };
  } finally {
    await stack.close();
    rmSync(secretDir, { recursive: true, force: true });
  }
}
