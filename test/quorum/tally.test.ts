import type { StepExecution } from '@aws-sdk/client-ssm';
import { executionView, type GateView } from '../../lambda/gate/execution-view';
import {
  approvalBy,
  emptyTally,
  hasApproved,
  personOf,
  type Tally,
  tallyOf,
  tallyText,
} from '../../lambda/quorum/tally';
import { approveStep, EXECUTION_ID, execution, SIGNAL_ROLE, STAGING_ID } from '../gate/fixtures';

const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
const SEAT_3 = 'arn:aws:iam::123456789012:role/ApproverSeat3';
const SEATS = [SIGNAL_ROLE, SEAT_2, SEAT_3];
/** How SSM records the functions: the session of the role they run as, or assumed. */
const SIGNAL_SESSION = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/signal-fn';
const SEAT_2_SESSION = 'arn:aws:sts::123456789012:assumed-role/ApproverSeat2/alice-quorum';
const SEAT_3_SESSION = 'arn:aws:sts::123456789012:assumed-role/ApproverSeat3/x';
const OPERATOR = 'arn:aws:iam::123456789012:user/operator';

const decision = (approver: string, comment: string | undefined, time: string, verdict = 'Approve') =>
  JSON.stringify({
    Approver: approver,
    Decision: verdict,
    ...(comment === undefined ? {} : { Comment: comment }),
    ApprovalDecisionTime: time,
  });

/** A closed quorum gate with these decisions (a closed gate's decisions are in its outcome). */
const closedGate = (decisions: string[], min = 2): GateView => {
  const step: StepExecution = approveStep('ApproveProd', STAGING_ID, 'Success', {
    Inputs: {
      Approvers: JSON.stringify([...SEATS, OPERATOR]),
      MinRequiredApprovals: String(min),
    },
    Outputs: { ApprovalStatus: ['Approved'], ApproverDecisions: decisions },
  });
  const [gate] = executionView(execution('Success', [step])).gates;
  if (!gate) throw new Error('no gate');
  return gate;
};

/** A waiting quorum gate whose decisions SSM shows so far (GateSummary.decisions). */
const waitingGate = (decisions: GateView['decisions'], min = 2): GateView => {
  const [gate] = executionView(
    execution('Waiting', [approveStep('ApproveProd', STAGING_ID, 'Waiting')], {
      AutomationExecutionId: EXECUTION_ID,
    }),
  ).gates;
  if (!gate) throw new Error('no gate');
  return { ...gate, minRequiredApprovals: min, decisions };
};

describe('tallyOf', () => {
  it('names the people behind the seats from their comments: the signal role session and seat 2', () => {
    const gate = closedGate([
      decision(
        SIGNAL_SESSION,
        'Approved via e-mail link by alice@example.com: ok',
        '2026-12-01T16:01:00.000Z',
      ),
      decision(SEAT_2_SESSION, 'Approved via Slack by bob [x] (U0BOB123)', '2026-12-01T16:02:00.000Z'),
    ]);

    expect(tallyOf(gate, SEATS)).toEqual<Tally>({
      needed: 2,
      approvals: [
        {
          person: 'alice@example.com',
          via: 'e-mail link',
          seat: SIGNAL_ROLE,
          at: new Date('2026-12-01T16:01:00.000Z'),
        },
        {
          person: 'bob [x]',
          via: 'Slack',
          slackUserId: 'U0BOB123',
          seat: SEAT_2,
          at: new Date('2026-12-01T16:02:00.000Z'),
        },
      ],
      remaining: 0,
    });
  });

  it('reads a waiting gate from the decisions SSM shows so far', () => {
    const gate = waitingGate([
      {
        approver: SEAT_2_SESSION,
        decision: 'Approve',
        comment: 'Approved via API token by jira',
        at: new Date('2026-12-01T16:01:00Z'),
      },
    ]);

    expect(tallyOf(gate, SEATS)).toEqual<Tally>({
      needed: 2,
      approvals: [{ person: 'jira', via: 'API token', seat: SEAT_2, at: new Date('2026-12-01T16:01:00Z') }],
      remaining: 1,
    });
  });

  it('counts an approver outside the webhook, named by the ARN SSM recorded', () => {
    const gate = waitingGate([
      { approver: OPERATOR, decision: 'Approve', at: new Date('2026-12-01T16:01:00Z') },
    ]);

    expect(tallyOf(gate, SEATS).approvals).toEqual([
      { person: OPERATOR, seat: OPERATOR, at: new Date('2026-12-01T16:01:00Z') },
    ]);
  });

  it('names a non-seat approver by its ARN even when its comment claims to be the webhook', () => {
    const gate = waitingGate([
      {
        approver: OPERATOR,
        decision: 'Approve',
        comment: 'Approved via e-mail link by alice@example.com',
      },
    ]);

    const tally = tallyOf(gate, SEATS);
    expect(tally.approvals).toEqual([{ person: OPERATOR, seat: OPERATOR }]);
    expect(hasApproved(tally, { name: 'alice@example.com', via: 'email' })).toBe(false);
    expect(tallyText(tally)).toBe(
      '1 of 2 approvals: operator (IAM user, account 123456789012); 1 more needed',
    );
  });

  it('names a seat by its principal when its comment is not one the webhook writes', () => {
    const gate = waitingGate([{ approver: SEAT_3_SESSION, decision: 'Approve', comment: 'lgtm' }]);

    expect(tallyOf(gate, SEATS).approvals).toEqual([{ person: SEAT_3_SESSION, seat: SEAT_3 }]);
  });

  it('counts the same person once, across seats and link channels', () => {
    const gate = waitingGate(
      [
        {
          approver: SIGNAL_SESSION,
          decision: 'Approve',
          comment: 'Approved via e-mail link by alice@example.com',
        },
        {
          approver: SEAT_2_SESSION,
          decision: 'Approve',
          comment: 'Approved via Teams link by alice@example.com',
        },
        { approver: SEAT_3_SESSION, decision: 'Approve', comment: 'Approved via Slack by alice (U0ALICE1)' },
      ],
      3,
    );

    const tally = tallyOf(gate, SEATS);
    expect(tally.approvals.map((a) => [a.person, a.seat])).toEqual([
      ['alice@example.com', SIGNAL_ROLE],
      ['alice', SEAT_3],
    ]);
    expect(tally.remaining).toBe(1);
  });

  it('keeps an API client apart from a link label of the same name', () => {
    const gate = waitingGate([
      { approver: SIGNAL_SESSION, decision: 'Approve', comment: 'Approved via API token by jira' },
      { approver: SEAT_2_SESSION, decision: 'Approve', comment: 'Approved via signed link by jira' },
    ]);

    expect(tallyOf(gate, SEATS).approvals).toHaveLength(2);
  });

  it('leaves out rejections and decisions SSM did not attribute', () => {
    const gate = waitingGate([
      { approver: SIGNAL_SESSION, decision: 'Reject', comment: 'Rejected via API token by jira' },
      { decision: 'Approve', comment: 'Approved via API token by jira' },
    ]);

    expect(tallyOf(gate, SEATS)).toEqual<Tally>({ needed: 2, approvals: [], remaining: 2 });
  });

  it('counts nothing for a waiting gate whose decisions SSM does not show', () => {
    expect(tallyOf(waitingGate(undefined, 3), SEATS)).toEqual<Tally>({
      needed: 3,
      approvals: [],
      remaining: 3,
    });
  });
});

