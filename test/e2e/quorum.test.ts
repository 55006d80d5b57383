/**
 * Quorum approvals end to end (issue 10, item 3), on the local twin: `Demo-Quorum`'s approval step needs
 * two different people (MinRequiredApprovals 2, Approvers seat 1 and seat 2). Each person's approval goes
 * to SSM through its own approver seat (seat 2 through the local STS), so the simulator's own record of the
 * step (ApproverDecisions) is the proof: one decision per person, each Comment naming the person.
 * Given a waiting Demo-Quorum execution:
 * - one approval leaves it waiting, and the next person's page shows "1 of 2"; the same person again
 *   changes nothing; a second person approves it and the run goes on to Success;
 * - a rejection by anyone rejects it;
 * - two people approving at the same moment end with exactly two decisions; one person pressing twice at
 *   the same moment ends with one.
 */
import { type ApproverDecision, type E2E, startE2E } from './local-stack';

const QUORUM = 'Demo-Quorum';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const SEAT_1 = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';
/**
 * Seat 2 as SSM records it: the session of the seat-2 role that the local STS issued, named for the person
 * whose approval it carried (`link:bob@example.com` → `link.bob@example.com`).
 */
const SEAT_2 =
  /^arn:aws:sts::123456789012:assumed-role\/ssm-approval-webhook-seat-2\/link\.(alice|bob)@example\.com$/;
const SEAT_2_BOB = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-seat-2/link.bob@example.com';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ notify: [ALICE, BOB] });
});
afterAll(() => e2e?.close());

const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

/** Polls `probe` until it returns something, for up to `ms`. */
const eventually = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Starts Demo-Quorum and waits until its approval step waits. */
const startQuorum = async (): Promise<string> => {
  const id = await e2e.start(QUORUM);
  await eventually('the approval step to wait', async () =>
    (await e2e.steps(id)).find((step) => step.name === 'ApproveChange')?.status === 'Waiting'
      ? true
      : undefined,
  );
  return id;
};

const statusBecomes = (id: string, wanted: string) =>
  eventually(`execution ${id} to be ${wanted}`, async () =>
    (await e2e.status(id)) === wanted ? wanted : undefined,
  );

/** A person presses the confirmation page's button: the form's POST with their link's token. */
const press = async (id: string, action: 'approve' | 'reject', link: string) => {
  const response = await e2e.post(`/executions/${id}/${action}`, {
    form: { token: tokenOf(link) },
    token: null,
  });
  return { status: response.status, text: await response.text() };
};

