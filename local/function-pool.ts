/**
 * One local Lambda function, run as Lambda runs it: a pool of instances (execution environments), each a
 * worker thread with its own copy of the handler module (function-worker.ts), each running ONE invocation
 * at a time. When every instance is busy, a new one starts (a cold start: it loads the module), up to
 * `maxInstances`; beyond that an invocation waits for the first free instance (or, with
 * `overflow: 'throttle'`, fails at once as Lambda's throttling does). An invocation still running at the
 * function's timeout ends with its instance, which is stopped; the next invocation that needs one starts
 * a fresh instance. An idle instance stays warm; beyond the first, it stops after `idleTimeoutMs`.
 *
 * Why not one worker for everything: module-scope state is per instance in Lambda. Powertools' logger
 * keys (the request id on every line) and the SDK client's socket pool are module-scope, so concurrent
 * invocations in one worker logged each other's request ids and queued for the same 50 sockets until
 * healthy calls timed out.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Invocation, InvocationReply, ReadyMessage, WorkerData } from './function-worker';

/** Where a function's handler lives, relative to the repository root, and its exported name. */
export interface FunctionCode {
  readonly entry: string;
  readonly handler: string;
}

/** Instances one local function may run at once, unless told otherwise. */
export const DEFAULT_MAX_INSTANCES = 10;
/** Instances of one function loading their module at once (see dispatch). */
const COLD_STARTS_AT_ONCE = availableParallelism();
/** How long an idle instance beyond the first stays warm. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

export interface FunctionPoolOptions {
  /** The function's name, as its context and log group show it. */
  readonly functionName: string;
  readonly code: FunctionCode;
  /**
   * The function's environment (its credentials stand for its IAM role); nothing else is inherited but
   * Lambda's `AWS_LAMBDA_INITIALIZATION_TYPE=on-demand`.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** The function's timeout: an invocation still running then fails, and its instance is stopped. */
  readonly timeoutMs: number;
  /**
   * Instances running at once, at most. Lambda's own limit is the account's concurrency (1,000 by
   * default); locally each instance is a thread with its own copy of the module (~30 MB, and 0.4 to 1 s
   * of CPU to load: tsx compiles, the SDK loads).
   * @default DEFAULT_MAX_INSTANCES
   */
  readonly maxInstances?: number;
  /**
   * When all `maxInstances` are busy: `queue` waits for the first free instance; `throttle` fails the
   * invocation with TooManyRequestsException, as Lambda does beyond a function's reserved concurrency.
   * @default 'queue'
   */
  readonly overflow?: 'queue' | 'throttle';
  /** @default DEFAULT_IDLE_TIMEOUT_MS */
  readonly idleTimeoutMs?: number;
  /**
   * Receives each line an instance writes (stdout and stderr) with the instance's log stream name. By
   * default the lines go to this process's own stdout and stderr.
   */
  readonly onLog?: (line: string, logStreamName: string) => void;
}

export interface FunctionPoolStats {
  /** Instances loading their module, idle, or running an invocation. */
  readonly instances: number;
  readonly busy: number;
  /** Invocations waiting for an instance. */
  readonly queued: number;
  /** Instances started so far, the first included. */
  readonly coldStarts: number;
}

export interface FunctionPool {
  readonly functionName: string;
  /** Invokes the function synchronously (RequestResponse): resolves with its result. */
  invoke(event: unknown): Promise<unknown>;
  stats(): FunctionPoolStats;
  /** Stops every instance and fails what is queued or running; resolves with how many instances it stopped. */
  close(): Promise<number>;
}

/** The error types Lambda reports for a failed invocation. */
export type FunctionErrorType = 'Unhandled' | 'Sandbox.Timedout' | 'Runtime.ExitError' | 'Runtime.InitError';

