import {
  type GateCardInput,
  gateCard,
  MAX_TEAMS_MESSAGE_BYTES,
  plainMarkdown,
} from '../../lambda/notify/channels/teams-card';
import type { GateNotification } from '../../lambda/notify/notification';
import type { Tally } from '../../lambda/quorum/tally';
import { DETAILS_URL, EXECUTION_ID, LINKS, NOTIFICATION } from './fixtures';

const Z = '\u200B';
const HOSTILE_NEUTRAL = `<${Z}script>alert(1)<${Z}/script>"'&`;

const input = (overrides: Partial<GateCardInput> = {}): GateCardInput => ({
  notification: NOTIFICATION,
  links: LINKS,
  now: new Date('2025-11-19T12:00:00Z'),
  detailsUrl: DETAILS_URL,
  ...overrides,
});

const withGate = (gate: Partial<GateNotification['gate']>): GateNotification => ({
  ...NOTIFICATION,
  gate: { ...NOTIFICATION.gate, ...gate },
});

const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
const cardOf = (message: ReturnType<typeof gateCard>) => message.attachments[0].content;
/** Every text Teams may render as Markdown: TextBlock texts, fact titles and values. */
const markdownTexts = (message: ReturnType<typeof gateCard>): string[] =>
  cardOf(message).body.flatMap((element) =>
    element.type === 'TextBlock'
      ? [element.text]
      : element.facts.flatMap(({ title, value }) => [title, value]),
  );
