import {
  PROBLEM_REASONS,
  type ProblemReason,
  renderProblemPage,
  renderResultPage,
  statusLine,
} from '../../lambda/pages/result-page';
import { countTags, externalReferences, mainOf, structureProblems } from './html-checks';

const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
const HOSTILE = `<script>alert(1)</script>"'&`;
const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
const TOKEN = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJleHAiOjE3NjM3Mzc0NDV9.c2lnbmF0dXJl';

const CLOSE = `<p>You can close this page. The execution's history in Systems Manager records this.</p>`;

describe('renderResultPage', () => {
  it('approve, with every outcome fact, escaped', () => {
    const document = renderResultPage({
      executionId: EXECUTION_ID,
      action: 'approve',
      outcome: { recordedFor: HOSTILE, comment: HOSTILE, at: new Date('2025-11-21T15:04:05Z') },
    });

    expect(document).toContain('<title>Approved – SSM Automation approvals</title>');
    expect(document).toContain('<main class="status-success">');
    expect(mainOf(document)).toBe(`<h1>Approved</h1>
<p>Approved. The runbook continues.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Action</dt>
<dd>Approve</dd>
<dt>Recorded for</dt>
<dd>${HOSTILE_ESCAPED}</dd>
<dt>Comment</dt>
<dd>${HOSTILE_ESCAPED}</dd>
<dt>Accepted at</dt>
<dd><time datetime="2025-11-21T15:04:05Z">Friday 21 November 2025, 15:04 UTC</time> <span class="nowrap">(<code>2025-11-21T15:04:05Z</code>)</span></dd>
</dl>
${CLOSE}`);
    expect(structureProblems(document)).toEqual([]);
  });

  it('reject, without outcome facts', () => {
    expect(mainOf(renderResultPage({ executionId: EXECUTION_ID, action: 'reject' }))).toBe(`<h1>Rejected</h1>
<p>Rejected. The approval step fails; unless the runbook handles that, the execution ends.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Action</dt>
<dd>Reject</dd>
</dl>
${CLOSE}`);
  });

  it('stop (cancel by default)', () => {
    expect(
      mainOf(
        renderResultPage({ executionId: EXECUTION_ID, action: 'stop', outcome: { recordedFor: 'bob' } }),
      ),
    ).toBe(`<h1>Stopped</h1>
<p>Stopped. Systems Manager is cancelling the execution; its status becomes Cancelled once running steps have ended.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Action</dt>
<dd>Stop (cancel)</dd>
<dt>Recorded for</dt>
<dd>bob</dd>
</dl>
${CLOSE}`);
  });

  it('stop of type Complete says only what is known', () => {
    const main = mainOf(
      renderResultPage({ executionId: EXECUTION_ID, action: 'stop', outcome: { stopType: 'Complete' } }),
    );
    expect(main).toContain(
      '<p>Stopped. Systems Manager accepted the request to stop the execution as Complete.</p>',
    );
    expect(main).toContain('<dt>Action</dt>\n<dd>Stop (complete)</dd>');
  });

  it('signal names the signal type', () => {
    const main = mainOf(
      renderResultPage({ executionId: EXECUTION_ID, action: 'signal', outcome: { signalType: 'Resume' } }),
    );
    expect(main).toContain('<h1>Signal sent</h1>\n<p>Signal sent. Systems Manager accepted it.</p>');
    expect(main).toContain('<dt>Action</dt>\n<dd>Signal (Resume)</dd>');
  });

  it('drops an empty comment and an invalid date instead of failing after SSM acted', () => {
    const main = mainOf(
      renderResultPage({
        executionId: EXECUTION_ID,
        action: 'approve',
        outcome: { comment: '', at: new Date(Number.NaN) },
      }),
    );
    expect(main).not.toContain('<dt>Comment</dt>');
    expect(main).not.toContain('<dt>Accepted at</dt>');
  });
});

