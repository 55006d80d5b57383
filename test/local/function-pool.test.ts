/**
 * The local function pool runs invocations as Lambda does: one at a time per instance, more instances
 * under concurrent load, a fresh instance after one timed out or crashed. The handler is
 * test/local/fixtures/recorder.ts, built like the webhook's (Powertools logger with module-scope keys,
 * set per invocation by injectLambdaContext); its log lines are read per instance through `onLog`.
 */
import {
  FunctionError,
  type FunctionPool,
  type FunctionPoolOptions,
  startFunctionPool,
  TooManyRequestsException,
} from '../../local/function-pool';
import type { RecorderEvent, RecorderResult } from './fixtures/recorder';

const RECORDER = { entry: 'test/local/fixtures/recorder.ts', handler: 'handler' } as const;

interface LogLine {
  readonly stream: string;
  readonly message: string;
  readonly n: number;
  readonly function_request_id: string;
  readonly cold_start: boolean;
}

const pools: FunctionPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

const startRecorder = async (options: Partial<FunctionPoolOptions> = {}) => {
  const lines: LogLine[] = [];
  const pool = await startFunctionPool({
    functionName: 'local-recorder',
    code: RECORDER,
    environment: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'INFO' },
    timeoutMs: 5_000,
    onLog: (line, stream) => lines.push({ stream, ...(JSON.parse(line) as Omit<LogLine, 'stream'>) }),
    ...options,
  });
  pools.push(pool);
  return { pool, lines, invoke: (event: RecorderEvent) => pool.invoke(event) as Promise<RecorderResult> };
};

