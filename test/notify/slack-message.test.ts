import type { Block, KnownBlock } from '@slack/web-api';
import type { ExecutionView, GateView } from '../../lambda/gate/execution-view';
import {
  ACTION_IDS,
  type DecidedMessageInput,
  decidedMessage,
  type EphemeralReason,
  ephemeralText,
  escapeMrkdwn,
  type GateMessageInput,
  gateBlockId,
  gateMessage,
  postedButtons,
  SLACK_LIMITS,
  slackDate,
  tallyMessage,
} from '../../lambda/notify/channels/slack-message';
import type { GateNotification } from '../../lambda/notify/notification';
import type { Tally } from '../../lambda/quorum/tally';
import { DEADLINE, DETAILS_URL, EXECUTION_ID, HOSTILE, NOTIFICATION, STEP_EXECUTION_ID } from './fixtures';

const HOSTILE_ESCAPED = `&lt;script&gt;alert(1)&lt;/script&gt;"'&amp;`;
const Z = '\u200B';
const DEADLINE_TOKEN = '<!date^1763737445^{date_short_pretty} {time}|Friday 21 November 2025, 15:04 UTC>';

const BUTTONS = {
  approve: 'v1.eyJhIjoiYXBwcm92ZSIsImciOiI1ZTBkMmE4YyJ9.c2ln-A_1',
  reject: 'v1.eyJhIjoicmVqZWN0IiwiZyI6IjVlMGQyYThjIn0.c2ln-R_2',
};

const input = (overrides: Partial<GateMessageInput> = {}): GateMessageInput => ({
  notification: NOTIFICATION,
  buttons: BUTTONS,
  detailsUrl: DETAILS_URL,
  now: new Date('2025-11-19T12:00:00Z'),
  ...overrides,
});

const withGate = (gate: Partial<GateNotification['gate']>): GateNotification => ({
  ...NOTIFICATION,
  gate: { ...NOTIFICATION.gate, ...gate },
});

const withExecution = (execution: Partial<GateNotification['execution']>): GateNotification => ({
  ...NOTIFICATION,
  execution: { ...NOTIFICATION.execution, ...execution },
});

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

const HEADER = { type: 'header', text: { type: 'plain_text', text: 'Demo-ApproveChange – ApproveChange' } };
const MESSAGE_SECTION = {
  type: 'section',
  text: mrkdwn(`*Message from the runbook*\n> Restart the web tier.\n>\n> Check ${HOSTILE_ESCAPED} first.`),
};
const PARAMETERS = {
  type: 'context',
  elements: [mrkdwn('*Empty:* (empty)'), mrkdwn(`*Note:* ${HOSTILE_ESCAPED}`), mrkdwn('*Targets:* i-1, i-2')],
};
/** The fixture's gate needs two approvals: a tally line, nobody yet. */
const NO_APPROVALS_YET = {
  type: 'context',
  elements: [mrkdwn('*0 of 2 approvals* · 2 needed from different people')],
};
const fields = (timesOut: string | undefined) => ({
  type: 'section',
  fields: [
    mrkdwn('*Runbook*\nDemo-ApproveChange (version 3)'),
    mrkdwn('*Approval step*\nApproveChange'),
    ...(timesOut === undefined ? [] : [mrkdwn(`*Times out*\n${timesOut}`)]),
    mrkdwn('*Approvals needed*\n2'),
    mrkdwn('*Started by*\nalice@example.com (role Admin, account 111122223333)'),
    mrkdwn(`*Execution*\n${EXECUTION_ID}`),
  ],
});

/** Every text Slack parses as mrkdwn, in order: the fallback, then each mrkdwn text object. */
const mrkdwnTexts = (message: { text: string; blocks: KnownBlock[] }): string[] => {
  const texts = [message.text];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      else Object.values(record).forEach(visit);
    }
  };
  visit(message.blocks);
  return texts;
};

/** Slack's control sequences (`<…>`): mentions, links, date tokens. */
const controlSequences = (message: { text: string; blocks: KnownBlock[] }): string[] =>
  mrkdwnTexts(message).flatMap((text) => [...text.matchAll(/<[^>]*>/g)].map((m) => m[0]));