/** What a Markdown renderer or a linkifier would turn into a link or emphasis (a fenced `_` is inert). */
const LINK_OR_EMPHASIS =
  /\]\(|<https?:|https?:\/\/|\*|(^|[^\p{L}\p{N}\u200B])_|_($|[^\p{L}\p{N}\u200B])|\{\{/u;

describe('plainMarkdown', () => {
  it('breaks Markdown links, autolinks and bare URLs with zero-width spaces', () => {
    expect(
      plainMarkdown('[Approve](https://evil.example) <https://evil.example> see http://x.example/a'),
    ).toBe(
      `[Approve]${Z}(https:${Z}//evil.example) <${Z}https:${Z}//evil.example> see http:${Z}//x.example/a`,
    );
  });

  it('turns * into a look-alike and fences _ outside words, so nothing turns bold or italic', () => {
    expect(plainMarkdown('**bold** *it* _it_ __b__ my_bucket_name a*b')).toBe(
      `∗∗bold∗∗ ∗it∗ ${Z}_${Z}it${Z}_${Z} ${Z}_${Z}${Z}_${Z}b${Z}_${Z}${Z}_${Z} my_bucket_name a∗b`,
    );
  });

  it('breaks Adaptive Cards DATE/TIME functions and leaves plain text alone', () => {
    expect(plainMarkdown('{{DATE(2025-11-21T15:04:05Z, SHORT)}} {x} [a] (b) 3: ok')).toBe(
      `{${Z}{DATE(2025-11-21T15:04:05Z, SHORT)}} {x} [a] (b) 3: ok`,
    );
  });
});

describe('gateCard', () => {
  it('renders the whole workflow message: title, lead, message, facts, parameters, note and buttons', () => {
    expect(gateCard(input())).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: 'Approval needed: Demo-ApproveChange – ApproveChange',
                wrap: true,
                size: 'Large',
                weight: 'Bolder',
              },
              {
                type: 'TextBlock',
                text: 'The runbook Demo-ApproveChange is waiting for a decision at its approval step ApproveChange: 2 days 3 hours left.',
                wrap: true,
              },
              {
                type: 'TextBlock',
                text: 'Message from the runbook',
                wrap: true,
                weight: 'Bolder',
                spacing: 'Medium',
              },
              {
                type: 'TextBlock',
                text: `Restart the web tier.\n\nCheck ${HOSTILE_NEUTRAL} first.`,
                wrap: true,
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Runbook', value: 'Demo-ApproveChange (version 3)' },
                  { title: 'Approval step', value: 'ApproveChange' },
                  { title: 'Time left', value: '2 days 3 hours, until Friday 21 November 2025, 15:04 UTC' },
                  { title: 'Approvals', value: '0 of 2 approvals; 2 needed from different people' },
                  { title: 'Started by', value: 'alice@example.com (role Admin, account 111122223333)' },
                  { title: 'Started', value: 'Wednesday 19 November 2025, 08:30 UTC' },
                  { title: 'Execution', value: EXECUTION_ID },
                ],
                spacing: 'Medium',
              },
              { type: 'TextBlock', text: 'Parameters', wrap: true, weight: 'Bolder', spacing: 'Medium' },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Empty', value: '(empty)' },
                  { title: 'Note', value: HOSTILE_NEUTRAL },
                  { title: 'Targets', value: 'i-1, i-2' },
                ],
              },
              {
                type: 'TextBlock',
                text: 'The buttons open a page that asks you to confirm; opening it changes nothing. The links expire Friday 21 November 2025, 15:04 UTC.',
                wrap: true,
                size: 'Small',
                isSubtle: true,
                spacing: 'Medium',
              },
            ],
            actions: [
              { type: 'Action.OpenUrl', title: 'Approve…', url: LINKS.approve },
              { type: 'Action.OpenUrl', title: 'Reject…', url: LINKS.reject },
              { type: 'Action.OpenUrl', title: 'Details', url: DETAILS_URL },
            ],
          },
        },
      ],
    });
  });

  it('puts each link exactly once, in its own button, and never the Stop link', () => {
    const message = gateCard(input());
    const json = JSON.stringify(message);

    for (const link of [LINKS.approve, LINKS.reject, DETAILS_URL]) expect(occurrences(json, link)).toBe(1);
    expect(json).not.toContain(LINKS.stop);
    expect(cardOf(message).actions.map(({ title, url }) => [title, url])).toEqual([
      ['Approve…', LINKS.approve],
      ['Reject…', LINKS.reject],
      ['Details', DETAILS_URL],
    ]);
    expect(markdownTexts(message).filter((text) => /https?:/.test(text))).toEqual([]);
  });

  it('offers no Details button without a details URL', () => {
    expect(cardOf(gateCard(input({ detailsUrl: undefined }))).actions.map(({ title }) => title)).toEqual([
      'Approve…',
      'Reject…',
    ]);
  });

  it('neutralizes links and emphasis a runbook author writes into the Message, keeping its lines', () => {
    const message = gateCard(
      input({
        notification: withGate({
          message:
            '**URGENT** approve [here](https://evil.example/approve)\n- or <https://evil.example>\n\nhttps://evil.example _now_ {{DATE(2025-11-21T15:04:05Z)}}',
        }),
      }),
    );

    expect(cardOf(message).body[3]).toEqual({
      type: 'TextBlock',
      text: `∗∗URGENT∗∗ approve [here]${Z}(https:${Z}//evil.example/approve)\n\n- or <${Z}https:${Z}//evil.example>\n\nhttps:${Z}//evil.example ${Z}_${Z}now${Z}_${Z} {${Z}{DATE(2025-11-21T15:04:05Z)}}`,
      wrap: true,
    });
    for (const text of markdownTexts(message)) expect(text).not.toMatch(LINK_OR_EMPHASIS);
  });

  it('neutralizes every text from SSM: names, version, starter, execution id and parameters', () => {
    const evil = '[x](https://evil.example) *b*';
    const notification: GateNotification = {
      execution: {
        executionId: evil,
        documentName: evil,
        documentVersion: evil,
        executedBy: evil,
        parameters: { [evil]: [evil] },
      },
      gate: { ...NOTIFICATION.gate, stepName: evil, message: evil },
    };
    const message = gateCard(input({ notification }));
    const neutral = `[x]${Z}(https:${Z}//evil.example) ∗b∗`;

    for (const text of markdownTexts(message)) expect(text).not.toMatch(LINK_OR_EMPHASIS);
    expect(cardOf(message).body[0]).toMatchObject({ text: `Approval needed: ${neutral} – ${neutral}` });
    expect(cardOf(message).body[6]).toEqual({
      type: 'FactSet',
      facts: [{ title: neutral, value: neutral }],
    });
  });

  it('cuts a long Message visibly and stays under Teams\u2019 28 KB for the largest, most hostile gate', () => {
    const long = `${'_界[a](https://x) '.repeat(300)}\u{1F600}`;
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
      gate: { ...NOTIFICATION.gate, stepName: long, message: '界'.repeat(4096) },
    };
    const message = gateCard(input({ notification }));
    const body = cardOf(message).body;

    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(MAX_TEAMS_MESSAGE_BYTES);
    expect(body[3]).toEqual({
      type: 'TextBlock',
      text: `${'界'.repeat(2469)}… (cut, 4096 characters in all)`,
      wrap: true,
    });
    const parametersFacts = body[6];
    expect(parametersFacts?.type === 'FactSet' && parametersFacts.facts).toHaveLength(7);
    expect(parametersFacts?.type === 'FactSet' && parametersFacts.facts[6]).toEqual({
      title: '…',
      value: '54 more parameters not shown',
    });
    for (const text of markdownTexts(message)) expect(text).not.toMatch(LINK_OR_EMPHASIS);
  });

  it('says so when the gate has already timed out, and leaves out what SSM did not report', () => {
    const notification: GateNotification = {
      execution: { executionId: EXECUTION_ID, documentName: 'Demo-ApproveChange', parameters: {} },
      gate: {
        stepName: 'ApproveChange',
        stepExecutionId: NOTIFICATION.gate.stepExecutionId,
        approvers: [],
        minRequiredApprovals: 1,
        timeoutSeconds: 3600,
        deadline: new Date('2025-11-19T11:00:00Z'),
      },
    };
    const body = cardOf(gateCard(input({ notification }))).body;

    expect(body.map((element) => element.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet', 'TextBlock']);
    expect(body[1]).toEqual({
      type: 'TextBlock',
      text: 'The runbook Demo-ApproveChange was waiting for a decision at its approval step ApproveChange; the step has timed out.',
      wrap: true,
    });
    expect(body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Runbook', value: 'Demo-ApproveChange' },
        { title: 'Approval step', value: 'ApproveChange' },
        { title: 'Time left', value: 'timed out at Wednesday 19 November 2025, 11:00 UTC' },
        { title: 'Execution', value: EXECUTION_ID },
      ],
      spacing: 'Medium',
    });
  });

  it('refuses links that are not http(s) URLs', () => {
    expect(() => gateCard(input({ links: { ...LINKS, approve: 'javascript:alert(1)' } }))).toThrow(
      'links.approve must be an http(s) URL',
    );
    expect(() => gateCard(input({ detailsUrl: 'https://example.com/a b' }))).toThrow(
      'detailsUrl must be an http(s) URL',
    );
  });
});

