/**
 * The request's time budget, from the function's own deadline (`context.getRemainingTimeInMillis()`):
 * every SDK call gets an abort signal that fires early enough to leave room for what must follow it, so
 * the function always answers before Lambda (or API Gateway) gives up on it.
 */
import type { Context } from 'aws-lambda';

/** Left for building and returning the answer after the last SSM call. */
export const ANSWER_RESERVE_MS = 500;
/** Left after the mutating call: to read the execution when its outcome is unknown, then answer. */
export const AFTER_MUTATION_RESERVE_MS = 2_500;
/** Left after the first read: for the mutating call (one or two attempts) and what follows it. */
export const AFTER_FIRST_READ_RESERVE_MS = 6_000;

export interface Budget {
  /** Milliseconds until the function's deadline. */
  remainingMs(): number;
  /** A signal that aborts when only `reserveMs` remain (at once if that time has passed). */
  signal(reserveMs: number): AbortSignal;
}

/**
 * @param outer middy's own abort signal (it fires just before the function's timeout): every signal made
 * here fires on it too.
 */
export const budgetOf = (
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  outer?: AbortSignal,
  now: () => number = Date.now,
): Budget => {
  const deadline = now() + context.getRemainingTimeInMillis();
  return {
    remainingMs: () => deadline - now(),
    signal: (reserveMs) => {
      const left = deadline - reserveMs - now();
      // An already spent budget aborts at once, not on the next turn of the event loop.
      const own =
        left > 0
          ? AbortSignal.timeout(left)
          : AbortSignal.abort(new DOMException('Budget spent', 'TimeoutError'));
      return outer ? AbortSignal.any([own, outer]) : own;
    },
  };
};

/** Rejects with `onTimeout()` when the signal fires first. For work that takes no abort signal itself. */
export const within = <T>(work: Promise<T>, signal: AbortSignal, onTimeout: () => Error): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(onTimeout());
      return;
    }
    const abort = () => reject(onTimeout());
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