/** The function ran and failed: it threw, timed out, its runtime exited, or its module did not load. */
export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  constructor(
    readonly errorType: FunctionErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** Lambda refused the invocation: every instance the function may run is busy. */
export class TooManyRequestsException extends Error {
  override readonly name = 'TooManyRequestsException';
  readonly reason = 'ReservedFunctionConcurrentInvocationLimitExceeded';
  constructor() {
    super('Rate Exceeded.');
  }
}

// The worker compiles TypeScript with tsx's CommonJS hook, whether the parent runs under tsx or jest.
const BOOTSTRAP = `require('tsx/cjs/api').register(); require(${JSON.stringify(path.join(__dirname, 'function-worker.ts'))});`;

/** Lambda's log stream name: `2026/11/21/[$LATEST]` and 32 hex digits, one per execution environment. */
const logStreamNameOf = (now: Date): string =>
  `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

interface Pending {
  readonly id: number;
  readonly requestId: string;
  readonly event: unknown;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Instance {
  readonly worker: Worker;
  readonly logStreamName: string;
  state: 'starting' | 'idle' | 'busy';
  /** The invocation it runs. */
  current?: Pending;
  /** The running invocation's timeout, or the idle instance's end. */
  timer?: NodeJS.Timeout;
  /** Set when the pool stopped it: its exit is expected and already dealt with. */
  stopped: boolean;
}

const forwardLines = (stream: Readable, onLine: (line: string) => void) =>
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);

/** Starts a function's first instance and resolves once its module loaded (rejects if it cannot load). */
export const startFunctionPool = async (options: FunctionPoolOptions): Promise<FunctionPool> => {
  const maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  if (!Number.isInteger(maxInstances) || maxInstances < 1)
    throw new RangeError(`maxInstances must be a whole number of at least 1, not ${maxInstances}`);
  const overflow = options.overflow ?? 'queue';
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const instances = new Set<Instance>();
  const queue: Pending[] = [];
  let nextId = 0;
  let coldStarts = 0;
  let closed = false;

  const count = (state: Instance['state']) => [...instances].filter((i) => i.state === state).length;

  const stop = async (instance: Instance): Promise<void> => {
    instance.stopped = true;
    instances.delete(instance);
    clearTimeout(instance.timer);
    await instance.worker.terminate();
  };

  const keepWarm = (instance: Instance) => {
    clearTimeout(instance.timer);
    instance.timer = setTimeout(() => {
      if (instance.state === 'idle' && instances.size > 1) void stop(instance);
    }, idleTimeoutMs);
    instance.timer.unref();
  };

  /** Starts an instance. `onInitFailure` learns that its module did not load; `onReady`, that it did. */
  const spawn = (onInitFailure: (error: FunctionError) => void, onReady?: () => void): void => {
    coldStarts += 1;
    const logStreamName = logStreamNameOf(new Date());
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      // Lambda says how each environment started; Powertools' logger marks its first line cold_start then.
      env: { ...options.environment, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' },
      workerData: {
        functionName: options.functionName,
        entry: options.code.entry,
        handler: options.code.handler,
        timeoutMs: options.timeoutMs,
        logStreamName,
      } satisfies WorkerData,
      ...(options.onLog ? { stdout: true, stderr: true } : {}),
    });
    // Instances never keep the process alive by themselves (the server or caller does).
    worker.unref();
    const { onLog } = options;
    if (onLog) {
      forwardLines(worker.stdout, (line) => onLog(line, logStreamName));
      forwardLines(worker.stderr, (line) => onLog(line, logStreamName));
    }
    const instance: Instance = { worker, logStreamName, state: 'starting', stopped: false };
    instances.add(instance);
    let failure: Error | undefined;
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('message', (message: ReadyMessage | InvocationReply) => {
      if ('ready' in message) {
        instance.state = 'idle';
        keepWarm(instance);
        onReady?.();
        dispatch();
      } else {
        finish(instance, message);
      }
    });
    worker.on('exit', (code) => {
      if (instance.stopped) return;
      instances.delete(instance);
      clearTimeout(instance.timer);
      const cause = failure ? String(failure) : `exit status ${code}`;
      if (instance.state === 'starting') {
        onInitFailure(
          new FunctionError('Runtime.InitError', `${options.functionName} failed to load: ${cause}`),
        );
      } else if (instance.current) {
        instance.current.reject(
          new FunctionError('Runtime.ExitError', `Runtime exited with error: ${cause}`),
        );
      }
      dispatch();
    });
  };

  const run = (instance: Instance, pending: Pending) => {
    clearTimeout(instance.timer);
    instance.state = 'busy';
    instance.current = pending;
    instance.timer = setTimeout(() => {
      instance.current = undefined;
      void stop(instance);
      pending.reject(
        new FunctionError(
          'Sandbox.Timedout',
          `Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`,
        ),
      );
      dispatch();
    }, options.timeoutMs);
    try {
      instance.worker.postMessage({
        id: pending.id,
        requestId: pending.requestId,
        event: pending.event,
      } satisfies Invocation);
    } catch (error) {
      // An event that cannot be copied to the instance (it holds a function, say) never reaches it.
      finish(instance, { id: pending.id, error: String(error) });
    }
  };

  const finish = (instance: Instance, reply: InvocationReply) => {
    const pending = instance.current;
    if (!pending || pending.id !== reply.id) return;
    instance.current = undefined;
    instance.state = 'idle';
    keepWarm(instance);
    if ('error' in reply) pending.reject(new FunctionError('Unhandled', reply.error));
    else pending.resolve(reply.result);
    dispatch();
  };

  /**
   * Hands queued invocations to idle instances, and starts instances for those still waiting: as many
   * at once as there are CPUs. Loading a module costs about a CPU-second (tsx compiles, the SDK loads);
   * ten at once on a two-CPU machine starve the instances running invocations, until their SDK timeouts
   * fire on healthy calls. So a pool grows by a few instances per load time (Lambda's scaling has a rate
   * too), and an instance that frees up meanwhile takes the longest-waiting invocation.
   */
  const dispatch = () => {
    while (!closed && queue.length > 0) {
      const idle = [...instances].find((instance) => instance.state === 'idle');
      if (idle) {
        run(idle, queue.shift() as Pending);
      } else if (
        count('starting') < Math.min(queue.length, COLD_STARTS_AT_ONCE) &&
        instances.size < maxInstances
      ) {
        // If its module does not load, the longest-waiting invocation fails with it (as its cold start).
        spawn((error) => queue.shift()?.reject(error));
      } else {
        return;
      }
    }
  };

  await new Promise<void>((resolve, reject) => spawn(reject, resolve));

  return {
    functionName: options.functionName,
    invoke: (event) =>
      new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error(`${options.functionName} is stopped`));
          return;
        }
        if (overflow === 'throttle' && count('busy') + queue.length >= maxInstances) {
          reject(new TooManyRequestsException());
          return;
        }
        queue.push({ id: nextId++, requestId: randomUUID(), event, resolve, reject });
        dispatch();
      }),
    stats: () => ({
      instances: instances.size,
      busy: count('busy'),
      queued: queue.length,
      coldStarts,
    }),
    close: async () => {
      closed = true;
      const stopping = [...instances];
      const error = new Error(`${options.functionName} is stopped`);
      for (const pending of queue.splice(0)) pending.reject(error);
      for (const instance of stopping) instance.current?.reject(error);
      await Promise.all(stopping.map(stop));
      return stopping.length;
    },
  };
};