describe('the tally of a quorum gate (MinRequiredApprovals > 1)', () => {
  const SEAT = 'arn:aws:iam::111122223333:role/Signal';
  const factsOf = (message: ReturnType<typeof gateCard>) =>
    cardOf(message).body.flatMap((element) => (element.type === 'FactSet' ? element.facts : []));

  it('has an Approvals fact with who approved so far, names neutralized', () => {
    const tally: Tally = {
      needed: 3,
      approvals: [
        { person: 'alice@example.com', via: 'e-mail link', seat: SEAT },
        { person: '[bob](https://evil.example) *boss*', via: 'signed link', seat: `${SEAT}2` },
      ],
      remaining: 1,
    };
    const facts = factsOf(gateCard(input({ notification: withGate({ minRequiredApprovals: 3 }), tally })));

    expect(facts).toContainEqual({
      title: 'Approvals',
      value: `2 of 3 approvals: alice@example.com, [bob]${Z}(https:${Z}//evil.example) ∗boss∗; 1 more needed`,
    });
    expect(facts.map(({ title }) => title)).not.toContain('Approvals needed');
  });

  it('renders a gate that needs one approval exactly as before, whatever tally is given', () => {
    const notification = withGate({ minRequiredApprovals: 1 });
    const plain = gateCard(input({ notification }));

    expect(gateCard(input({ notification, tally: { needed: 2, approvals: [], remaining: 2 } }))).toEqual(
      plain,
    );
    expect(factsOf(plain).map(({ title }) => title)).not.toContain('Approvals');
    expect(factsOf(plain).map(({ title }) => title)).not.toContain('Approvals needed');
  });
});
