/**
 * One decision, wherever it comes from (the HTTP routes, a Slack click): a gate that needs one approval is
 * decided as it always was (lambda/decision/carry-out.ts, as the signal role). A gate whose
 * `MinRequiredApprovals` is N > 1 is decided through approver seats (docs/quorum.md):
 * - Approve: a person SSM (or the seat claims) already shows approving is told so, and nothing is sent;
 *   anyone else claims a free seat the gate lists (claims.ts: never two people on one seat, never one
 *   person on two) and their Approve is sent as that seat, so SSM's own record counts each person once.
 *   An attempt that provably did nothing frees the seat; an unknown outcome keeps it (SSM's record
 *   decides later: a seat it shows decided is taken).
 * - Approve through a link sent to a Teams channel or a webhook: refused (409 `quorum-needs-a-person`),
 *   such a link names no one person (channel-links.ts).
 * - Reject: any one person's Reject rejects; it is sent through a seat that may not hold a decision
 *   (rejectCandidates), and through the next such seat when SSM refuses it while the gate still waits.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { gateOf } from '../auth/authenticate';
import { OutcomeUnknownError, WebhookError } from '../core/errors';
import { logger } from '../core/logger';
import { readExecution } from '../core/ssm-requests';
import { AFTER_FIRST_READ_RESERVE_MS, ANSWER_RESERVE_MS, within } from '../decision/budget';
import { carryOut, type DecisionOutcome, type DecisionRequest, readAndCheck } from '../decision/carry-out';
import { targetGate } from '../decision/outcome';
import { type ExecutionView, findGate, type GateView } from '../gate/execution-view';
import type { GateKey } from '../notify/slack-posts';
import { sharedChannelOf, sharedLinkRefusal } from './channel-links';
import type { ClaimStore, SeatClaim } from './claims';
import {
  ApprovalInProgressError,
  QuorumSeatsError,
  QuorumStateUnavailableError,
  SeatUnavailableError,
} from './errors';
import { personKeyOf } from './person';
import type { SeatClients } from './seat-clients';
import { SEATS_ENV, seatNumber, seatsOfGate } from './seats';
import { standingOf } from './standing';
import { hasApproved, personOf, type Tally, tallyOf } from './tally';

/** What the quorum path needs; made on first use (quorum gates only), see environment.ts. */
export interface Quorum {
  /** Seat role ARNs, seat 1 (the signal role) first; `[]` when none are configured. */
  readonly seats: readonly string[];
  readonly seatClients: SeatClients;
  readonly claims: ClaimStore;
}

export interface DecideRequest extends Omit<DecisionRequest, 'checked'> {
  readonly quorum: () => Quorum;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Where a quorum stands after a person's approval that did not (yet) close the gate. */
export interface QuorumStanding {
  /** `recorded`: this approval was sent now; `already`: this person's approval was already there. */
  readonly kind: 'recorded' | 'already';
  readonly gate: GateView;
  readonly tally: Tally;
  /**
   * The execution as read after this approval (`recorded` only), for the Slack messages of the gate
   * (refresh-messages.ts); absent when that read failed.
   */
  readonly view?: ExecutionView;
}

export interface Decided {
  readonly outcome: DecisionOutcome;
  /** Present for an approval of a quorum gate that still waits (or did when the answer was made). */
  readonly quorum?: QuorumStanding;
}

/** The longest a request that claimed a seat can still be running (API Gateway's 30 s limit). */
export const IN_FLIGHT_MS = 30_000;
const POLL_MS = 200;
/** Claims outlive their gate by a day: nothing can decide it after its deadline. */
const CLAIM_GRACE_MS = 86_400_000;
/** SSM's longest aws:approve timeout, for a gate whose start SSM does not show. */
const LONGEST_GATE_MS = 2_592_000_000;

const decisionOf = (request: DecideRequest): 'approve' | 'reject' | undefined => {
  const { action, signalType } = request.intent;
  if (action === 'approve' || (action === 'signal' && signalType === 'Approve')) return 'approve';
  if (action === 'reject' || (action === 'signal' && signalType === 'Reject')) return 'reject';
  return undefined;
};

/** A claim store call; its failure means nothing was sent (503, try again). */
const stateCall = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (cause) {
    if (cause instanceof WebhookError) throw cause;
    throw new QuorumStateUnavailableError(
      'quorum-state-unavailable',
      'The webhook could not read or record its approver seats in its state table; nothing was sent. Try again in a minute.',
      { cause },
    );
  }
};

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const decide = async (request: DecideRequest): Promise<Decided> => {
  const decision = decisionOf(request);
  if (decision === undefined) return { outcome: await carryOut(request) };
  const checked = await readAndCheck(request);
  if (checked.kind === 'already') return { outcome: checked };
  const { before } = checked;
  const target = targetGate(before, gateOf(request.identity)?.stepExecutionId);
  if (target === undefined || target.minRequiredApprovals <= 1) {
    return { outcome: await carryOut({ ...request, checked: before }) };
  }
  const quorum = request.quorum();
  return decision === 'reject'
    ? { outcome: await rejectThroughSeat(request, quorum, before, target) }
    : approveThroughSeat(request, quorum, before, target);
};

