/**
 * Where a quorum stands (pure): SSM's record of seat approvals (tally.ts), completed by the seat claims
 * whose signal SSM accepted but whose gate does not show it yet. SSM's record wins: a claim adds an
 * approval only for a seat SSM shows no approval of.
 */
import { actedAsRole } from '../gate/approvers';
import type { GateView } from '../gate/execution-view';
import type { SeatClaim } from './claims';
import { type QuorumApproval, type Tally, tallyOf } from './tally';

/** The channel words a person key stands for, as tally.ts reads them from a Comment (identity-comment.ts). */
const channelOf = (person: string): Pick<QuorumApproval, 'via' | 'slackUserId'> => {
  if (person.startsWith('slack:')) return { via: 'Slack', slackUserId: person.split(':')[2] ?? '' };
  if (person.startsWith('api:')) return { via: 'API token' };
  return { via: 'signed link' };
};

export const standingOf = (gate: GateView, seats: readonly string[], claims: readonly SeatClaim[]): Tally => {
  const recorded = tallyOf(gate, seats);
  const fromClaims: QuorumApproval[] = claims
    .filter(
      (claim) =>
        claim.state === 'sent' &&
        seats.includes(claim.seat) &&
        !recorded.approvals.some((approval) => actedAsRole(approval.seat, claim.seat)),
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((claim) => ({ person: claim.name, ...channelOf(claim.person), seat: claim.seat, at: claim.at }));
  const approvals = [...recorded.approvals, ...fromClaims];
  return {
    needed: gate.minRequiredApprovals,
    approvals,
    remaining: Math.max(0, gate.minRequiredApprovals - approvals.length),
  };
};
