import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantSsmActions } from './ssm-permissions';

/**
 * The environment variable that tells the functions the seats: a JSON array of role ARNs, seat 1 (the
 * signal role) first. The signal, Slack, confirm and notifier functions get it.
 */
export const APPROVER_SEAT_ROLE_ARNS_ENV = 'APPROVER_SEAT_ROLE_ARNS';

/** Defaults and limits of `approverSeats`, exported so tests and docs can quote them. */
export const APPROVER_SEATS_DEFAULTS = {
  /** Two-person and three-person change boards are the common case; an unused seat costs nothing. */
  seats: 3,
  /** One seat is the signal role alone: no quorum beyond one approval. */
  min: 1,
  /** SSM's limit on an `aws:approve` step's `Approvers`: a runbook could list no more seats. */
  max: 10,
} as const;

/** Raised when `approverSeats` cannot produce a working set of seats. */
export class ApproverSeatsPropsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApproverSeatsPropsError';
  }
}

/** The number of seats, checked: a whole number from 1 to 10 (SSM's `Approvers` limit). */
export function validateApproverSeats(seats: number): number {
  if (Token.isUnresolved(seats)) {
    throw new ApproverSeatsPropsError(
      'approverSeats must be a plain number, not a token: it decides how many roles the stack creates',
    );
  }
  if (
    !Number.isInteger(seats) ||
    seats < APPROVER_SEATS_DEFAULTS.min ||
    seats > APPROVER_SEATS_DEFAULTS.max
  ) {
    throw new ApproverSeatsPropsError(
      `approverSeats must be a whole number from ${APPROVER_SEATS_DEFAULTS.min} to ${APPROVER_SEATS_DEFAULTS.max} ` +
        `(an aws:approve step lists at most ${APPROVER_SEATS_DEFAULTS.max} Approvers), got ${seats}`,
    );
  }
  return seats;
}

export interface ApproverSeatsProps {
  /**
   * Seat 1: the role SSM sees as the approver of a single approval, which the signal and Slack functions run
   * as. The other seats trust it alone, and it may assume exactly them.
   */
  readonly signalRole: iam.Role;
  /**
   * How many seats, seat 1 included: the largest `MinRequiredApprovals` a runbook can get through the
   * webhook. From 1 to 10 (SSM's limit on `Approvers`).
   * @default 3
   */
  readonly seats?: number;
}

/**
 * Approver seats: the principals through which N different people's approvals reach SSM as N decisions.
 *
 * Why seats: SSM counts approvals per principal, and a step's `MinRequiredApprovals` may not exceed the
 * number of its `Approvers`. Through one role, a gate that needs two approvals can never be met, and SSM's
 * record would show one decision whoever clicked. So the webhook signals each new person's approval of a
 * quorum gate through a seat nobody holds yet: seat 1 is the signal role itself, seats 2..K are roles
 * created here (`ApproverSeat2` … `ApproverSeatK`). A quorum runbook lists the seats it needs in its
 * `Approvers`; SSM's own `ApproverDecisions` then shows N decisions by N principals, each Comment naming
 * the person. Which person holds which seat of a gate is claimed in the state table (lambda code).
 *
 * Each seat role holds exactly `ssm:SendAutomationSignal` on automation executions (`SSM_ACTIONS.approverSeat`)
 * and trusts exactly the signal role, with `sts:AssumeRole` only. No `sts:TagSession`: the webhook passes no
 * session tags (the person goes into the signal's Comment, and the session name), and a trust policy that
 * allowed tagging would let the caller set tags that no policy here reads. The signal role may assume
 * exactly these roles. A seat reads nothing, not the secret (the secret's resource policy does not exempt
 * it), not the table, not an execution: the function checks the gate with its own role before it signals.
 */
export class ApproverSeats extends Construct {
  /** The seats' count, seat 1 included. */
  public readonly count: number;
  /** The roles of seats 2..K, in order (`ApproverSeat2` first); empty with one seat. */
  public readonly seatRoles: readonly iam.Role[];
  /** Every seat's role ARN, seat 1 (the signal role) first: for runbooks' `Approvers`. */
  public readonly roleArns: readonly string[];
  /** `APPROVER_SEAT_ROLE_ARNS` for the functions: the JSON array of `roleArns` (resolved at deploy time). */
  public readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ApproverSeatsProps) {
    super(scope, id);
    this.count = validateApproverSeats(props.seats ?? APPROVER_SEATS_DEFAULTS.seats);

    const seatRoles: iam.Role[] = [];
    for (let seat = 2; seat <= this.count; seat++) {
      const role = new iam.Role(this, `ApproverSeat${seat}`, {
        // The signal role's ARN, not the account: only that role's sessions may take the seat.
        assumedBy: new iam.ArnPrincipal(props.signalRole.roleArn),
        description: `ssm-approval-webhook: approver seat ${seat}, assumed by the signal role only to send one more person's approval`,
      });
      grantSsmActions(role, 'approverSeat');
      seatRoles.push(role);
    }
    this.seatRoles = seatRoles;
    this.roleArns = [props.signalRole.roleArn, ...seatRoles.map((role) => role.roleArn)];

    if (seatRoles.length > 0) {
      props.signalRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: seatRoles.map((role) => role.roleArn),
        }),
      );
    }
    // Tokens (the role ARNs) resolve at deploy time inside the JSON string.
    this.environment = { [APPROVER_SEAT_ROLE_ARNS_ENV]: Stack.of(this).toJsonString(this.roleArns) };
  }
}