const gateKeyOf = (executionId: string, gate: GateView): GateKey => ({
  executionId,
  stepExecutionId: gate.stepExecutionId,
});

/** The seats SSM shows deciding this gate (while it waits: approvals only). */
const decidedSeats = (gate: GateView, seats: readonly string[]): readonly string[] => {
  // tallyOf names a seat's approval by the seat's role ARN.
  const { approvals } = tallyOf(gate, seats);
  return seats.filter((seat) => approvals.some((approval) => approval.seat === seat));
};

/**
 * The seats a Reject may go through, best first. SSM takes one decision per seat, and may not show the
 * approvals of a gate that still waits (undocumented), so the claims say which seats may hold one:
 * a seat SSM shows decided, or whose claim is `sent` (SSM accepted an approval through it), never; then
 * seats nobody claimed, then seats whose claimed approval ended unknown long ago (its request cannot be
 * running: it most likely never reached SSM), then seats whose approval may be being sent right now.
 * Seat order (seat 1 first) within each rank.
 */
export const rejectCandidates = (
  gate: GateView,
  listed: readonly string[],
  claims: readonly SeatClaim[],
  now: Date,
): readonly string[] => {
  const decided = decidedSeats(gate, listed);
  const rank = (seat: string): number | undefined => {
    if (decided.includes(seat)) return undefined;
    const claim = claims.find((c) => c.seat === seat);
    if (claim === undefined) return 0;
    if (claim.state === 'sent') return undefined;
    return now.getTime() - claim.at.getTime() >= IN_FLIGHT_MS ? 1 : 2;
  };
  return listed
    .map((seat) => ({ seat, rank: rank(seat) }))
    .filter((entry): entry is { seat: string; rank: number } => entry.rank !== undefined)
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => entry.seat);
};

/** SSM refused the Reject as "not accepted now" while the execution still showed the gate waiting. */
const refusedWhileWaiting = (error: unknown): boolean =>
  (error as Error | null)?.name === 'InvalidAutomationSignalException' && !(error instanceof WebhookError);

const rejectThroughSeat = async (
  request: DecideRequest,
  quorum: Quorum,
  before: ExecutionView,
  gate: GateView,
): Promise<DecisionOutcome> => {
  const listed = seatsOfGate(gate, quorum.seats);
  // No seat listed: as the signal role, as before (SSM refuses it when the role is not an approver).
  if (listed.length === 0) return carryOut({ ...request, checked: before });
  const now = request.now ?? (() => new Date());
  const key = gateKeyOf(request.executionId, gate);
  const person = personKeyOf(request.identity);
  const tried: string[] = [];
  let view = before;
  let current = gate;
  for (;;) {
    const claims = await stateCall(() => quorum.claims.claimsOf(key));
    const seat = rejectCandidates(current, listed, claims, now()).find((s) => !tried.includes(s));
    if (seat === undefined) throw noSeatToReject(gate, listed.length);
    tried.push(seat);
    const mutationClient = await seatClientFor(request, quorum, seat, person);
    try {
      return await carryOut({
        ...request,
        checked: view,
        mutationClient,
        intent: { ...request.intent, seat },
      });
    } catch (error) {
      // carry-out read the execution after the refusal and found the gate still waiting (or could not read
      // it): the seat most likely holds an approval SSM does not show. Another seat may take the Reject,
      // while the budget leaves room for a read, a send and the answer, as carry-out's own attempts.
      if (!refusedWhileWaiting(error) || request.budget.remainingMs() <= AFTER_FIRST_READ_RESERVE_MS) {
        throw error;
      }
      logger.info('SSM refused a rejection through an approver seat; trying the next seat', {
        seat: seatNumber(seat, quorum.seats),
      });
      // Read again, as carry-out does before each attempt: the gate aimed at must still be the one waiting.
      const checked = await readAndCheck(request);
      if (checked.kind === 'already') return checked;
      const again = findGate(checked.before, gate.stepExecutionId);
      if (again === undefined || !again.waiting) throw error;
      view = checked.before;
      current = again;
    }
  }
};