/** A page's heading. */
const headingOf = (page: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(page)?.[1];

/** The decision the simulator records for a person who approved or rejected through a signed link. */
const decision = (
  Decision: 'Approve' | 'Reject',
  person: string,
  Approver: string | RegExp,
): ApproverDecision =>
  ({
    Approver: typeof Approver === 'string' ? Approver : expect.stringMatching(Approver),
    Decision,
    Comment: `${Decision === 'Approve' ? 'Approved' : 'Rejected'} via signed link by ${person}`,
    ApprovalDecisionTime: expect.stringMatching(ISO_TIME),
  }) as ApproverDecision;

describe('Demo-Quorum: two different people must approve', () => {
  it('one approval leaves it waiting at 1 of 2; the same person again changes nothing; a second person lets it run', async () => {
    const id = await startQuorum();
    const alice = await e2e.links(id, ALICE);
    const bob = await e2e.links(id, BOB);

    const before = await (await fetch(bob.approve)).text();
    expect(before).toContain(
      '<dt>Approvals</dt>\n<dd>0 of 2 approvals · 2 needed from different people</dd>',
    );

    const first = await press(id, 'approve', alice.approve);
    expect(first.status).toBe(200);
    expect(headingOf(first.text)).toBe('Approval recorded');
    expect(first.text).toContain(
      'Approval recorded: 1 of 2 approvals: alice@example.com · 1 more needed. The runbook continues once the last approval is in.',
    );
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await e2e.decisions(id)).toEqual([decision('Approve', ALICE, SEAT_1)]);

    // The next person's confirmation page shows the tally; alice's own shows her approval, no button.
    const bobsPage = await (await fetch(bob.approve)).text();
    expect(bobsPage).toContain(
      '<dt>Approvals</dt>\n<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>',
    );
    const alicesPage = await (await fetch(alice.approve)).text();
    expect(headingOf(alicesPage)).toBe('You have approved');
    expect(alicesPage).toMatch(
      /<p>You approved this at <time datetime="([\dT:-]+Z)">[^<]+<\/time> <span class="nowrap">\(<code>\1<\/code>\)<\/span>; waiting for 1 more approval\.<\/p>/,
    );
    expect(alicesPage).not.toContain('<form');

    const again = await press(id, 'approve', alice.approve);
    expect(again.status).toBe(200);
    expect(headingOf(again.text)).toBe('Already approved by you');
    expect(again.text).toContain(
      "<p>Already approved by you: 1 of 2 approvals: alice@example.com · 1 more needed. Nothing more was sent: one person's approval counts once.</p>",
    );
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await e2e.decisions(id)).toEqual([decision('Approve', ALICE, SEAT_1)]);

    const second = await press(id, 'approve', bob.approve);
    expect(second.status).toBe(200);
    expect(headingOf(second.text)).toBe('Approved');
    await statusBecomes(id, 'Success');
    expect(await e2e.decisions(id)).toEqual([
      decision('Approve', ALICE, SEAT_1),
      decision('Approve', BOB, SEAT_2_BOB),
    ]);
    expect((await e2e.steps(id)).map((step) => [step.name, step.status])).toEqual([
      ['PrepareChange', 'Success'],
      ['ApproveChange', 'Success'],
      ['ApplyChange', 'Success'],
    ]);
  });

  it('through the e-mailed, step-bound links as people get them: alice, then bob', async () => {
    const id = await startQuorum();
    const aliceLink = await e2e.emailedLink(id, ALICE, 'approve');
    const bobLink = await e2e.emailedLink(id, BOB, 'approve');

    expect((await press(id, 'approve', aliceLink)).status).toBe(200);
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await (await fetch(bobLink)).text()).toContain(
      '<dt>Approvals</dt>\n<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>',
    );
    expect((await press(id, 'approve', bobLink)).status).toBe(200);
    await statusBecomes(id, 'Success');
    expect((await e2e.decisions(id)).map((d) => [d.Decision, d.Comment])).toEqual([
      ['Approve', 'Approved via e-mail link by alice@example.com'],
      ['Approve', 'Approved via e-mail link by bob@example.com'],
    ]);
  });

  it('a rejection by anyone rejects it, even after an approval', async () => {
    const id = await startQuorum();
    expect((await press(id, 'approve', (await e2e.links(id, ALICE)).approve)).status).toBe(200);

    const rejected = await press(id, 'reject', (await e2e.links(id, BOB)).reject);
    expect(rejected.status).toBe(200);
    expect(headingOf(rejected.text)).toBe('Rejected');
    await statusBecomes(id, 'Failed');
    expect(await e2e.decisions(id)).toEqual([
      decision('Approve', ALICE, SEAT_1),
      decision('Reject', BOB, SEAT_2_BOB),
    ]);
  });

  it('a rejection first rejects it at once', async () => {
    const id = await startQuorum();

    expect((await press(id, 'reject', (await e2e.links(id, BOB)).reject)).status).toBe(200);
    await statusBecomes(id, 'Failed');
    expect(await e2e.decisions(id)).toEqual([decision('Reject', BOB, SEAT_1)]);
  });
});

describe('Demo-Quorum under concurrent presses', () => {
  it('alice and bob at the same moment: exactly two decisions, one per seat, and the run goes on', async () => {
    const id = await startQuorum();
    const [alice, bob] = await Promise.all([e2e.links(id, ALICE), e2e.links(id, BOB)]);

    const answers = await Promise.all([
      press(id, 'approve', alice.approve),
      press(id, 'approve', bob.approve),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await statusBecomes(id, 'Success');
    const decisions = await e2e.decisions(id);
    expect(decisions).toHaveLength(2);
    expect(decisions.map((d) => d.Comment).sort()).toEqual([
      'Approved via signed link by alice@example.com',
      'Approved via signed link by bob@example.com',
    ]);
    const seats = decisions.map((d) =>
      d.Approver === SEAT_1 ? 'seat 1' : SEAT_2.test(d.Approver) ? 'seat 2' : d.Approver,
    );
    expect(seats.sort()).toEqual(['seat 1', 'seat 2']);
  });

  it('alice twice at the same moment: one decision, and the run still waits for a second person', async () => {
    const id = await startQuorum();
    const alice = await e2e.links(id, ALICE);

    const answers = await Promise.all([
      press(id, 'approve', alice.approve),
      press(id, 'approve', alice.approve),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.map((answer) => headingOf(answer.text)).sort()).toEqual([
      'Already approved by you',
      'Approval recorded',
    ]);
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await e2e.decisions(id)).toEqual([decision('Approve', ALICE, SEAT_1)]);
  });
});