describe('renderProblemPage', () => {
  // The cases a person meets through a link, with the status each travels with (DESIGN.md §2).
  const cases: ReadonlyArray<{
    name: string;
    status: number;
    title: string;
    detail: string;
    reason: string;
    main: string;
  }> = [
    {
      name: 'expired link',
      status: 403,
      title: 'Not allowed',
      detail: 'The link has expired. Ask for a new link.',
      reason: 'link-expired',
      main: `<h1>This link has expired</h1>
<p class="status">Error 403 (Forbidden)</p>
<p>Approval links work for a limited time, and this one has run out. Nothing was changed.</p>
<p class="detail">Details: The link has expired. Ask for a new link.</p>
<h2>What to do next</h2>
<p>Ask the person or team that started the runbook for a new link, if the execution is still waiting.</p>`,
    },
    {
      name: 'tampered or invalid link',
      status: 401,
      title: 'Authentication required',
      detail: 'The link is not valid. Ask for a new link.',
      reason: 'invalid-link-token',
      main: `<h1>This link is not valid</h1>
<p class="status">Error 401 (Unauthorized)</p>
<p>The link could not be verified: it was changed or cut short, or it was signed with a key that is no longer in use. Nothing was changed.</p>
<p class="detail">Details: The link is not valid. Ask for a new link.</p>
<h2>What to do next</h2>
<p>Open the link exactly as you received it, without editing the address. Ask the person or team that started the runbook for a new link, if the execution is still waiting.</p>`,
    },
    {
      name: 'link for another execution',
      status: 403,
      title: 'Not allowed',
      detail: 'The link is for a different execution.',
      reason: 'link-wrong-execution',
      main: `<h1>This link is for a different execution</h1>
<p class="status">Error 403 (Forbidden)</p>
<p>The link was issued for another execution than the one in the address, so it cannot act on this one. Nothing was changed.</p>
<p class="detail">Details: The link is for a different execution.</p>
<h2>What to do next</h2>
<p>Open the link exactly as you received it, without editing the address.</p>`,
    },
    {
      name: 'link for another action',
      status: 403,
      title: 'Not allowed',
      detail: 'The link does not allow the action "stop".',
      reason: 'link-wrong-action',
      main: `<h1>This link does not allow this action</h1>
<p class="status">Error 403 (Forbidden)</p>
<p>The link was issued for a different action than the one requested. Nothing was changed.</p>
<p class="detail">Details: The link does not allow the action &quot;stop&quot;.</p>
<h2>What to do next</h2>
<p>Use the link for the action you want, exactly as you received it. Ask the person or team that started the runbook for a new link, if the execution is still waiting.</p>`,
    },
    {
      name: 'already decided or not waiting',
      status: 409,
      title: 'Signal not accepted now',
      detail: 'SSM did not accept the signal in the execution’s current state.',
      reason: 'signal-not-accepted',
      main: `<h1>This approval was already decided or the execution is no longer waiting</h1>
<p class="status">Error 409 (Conflict)</p>
<p>Someone may have approved or rejected it already, or the execution has moved on, timed out or been stopped. Less likely, the webhook&#39;s role is not among the step&#39;s approvers. Your request changed nothing.</p>
<p class="detail">Details: SSM did not accept the signal in the execution’s current state.</p>
<h2>What to do next</h2>
<p>Check the execution&#39;s current status in the Systems Manager console (Automation, Executions). There is nothing more to do here.</p>`,
    },
    {
      name: 'execution not found',
      status: 404,
      title: 'Execution not found',
      detail: '',
      reason: 'execution-not-found',
      main: `<h1>Execution not found</h1>
<p class="status">Error 404 (Not Found)</p>
<p>Systems Manager has no execution with this id in the webhook&#39;s account and Region. It may be older than the retention period, or the link may belong to another account or Region.</p>
<h2>What to do next</h2>
<p>Check the execution id, and ask whoever sent the link for the right one.</p>`,
    },
    {
      name: 'bad request (comment too long)',
      status: 400,
      title: 'Invalid request',
      detail: "'comment' must be at most 512 characters.",
      reason: 'invalid-field',
      main: `<h1>The request was not understood</h1>
<p class="status">Error 400 (Bad Request)</p>
<p>The form data was missing, too large or malformed. Nothing was changed.</p>
<p class="detail">Details: &#39;comment&#39; must be at most 512 characters.</p>
<h2>What to do next</h2>
<p>Go back to the link&#39;s page, check your comment, and press the button again. If this happens again, ask for a new link.</p>`,
    },
    {
      name: 'unknown action in a link path',
      status: 400,
      title: 'Invalid request',
      detail: 'Links exist for approve, reject, stop; not for this path.',
      reason: 'invalid-action',
      main: `<h1>Unknown action</h1>
<p class="status">Error 400 (Bad Request)</p>
<p>The address names an action that links do not offer: a link can approve, reject or stop an execution. Nothing was changed.</p>
<p class="detail">Details: Links exist for approve, reject, stop; not for this path.</p>
<h2>What to do next</h2>
<p>Open the link exactly as you received it, without editing the address.</p>`,
    },
    {
      name: 'Systems Manager unreachable',
      status: 502,
      title: 'SSM unreachable',
      detail: 'The webhook could not reach SSM in time.',
      reason: 'ssm-unreachable',
      main: `<h1>Systems Manager could not be reached</h1>
<p class="status">Error 502 (Bad Gateway)</p>
<p>The webhook got no answer from Systems Manager in time, so it is not known whether your request was carried out.</p>
<p class="detail">Details: The webhook could not reach SSM in time.</p>
<h2>What to do next</h2>
<p>Check the execution&#39;s status in the Systems Manager console. If it is still waiting, go back to the link&#39;s page and press the button again. If it keeps happening, tell the team that runs this webhook and give them the execution id.</p>`,
    },
    {
      name: 'Systems Manager throttling',
      status: 503,
      title: 'SSM is throttling',
      detail: 'Try again in 5 seconds.',
      reason: 'ssm-throttled',
      main: `<h1>Systems Manager is busy</h1>
<p class="status">Error 503 (Service Unavailable)</p>
<p>Systems Manager turned the request away because it received too many requests. Nothing was changed.</p>
<p class="detail">Details: Try again in 5 seconds.</p>
<h2>What to do next</h2>
<p>Wait a minute, then go back to the link&#39;s page and press the button again.</p>`,
    },
    {
      name: 'unexpected failure (detail never shown)',
      status: 500,
      title: 'Internal error',
      detail: 'TypeError: cannot read x of undefined at handler.js:12',
      reason: 'internal-error',
      main: `<h1>Something went wrong</h1>
<p class="status">Error 500 (Internal Server Error)</p>
<p>The webhook hit an unexpected error, so it is not known whether your request was carried out.</p>
<h2>What to do next</h2>
<p>Check the execution&#39;s status in the Systems Manager console. If it is still waiting, go back to the link&#39;s page and press the button again. If it keeps happening, tell the team that runs this webhook and give them the execution id.</p>`,
    },
  ];

  it.each(cases)('$name ($status)', ({ status, title, detail, reason, main }) => {
    const document = renderProblemPage({ status, title, detail, reason });

    expect(mainOf(document)).toBe(main);
    expect(document).toContain('<main class="status-error">');
    const heading = /<h1>(.*)<\/h1>/.exec(main)?.[1];
    expect(document).toContain(`<title>${heading} – SSM Automation approvals</title>`);
  });

  it('falls back to the caller title and detail for an unknown reason, with a next step by status', () => {
    const document = renderProblemPage({
      status: 415,
      title: 'Unsupported <media> type',
      detail: "Content type 'text/plain' is not accepted.",
      reason: 'something-new',
    });
    expect(mainOf(document)).toBe(`<h1>Unsupported &lt;media&gt; type</h1>
<p class="status">Error 415 (Unsupported Media Type)</p>
<p>Content type &#39;text/plain&#39; is not accepted.</p>
<h2>What to do next</h2>
<p>Go back to the link&#39;s page, check your comment, and press the button again. If this happens again, ask for a new link.</p>`);
  });

  it.each([
    [401, 'Open the link exactly as you received it, without editing the address. Ask the person'],
    [403, 'Open the link exactly as you received it, without editing the address. Ask the person'],
    [404, 'Check the address, and ask whoever sent the link for the right one.'],
    [409, 'Check the execution&#39;s current status in the Systems Manager console'],
    [429, 'Wait a minute, then go back'],
    [503, 'Wait a minute, then go back'],
    [502, 'Check the execution&#39;s status in the Systems Manager console. If it is still waiting'],
    [504, 'Check the execution&#39;s status in the Systems Manager console. If it is still waiting'],
    [405, 'Go back to the link&#39;s page, check your comment'],
  ])('without a reason, status %d suggests: %s', (status, next) => {
    const main = mainOf(renderProblemPage({ status, title: 'T', detail: 'D' }));
    expect(main).toContain(
      `<h1>T</h1>\n<p class="status">${statusLine(status)}</p>\n<p>D</p>\n<h2>What to do next</h2>\n<p>${next}`,
    );
  });

  it.each([500, 501, 200, 99, Number.NaN])('status %p hides the caller title and detail', (status) => {
    const main = mainOf(renderProblemPage({ status, title: 'Leaky title', detail: 'stack trace here' }));
    expect(main).toContain('<h1>Something went wrong</h1>');
    expect(main).not.toMatch(/Leaky|stack trace/);
  });

  it('uses the status line when an unknown reason comes without a title, and skips an empty detail', () => {
    expect(
      mainOf(renderProblemPage({ status: 404, title: '', detail: '' })),
    ).toBe(`<h1>Error 404 (Not Found)</h1>
<p class="status">Error 404 (Not Found)</p>
<h2>What to do next</h2>
<p>Check the address, and ask whoever sent the link for the right one.</p>`);
  });

  it('does not repeat a detail equal to the explanation', () => {
    const { explanation } = PROBLEM_REASONS['link-expired'];
    const main = mainOf(
      renderProblemPage({ status: 403, title: 'x', detail: explanation, reason: 'link-expired' }),
    );
    expect(main).not.toContain('class="detail"');
  });

  it('escapes a hostile detail', () => {
    const main = mainOf(
      renderProblemPage({ status: 400, title: HOSTILE, detail: HOSTILE, reason: 'invalid-field' }),
    );
    expect(main).toContain(`<p class="detail">Details: ${HOSTILE_ESCAPED}</p>`);
    expect(main).not.toContain('<script>');
  });

  it('ignores inherited property names as reasons', () => {
    const main = mainOf(renderProblemPage({ status: 400, title: 'T', detail: 'D', reason: 'toString' }));
    expect(main).toContain('<h1>T</h1>');
  });

  it.each(Object.keys(PROBLEM_REASONS) as ProblemReason[])(
    'reason %s renders a well-formed page with its own heading',
    (reason) => {
      const document = renderProblemPage({ status: 400, title: 'T', detail: 'D', reason });
      expect(structureProblems(document)).toEqual([]);
      expect(externalReferences(document)).toEqual([]);
      expect(countTags(document, 'main')).toBe(1);
      expect(countTags(document, 'h1')).toBe(1);
      expect(countTags(document, 'form')).toBe(0);
      expect(document).toContain(`<h1>${PROBLEM_REASONS[reason].heading.replaceAll("'", '&#39;')}</h1>`);
    },
  );
});

