/**
 * rejectCandidates (lambda/quorum/decide.ts): the seats a quorum gate's Reject may go through, best
 * first. A seat SSM shows decided, or whose claim is `sent`, is never one: SSM would refuse the Reject.
 */
import { executionView, type GateView } from '../../lambda/gate/execution-view';
import type { SeatClaim } from '../../lambda/quorum/claims';
import { IN_FLIGHT_MS, rejectCandidates } from '../../lambda/quorum/decide';
import { approveStep, EXECUTION_ID, execution, SIGNAL_ROLE, STAGING_ID } from '../gate/fixtures';

const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
const SEAT_3 = 'arn:aws:iam::123456789012:role/ApproverSeat3';
const SEAT_4 = 'arn:aws:iam::123456789012:role/ApproverSeat4';
const LISTED = [SIGNAL_ROLE, SEAT_2, SEAT_3, SEAT_4];
const NOW = new Date('2026-12-01T16:00:00.000Z');

/** A waiting gate needing 3 approvals; `decisions`: what SSM shows of it so far. */
const waitingGate = (decisions: GateView['decisions'] = []): GateView => {
  const [gate] = executionView(
    execution('Waiting', [approveStep('ApproveProd', STAGING_ID, 'Waiting')], {
      AutomationExecutionId: EXECUTION_ID,
    }),
  ).gates;
  if (!gate) throw new Error('no gate');
  return { ...gate, minRequiredApprovals: 3, decisions };
};

const claim = (seat: string, state: SeatClaim['state'], ageMs: number): SeatClaim => ({
  seat,
  person: `link:${seat.slice(-5)}@example.com`,
  name: `${seat.slice(-5)}@example.com`,
  state,
  at: new Date(NOW.getTime() - ageMs),
});

describe('rejectCandidates', () => {
  it('no claims, nothing decided: every listed seat, seat 1 first', () => {
    expect(rejectCandidates(waitingGate(), LISTED, [], NOW)).toEqual(LISTED);
  });

  it('unclaimed first, then a stale `sending` claim, then a fresh one; never a `sent` claim', () => {
    const claims = [
      claim(SIGNAL_ROLE, 'sending', 1_000),
      claim(SEAT_2, 'sent', 60_000),
      claim(SEAT_3, 'sending', IN_FLIGHT_MS),
    ];
    expect(rejectCandidates(waitingGate(), LISTED, claims, NOW)).toEqual([SEAT_4, SEAT_3, SIGNAL_ROLE]);
  });

  it('a seat SSM shows decided is never one, whatever its claim says', () => {
    const gate = waitingGate([
      {
        approver: 'arn:aws:sts::123456789012:assumed-role/ApproverSeat3/link.bob@example.com',
        decision: 'Approve',
        comment: 'Approved via e-mail link by bob@example.com',
        at: NOW,
      },
    ]);
    expect(rejectCandidates(gate, LISTED, [], NOW)).toEqual([SIGNAL_ROLE, SEAT_2, SEAT_4]);
  });

  it('every seat sent or decided: none', () => {
    const claims = LISTED.map((seat) => claim(seat, 'sent', 5_000));
    expect(rejectCandidates(waitingGate(), LISTED, claims, NOW)).toEqual([]);
  });
});
