import { DECIDE_IN_SLACK, type PageAction } from '../../lambda/pages/actions';
import {
  type ConfirmationPageInput,
  type DecisionContext,
  formActionPath,
  renderConfirmationPage,
  renderSlackDetailsPage,
} from '../../lambda/pages/confirmation-page';
import type { Tally } from '../../lambda/quorum/tally';
import { countTags, externalReferences, mainOf, structureProblems } from './html-checks';

const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
const HOSTILE = `<script>alert(1)</script>"'&`;
const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
const TOKEN = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJleHAiOjE3NjM3Mzc0NDV9.c2lnbmF0dXJl';

const input = (overrides: Partial<ConfirmationPageInput> = {}): ConfirmationPageInput => ({
  executionId: EXECUTION_ID,
  action: 'approve',
  approver: 'alice@example.com',
  expiresAt: new Date('2025-11-21T15:04:05Z'),
  token: TOKEN,
  maxCommentLength: 512,
  ...overrides,
});

describe('renderConfirmationPage', () => {
  it('renders the approve page: facts, note, and a form that posts the token and an optional comment', () => {
    const document = renderConfirmationPage(input({ approver: HOSTILE }));

    expect(document).toContain('<title>Approve this execution? – SSM Automation approvals</title>');
    expect(mainOf(document)).toBe(`<h1>Approve this execution?</h1>
<p>The approval step is approved and the runbook continues with its next step.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Action</dt>
<dd>Approve</dd>
<dt>Link issued for</dt>
<dd>${HOSTILE_ESCAPED}</dd>
<dt>Link expires</dt>
<dd><time datetime="2025-11-21T15:04:05Z">Friday 21 November 2025, 15:04 UTC</time> <span class="nowrap">(<code>2025-11-21T15:04:05Z</code>)</span></dd>
</dl>
<p class="note">Nothing has happened yet. The execution changes only when you press the button below. If you are not ${HOSTILE_ESCAPED}, do not use this link.</p>
<form method="post" action="./approve" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="token" value="${TOKEN}">
<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="4" maxlength="512" aria-describedby="comment-hint"></textarea>
<p id="comment-hint" class="hint">Up to 512 characters. Recorded with your decision in the execution's history.</p>
<button type="submit" class="button">Approve execution</button>
</form>`);
  });

  it('renders reject with the red button and the comment box', () => {
    const main = mainOf(renderConfirmationPage(input({ action: 'reject' })));

    expect(main).toContain('<h1>Reject this execution?</h1>\n');
    expect(main).toContain('<dt>Action</dt>\n<dd>Reject</dd>');
    expect(main).toContain(
      '<p>The approval step is rejected and fails. Unless the runbook handles that failure, the execution ends.</p>',
    );
    expect(main).toContain(`<form method="post" action="./reject"`);
    expect(main).toContain('<textarea id="comment" name="comment" rows="4" maxlength="512"');
    expect(main).toContain('<button type="submit" class="button button-danger">Reject execution</button>');
  });

  it('renders stop (cancel) with the red button and no comment box, since a stop carries no comment', () => {
    const main = mainOf(renderConfirmationPage(input({ action: 'stop' })));

    expect(main).toContain('<h1>Stop this execution?</h1>\n');
    expect(main).toContain('<dt>Action</dt>\n<dd>Stop (cancel)</dd>');
    expect(main).toContain(
      `<form method="post" action="./stop" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="token" value="${TOKEN}">
<button type="submit" class="button button-danger">Stop execution</button>
</form>`,
    );
    expect(main).not.toContain('<textarea');
  });

  it.each<PageAction>(['approve', 'reject', 'stop'])(
    '%s: well-formed, one main, one form, one submit button, no script, nothing external',
    (action) => {
      const document = renderConfirmationPage(input({ action }));

      expect(structureProblems(document)).toEqual([]);
      expect(countTags(document, 'main')).toBe(1);
      expect(countTags(document, 'h1')).toBe(1);
      expect(countTags(document, 'form')).toBe(1);
      expect(countTags(document, 'button')).toBe(1);
      expect(document.match(/type="submit"/g)).toHaveLength(1);
      expect(document.match(/<input /g)).toEqual(['<input ']);
      expect(document).not.toMatch(/<script|autofocus|http-equiv|onload|onclick/i);
      expect(externalReferences(document)).toEqual([]);
      expect(document).toMatch(/^<!doctype html>\n<html lang="en">\n/);
      expect(document).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    },
  );

  it('places the token only in the hidden input, escaped', () => {
    const token = `abc"><script>alert(1)</script>`;
    const document = renderConfirmationPage(input({ token }));

    expect(document.split('abc&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;')).toHaveLength(2);
    expect(document).toContain(
      '<input type="hidden" name="token" value="abc&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">',
    );
    expect(document).not.toContain(token);
    expect(structureProblems(document)).toEqual([]);
  });

  it('escapes a hostile execution id in the text and in the form action', () => {
    const document = renderConfirmationPage(input({ executionId: `x"/><script>` }));

    expect(document).toContain('<dd><code>x&quot;/&gt;&lt;script&gt;</code></dd>');
    expect(document).toContain('<form method="post" action="./approve"');
    expect(structureProblems(document)).toEqual([]);
  });

  it('ties the label and hint to the comment box and uses the given maximum length', () => {
    const document = renderConfirmationPage(input({ maxCommentLength: 400 }));

    expect(document).toContain('<label for="comment">Comment (optional)</label>');
    expect(document).toContain(
      '<textarea id="comment" name="comment" rows="4" maxlength="400" aria-describedby="comment-hint"></textarea>',
    );
    expect(document).toContain('<p id="comment-hint" class="hint">Up to 400 characters.');
  });

  it('defaults the comment length to 512', () => {
    const { maxCommentLength: _unused, ...rest } = input();
    expect(renderConfirmationPage(rest)).toContain('maxlength="512"');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxCommentLength %p', (maxCommentLength) => {
    expect(() => renderConfirmationPage(input({ maxCommentLength }))).toThrow(RangeError);
  });

  it('refuses an invalid expiry date', () => {
    expect(() => renderConfirmationPage(input({ expiresAt: new Date('nonsense') }))).toThrow(
      new RangeError('Invalid Date given to a page'),
    );
  });
});

