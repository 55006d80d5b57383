/**
 * Sends a mutating SSM command and remembers, attempt by attempt, whether it may have reached SSM. The
 * SDK retries on its own, so the error a caller finally sees says little: a timeout after the request
 * was sent, a reset, or a 5xx may each have been applied, and a retry of an applied decision then ends in
 * SSM's "not accepted now". Only a connection that was never made (refused, or no such host) proves that
 * nothing was sent. Written by hand: the SDK exposes no per-attempt record; a middleware placed right
 * after its retry middleware, on this one command only, sees every attempt.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';

/** What one failed attempt tells about the request. */
export type AttemptReach =
  /** SSM answered with a 4xx error: it received the request and refused it. */
  | 'refused'
  /** The connection was never made: nothing was sent. */
  | 'not-sent'
  /** Sent, or possibly sent, and no usable answer came back. */
  | 'maybe';

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export const classifyAttempt = (error: unknown): AttemptReach => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return 'not-sent';
  // A modelled client error (4xx: not accepted, throttled, denied) is SSM's answer that it did nothing.
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const fault = (error as { $fault?: unknown } | null)?.$fault;
  if (fault === 'client' && (status === undefined || (status >= 400 && status < 500))) return 'refused';
  return 'maybe';
};

export type Sent<T> =
  | { readonly ok: true; readonly output: T }
  | {
      readonly ok: false;
      readonly error: unknown;
      /** Per failed attempt, in order. */
      readonly attempts: readonly AttemptReach[];
      /** Whether any attempt may have reached SSM without an answer (the outcome is then unknown). */
      readonly maybeApplied: boolean;
    };

interface TrackableCommand<T> {
  readonly middlewareStack: {
    addRelativeTo(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { relation: 'after'; toMiddleware: string; name: string },
    ): void;
  };
  // Keeps T in the type so that send's output is typed.
  readonly __output?: T;
}

export const sendTracked = async <T>(
  client: SSMClient,
  command: object,
  abortSignal: AbortSignal,
): Promise<Sent<T>> => {
  const attempts: AttemptReach[] = [];
  (command as TrackableCommand<T>).middlewareStack.addRelativeTo(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        attempts.push(classifyAttempt(error));
        throw error;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'attemptReachMiddleware' },
  );
  try {
    const output = (await client.send(command as never, { abortSignal })) as T;
    return { ok: true, output };
  } catch (error) {
    // An abort before the first attempt finished is recorded by nothing else: it may have been sent.
    if (attempts.length === 0) attempts.push(classifyAttempt(error));
    return { ok: false, error, attempts, maybeApplied: attempts.includes('maybe') };
  }
};
