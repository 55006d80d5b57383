/**
 * The outgoing webhook channel: an HTTPS POST of a documented JSON document (docs/notifications.md) with
 * the gate's context and links minted for the webhook, signed the way Slack signs its requests so that a
 * receiver can check it came from this notifier and was not replayed:
 *
 *   X-Approval-Webhook-Timestamp: <unix seconds>
 *   X-Approval-Webhook-Signature: v0=<hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + raw body)>
 *
 * Each webhook has its own secret (`webhookSecret.<name>` in the stack's secret). Written by hand: the
 * signature is a single HMAC over a documented string, which node:crypto does; no library does exactly
 * this outside Slack's own SDK, which only verifies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookTarget } from '../config';
import type { GateNotification, NotificationLinks } from '../notification';
import type { Channel, OutgoingMessage } from './channel';

export const SIGNATURE_HEADER = 'x-approval-webhook-signature';
export const TIMESTAMP_HEADER = 'x-approval-webhook-timestamp';
export const DELIVERY_HEADER = 'x-approval-webhook-delivery';
export const SIGNATURE_VERSION = 'v0';
/** A receiver should refuse requests whose timestamp is further off than this (as Slack does). */
export const MAX_SIGNATURE_AGE_SECONDS = 300;
/** The POST gives up after this; the notifier's retry (Lambda's async retries) tries again later. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
export const DOCUMENT_TYPE = 'ssm-approval-webhook.gate-waiting';

/** `v0=<hex>` over `v0:<timestamp>:<body>`. */
export const signWebhookBody = (secret: string, timestamp: number, body: string): string =>
  `${SIGNATURE_VERSION}=${createHmac('sha256', secret).update(`${SIGNATURE_VERSION}:${timestamp}:${body}`).digest('hex')}`;

/** What a receiver does (and the tests): fresh timestamp, then a constant-time comparison. */
export const verifyWebhookSignature = (
  secret: string,
  headers: { readonly timestamp?: string; readonly signature?: string },
  body: string,
  now: Date = new Date(),
): boolean => {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS)
    return false;
  const expected = Buffer.from(signWebhookBody(secret, Number(timestamp), body));
  const presented = Buffer.from(signature);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
};

const iso = (date: Date | undefined): string | null => (date === undefined ? null : date.toISOString());

/** The JSON document a webhook receives (version 1; documented in docs/notifications.md). */
export const webhookDocument = (
  notification: GateNotification,
  links: NotificationLinks,
  deliveryId: string,
  now: Date,
) => {
  const { execution, gate } = notification;
  return {
    type: DOCUMENT_TYPE,
    version: 1,
    deliveryId,
    sentAt: now.toISOString(),
    execution: {
      id: execution.executionId,
      runbook: execution.documentName,
      runbookVersion: execution.documentVersion ?? null,
      startedBy: execution.executedBy ?? null,
      startedAt: iso(execution.startedAt),
      parameters: execution.parameters,
    },
    gate: {
      stepName: gate.stepName,
      stepExecutionId: gate.stepExecutionId,
      message: gate.message ?? null,
      minRequiredApprovals: gate.minRequiredApprovals,
      timeoutSeconds: gate.timeoutSeconds,
      deadline: iso(gate.deadline),
    },
    links: {
      approve: links.approve,
      reject: links.reject,
      stop: links.stop,
      expiresAt: links.expiresAt.toISOString(),
    },
  };
};

export class WebhookDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookDeliveryError';
  }
}

export interface WebhookChannelOptions {
  readonly targets: Readonly<Record<string, WebhookTarget>>;
  /** The signing secret of a webhook, from the stack's secret; undefined when none is set. */
  readonly secretOf: (name: string) => Promise<string | undefined>;
  readonly fetch?: typeof fetch;
}

export const webhookChannel = (options: WebhookChannelOptions): Channel => ({
  name: 'webhook',
  approverLabel: (recipient) => `webhook:${recipient}`,
  send: async ({ notification, recipient, links, deliveryId, now }: OutgoingMessage) => {
    const target = options.targets[recipient];
    // The config validator refuses rules that name undefined webhooks; this guards a hand-made config.
    if (!target) throw new WebhookDeliveryError(`No webhook named "${recipient}" is configured`);
    const secret = await options.secretOf(recipient);
    if (secret === undefined) {
      throw new WebhookDeliveryError(
        `The secret has no "webhookSecret.${recipient}": set one with npm run keys -- webhook-secret ${recipient}`,
      );
    }
    const body = JSON.stringify(webhookDocument(notification, links, deliveryId, now));
    const timestamp = Math.floor(now.getTime() / 1000);
    const response = await (options.fetch ?? fetch)(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
        [DELIVERY_HEADER]: deliveryId,
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    }).catch((error: unknown) => {
      // The URL is not logged: a receiver may have put a credential into it against the advice.
      throw new WebhookDeliveryError(`Webhook "${recipient}" could not be reached`, { cause: error });
    });
    await response.body?.cancel();
    if (!response.ok) {
      throw new WebhookDeliveryError(`Webhook "${recipient}" answered HTTP ${response.status}`);
    }
  },
});
