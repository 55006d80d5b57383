/**
 * The tally of a quorum gate (MinRequiredApprovals > 1): who has approved so far and how many approvals
 * are still needed, read from SSM's own record of the gate (pure).
 *
 * Why SSM's record and not the seat claims in the state table: a claim is written before the signal is
 * sent, so it may stand for an approval SSM never received; what SSM shows is what counts towards the
 * quorum. The webhook signals each person's approval through a seat (an approver role of the stack, seat 1
 * being the signal role), so SSM records the seat and the Comment names the person
 * (`Approved via e-mail link by alice@example.com`, identity-comment.ts). That comment is believed only for
 * a decision SSM records as made by a seat: any other listed approver can type the same words, so such a
 * decision is named by the principal SSM recorded, never by its comment.
 *
 * A person is who the webhook would count (see the quorum design): a link's approver label (whichever
 * channel the link came through), an API client's name, a Slack user id, or, for a decision made outside
 * the webhook, the principal SSM recorded. The same person twice counts once.
 */
import type { Identity } from '../auth/authenticate';
import { parseRecordedComment } from '../auth/identity-comment';
import { actedAsRole } from '../gate/approvers';
import type { GateView } from '../gate/execution-view';
import type { ApproverDecision } from '../notify/notification';

export interface QuorumApproval {
  /** The link's approver label, the API client's or Slack user's name, or (outside the webhook) the principal's ARN. */
  readonly person: string;
  /** The channel words the comment recorded (`e-mail link`, `API token`, `Slack`, …); none outside the webhook. */
  readonly via?: string;
  /** The Slack user who approved with a button. */
  readonly slackUserId?: string;
  /** The seat role ARN the approval was signalled through, or the principal SSM recorded for anyone else. */
  readonly seat: string;
  /** When SSM recorded the approval. */
  readonly at?: Date;
}

export interface Tally {
  /** The gate's MinRequiredApprovals. */
  readonly needed: number;
  /** One per person, in the order SSM lists them. */
  readonly approvals: readonly QuorumApproval[];
  /** max(0, needed − approvals.length). */
  readonly remaining: number;
}

/** Someone who might have approved: what a link, an API client or a Slack click tells about its person. */
export interface QuorumPerson {
  /** The link's approver label, the API client's name, or the Slack user's name. */
  readonly name: string;
  /**
   * How they came: a link's channel (`email`, `webhook`, `slack`, `teams`, or none for a hand-made link),
   * `api` for an API client; the recorded channel words (`e-mail link`, `API token`, …) are read too.
   */
  readonly via?: string;
  /** A Slack user (a button click): the id is the person, the name only a label. */
  readonly slackUserId?: string;
}

/** Channel words that mean an API client (identity-comment.ts writes `via API token`). */
const API_VIA = new Set(['api', 'API token']);
/** Channel words that mean a Slack button (`via Slack`), as opposed to a link that came with a Slack message. */
const SLACK_BUTTON_VIA = 'Slack';

/** The key one person counts under: `slack:<user id>`, `api:<client>`, `link:<label>` or `principal:<ARN>`. */
const keyOfPerson = (who: QuorumPerson): string => {
  if (who.slackUserId !== undefined) return `slack:${who.slackUserId}`;
  if (who.via !== undefined && API_VIA.has(who.via)) return `api:${who.name}`;
  return `link:${who.name}`;
};

const keyOfApproval = (approval: QuorumApproval): string =>
  approval.via === undefined && approval.slackUserId === undefined
    ? `principal:${approval.person}`
    : keyOfPerson({
        name: approval.person,
        ...(approval.via === undefined ? {} : { via: approval.via }),
        ...(approval.slackUserId === undefined ? {} : { slackUserId: approval.slackUserId }),
      });

/** The decisions SSM shows: while the gate waits (GateSummary.decisions), else its outcome's. */
const decisionsAt = (gate: GateView): readonly ApproverDecision[] =>
  gate.decisions ?? gate.outcome?.decisions ?? [];

/** One Approve decision as a person's approval, or undefined when SSM did not say who decided. */
const approvalOf = (decision: ApproverDecision, seats: readonly string[]): QuorumApproval | undefined => {
  const { approver, at } = decision;
  if (approver === undefined) return undefined;
  const when = at === undefined ? {} : { at };
  const seat = seats.find((role) => actedAsRole(approver, role));
  const recorded =
    seat === undefined || decision.comment === undefined ? undefined : parseRecordedComment(decision.comment);
  // A seat's decision without a comment the webhook wrote names the seat's principal, as a foreign one.
  if (seat === undefined || recorded === undefined)
    return { person: approver, seat: seat ?? approver, ...when };
  return {
    person: recorded.name,
    via: recorded.via,
    ...(recorded.slackUserId === undefined || recorded.via !== SLACK_BUTTON_VIA
      ? {}
      : { slackUserId: recorded.slackUserId }),
    seat,
    ...when,
  };
};

/**
 * SSM's Approve decisions at the gate made by one of the seats (actedAsRole), named from their Comment
 * (parseRecordedComment); decisions by other listed approvers count too, named by their ARN.
 * needed = gate.minRequiredApprovals; remaining = max(0, needed − approvals.length).
 */
export const tallyOf = (gate: GateView, seats: readonly string[]): Tally => {
  const approvals: QuorumApproval[] = [];
  const counted = new Set<string>();
  for (const decision of decisionsAt(gate)) {
    if (decision.decision !== 'Approve') continue;
    const approval = approvalOf(decision, seats);
    if (approval === undefined) continue;
    const key = keyOfApproval(approval);
    if (counted.has(key)) continue;
    counted.add(key);
    approvals.push(approval);
  }
  const needed = gate.minRequiredApprovals;
  return { needed, approvals, remaining: Math.max(0, needed - approvals.length) };
};

/** The tally of a gate nobody has approved yet: what a message shows when it is first sent. */
export const emptyTally = (needed: number): Tally => ({ needed, approvals: [], remaining: needed });

/** This person's approval in the tally, if any (for its time: "You approved this at …"). */
export const approvalBy = (tally: Tally, who: QuorumPerson): QuorumApproval | undefined => {
  const key = keyOfPerson(who);
  return tally.approvals.find((approval) => keyOfApproval(approval) === key);
};

/** Whether this person (a link's approver label + its channel, an API client, a Slack user id) is among the approvals. */
export const hasApproved = (tally: Tally, who: QuorumPerson): boolean => approvalBy(tally, who) !== undefined;

/** The person an identity stands for, as hasApproved takes it. */
export const personOf = (identity: Identity): QuorumPerson => {
  switch (identity.kind) {
    case 'link':
      return { name: identity.name, ...(identity.via === undefined ? {} : { via: identity.via }) };
    case 'api':
      return { name: identity.name, via: 'api' };
    case 'slack':
      return { name: identity.name, slackUserId: identity.userId };
  }
};

/**
 * The tally's words live in words.ts, the one wording for every channel; re-exported here for the modules
 * that take them with the tally (the e-mail and Teams channels).
 */
export { approverName, stillNeeded, tallyCount, tallyText } from './words';