describe('formActionPath', () => {
  it('is the same path as the link, without the query', () => {
    expect(formActionPath('reject')).toBe('./reject');
  });
});

describe("renderSlackDetailsPage (a Slack message's Details link)", () => {
  const context: DecisionContext = {
    execution: {
      executionId: EXECUTION_ID,
      documentName: `Deploy-${HOSTILE}`,
      documentVersion: '3',
      executedBy: 'arn:aws:iam::123456789012:user/local-operator',
      startedAt: new Date('2025-11-21T14:00:00Z'),
      parameters: { Version: ['1.2.3'], Note: [HOSTILE] },
    },
    gate: {
      stepName: 'ApproveProduction',
      stepExecutionId: '5d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a',
      message: `Ship it?\n${HOSTILE}`,
      approvers: ['arn:aws:iam::123456789012:role/signal'],
      minRequiredApprovals: 1,
      timeoutSeconds: 7200,
      deadline: new Date('2025-11-21T16:00:00Z'),
    },
    boundToGate: true,
    now: new Date('2025-11-21T15:04:05Z'),
  };

  it('shows the runbook, gate, time left, message and parameters, the sentence, and no form', () => {
    const document = renderSlackDetailsPage({ executionId: EXECUTION_ID, context });

    expect(document).toContain('<title>Decide in Slack – SSM Automation approvals</title>');
    expect(mainOf(document)).toBe(`<h1>Decide in Slack</h1>
<p>Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook's approvers can decide.</p>
<dl>
<dt>Runbook</dt>
<dd>Deploy-${HOSTILE_ESCAPED} <span class="hint">(version 3)</span></dd>
<dt>Approval step</dt>
<dd>ApproveProduction</dd>
<dt>Time left</dt>
<dd>55 minutes, until <time datetime="2025-11-21T16:00:00Z">Friday 21 November 2025, 16:00 UTC</time> <span class="nowrap">(<code>2025-11-21T16:00:00Z</code>)</span></dd>
<dt>Started by</dt>
<dd>local-operator (IAM user, account 123456789012)</dd>
<dt>Started at</dt>
<dd><time datetime="2025-11-21T14:00:00Z">Friday 21 November 2025, 14:00 UTC</time> <span class="nowrap">(<code>2025-11-21T14:00:00Z</code>)</span></dd>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
</dl>
<h2>Message from the runbook</h2>
<blockquote class="message">Ship it?<br>${HOSTILE_ESCAPED}</blockquote>
<h2>Parameters</h2>
<dl class="parameters">
<dt><code>Note</code></dt>
<dd>${HOSTILE_ESCAPED}</dd>
<dt><code>Version</code></dt>
<dd>1.2.3</dd>
</dl>
<p class="note">This page only shows the details; opening it changes nothing.</p>`);
  });

  it('leads with DECIDE_IN_SLACK, word for word', () => {
    expect(DECIDE_IN_SLACK).toBe(
      "Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook's approvers can decide.",
    );
    expect(renderSlackDetailsPage({ executionId: EXECUTION_ID, context })).toContain(
      `<p>${DECIDE_IN_SLACK}</p>`,
    );
  });

  it('is well-formed, with no form, button, input, script or anything external', () => {
    const document = renderSlackDetailsPage({ executionId: EXECUTION_ID, context });

    expect(structureProblems(document)).toEqual([]);
    expect(countTags(document, 'main')).toBe(1);
    expect(countTags(document, 'h1')).toBe(1);
    expect(countTags(document, 'form')).toBe(0);
    expect(countTags(document, 'button')).toBe(0);
    expect(document).not.toMatch(/<form|<input|<textarea|type="submit"|name="token"/);
    expect(document).not.toMatch(/<script|autofocus|http-equiv|onload|onclick/i);
    expect(externalReferences(document)).toEqual([]);
  });

  it('never mentions a button of its own, even for a link that is not bound to a gate', () => {
    const main = mainOf(
      renderSlackDetailsPage({ executionId: EXECUTION_ID, context: { ...context, boundToGate: false } }),
    );

    expect(main).not.toContain('press the button');
    expect(main).not.toContain('not bound to one approval step');
  });

  it('shows only the execution id without context, escaped', () => {
    expect(mainOf(renderSlackDetailsPage({ executionId: `x"/><script>` }))).toBe(`<h1>Decide in Slack</h1>
<p>Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook's approvers can decide.</p>
<dl>
<dt>Execution</dt>
<dd><code>x&quot;/&gt;&lt;script&gt;</code></dd>
</dl>
<p class="note">This page only shows the details; opening it changes nothing.</p>`);
  });
});

