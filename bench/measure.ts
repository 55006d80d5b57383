/**
 * Bounded measurement loops: each stops after `iterations` operations or once `maxMs` has passed,
 * whichever comes first, so a slow machine shortens a run instead of stretching it.
 */
import { performance } from 'node:perf_hooks';
import type { MemorySnapshot } from './results';

export interface LoopBounds {
  readonly iterations: number;
  readonly maxMs: number;
}

/** An operation; a returned promise is awaited, a plain value is not (no microtask per sync call). */
export type Operation = () => unknown;

const settle = async (value: unknown): Promise<void> => {
  if (value instanceof Promise) await value;
};

export interface Throughput {
  readonly iterations: number;
  readonly elapsedMs: number;
}

/** Runs the operation back to back with no per-call timer, for the throughput figure. */
export async function measureThroughput(operation: Operation, bounds: LoopBounds): Promise<Throughput> {
  const start = performance.now();
  const deadline = start + bounds.maxMs;
  let count = 0;
  while (count < bounds.iterations) {
    const value = operation();
    if (value instanceof Promise) await value;
    count += 1;
    // Reading the clock only every 64 calls keeps its cost out of sub-microsecond operations.
    if ((count & 63) === 0 && performance.now() > deadline) break;
  }
  return { iterations: count, elapsedMs: performance.now() - start };
}

export interface Timed {
  readonly iterations: number;
  readonly elapsedMs: number;
  /** One duration per completed operation, in milliseconds. */
  readonly durationsMs: Float64Array;
}

/**
 * Times every call. `prepare` runs before each call, outside the timed span (e.g. building a fresh event
 * that the handler will mutate); its result is passed to the operation.
 */
export async function measureLatency<T>(
  prepare: (index: number) => T,
  operation: (prepared: T) => unknown,
  bounds: LoopBounds,
): Promise<Timed> {
  const durations = new Float64Array(bounds.iterations);
  const start = performance.now();
  const deadline = start + bounds.maxMs;
  let count = 0;
  while (count < bounds.iterations) {
    const prepared = prepare(count);
    const begin = performance.now();
    await settle(operation(prepared));
    const end = performance.now();
    durations[count] = end - begin;
    count += 1;
    if (end > deadline) break;
  }
  return {
    iterations: count,
    elapsedMs: performance.now() - start,
    durationsMs: durations.subarray(0, count),
  };
}

/** The global `gc` that `--expose-gc` installs, if this process has it. */
export const exposedGc = (): (() => void) | undefined => {
  const candidate = (globalThis as { gc?: unknown }).gc;
  return typeof candidate === 'function' ? (candidate as () => void) : undefined;
};

/**
 * Heap and RSS after a full collection when one can be forced. Two passes, because the first may only
 * queue finalizers whose garbage the second frees.
 */
export const memorySnapshot = (): MemorySnapshot => {
  const gc = exposedGc();
  if (gc) {
    gc();
    gc();
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedBytes: heapUsed, rssBytes: rss };
};