/** Every Slack limit this renderer is subject to; returns the ones broken. */
const limitProblems = (blocks: readonly (KnownBlock | Block)[]): string[] => {
  const problems: string[] = [];
  const check = (what: string, length: number, max: number): void => {
    if (length > max) problems.push(`${what}: ${length} > ${max}`);
  };
  check('blocks', blocks.length, SLACK_LIMITS.blocks);
  for (const block of blocks as KnownBlock[]) {
    if (block.block_id !== undefined) check('block_id', block.block_id.length, SLACK_LIMITS.blockId);
    if (block.type === 'header') check('header', block.text.text.length, SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      if (block.text) check('section text', block.text.text.length, SLACK_LIMITS.text);
      if (block.fields) {
        check('fields', block.fields.length, SLACK_LIMITS.fields);
        for (const field of block.fields) check('field', field.text.length, SLACK_LIMITS.fieldText);
      }
    }
    if (block.type === 'context') {
      check('context elements', block.elements.length, SLACK_LIMITS.contextElements);
      for (const element of block.elements) {
        if ('text' in element && typeof element.text === 'string') {
          check('context text', element.text.length, SLACK_LIMITS.text);
        }
      }
    }
    if (block.type === 'actions') {
      for (const element of block.elements) {
        if (element.type !== 'button') continue;
        check('button text', element.text.text.length, SLACK_LIMITS.buttonText);
        if (element.value !== undefined)
          check('button value', element.value.length, SLACK_LIMITS.buttonValue);
        if (element.url !== undefined) check('button url', element.url.length, SLACK_LIMITS.buttonUrl);
      }
    }
  }
  return problems;
};

describe('escapeMrkdwn', () => {
  it('turns &, < and > into entities, so nothing can mention, link or format a date', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U123> <https://evil.example|Approve> <!date^1^{time}|x>')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|Approve&gt; &lt;!date^1^{time}|x&gt;',
    );
  });

  it('fences formatting characters with zero-width spaces, but leaves _ inside words alone', () => {
    expect(escapeMrkdwn('*bold* _it_ ~s~ `c` my_bucket_name 2*3 a_ :white_check_mark:')).toBe(
      `${Z}*${Z}bold${Z}*${Z} ${Z}_${Z}it${Z}_${Z} ${Z}~${Z}s${Z}~${Z} ${Z}\`${Z}c${Z}\`${Z} my_bucket_name 2${Z}*${Z}3 a${Z}_${Z} :white_check_mark:`,
    );
  });

  it('keeps line breaks and leaves plain text as it is', () => {
    expect(escapeMrkdwn('line 1\nline 2: ok, (fine).')).toBe('line 1\nline 2: ok, (fine).');
  });
});

describe('slackDate', () => {
  it('is a date token for the reader\u2019s time zone with a UTC fallback', () => {
    expect(slackDate(DEADLINE)).toBe(DEADLINE_TOKEN);
  });
});

