/** The quorum path's own refusals (lambda/core/problem.ts maps every WebhookError by its status). */
import { WebhookError } from '../core/errors';

/**
 * 409: the gate needs more approvals than the webhook can give it: no seats are configured, the runbook's
 * Approvers list too few of them, or every seat it lists is taken. Nothing was sent.
 */
export class QuorumSeatsError extends WebhookError {
  readonly status = 409;
  readonly title = 'Not enough approver seats';
}

/** 409: this person's approval of this gate is being sent by another request right now. */
export class ApprovalInProgressError extends WebhookError {
  readonly status = 409;
  readonly title = 'Approval in progress';
}

/** 503: the seat claims could not be read or written; nothing was sent, so "try again" is true. */
export class QuorumStateUnavailableError extends WebhookError {
  readonly status = 503;
  readonly title = 'Approval state unavailable';
}

/** 502: the webhook could not take a seat's role (STS AssumeRole failed); nothing was sent. */
export class SeatUnavailableError extends WebhookError {
  readonly status = 502;
  readonly title = 'Approver seat unavailable';
}

/**
 * 409: an approval of a gate that needs several people, through a link sent to a channel or a system
 * (channel-links.ts), which cannot stand for one person. Nothing was sent.
 */
export class QuorumNeedsPersonError extends WebhookError {
  readonly status = 409;
  readonly title = 'Approval from a person needed';
}