describe('the problem page of a Slack link used to act', () => {
  it('says where to decide, and shows the refusal as details', () => {
    const main = mainOf(
      renderProblemPage({
        status: 403,
        title: 'Not allowed',
        detail:
          "This link came with a Slack message and only shows the details. Decide with the message's buttons in Slack, where your Slack user is checked against the runbook's approvers.",
        reason: 'slack-link-view-only',
      }),
    );

    expect(main).toBe(`<h1>Decide in Slack</h1>
<p class="status">Error 403 (Forbidden)</p>
<p>This link came with a Slack message, where everyone in the channel can open it, so it only shows the details. Nothing was changed.</p>
<p class="detail">Details: This link came with a Slack message and only shows the details. Decide with the message&#39;s buttons in Slack, where your Slack user is checked against the runbook&#39;s approvers.</p>
<h2>What to do next</h2>
<p>Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook&#39;s approvers can decide.</p>`);
  });
});

describe('the token never reaches a result or problem page', () => {
  it('is absent from every page rendered for a request that carried it', () => {
    const pages = [
      renderResultPage({
        executionId: EXECUTION_ID,
        action: 'approve',
        outcome: { recordedFor: 'alice', comment: 'ok' },
      }),
      ...(Object.keys(PROBLEM_REASONS) as ProblemReason[]).map((reason) =>
        renderProblemPage({ status: 403, title: 'Not allowed', detail: 'The link has expired.', reason }),
      ),
    ];
    for (const document of pages) {
      expect(document).not.toContain(TOKEN);
      expect(document).not.toContain('name="token"');
    }
  });
});

