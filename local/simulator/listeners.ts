/**
 * Hands events to listeners the way AWS invokes a function: later, outside the SSM request that
 * caused them, and without letting a failing listener touch the simulator.
 */

/** A listener may be async; a rejected promise counts as a throw. */
export type Listener<E> = (event: E) => void | Promise<void>;

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function';

/**
 * Calls `listener` with each event, in order, on a later turn of the event loop (setImmediate, so
 * after the current operation and its response). A throw or rejection is passed to `onError`; an
 * `onError` that throws itself is ignored, as there is no one left to tell.
 */
export const deliverLater = <E>(
  listener: Listener<E> | undefined,
  events: readonly E[],
  onError: (error: unknown) => void,
): void => {
  if (listener === undefined || events.length === 0) return;
  const report = (error: unknown): void => {
    try {
      onError(error);
    } catch {
      // Nothing left to report to.
    }
  };
  setImmediate(() => {
    for (const event of events) {
      try {
        const result: unknown = listener(event);
        if (isPromiseLike(result)) result.then(undefined, report);
      } catch (error) {
        report(error);
      }
    }
  });
};