describe('gateMessage', () => {
  it('renders the whole message: header, quoted message, facts, parameters and the three buttons', () => {
    expect(gateMessage(input())).toEqual({
      text: 'Approval needed: Demo-ApproveChange – ApproveChange (2 days 3 hours left)',
      blocks: [
        HEADER,
        MESSAGE_SECTION,
        fields(`${DEADLINE_TOKEN} (2 days 3 hours left)`),
        NO_APPROVALS_YET,
        PARAMETERS,
        {
          type: 'actions',
          block_id: `gate:${STEP_EXECUTION_ID}`,
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
              value: BUTTONS.approve,
            },
            {
              type: 'button',
              action_id: 'reject',
              text: { type: 'plain_text', text: 'Reject' },
              style: 'danger',
              value: BUTTONS.reject,
            },
            {
              type: 'button',
              action_id: 'details',
              text: { type: 'plain_text', text: 'Details' },
              url: DETAILS_URL,
            },
          ],
        },
      ],
    });
    expect(ACTION_IDS).toEqual({ approve: 'approve', reject: 'reject', details: 'details' });
    expect(gateBlockId(NOTIFICATION)).toBe(`gate:${STEP_EXECUTION_ID}`);
  });

  it('puts each button value and the details URL exactly once, in its own button', () => {
    const message = gateMessage(input());
    const json = JSON.stringify(message);
    for (const needle of [BUTTONS.approve, BUTTONS.reject, DETAILS_URL])
      expect(occurrences(json, needle)).toBe(1);
    const actions = message.blocks.find((block) => block.type === 'actions');
    expect(
      actions?.type === 'actions' &&
        actions.elements.map((e) => [e.action_id, e.type === 'button' ? (e.value ?? e.url) : undefined]),
    ).toEqual([
      ['approve', BUTTONS.approve],
      ['reject', BUTTONS.reject],
      ['details', DETAILS_URL],
    ]);
    expect(controlSequences(message)).toEqual([DEADLINE_TOKEN]);
  });

  it('neutralizes mentions, links and formatting in the gate\u2019s Message: nothing pings, links or turns bold', () => {
    const message = gateMessage(
      input({
        notification: withGate({
          message:
            'Hey <!channel> <!here> <@U123> <#C0GENERAL>\nSee <https://evil.example|Approve here> *bold* _it_ ~s~ `code` @here my_var\n> fake quote &amp;',
        }),
      }),
    );

    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: mrkdwn(
        `*Message from the runbook*\n> Hey &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C0GENERAL&gt;\n> See &lt;https://evil.example|Approve here&gt; ${Z}*${Z}bold${Z}*${Z} ${Z}_${Z}it${Z}_${Z} ${Z}~${Z}s${Z}~${Z} ${Z}\`${Z}code${Z}\`${Z} @here my_var\n> &gt; fake quote &amp;amp;`,
      ),
    });
    expect(controlSequences(message)).toEqual([DEADLINE_TOKEN]);
  });

  it('escapes everything from SSM in every mrkdwn text and keeps the header plain text on one line', () => {
    const notification: GateNotification = {
      execution: {
        ...NOTIFICATION.execution,
        documentName: `Doc${HOSTILE}\n<!channel>`,
        documentVersion: '<@U123>',
        executedBy: '<!everyone> *boss*',
        executionId: '<https://evil.example|id>',
        parameters: { '<!here>': ['<@U999>', '*x*'] },
      },
      gate: { ...NOTIFICATION.gate, stepName: 'Step_<!channel>', stepExecutionId: STEP_EXECUTION_ID },
    };
    const message = gateMessage(input({ notification }));

    expect(controlSequences(message)).toEqual([DEADLINE_TOKEN]);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `Doc${HOSTILE} <!channel> – Step_<!channel>` },
    });
    expect(message.text).toBe(
      `Approval needed: Doc${HOSTILE_ESCAPED} &lt;!channel&gt; – Step${Z}_${Z}&lt;!channel&gt; (2 days 3 hours left)`,
    );
    expect(message.blocks[2]).toEqual({
      type: 'section',
      fields: [
        mrkdwn(`*Runbook*\nDoc${HOSTILE_ESCAPED} &lt;!channel&gt; (version &lt;@U123&gt;)`),
        mrkdwn(`*Approval step*\nStep${Z}_${Z}&lt;!channel&gt;`),
        mrkdwn(`*Times out*\n${DEADLINE_TOKEN} (2 days 3 hours left)`),
        mrkdwn('*Approvals needed*\n2'),
        mrkdwn(`*Started by*\n&lt;!everyone&gt; ${Z}*${Z}boss${Z}*${Z}`),
        mrkdwn('*Execution*\n&lt;https://evil.example|id&gt;'),
      ],
    });
    expect(message.blocks[4]).toEqual({
      type: 'context',
      elements: [mrkdwn(`*&lt;!here&gt;:* &lt;@U999&gt;, ${Z}*${Z}x${Z}*${Z}`)],
    });
  });

  it('cuts a long Message visibly to exactly Slack\u2019s 3000 characters', () => {
    const message = gateMessage(input({ notification: withGate({ message: 'x'.repeat(5000) }) }));
    const text = `*Message from the runbook*\n> ${'x'.repeat(2940)}… (cut, 5000 characters in all)`;

    expect(message.blocks[1]).toEqual({ type: 'section', text: mrkdwn(text) });
    expect(text).toHaveLength(3000);
  });

  it('counts the escaping against the limit, never cutting inside an entity', () => {
    const message = gateMessage(input({ notification: withGate({ message: '&'.repeat(4096) }) }));
    const section = message.blocks[1];
    const text = section?.type === 'section' ? (section.text?.text ?? '') : '';

    expect(text).toBe(`*Message from the runbook*\n> ${'&amp;'.repeat(588)}… (cut, 4096 characters in all)`);
    expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('stays within every Slack limit for the largest, most hostile gate', () => {
    const long = `${'<*_&'.repeat(600)}\u{1F600}`;
    const parameters = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`P${String(i).padStart(2, '0')}${long}`, [long, long]]),
    );
    const notification: GateNotification = {
      execution: {
        executionId: long,
        documentName: long,
        documentVersion: long,
        executedBy: long,
        startedAt: new Date('2025-11-19T08:30:00Z'),
        parameters,
      },
      gate: { ...NOTIFICATION.gate, stepName: long, stepExecutionId: long, message: `${long}\n`.repeat(10) },
    };
    const message = gateMessage(
      input({
        notification,
        buttons: { approve: 'a'.repeat(2000), reject: 'r'.repeat(2000) },
        detailsUrl: `https://example.com/${'d'.repeat(2980)}`,
      }),
    );

    expect(limitProblems(message.blocks)).toEqual([]);
    expect(controlSequences(message)).toEqual([DEADLINE_TOKEN]);
    const context = message.blocks.filter((block) => block.type === 'context')[1];
    expect(context?.type === 'context' && context.elements).toHaveLength(6);
    expect(context?.type === 'context' && context.elements[5]).toEqual(
      mrkdwn('55 more parameters not shown'),
    );
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${Array.from(long).slice(0, 106).join('')}… – ${Array.from(long).slice(0, 39).join('')}…`,
      },
    });
    expect(
      limitProblems(
        decidedMessage({
          notification,
          outcome: { result: 'Approved', by: { name: long }, comment: long, where: long, at: DEADLINE },
        }).blocks,
      ),
    ).toEqual([]);
  });

  it('refuses button values and URLs Slack would refuse, rather than cut a signed value', () => {
    expect(() => gateMessage(input({ buttons: { ...BUTTONS, approve: 'a'.repeat(2001) } }))).toThrow(
      'buttons.approve must have 1 to 2000 characters, has 2001',
    );
    expect(() => gateMessage(input({ buttons: { ...BUTTONS, reject: '' } }))).toThrow(
      'buttons.reject must have 1 to 2000 characters, has 0',
    );
    expect(() => gateMessage(input({ detailsUrl: `https://example.com/${'d'.repeat(2981)}` }))).toThrow(
      'detailsUrl must have at most 3000 characters, has 3001',
    );
    expect(() => gateMessage(input({ detailsUrl: 'javascript:alert(1)' }))).toThrow(
      'detailsUrl must be an http(s) URL',
    );
  });

  it('leaves out the Message, parameters, timeout, approvals and starter when there are none', () => {
    const notification: GateNotification = {
      execution: { executionId: EXECUTION_ID, documentName: 'Demo-ApproveChange', parameters: {} },
      gate: {
        stepName: 'ApproveChange',
        stepExecutionId: STEP_EXECUTION_ID,
        message: ' \n ',
        approvers: [],
        minRequiredApprovals: 1,
        timeoutSeconds: 3600,
      },
    };
    const message = gateMessage(input({ notification }));

    expect(message.text).toBe('Approval needed: Demo-ApproveChange – ApproveChange');
    expect(message.blocks.map((block) => block.type)).toEqual(['header', 'section', 'actions']);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      fields: [
        mrkdwn('*Runbook*\nDemo-ApproveChange'),
        mrkdwn('*Approval step*\nApproveChange'),
        mrkdwn(`*Execution*\n${EXECUTION_ID}`),
      ],
    });
  });

  it('says so when the gate has already timed out', () => {
    const message = gateMessage(input({ now: new Date('2025-11-22T00:00:00Z') }));

    expect(message.text).toBe('Approval needed: Demo-ApproveChange – ApproveChange (timed out)');
    expect(message.blocks[2]).toEqual(fields(`${DEADLINE_TOKEN} (timed out)`));
  });

  it('shows the first five parameters, values cut, then how many more there are', () => {
    const notification = withExecution({
      parameters: {
        A: ['x'.repeat(100)],
        B: ['b'],
        C: ['c'],
        D: ['d'],
        E: ['line 1\nline 2'],
        F: ['f'],
        G: [],
      },
    });
    const context = gateMessage(input({ notification })).blocks[4];

    expect(context).toEqual({
      type: 'context',
      elements: [
        mrkdwn(`*A:* ${'x'.repeat(80)}… (cut, 100 characters in all)`),
        mrkdwn('*B:* b'),
        mrkdwn('*C:* c'),
        mrkdwn('*D:* d'),
        mrkdwn('*E:* line 1 ↵ line 2'),
        mrkdwn('2 more parameters not shown'),
      ],
    });
  });
});