describe('statusLine', () => {
  it('names known statuses and shows unknown ones as a number', () => {
    expect(statusLine(409)).toBe('Error 409 (Conflict)');
    expect(statusLine(418)).toBe('Error 418');
  });
});

describe('an approval of a step that needs several', () => {
  it('does not say the runbook continues', () => {
    const document = renderResultPage({
      executionId: '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22',
      action: 'approve',
      outcome: { approvalsNeeded: 2 },
    });
    expect(document).toContain('<h1>Approval recorded</h1>');
    expect(document).toContain(
      '<p>Your approval was recorded. This approval step needs 2 approvals from different approvers; the runbook continues once they are in.</p>',
    );
    expect(document).not.toContain('The runbook continues.');
  });
});

describe('the result of one approval of a quorum gate (outcome.tally)', () => {
  const SEAT = 'arn:aws:iam::123456789012:role/signal';

  it('says "Approval recorded: 1 of 2 …" and shows the tally', () => {
    const document = renderResultPage({
      executionId: EXECUTION_ID,
      action: 'approve',
      outcome: {
        recordedFor: 'alice@example.com',
        approvalsNeeded: 2,
        tally: {
          needed: 2,
          approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SEAT }],
          remaining: 1,
        },
      },
    });

    expect(document).toContain('<title>Approval recorded – SSM Automation approvals</title>');
    expect(mainOf(document)).toBe(`<h1>Approval recorded</h1>
<p>Approval recorded: 1 of 2 approvals: alice@example.com · 1 more needed. The runbook continues once the last approval is in.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Action</dt>
<dd>Approve</dd>
<dt>Approvals</dt>
<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>
<dt>Recorded for</dt>
<dd>alice@example.com</dd>
</dl>
${CLOSE}`);
  });

  it('says the runbook continues once the approval completed the quorum, names escaped', () => {
    const main = mainOf(
      renderResultPage({
        executionId: EXECUTION_ID,
        action: 'approve',
        outcome: {
          tally: {
            needed: 2,
            approvals: [
              { person: 'alice@example.com', via: 'e-mail link', seat: SEAT },
              { person: HOSTILE, via: 'signed link', seat: `${SEAT}2` },
            ],
            remaining: 0,
          },
        },
      }),
    );

    expect(main).toContain('<h1>Approved</h1>');
    expect(main).toContain(
      `<p>Approval recorded: 2 of 2 approvals: alice@example.com, ${HOSTILE_ESCAPED}. The runbook continues.</p>`,
    );
  });
});