/** Every seat the gate lists has decided (or holds an accepted approval): no principal left to reject as. */
const noSeatToReject = (gate: GateView, listed: number): QuorumSeatsError =>
  new QuorumSeatsError(
    'quorum-no-free-seat',
    `Gate ${gate.stepName} lists ${listed} approver seats, and every one has already sent an approval that SSM accepted; SSM takes one decision per seat, so the webhook has no seat left to send your rejection through. Nothing was sent. List more of the stack's ApproverSeatRoleArns in the runbook's Approvers, or stop the execution.`,
  );

/** The seat's client, its credentials taken now: an AssumeRole failure must not look like an SSM answer. */
const seatClientFor = async (
  request: DecideRequest,
  quorum: Quorum,
  seat: string,
  person: string,
): Promise<SSMClient> => {
  const client = quorum.seatClients(seat, person);
  if (seat === quorum.seats[0]) return client;
  const number = seatNumber(seat, quorum.seats);
  const failed = (cause?: unknown) =>
    new SeatUnavailableError(
      'seat-unavailable',
      `The webhook could not act as approver seat ${number}: STS AssumeRole failed, so nothing was sent. Check that the seat role exists and trusts the webhook's signal role.`,
      // The role ARN (account id, role name) stays in the log, with the cause; never in the answer.
      { cause: new Error(`AssumeRole of approver seat ${number} (${seat}) failed`, { cause }) },
    );
  try {
    await within(client.config.credentials(), request.budget.signal(AFTER_FIRST_READ_RESERVE_MS), () =>
      failed(),
    );
  } catch (cause) {
    throw cause instanceof SeatUnavailableError ? cause : failed(cause);
  }
  return client;
};

const fewerSeats = (gate: GateView, listed: number, configured: number): QuorumSeatsError =>
  configured === 0
    ? new QuorumSeatsError(
        'quorum-seats-not-configured',
        `Gate ${gate.stepName} needs ${gate.minRequiredApprovals} approvals from different people, which the webhook gives through approver seats, and this deployment configures none (${SEATS_ENV} is empty). Nothing was sent. See docs/quorum.md.`,
      )
    : new QuorumSeatsError(
        'quorum-seats-missing',
        `Gate ${gate.stepName} needs ${gate.minRequiredApprovals} approvals from different people, but its Approvers list ${listed} of the webhook's ${configured} approver seats; SSM counts one approval per seat, so the runbook must list at least ${gate.minRequiredApprovals} entries of the stack's ApproverSeatRoleArns output in Approvers. Nothing was sent.`,
      );

