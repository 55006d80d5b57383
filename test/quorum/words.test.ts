import * as tally from '../../lambda/quorum/tally';
import { emptyTally, type Tally } from '../../lambda/quorum/tally';
import {
  alreadyLine,
  approverName,
  CONTINUES_ONCE_ALL_IN,
  recordedLine,
  stillNeeded,
  tallyCount,
  tallyText,
} from '../../lambda/quorum/words';

const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
const OPERATOR = 'arn:aws:iam::123456789012:user/operator';

const ONE_OF_TWO: Tally = {
  needed: 2,
  approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SEAT_1 }],
  remaining: 1,
};
const ONE_OF_THREE_BY_OPERATOR: Tally = {
  needed: 3,
  approvals: [{ person: OPERATOR, seat: OPERATOR }],
  remaining: 2,
};
const ALL_IN: Tally = {
  needed: 2,
  approvals: [
    { person: 'alice@example.com', via: 'e-mail link', seat: SEAT_1 },
    { person: 'bob\n(evil)', via: 'Slack', slackUserId: 'U0BOB123', seat: SEAT_2 },
  ],
  remaining: 0,
};

describe('tallyText: the one wording of a tally', () => {
  it.each<[string, Tally, string, string]>([
    [
      'none yet',
      emptyTally(2),
      '0 of 2 approvals; 2 needed from different people',
      '0 of 2 approvals · 2 needed from different people',
    ],
    [
      'one of two',
      ONE_OF_TWO,
      '1 of 2 approvals: alice@example.com; 1 more needed',
      '1 of 2 approvals: alice@example.com · 1 more needed',
    ],
    [
      'someone outside the webhook, by a short label of their principal',
      ONE_OF_THREE_BY_OPERATOR,
      '1 of 3 approvals: operator (IAM user, account 123456789012); 2 more needed',
      '1 of 3 approvals: operator (IAM user, account 123456789012) · 2 more needed',
    ],
    [
      'all in: nothing more needed, names on one line',
      ALL_IN,
      '2 of 2 approvals: alice@example.com, bob (evil)',
      '2 of 2 approvals: alice@example.com, bob (evil)',
    ],
  ])('%s', (_what, given, plain, display) => {
    expect(tallyText(given)).toBe(plain);
    expect(tallyText(given, { style: 'plain' })).toBe(plain);
    expect(tallyText(given, { style: 'display' })).toBe(display);
  });

  it('lets a medium write the names and the count its own way (Slack: mentions, bold)', () => {
    const options = {
      style: 'display' as const,
      head: (head: string) => `*${head}*`,
      name: (approval: { person: string }) => `[${approval.person}]`,
    };
    expect(tallyText(ONE_OF_TWO, options)).toBe('*1 of 2 approvals:* [alice@example.com] · 1 more needed');
    expect(tallyText(emptyTally(3), options)).toBe('*0 of 3 approvals* · 3 needed from different people');
  });

  it('builds the answers to an approval from the same words', () => {
    expect(recordedLine(ONE_OF_TWO)).toBe(
      'Approval recorded: 1 of 2 approvals: alice@example.com; 1 more needed',
    );
    expect(recordedLine(ONE_OF_TWO, { style: 'display' })).toBe(
      'Approval recorded: 1 of 2 approvals: alice@example.com · 1 more needed',
    );
    expect(alreadyLine(ONE_OF_TWO)).toBe(
      'Already approved by you: 1 of 2 approvals: alice@example.com; 1 more needed',
    );
    expect(alreadyLine(ONE_OF_TWO, { style: 'display' })).toBe(
      'Already approved by you: 1 of 2 approvals: alice@example.com · 1 more needed',
    );
    expect(CONTINUES_ONCE_ALL_IN).toBe('The runbook continues once the last approval is in.');
  });

  it('counts and names with the pieces every channel shares', () => {
    expect(tallyCount(emptyTally(1))).toBe('0 of 1 approval');
    expect(tallyCount(ONE_OF_TWO)).toBe('1 of 2 approvals');
    expect(stillNeeded(ONE_OF_TWO)).toBe('1 more needed');
    expect(stillNeeded(ALL_IN)).toBeUndefined();
    expect(approverName(ALL_IN.approvals[1] as Tally['approvals'][number])).toBe('bob (evil)');
  });

  it('is the implementation tally.ts hands to the e-mail and Teams channels', () => {
    expect(tally.tallyText).toBe(tallyText);
    expect(tally.approverName).toBe(approverName);
    expect(tally.tallyCount).toBe(tallyCount);
    expect(tally.stillNeeded).toBe(stillNeeded);
  });
});