/** The log lines reach this thread asynchronously; wait until `count` arrived. */
const settled = async (lines: readonly LogLine[], count: number) => {
  for (let i = 0; i < 100 && lines.length < count; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('concurrent invocations', () => {
  it('never share an instance: 20 at once on at most 4 instances, each logging only its own request id', async () => {
    const { pool, lines, invoke } = await startRecorder({ maxInstances: 4 });

    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => invoke({ n, delayMs: 150 })));
    await settled(lines, 40);

    // 20 invocations, 20 request ids, each alone in its instance from start to end.
    expect(new Set(results.map((r) => r.awsRequestId)).size).toBe(20);
    expect(results.map((r) => [r.inFlightAtStart, r.inFlightAtEnd])).toEqual(
      Array.from({ length: 20 }, () => [1, 1]),
    );
    // More instances under load, never more than the cap. How many of the three cold starts finish before
    // the queue drains depends on the machine's load (a cold start is CPU work): at least one, at most three.
    const streams = new Set(results.map((r) => r.logStreamName));
    expect(streams.size).toBeGreaterThanOrEqual(2);
    expect(streams.size).toBeLessThanOrEqual(4);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(streams.size);
    const stats = pool.stats();
    expect(stats).toMatchObject({ busy: 0, queued: 0 });
    expect(stats.instances).toBeLessThanOrEqual(4);
    expect(stats.coldStarts).toBe(stats.instances);
    for (const stream of streams) expect(stream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);

    // Every line carries the request id of the invocation that wrote it, in the instance that ran it.
    expect(lines).toHaveLength(40);
    for (const result of results) {
      const own = lines.filter((line) => line.n === result.n);
      expect(own.map((line) => [line.message, line.function_request_id, line.stream])).toEqual([
        ['start', result.awsRequestId, result.logStreamName],
        ['end', result.awsRequestId, result.logStreamName],
      ]);
    }
    // Per instance, invocations follow one another: start, end, start, end…; the first is its cold start.
    for (const stream of streams) {
      const ofStream = lines.filter((line) => line.stream === stream);
      expect(ofStream.map((line) => line.message)).toEqual(
        ofStream.flatMap((_, i) => (i % 2 === 0 ? ['start', 'end'] : [])),
      );
      expect(ofStream.map((line) => line.cold_start)).toEqual(ofStream.map((_, i) => i < 2));
    }
  });

  it('queues beyond the cap by default: 3 at once on 1 instance run one after another', async () => {
    const { pool, invoke } = await startRecorder({ maxInstances: 1 });

    const results = await Promise.all([0, 1, 2].map((n) => invoke({ n, delayMs: 50 })));

    expect(results.map((r) => [r.n, r.previous, r.inFlightAtStart])).toEqual([
      [0, 0, 1],
      [1, 1, 1],
      [2, 2, 1],
    ]);
    expect(pool.stats()).toEqual({ instances: 1, busy: 0, queued: 0, coldStarts: 1 });
  });

  it('with overflow "throttle", refuses what no free instance can take, as Lambda throttles', async () => {
    const { invoke } = await startRecorder({ maxInstances: 1, overflow: 'throttle' });

    const [first, second] = await Promise.allSettled([invoke({ n: 0, delayMs: 100 }), invoke({ n: 1 })]);

    expect(first).toMatchObject({ status: 'fulfilled', value: { n: 0 } });
    expect(second).toEqual({ status: 'rejected', reason: new TooManyRequestsException() });
    expect((second as PromiseRejectedResult).reason).toMatchObject({
      name: 'TooManyRequestsException',
      message: 'Rate Exceeded.',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    // Once the instance is free, it takes the next one.
    expect(await invoke({ n: 2 })).toMatchObject({ n: 2, previous: 1 });
  });
});

describe('an invocation that fails', () => {
  it('past the timeout: fails with Sandbox.Timedout, its instance is stopped, the next runs on a fresh one', async () => {
    const { pool, invoke } = await startRecorder({ timeoutMs: 300 });
    const before = await invoke({ n: 0 });

    const error = await invoke({ n: 1, spin: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({
      errorType: 'Sandbox.Timedout',
      message: 'Task timed out after 0.30 seconds',
    });
    expect(pool.stats()).toEqual({ instances: 0, busy: 0, queued: 0, coldStarts: 1 });
    const after = await invoke({ n: 2 });
    expect(after.logStreamName).not.toBe(before.logStreamName);
    expect(after.threadId).not.toBe(before.threadId);
    expect(after.previous).toBe(0); // a fresh module: nothing of the hung invocation is left
    expect(pool.stats()).toEqual({ instances: 1, busy: 0, queued: 0, coldStarts: 2 });
  });

  it('whose runtime exits: fails with Runtime.ExitError, and the next runs on a fresh instance', async () => {
    const { pool, invoke } = await startRecorder();
    const before = await invoke({ n: 0 });

    const error = await invoke({ n: 1, exit: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({
      errorType: 'Runtime.ExitError',
      message: 'Runtime exited with error: exit status 3',
    });
    const after = await invoke({ n: 2 });
    expect(after.logStreamName).not.toBe(before.logStreamName);
    expect(after.previous).toBe(0);
    expect(pool.stats().coldStarts).toBe(2);
  });

  it('that throws: fails with Unhandled, and its instance stays warm for the next', async () => {
    const { pool, invoke } = await startRecorder();
    const before = await invoke({ n: 0 });

    const error = await invoke({ n: 1, fail: 'boom' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'Unhandled', message: 'Error: boom' });
    const after = await invoke({ n: 2 });
    expect(after.logStreamName).toBe(before.logStreamName);
    expect(after.previous).toBe(2);
    expect(pool.stats()).toEqual({ instances: 1, busy: 0, queued: 0, coldStarts: 1 });
  });
});

describe('the pool', () => {
  it('does not start when the module cannot load (Runtime.InitError)', async () => {
    const error = await startFunctionPool({
      functionName: 'local-missing',
      code: { entry: 'test/local/fixtures/no-such-handler.ts', handler: 'handler' },
      environment: {},
      timeoutMs: 1_000,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'Runtime.InitError' });
    expect((error as Error).message).toMatch(
      /^local-missing failed to load: Error: Cannot find module '.*no-such-handler\.ts'/,
    );
  });

  it('keeps one instance warm and stops the others once idle for idleTimeoutMs', async () => {
    const { pool, invoke } = await startRecorder({ maxInstances: 3, idleTimeoutMs: 200 });
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => invoke({ n, delayMs: 300 })));
    expect(pool.stats().coldStarts).toBe(3);

    for (let i = 0; i < 100 && pool.stats().instances > 1; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(pool.stats()).toEqual({ instances: 1, busy: 0, queued: 0, coldStarts: 3 });
    // The one left is still warm: no cold start for the next invocation.
    const next = await invoke({ n: 6 });
    expect(results.map((r) => r.logStreamName)).toContain(next.logStreamName);
    expect(pool.stats().coldStarts).toBe(3);
  });

  it('on close, fails what is queued or running and refuses new invocations', async () => {
    const { pool, invoke } = await startRecorder({ maxInstances: 1 });
    const running = invoke({ n: 0, hang: true }).catch((e: unknown) => e);
    const queued = invoke({ n: 1 }).catch((e: unknown) => e);

    expect(await pool.close()).toBe(1);

    expect(await running).toEqual(new Error('local-recorder is stopped'));
    expect(await queued).toEqual(new Error('local-recorder is stopped'));
    await expect(invoke({ n: 2 })).rejects.toEqual(new Error('local-recorder is stopped'));
    expect(pool.stats()).toEqual({ instances: 0, busy: 0, queued: 0, coldStarts: 1 });
  });
});