describe('hasApproved', () => {
  const tally = tallyOf(
    waitingGate(
      [
        {
          approver: SIGNAL_SESSION,
          decision: 'Approve',
          comment: 'Approved via e-mail link by alice@example.com',
        },
        {
          approver: SEAT_2_SESSION,
          decision: 'Approve',
          comment: 'Approved via API token by jira: ticket 42',
        },
        { approver: SEAT_3_SESSION, decision: 'Approve', comment: 'Approved via Slack by carol (U0CAROL1)' },
      ],
      4,
    ),
    SEATS,
  );

  it.each<[string, Parameters<typeof hasApproved>[1], boolean]>([
    ['the link label through its e-mail link', { name: 'alice@example.com', via: 'email' }, true],
    ['the same label through a Teams link', { name: 'alice@example.com', via: 'teams' }, true],
    ['the same label through a hand-made link', { name: 'alice@example.com' }, true],
    ['the same label as an API client', { name: 'alice@example.com', via: 'api' }, false],
    ['another label', { name: 'bob@example.com', via: 'email' }, false],
    ['the API client', { name: 'jira', via: 'api' }, true],
    ['a link labelled like the API client', { name: 'jira', via: 'email' }, false],
    ['the Slack user, by id', { name: 'carol renamed', slackUserId: 'U0CAROL1' }, true],
    ['another Slack user with the same name', { name: 'carol', slackUserId: 'U0OTHER1' }, false],
    ['a link labelled like the Slack user', { name: 'carol', via: 'slack' }, false],
  ])('%s → %s', (_what, who, expected) => {
    expect(hasApproved(tally, who)).toBe(expected);
  });

  it('takes identities as authenticate makes them', () => {
    expect(
      hasApproved(
        tally,
        personOf({ kind: 'link', channel: 'link', name: 'alice@example.com', tokenId: 't', via: 'email' }),
      ),
    ).toBe(true);
    expect(
      hasApproved(
        tally,
        personOf({
          kind: 'api',
          channel: 'api',
          name: 'jira',
          scope: { actions: ['approve'], runbooks: ['*'] },
        }),
      ),
    ).toBe(true);
    expect(
      approvalBy(
        tally,
        personOf({
          kind: 'slack',
          channel: 'slack',
          name: 'carol',
          userId: 'U0CAROL1',
          teamId: 'T0TEAM1',
          slackChannelId: 'C0OPS1',
          gate: { stepName: 'ApproveProd', stepExecutionId: STAGING_ID },
          tokenId: 't',
          keyId: 'k1',
        }),
      )?.seat,
    ).toBe(SEAT_3);
  });
});

describe('tallyText', () => {
  it.each<[string, Tally, string]>([
    ['none yet', emptyTally(2), '0 of 2 approvals; 2 needed from different people'],
    [
      'one of two',
      {
        needed: 2,
        approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SIGNAL_ROLE }],
        remaining: 1,
      },
      '1 of 2 approvals: alice@example.com; 1 more needed',
    ],
    [
      'all in',
      {
        needed: 2,
        approvals: [
          { person: 'alice@example.com', via: 'e-mail link', seat: SIGNAL_ROLE },
          { person: 'bob\n(evil)', via: 'Slack', slackUserId: 'U0BOB123', seat: SEAT_2 },
        ],
        remaining: 0,
      },
      '2 of 2 approvals: alice@example.com, bob (evil)',
    ],
  ])('%s', (_what, tally, expected) => {
    expect(tallyText(tally)).toBe(expected);
  });
});
