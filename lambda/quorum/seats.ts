/**
 * Approver seats (docs/quorum.md): SSM counts a gate's approvals per principal, so a gate that needs N
 * approvals through the webhook needs N principals the webhook can act as. Seat 1 is the signal role
 * itself; seats 2..K are roles that hold only `ssm:SendAutomationSignal` and trust only the signal role.
 * The stack lists them, seat 1 first, in `APPROVER_SEAT_ROLE_ARNS` (a JSON array of role ARNs).
 */
import { ConfigurationError } from '../core/errors';
import { listsRole } from '../gate/approvers';
import type { GateView } from '../gate/execution-view';

export const SEATS_ENV = 'APPROVER_SEAT_ROLE_ARNS';

/** SSM takes at most 10 Approvers; more seats could never all be listed. */
export const MAX_SEATS = 10;

const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/(?:[^/]+\/)*[^/]+$/;

/**
 * The seats, seat 1 (the signal role) first. Absent or empty → `[]`, "no seats configured": a gate that
 * needs more than one approval is then refused with a 409 that says so, never approved by one person.
 * A value that is not a JSON array of distinct role ARNs is a deployment error (ConfigurationError: a 500
 * whose detail stays in the log), not something to guess around.
 */
export const parseSeats = (env: NodeJS.ProcessEnv = process.env): readonly string[] => {
  const raw = env[SEATS_ENV]?.trim();
  if (raw === undefined || raw === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigurationError(`${SEATS_ENV} is not valid JSON`, { cause });
  }
  if (!Array.isArray(value)) throw new ConfigurationError(`${SEATS_ENV} must be a JSON array of role ARNs`);
  const bad = value.findIndex((arn) => typeof arn !== 'string' || !ROLE_ARN.test(arn));
  if (bad >= 0) throw new ConfigurationError(`${SEATS_ENV}[${bad}] is not an IAM role ARN`);
  if (value.length > MAX_SEATS)
    throw new ConfigurationError(`${SEATS_ENV} lists ${value.length} seats; at most ${MAX_SEATS}`);
  if (new Set(value).size !== value.length) throw new ConfigurationError(`${SEATS_ENV} lists a seat twice`);
  return value as string[];
};

/** The seats a gate's Approvers list, in seat order: the only principals the webhook may decide it as. */
export const seatsOfGate = (gate: Pick<GateView, 'approvers'>, seats: readonly string[]): readonly string[] =>
  seats.filter((seat) => listsRole(gate.approvers, seat));

/** A seat's number as operators see it in the stack's output (seat 1 = the signal role). */
export const seatNumber = (seat: string, seats: readonly string[]): number => seats.indexOf(seat) + 1;