describe('quorum gates (MinRequiredApprovals > 1)', () => {
  const SEAT_1 = 'arn:aws:iam::123456789012:role/signal';
  const SEAT_2 = 'arn:aws:iam::123456789012:role/ApproverSeat2';
  const quorumContext = (tally?: Tally): DecisionContext => ({
    execution: { executionId: EXECUTION_ID, documentName: 'Demo-Quorum', parameters: {} },
    gate: {
      stepName: 'ApproveChange',
      stepExecutionId: '5d3c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a',
      approvers: [SEAT_1, SEAT_2],
      minRequiredApprovals: 2,
      timeoutSeconds: 7200,
    },
    boundToGate: true,
    now: new Date('2025-11-21T15:04:05Z'),
    ...(tally === undefined ? {} : { tally }),
  });
  const ALICE = {
    person: 'alice@example.com',
    via: 'e-mail link',
    seat: SEAT_1,
    at: new Date('2025-11-21T15:00:00Z'),
  };
  const ONE_OF_TWO: Tally = { needed: 2, approvals: [ALICE], remaining: 1 };

  it('shows the tally next to the gate in place of "Approvals needed"', () => {
    const main = mainOf(
      renderConfirmationPage(input({ approver: 'bob@example.com', context: quorumContext(ONE_OF_TWO) })),
    );

    expect(main).toContain(`<dl>
<dt>Runbook</dt>
<dd>Demo-Quorum</dd>
<dt>Approval step</dt>
<dd>ApproveChange</dd>
<dt>Approvals</dt>
<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>
<dt>Execution</dt>`);
    expect(main).not.toContain('Approvals needed');
    expect(main).toContain('<button type="submit" class="button">Approve execution</button>');
  });

  it('says nobody has approved yet, and that they must be different people', () => {
    const main = mainOf(
      renderConfirmationPage(input({ context: quorumContext({ needed: 2, approvals: [], remaining: 2 }) })),
    );

    expect(main).toContain(
      '<dt>Approvals</dt>\n<dd>0 of 2 approvals · 2 needed from different people</dd>\n',
    );
  });

  it('says one approval is one of several while more than this one are still needed', () => {
    const first = mainOf(
      renderConfirmationPage(input({ context: quorumContext({ needed: 2, approvals: [], remaining: 2 }) })),
    );
    expect(first).toContain(
      '<p>Your approval counts as one of the 2 this approval step needs from different people; the runbook continues once the last one is in.</p>',
    );
    // The last approval needed lets the runbook go on: the usual words are true again.
    const last = mainOf(
      renderConfirmationPage(input({ approver: 'bob@example.com', context: quorumContext(ONE_OF_TWO) })),
    );
    expect(last).toContain(
      '<p>The approval step is approved and the runbook continues with its next step.</p>',
    );
  });

  it('keeps "Approvals needed" when no tally is given', () => {
    expect(mainOf(renderConfirmationPage(input({ context: quorumContext() })))).toContain(
      '<dt>Approvals needed</dt>\n<dd>2</dd>\n',
    );
  });

  it('escapes hostile names in the tally', () => {
    const tally: Tally = {
      needed: 3,
      approvals: [
        { ...ALICE, person: HOSTILE },
        { person: `${HOSTILE}x`, via: 'Slack', slackUserId: 'U0EVIL01', seat: SEAT_2 },
      ],
      remaining: 1,
    };
    const main = mainOf(renderConfirmationPage(input({ context: quorumContext(tally) })));

    expect(main).toContain(
      `<dd>2 of 3 approvals: ${HOSTILE_ESCAPED}, ${HOSTILE_ESCAPED}x · 1 more needed</dd>`,
    );
    expect(main).not.toContain('<script>');
  });

  it('tells a person who already approved so, with the tally and without the approve form', () => {
    const document = renderConfirmationPage(
      input({ context: quorumContext(ONE_OF_TWO), yourApproval: ALICE }),
    );

    expect(document).toContain('<title>You have approved – SSM Automation approvals</title>');
    expect(mainOf(document)).toBe(`<h1>You have approved</h1>
<p>You approved this at <time datetime="2025-11-21T15:00:00Z">Friday 21 November 2025, 15:00 UTC</time> <span class="nowrap">(<code>2025-11-21T15:00:00Z</code>)</span>; waiting for 1 more approval.</p>
<dl>
<dt>Runbook</dt>
<dd>Demo-Quorum</dd>
<dt>Approval step</dt>
<dd>ApproveChange</dd>
<dt>Approvals</dt>
<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Link issued for</dt>
<dd>alice@example.com</dd>
<dt>Link expires</dt>
<dd><time datetime="2025-11-21T15:04:05Z">Friday 21 November 2025, 15:04 UTC</time> <span class="nowrap">(<code>2025-11-21T15:04:05Z</code>)</span></dd>
</dl>
<p class="note">Your approval counts once, so there is nothing more to do through this link. The runbook continues when other approvers have approved.</p>`);
    expect(countTags(document, 'form')).toBe(0);
    expect(document).not.toContain(TOKEN);
    expect(structureProblems(document)).toEqual([]);
  });

  it('counts the approvals still missing, and leaves out a time SSM did not give', () => {
    const { at: _at, ...noTime } = ALICE;
    const main = mainOf(
      renderConfirmationPage(
        input({
          context: quorumContext({ needed: 3, approvals: [noTime], remaining: 2 }),
          yourApproval: noTime,
        }),
      ),
    );

    expect(main).toContain('<p>You approved this; waiting for 2 more approvals.</p>');
  });

  it.each<PageAction>(['reject', 'stop'])(
    'offers the %s form as ever to a person who already approved',
    (action) => {
      const main = mainOf(
        renderConfirmationPage(input({ action, context: quorumContext(ONE_OF_TWO), yourApproval: ALICE })),
      );

      expect(main).toContain(`<form method="post" action="./${action}"`);
      expect(main).toContain('<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>');
      expect(main).not.toContain('You approved this');
    },
  );

  it('shows the tally on the Slack details page too', () => {
    expect(
      mainOf(renderSlackDetailsPage({ executionId: EXECUTION_ID, context: quorumContext(ONE_OF_TWO) })),
    ).toContain('<dt>Approvals</dt>\n<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>\n');
  });
});
