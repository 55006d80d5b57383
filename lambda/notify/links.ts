/**
 * The links one recipient gets for one gate: approve, reject and stop, each a signed link bound to the
 * execution, the action, the recipient (as approver label), the gate and the channel. They expire when
 * the gate times out, and never later than the configured maximum.
 */
import { type LinkAction, type LinkChannel, MIN_LINK_TTL_SECONDS, signLinkToken } from '../auth/link-token';
import type { AuthConfig } from '../auth/secret-document';
import type { GateNotification, NotificationLinks } from './notification';

export interface MintInput {
  readonly apiUrl: string;
  readonly notification: GateNotification;
  /** The approver label: an e-mail address, or `webhook:<name>`. */
  readonly approver: string;
  readonly channel: LinkChannel;
  readonly maxTtlSeconds: number;
  readonly now: Date;
}

/**
 * Seconds the links live: until the gate's deadline, capped at `maxTtlSeconds`; undefined when the gate
 * has less than a minute left (a link would be dead on arrival).
 */
export const linkLifetime = (
  deadline: Date | undefined,
  maxTtlSeconds: number,
  now: Date,
): number | undefined => {
  const untilDeadline =
    deadline === undefined ? maxTtlSeconds : Math.floor((deadline.getTime() - now.getTime()) / 1000);
  const ttl = Math.min(untilDeadline, maxTtlSeconds);
  return ttl < MIN_LINK_TTL_SECONDS ? undefined : ttl;
};

export const mintLinks = async (
  config: AuthConfig,
  input: MintInput,
): Promise<NotificationLinks | undefined> => {
  const { notification, now } = input;
  const ttlSeconds = linkLifetime(notification.gate.deadline, input.maxTtlSeconds, now);
  if (ttlSeconds === undefined) return undefined;
  const executionId = notification.execution.executionId;
  const base = input.apiUrl.replace(/\/+$/, '');
  const gate = { stepName: notification.gate.stepName, stepExecutionId: notification.gate.stepExecutionId };
  const link = async (action: LinkAction): Promise<string> => {
    const token = await signLinkToken(config, {
      executionId,
      actions: [action],
      approver: input.approver,
      ttlSeconds,
      now,
      gate,
      channel: input.channel,
    });
    return `${base}/executions/${executionId}/${action}?token=${token}`;
  };
  return {
    approve: await link('approve'),
    reject: await link('reject'),
    stop: await link('stop'),
    // signLinkToken counts in whole seconds from `now`, rounded down.
    expiresAt: new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000),
  };
};
