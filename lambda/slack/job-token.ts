/**
 * The decision job the HTTP side hands to the asynchronous side (lambda/slack/dispatch.ts), sealed: a
 * compact JWS signed with the secret's link key ring (lambda/auth/key-ring-jws.ts), with a `typ` and an
 * `aud` of its own and a lifetime equal to the asynchronous invocation's maximum event age.
 *
 * Why: the asynchronous side acts as the signal role on what the job says (who clicked, which gate), and
 * it cannot re-check Slack's signature. Lambda lets any principal of the account whose own IAM policy
 * allows `lambda:InvokeFunction` on the function invoke it, so an unsealed job could be forged by someone
 * who is neither a Slack approver nor allowed to signal SSM. Only principals that can read the stack's
 * secret (the function roles, the operator and the deployment role, see lib/secret-policy.ts) can seal
 * one. A sealed job replayed within its lifetime changes nothing: it is bound to its gate, which no longer
 * waits once decided.
 */
import type { JWTPayload } from 'jose';
import { type JwsKind, KeyRingJwsError, signWithKeyRing, verifyWithKeyRing } from '../auth/key-ring-jws';
import type { AuthConfig } from '../auth/secret-document';
import { parseDecisionJob, SLACK_DECISION_KIND, type SlackDecisionJob } from './decision-job';

export const JOB_TOKEN_TYPE = 'ssm-approval-slack-job+jwt';
export const JOB_TOKEN_AUDIENCE = 'ssm-approval-webhook/slack-job';
/** As long as Lambda keeps an asynchronous event (lib/slack-function.ts, asyncMaxEventAge: 15 minutes). */
export const JOB_TOKEN_TTL_SECONDS = 15 * 60;
/** A job is a few hundred characters; a comment (at most 3000) is the longest part. */
const MAX_JOB_TOKEN_LENGTH = 16 * 1024;

const JOB_KIND: JwsKind = {
  typ: JOB_TOKEN_TYPE,
  audience: JOB_TOKEN_AUDIENCE,
  maxLength: MAX_JOB_TOKEN_LENGTH,
  noun: 'job',
};

/** The event the function invokes itself with: nothing but the sealed job. */
export interface SealedJobEvent {
  readonly kind: typeof SLACK_DECISION_KIND;
  readonly token: string;
}

export const sealJob = async (
  config: AuthConfig,
  job: SlackDecisionJob,
  now: Date = new Date(),
): Promise<SealedJobEvent> => ({
  kind: SLACK_DECISION_KIND,
  token: await signWithKeyRing(config, JOB_KIND, {
    subject: job.executionId,
    claims: { job: job as unknown as JWTPayload[string] },
    ttlSeconds: JOB_TOKEN_TTL_SECONDS,
    now,
  }),
});

/**
 * The job of a sealed event, or why it is refused: not sealed by this webhook, expired, or malformed
 * (then the job's fields are checked by parseDecisionJob as well).
 */
export const openJob = async (
  config: AuthConfig,
  event: unknown,
  now: Date = new Date(),
): Promise<{ readonly job: SlackDecisionJob } | { readonly problem: string }> => {
  const token = (event as { token?: unknown } | null)?.token;
  if (typeof token !== 'string') return { problem: 'the event carries no sealed job ("token")' };
  let payload: JWTPayload;
  try {
    ({ payload } = await verifyWithKeyRing(config, JOB_KIND, token, now));
  } catch (error) {
    if (!(error instanceof KeyRingJwsError)) throw error;
    const why = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return { problem: `the job is not sealed by this webhook (${error.failure}: ${why})` };
  }
  const parsed = parseDecisionJob(payload.job);
  if ('problem' in parsed) return parsed;
  if (parsed.job.executionId !== payload.sub)
    return { problem: 'the job names another execution than its seal' };
  return parsed;
};
