/**
 * Section 2: the approve handler in process (the whole middy chain), SSM mocked, the secret from a temp
 * file. Measures latency per invocation and heap/RSS around a long run of invocations.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { GetAutomationExecutionCommand, SendAutomationSignalCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { approveStep, execution, STAGING_ID } from '../../test/gate/fixtures';
import { context, formPost, jsonPost } from '../../test/support/events';
import { bearer, link, useTestSecret } from '../../test/support/secrets';
import { exposedGc, type LoopBounds, measureLatency, memorySnapshot } from '../measure';
import type { BenchResult, MemoryChange, SectionOptions, SectionOutcome } from '../results';
import { ratePerSecond, summarize } from '../stats';

const EXECUTION_ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const APPROVE_PATH = `/executions/${EXECUTION_ID}/approve`;
/**
 * aws-sdk-client-mock (sinon) keeps every call it sees; left alone, 20k recorded commands would show up
 * as the handler's heap growth. The history is checked and cleared this often, outside any timed span.
 */
const HISTORY_BATCH = 1_000;

type Handler = typeof import('../../lambda/handlers/signal').handler;

interface Scenario {
  readonly name: string;
  readonly event: () => APIGatewayProxyEventV2;
  readonly contentType: string;
}

export async function runHandler(options: SectionOptions): Promise<SectionOutcome> {
  const latencyBounds: LoopBounds = options.quick
    ? { iterations: 1_000, maxMs: 2_000 }
    : { iterations: 10_000, maxMs: 12_000 };
  const memoryInvocations = options.quick ? 2_000 : 20_000;
  const memoryBounds: LoopBounds = { iterations: memoryInvocations, maxMs: options.quick ? 4_000 : 25_000 };
  const warmup: LoopBounds = { iterations: 500, maxMs: 2_000 };

  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_REGION ??= 'us-east-1';
  const secretFile = useTestSecret();
  const ssm = mockClient(SSMClient);
  ssm.on(SendAutomationSignalCommand).resolves({});
  // Every decision reads the execution first (scope, gate, and the truth when an answer is lost).
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
      AutomationExecutionId: EXECUTION_ID,
    }),
  });
  try {
    // Loaded only now, as Lambda loads the module with its environment already set.
    const { handler }: { handler: Handler } = await import('../../lambda/handlers/signal');
    const token = await link(EXECUTION_ID, ['approve']);
    const scenarios: Scenario[] = [
      {
        name: 'approve, API token (JSON)',
        event: () => jsonPost(APPROVE_PATH, { comment: 'CHG-42 reviewed' }, bearer()),
        contentType: 'application/json',
      },
      {
        name: 'approve, signed link (form)',
        event: () => formPost(APPROVE_PATH, { token, comment: 'ship it' }),
        contentType: 'text/html; charset=utf-8',
      },
    ];

    let sentSinceCheck = 0;
    const invoke = async (scenario: Scenario, event: APIGatewayProxyEventV2): Promise<void> => {
      const response = await handler(event, context());
      if (response.statusCode !== 200 || response.headers?.['content-type'] !== scenario.contentType) {
        throw new Error(`${scenario.name}: unexpected response ${JSON.stringify(response).slice(0, 300)}`);
      }
      sentSinceCheck += 1;
    };
    /** Checks that every invocation sent exactly one Approve for the execution, then forgets the calls. */
    const checkAndClearHistory = (): void => {
      const calls = ssm.commandCalls(SendAutomationSignalCommand);
      if (calls.length !== sentSinceCheck) {
        throw new Error(
          `expected ${sentSinceCheck} SendAutomationSignal calls, the mock saw ${calls.length}`,
        );
      }
      const wrong = calls.find(
        ({ args }) =>
          args[0].input.AutomationExecutionId !== EXECUTION_ID || args[0].input.SignalType !== 'Approve',
      );
      if (wrong)
        throw new Error(`unexpected SendAutomationSignal input ${JSON.stringify(wrong.args[0].input)}`);
      ssm.resetHistory();
      sentSinceCheck = 0;
    };
    const prepare = (scenario: Scenario) => (index: number) => {
      if (index > 0 && index % HISTORY_BATCH === 0) checkAndClearHistory();
      return scenario.event();
    };

    const results: BenchResult[] = [];
    for (const scenario of scenarios) {
      await measureLatency(prepare(scenario), (event) => invoke(scenario, event), warmup);
      checkAndClearHistory();
      const timed = await measureLatency(
        prepare(scenario),
        (event) => invoke(scenario, event),
        latencyBounds,
      );
      checkAndClearHistory();
      const latency = summarize(timed.durationsMs);
      results.push({
        section: 'handler',
        name: scenario.name,
        iterations: timed.iterations,
        unit: 'ops/s',
        // Sequential calls: the rate is the inverse of the mean time inside the handler.
        rate: ratePerSecond(timed.iterations, latency.mean * timed.iterations),
        latencyMs: latency,
        note: 'one invocation at a time; rate = 1 / mean handler time (event building excluded)',
      });
    }

    // Alternating the two kinds, as a warm Lambda environment would see them.
    const before = memorySnapshot();
    const mixed = await measureLatency(
      (index) => {
        const scenario = scenarios[index % scenarios.length] as Scenario;
        return { scenario, event: prepare(scenario)(index) };
      },
      ({ scenario, event }) => invoke(scenario, event),
      memoryBounds,
    );
    checkAndClearHistory();
    const after = memorySnapshot();
    const memory: MemoryChange = {
      before,
      after,
      gcForced: exposedGc() !== undefined,
      scope: 'this process (handler, mocked SSM client)',
    };
    const mixedLatency = summarize(mixed.durationsMs);
    results.push({
      section: 'handler',
      name: `approve, mixed x${mixed.iterations} (memory)`,
      iterations: mixed.iterations,
      unit: 'ops/s',
      rate: ratePerSecond(mixed.iterations, mixedLatency.mean * mixed.iterations),
      latencyMs: mixedLatency,
      memory,
      ...(mixed.iterations < memoryInvocations
        ? { note: `stopped at its time budget, ${memoryInvocations} planned` }
        : {}),
    });
    return { results, failures: [] };
  } finally {
    ssm.restore();
    rmSync(path.dirname(secretFile), { recursive: true, force: true });
  }
}
