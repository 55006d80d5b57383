/**
 * What a notification is about: one approval gate (an `aws:approve` step execution that waits) of one
 * execution, with the context a person needs to decide it, as read from SSM (GetAutomationExecution).
 * Channels turn this, the recipient and the recipient's own links into a message.
 */

/** The gate: one waiting `aws:approve` step execution. */
export interface GateSummary {
  /** The step's name in the runbook (`ApproveChange`). */
  readonly stepName: string;
  /** The step execution's id: a step that runs again gets a new one, so this names exactly one gate. */
  readonly stepExecutionId: string;
  /** The step's `Message` input, as the runbook author wrote it (plain text, may hold line breaks). */
  readonly message?: string;
  /** The step's `Approvers` input (ARNs or user names). */
  readonly approvers: readonly string[];
  readonly minRequiredApprovals: number;
  /** The step's timeout in seconds (SSM's default for aws:approve is 7 days). */
  readonly timeoutSeconds: number;
  /** When the step started waiting. */
  readonly startedAt?: Date;
  /** When the gate times out: start + timeout. */
  readonly deadline?: Date;
  /**
   * The decisions SSM shows at the gate so far (its ApproverDecisions output), when it shows them while the
   * gate still waits: a quorum gate's tally (lambda/quorum/tally.ts) is read from them. A closed gate's
   * decisions are in its outcome (GateView.outcome.decisions).
   */
  readonly decisions?: readonly ApproverDecision[];
}

/** One decision SSM recorded at a gate (an entry of ApproverDecisions). */
export interface ApproverDecision {
  /** The principal SSM recorded as deciding: a listed approver, or a session of a listed role. */
  readonly approver?: string;
  /** `Approve` or `Reject`. */
  readonly decision?: string;
  readonly comment?: string;
  readonly at?: Date;
}

/** The execution a gate belongs to. */
export interface ExecutionSummary {
  readonly executionId: string;
  /** The runbook (SSM document) name. */
  readonly documentName: string;
  readonly documentVersion?: string;
  /** The principal that started the execution (`ExecutedBy`, an ARN). */
  readonly executedBy?: string;
  readonly startedAt?: Date;
  /** The runbook's parameters as SSM reports them: each name maps to a list of values. */
  readonly parameters: Readonly<Record<string, readonly string[]>>;
}

/** One gate to notify about, with its execution. */
export interface GateNotification {
  readonly execution: ExecutionSummary;
  readonly gate: GateSummary;
}

/** The links minted for one recipient: each bound to the execution, the gate, the action and the recipient. */
export interface NotificationLinks {
  /** Opens the confirmation page for Approve. */
  readonly approve: string;
  /** Opens the confirmation page for Reject. */
  readonly reject: string;
  /** Opens the confirmation page for Stop (cancel the whole execution). */
  readonly stop: string;
  /** When the links stop working: the gate's deadline, never later than the configured maximum. */
  readonly expiresAt: Date;
}

/** A rendered e-mail: what SES v2 `SendEmail` sends as `Content.Simple`. */
export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}