describe('decidedMessage', () => {
  const decided = (outcome: DecidedMessageInput['outcome']) =>
    decidedMessage({ notification: NOTIFICATION, outcome });
  const AT = new Date('2025-11-19T16:04:00Z');
  const AT_TOKEN = '<!date^1763568240^{date_short_pretty} {time}|Wednesday 19 November 2025, 16:04 UTC>';
  const outcomeSection = (text: string) => ({ type: 'section', text: mrkdwn(text) });

  it('keeps the context, drops the buttons and the timeout, and says who approved, when, and why', () => {
    expect(
      decided({
        result: 'Approved',
        by: { slackUserId: 'U0ALICE', name: 'alice' },
        at: AT,
        comment: 'Looks good',
      }),
    ).toEqual({
      text: 'Approved by alice: Demo-ApproveChange – ApproveChange',
      blocks: [
        HEADER,
        MESSAGE_SECTION,
        fields(undefined),
        PARAMETERS,
        outcomeSection(`:white_check_mark: *Approved* by <@U0ALICE> at ${AT_TOKEN} — Looks good`),
      ],
    });
  });

  it('names deciders outside Slack, and where they decided', () => {
    const message = decided({
      result: 'Rejected',
      by: { name: 'bob@example.com' },
      at: AT,
      where: 'e-mail link',
    });

    expect(message.text).toBe('Rejected by bob@example.com: Demo-ApproveChange – ApproveChange');
    expect(message.blocks[4]).toEqual(
      outcomeSection(`:x: *Rejected* via e-mail link by bob@example.com at ${AT_TOKEN}`),
    );
  });

  it.each([
    ['TimedOut', ':hourglass: *Timed out* at <date>\nNobody decided before the approval step timed out.'],
    [
      'Cancelled',
      ':no_entry_sign: *Cancelled* at <date>\nThe execution was stopped before this step was decided.',
    ],
    ['Failed', ':warning: *Failed* at <date>\nThe approval step failed before it was decided.'],
    [
      'Other',
      ':information_source: *No longer waiting* at <date>\nThe runbook moved on or finished without a decision here.',
    ],
  ] as const)('says what happened when nobody decided: %s', (result, text) => {
    const message = decided({ result, at: AT });

    expect(message.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'section',
    ]);
    expect(message.blocks[4]).toEqual(outcomeSection(text.replace('<date>', AT_TOKEN)));
  });

  it('never lets a decider\u2019s name, comment or a forged user id ping or format', () => {
    const message = decided({
      result: 'Approved',
      by: { slackUserId: 'U1>|<!channel', name: '<!channel> *eve*' },
      comment: 'ok <@U123>\n<https://evil.example|x>',
      where: '<!here>',
    });

    expect(message.blocks[4]).toEqual(
      outcomeSection(
        `:white_check_mark: *Approved* via &lt;!here&gt; by &lt;!channel&gt; ${Z}*${Z}eve${Z}*${Z} — ok &lt;@U123&gt; &lt;https://evil.example|x&gt;`,
      ),
    );
    expect(message.text).toBe(
      `Approved by &lt;!channel&gt; ${Z}*${Z}eve${Z}*${Z}: Demo-ApproveChange – ApproveChange`,
    );
    expect(controlSequences(message)).toEqual([]);
  });

  it('has no actions block and no signed value or link', () => {
    const json = JSON.stringify(decided({ result: 'Approved' }));

    expect(json).not.toContain('"actions"');
    expect(json).not.toContain('"button"');
    expect(json).not.toContain('https://');
  });
});