const approveThroughSeat = async (
  request: DecideRequest,
  quorum: Quorum,
  before: ExecutionView,
  gate: GateView,
): Promise<Decided> => {
  const now = request.now ?? (() => new Date());
  const { identity, executionId } = request;
  // A link sent to a Teams channel or a webhook names no one person, so it cannot fill a seat (channel-links.ts).
  const shared =
    identity.kind === 'link'
      ? sharedChannelOf({ approver: identity.name, channel: identity.via })
      : undefined;
  if (shared !== undefined) throw sharedLinkRefusal(shared, gate.minRequiredApprovals);
  const listed = seatsOfGate(gate, quorum.seats);
  if (listed.length < gate.minRequiredApprovals) throw fewerSeats(gate, listed.length, quorum.seats.length);
  const key = gateKeyOf(executionId, gate);
  const person = personKeyOf(identity);

  const recorded = tallyOf(gate, listed);
  if (hasApproved(recorded, personOf(identity))) {
    const claims = await stateCall(() => quorum.claims.claimsOf(key));
    return already(gate, listed, claims);
  }

  const expiresAt = new Date(
    (gate.deadline?.getTime() ?? now().getTime() + LONGEST_GATE_MS) + CLAIM_GRACE_MS,
  );
  const taken = decidedSeats(gate, listed);
  /** Claims a free seat; the person's own seat when they hold one already. */
  const claimSeat = async (): Promise<{ seat: string; held?: SeatClaim }> => {
    const claims = await stateCall(() => quorum.claims.claimsOf(key));
    const own = claims.find((claim) => claim.person === person);
    if (own) return { seat: own.seat, held: own };
    for (const seat of listed) {
      if (taken.includes(seat) || claims.some((claim) => claim.seat === seat)) continue;
      const result = await stateCall(() =>
        quorum.claims.claim(key, { seat, person, name: identity.name, at: now() }, expiresAt),
      );
      if (result.kind === 'claimed') return { seat };
      if (result.kind === 'holds') return { seat: result.claim.seat, held: result.claim };
    }
    throw new QuorumSeatsError(
      'quorum-no-free-seat',
      `Gate ${gate.stepName} lists ${listed.length} approver seats for ${gate.minRequiredApprovals} approvals, and every one is taken by another person's approval, made or in progress; nothing was sent. If the gate still waits, list more of the stack's ApproverSeatRoleArns in the runbook's Approvers.`,
    );
  };

  let { seat, held } = await claimSeat();
  // This person's earlier request holds the seat: wait for it (a double click) unless it ended unknown.
  while (held?.state === 'sending' && now().getTime() - held.at.getTime() < IN_FLIGHT_MS) {
    if (request.budget.remainingMs() < AFTER_FIRST_READ_RESERVE_MS + POLL_MS) {
      throw new ApprovalInProgressError(
        'approval-in-progress',
        `Your approval of gate ${gate.stepName} is being sent by another request right now; nothing more was sent. Check again in a few seconds.`,
      );
    }
    await pause(POLL_MS);
    const claims = await stateCall(() => quorum.claims.claimsOf(key));
    const own = claims.find((claim) => claim.person === person);
    if (own === undefined) ({ seat, held } = await claimSeat());
    else held = own;
  }
  if (held?.state === 'sent') {
    const claims = await stateCall(() => quorum.claims.claimsOf(key));
    return already(gate, listed, claims);
  }
  // A new claim, or this person's claim of a request that ended without knowing the outcome: send
  // (again) through the same seat. SSM takes one decision per seat, so a repeat can never count twice.
  const fresh = held === undefined;
  let mutationClient: SSMClient;
  try {
    mutationClient = await seatClientFor(request, quorum, seat, person);
  } catch (error) {
    if (fresh) await releaseQuietly(quorum, key, seat, person);
    throw error;
  }
  let outcome: DecisionOutcome;
  try {
    outcome = await carryOut({
      ...request,
      checked: before,
      mutationClient,
      intent: { ...request.intent, seat },
    });
  } catch (error) {
    if (fresh && provablyNothing(error)) await releaseQuietly(quorum, key, seat, person);
    throw error;
  }
  try {
    await quorum.claims.markSent(key, seat, person);
  } catch (error) {
    // SSM has the approval: its record stays the truth; the claim only keeps this seat for this person.
    logger.warn('Could not mark the approver seat as sent', {
      seat,
      error: error instanceof Error ? error : new Error(String(error)),
    });
  }
  if (outcome.kind === 'already' && outcome.gate?.waiting !== true) return { outcome };
  return answerAfter(request, quorum, gate, listed, outcome);
};

/**
 * What an approval left: read the execution again (two people may have approved at once). A gate no
 * longer waiting is the standard answer ("Approved"); one still waiting gets the tally.
 */
const answerAfter = async (
  request: DecideRequest,
  quorum: Quorum,
  gate: GateView,
  listed: readonly string[],
  outcome: DecisionOutcome,
): Promise<Decided> => {
  let now: GateView | undefined = gate;
  let after: ExecutionView | undefined;
  try {
    after = await readExecution(
      request.client,
      request.executionId,
      request.budget.signal(ANSWER_RESERVE_MS),
    );
    now = findGate(after, gate.stepExecutionId);
  } catch (error) {
    logger.warn('Could not read the execution after an approval; answering from the claims', {
      error: error instanceof Error ? error : new Error(String(error)),
    });
  }
  if (now === undefined || !now.waiting) return { outcome };
  const claims = await quorum.claims.claimsOf(gateKeyOf(request.executionId, gate)).catch(() => []);
  const tally = standingOf(now, listed, claims);
  const kind = outcome.kind === 'already' ? 'already' : 'recorded';
  return {
    outcome,
    quorum: {
      kind,
      gate: now,
      tally,
      ...(kind === 'recorded' && after !== undefined ? { view: after } : {}),
    },
  };
};

const already = (gate: GateView, listed: readonly string[], claims: readonly SeatClaim[]): Decided => ({
  outcome: { kind: 'already', gate },
  quorum: { kind: 'already', gate, tally: standingOf(gate, listed, claims) },
});

/**
 * Whether a failed approval provably left SSM unchanged, so its seat may go to someone else. An unknown
 * outcome keeps the seat, and so does SSM's "not accepted now": the seat may already hold a decision.
 */
const provablyNothing = (error: unknown): boolean =>
  !(error instanceof OutcomeUnknownError) &&
  (error as Error | null)?.name !== 'InvalidAutomationSignalException';

const releaseQuietly = async (quorum: Quorum, key: GateKey, seat: string, person: string): Promise<void> => {
  try {
    await quorum.claims.release(key, seat, person);
  } catch (error) {
    // The seat stays claimed until the item expires: one spare seat fewer, never a double count.
    logger.error('Could not release an approver seat', {
      seat,
      error: error instanceof Error ? error : new Error(String(error)),
    });
  }
};