describe('decisionResponse for people: a partial approval’s page carries the tally', () => {
  const { decisionResponse, alreadyApprovedResponse } =
    require('../../lambda/core/responses') as typeof import('../../lambda/core/responses');
  const SEAT = 'arn:aws:iam::123456789012:role/signal';
  const tally = {
    needed: 2,
    approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SEAT }],
    remaining: 1,
  };
  const result = {
    executionId: EXECUTION_ID,
    action: 'approve' as const,
    operation: 'SendAutomationSignal' as const,
    signalType: 'Approve' as const,
  };

  it('says "Approval recorded: 1 of 2 approvals: … · 1 more needed." and shows the tally row', () => {
    const response = decisionResponse('html', result, {
      recordedFor: 'alice@example.com',
      at: new Date('2026-12-01T16:04:00Z'),
      tally,
    });

    expect(response.statusCode).toBe(200);
    expect(mainOf(response.body ?? '')).toBe(`<h1>Approval recorded</h1>
<p>Approval recorded: 1 of 2 approvals: alice@example.com · 1 more needed. The runbook continues once the last approval is in.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Action</dt>
<dd>Approve</dd>
<dt>Approvals</dt>
<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>
<dt>Recorded for</dt>
<dd>alice@example.com</dd>
<dt>Accepted at</dt>
<dd><time datetime="2026-12-01T16:04:00Z">Tuesday 1 December 2026, 16:04 UTC</time> <span class="nowrap">(<code>2026-12-01T16:04:00Z</code>)</span></dd>
</dl>
${CLOSE}`);
  });

  it('tells the person whose approval is already in, in the same words', () => {
    const response = alreadyApprovedResponse('html', result, {
      gate: { stepName: 'ApproveChange' } as never,
      tally,
    });

    expect(mainOf(response.body ?? '')).toBe(`<h1>Already approved by you</h1>
<p>Already approved by you: 1 of 2 approvals: alice@example.com · 1 more needed. Nothing more was sent: one person's approval counts once.</p>
<dl>
<dt>Execution</dt>
<dd><code>${EXECUTION_ID}</code></dd>
<dt>Approval step</dt>
<dd>ApproveChange</dd>
<dt>Approvals</dt>
<dd>1 of 2 approvals: alice@example.com · 1 more needed</dd>
</dl>
<p>You can close this page. The runbook continues once the last approval is in.</p>`);
  });
});