describe('ephemeralText', () => {
  it.each([
    ['not-approver', 'You are not an approver for this runbook, so nothing was changed.'],
    ['already-decided', 'This approval step has already been decided, so nothing was changed.'],
    ['gate-moved-on', 'The runbook no longer waits at this approval step, so nothing was changed.'],
    ['run-finished', 'The runbook has finished, so nothing was changed.'],
    [
      'ssm-unavailable',
      'Systems Manager could not be reached, so nothing was changed. Please try again in a minute.',
    ],
  ] as [EphemeralReason, string][])('%s', (reason, text) => {
    expect(ephemeralText(reason)).toBe(text);
  });
});

describe('the tally of a quorum gate (MinRequiredApprovals > 1)', () => {
  const SEAT_1 = 'arn:aws:iam::111122223333:role/Signal';
  const SEAT_2 = 'arn:aws:iam::111122223333:role/ApproverSeat2';
  const tallyBlock = (text: string) => ({ type: 'context', elements: [mrkdwn(text)] });
  const ONE_OF_TWO: Tally = {
    needed: 2,
    approvals: [{ person: 'alice', via: 'Slack', slackUserId: 'U0ALICE1', seat: SEAT_1 }],
    remaining: 1,
  };
  const actionIds = (message: { blocks: KnownBlock[] }): string[] =>
    message.blocks.flatMap((block) =>
      block.type === 'actions'
        ? block.elements.map((element) => ('action_id' in element ? String(element.action_id) : ''))
        : [],
    );

  it('mentions Slack users, names others escaped, and says how many more are needed', () => {
    const tally: Tally = {
      needed: 3,
      approvals: [
        ...ONE_OF_TWO.approvals,
        { person: `${HOSTILE} <!channel> *bold*`, via: 'e-mail link', seat: SEAT_2 },
      ],
      remaining: 1,
    };
    const message = gateMessage(input({ notification: withGate({ minRequiredApprovals: 3 }), tally }));

    expect(message.blocks[3]).toEqual(
      tallyBlock(
        `*2 of 3 approvals:* <@U0ALICE1>, ${HOSTILE_ESCAPED} &lt;!channel&gt; ${Z}*${Z}bold${Z}*${Z} · 1 more needed`,
      ),
    );
    expect(controlSequences(message)).toEqual([DEADLINE_TOKEN, '<@U0ALICE1>']);
    expect(actionIds(message)).toEqual(['approve', 'reject', 'details']);
  });

  it('names a principal outside the webhook by a short label of its ARN', () => {
    const message = gateMessage(
      input({
        tally: {
          needed: 2,
          approvals: [
            { person: 'arn:aws:iam::111122223333:user/ops', seat: 'arn:aws:iam::111122223333:user/ops' },
          ],
          remaining: 1,
        },
      }),
    );

    expect(message.blocks[3]).toEqual(
      tallyBlock('*1 of 2 approvals:* ops (IAM user, account 111122223333) · 1 more needed'),
    );
  });

  it('keeps only the Details button once every approval needed is in', () => {
    const tally: Tally = {
      needed: 2,
      approvals: [...ONE_OF_TWO.approvals, { person: 'bob@example.com', via: 'e-mail link', seat: SEAT_2 }],
      remaining: 0,
    };
    const message = gateMessage(input({ tally }));

    expect(message.blocks[3]).toEqual(tallyBlock('*2 of 2 approvals:* <@U0ALICE1>, bob@example.com'));
    expect(actionIds(message)).toEqual(['details']);
  });

  it('renders a gate that needs one approval exactly as before, whatever tally is given', () => {
    const notification = withGate({ minRequiredApprovals: 1 });
    const plain = gateMessage(input({ notification }));

    expect(gateMessage(input({ notification, tally: ONE_OF_TWO }))).toEqual(plain);
    expect(plain.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'actions',
    ]);
  });

  it('tallyMessage: the waiting gate\u2019s message with where its quorum stands now, buttons kept', () => {
    const gate: GateView = {
      ...NOTIFICATION.gate,
      approvers: [SEAT_1, SEAT_2],
      stepStatus: 'Waiting',
      waiting: true,
      decisions: [
        {
          approver: 'arn:aws:sts::111122223333:assumed-role/ApproverSeat2/link.alice',
          decision: 'Approve',
          comment: 'Approved via e-mail link by alice@example.com: ok',
          at: new Date('2025-11-19T12:30:00Z'),
        },
      ],
    };
    const view: ExecutionView = {
      ...NOTIFICATION.execution,
      status: 'Waiting',
      finished: false,
      gates: [gate],
    };
    const post = { buttons: BUTTONS, detailsUrl: DETAILS_URL, now: new Date('2025-11-19T12:00:00Z') };

    const tally: Tally = {
      needed: 2,
      approvals: [
        {
          person: 'alice@example.com',
          via: 'e-mail link',
          seat: SEAT_2,
          at: new Date('2025-11-19T12:30:00Z'),
        },
      ],
      remaining: 1,
    };

    const message = tallyMessage(view, gate, tally, post);

    expect(message).toEqual(gateMessage({ ...input(), notification: { execution: view, gate }, tally }));
    expect(message.blocks[3]).toEqual(tallyBlock('*1 of 2 approvals:* alice@example.com · 1 more needed'));
    expect(actionIds(message)).toEqual(['approve', 'reject', 'details']);
  });

  it('shows the approvals above the outcome of a decided quorum gate, when given', () => {
    const tally: Tally = {
      needed: 2,
      approvals: [...ONE_OF_TWO.approvals, { person: 'bob@example.com', via: 'e-mail link', seat: SEAT_2 }],
      remaining: 0,
    };
    const message = decidedMessage({
      notification: NOTIFICATION,
      outcome: { result: 'Approved', by: { name: 'bob@example.com' }, where: 'e-mail link' },
      tally,
    });

    expect(message.blocks.slice(2, 4)).toEqual([
      fields(undefined),
      tallyBlock('*2 of 2 approvals:* <@U0ALICE1>, bob@example.com'),
    ]);
    expect(
      decidedMessage({ notification: NOTIFICATION, outcome: { result: 'Approved' } }).blocks,
    ).not.toContainEqual(tallyBlock('*0 of 2 approvals* · 2 needed from different people'));
  });

  it('postedButtons reads the gate\u2019s own buttons back from a posted message, and nothing else', () => {
    const posted = gateMessage(input());

    expect(postedButtons(posted.blocks, NOTIFICATION)).toEqual({ buttons: BUTTONS, detailsUrl: DETAILS_URL });
    expect(postedButtons(posted.blocks, withGate({ stepExecutionId: 'another-gate' }))).toBeUndefined();
    expect(
      postedButtons(
        posted.blocks.filter((block) => block.type !== 'actions'),
        NOTIFICATION,
      ),
    ).toBeUndefined();
    expect(
      postedButtons(
        [{ type: 'actions', block_id: gateBlockId(NOTIFICATION), elements: [null, 'x'] }],
        NOTIFICATION,
      ),
    ).toBeUndefined();
  });
});
