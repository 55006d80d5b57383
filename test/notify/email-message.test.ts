import { type ApprovalEmailInput, renderApprovalEmail } from '../../lambda/notify/channels/email-message';
import type { GateNotification } from '../../lambda/notify/notification';
import type { Tally } from '../../lambda/quorum/tally';
import { structureProblems } from '../pages/html-checks';
import { BASE, EXECUTION_ID, HOSTILE, LINKS, NOTIFICATION } from './fixtures';

const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';

const input = (overrides: Partial<ApprovalEmailInput> = {}): ApprovalEmailInput => ({
  notification: NOTIFICATION,
  links: LINKS,
  recipient: 'bob@example.com',
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

const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
/** Outlook's conditional comments hold markup the structure check would count as text. */
const withoutComments = (document: string): string => document.replace(/<!--[\s\S]*?-->/g, '');
const hrefs = (document: string): string[] =>
  [...document.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');

describe('renderApprovalEmail', () => {
  it('names the runbook and the gate in the subject', () => {
    expect(renderApprovalEmail(input()).subject).toBe('Approval needed: Demo-ApproveChange – ApproveChange');
  });

  it('renders the whole plain-text part: the facts, the message quoted, and each full URL on its own line', () => {
    expect(renderApprovalEmail(input()).text).toBe(`Approval needed: Demo-ApproveChange – ApproveChange

The runbook Demo-ApproveChange is waiting for a decision at its approval step ApproveChange: 2 days 3 hours left.

Message from the runbook:
> Restart the web tier.
>
> Check ${HOSTILE} first.

Runbook:       Demo-ApproveChange (version 3)
Approval step: ApproveChange
Time left:     2 days 3 hours, until Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z)
Quorum:        Needs 2 approvals from different people
Started by:    alice@example.com (role Admin, account 111122223333)
Started:       Wednesday 19 November 2025, 08:30 UTC
Execution:     ${EXECUTION_ID}

Parameters:
  Empty: (empty)
  Note: ${HOSTILE}
  Targets: i-1, i-2

Approve:
${LINKS.approve}

Reject:
${LINKS.reject}

Stop the whole execution (not just this approval step):
${LINKS.stop}

Opening a link changes nothing: it shows a page that asks you to confirm, and only the button on that page acts.
The links expire Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z).
These links are for bob@example.com only: do not forward this e-mail; anyone with them can act in your name.

-- 
SSM Automation approvals
`);
  });

  it('puts each link exactly once in each part, the text part on a line of its own', () => {
    const { text, html } = renderApprovalEmail(input());
    for (const link of [LINKS.approve, LINKS.reject, LINKS.stop]) {
      expect(occurrences(text, link)).toBe(1);
      expect(occurrences(text, `\n${link}\n`)).toBe(1);
      expect(occurrences(html, link)).toBe(1);
    }
  });

  describe('HTML part', () => {
    const { html } = renderApprovalEmail(input());

    it('is a well-formed table layout with inline styles only: no style block, script, image, font or form', () => {
      expect(structureProblems(withoutComments(html))).toEqual([]);
      expect(html.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(
        true,
      );
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toContain('<title>Approval needed: Demo-ApproveChange – ApproveChange</title>');
      for (const pattern of [
        /<script/i,
        /<style/i,
        /<img/i,
        /<link/i,
        /<form/i,
        /<iframe/i,
        /\bsrc\s*=/i,
        /url\(/i,
        /@import/i,
        /@font-face/i,
        /http:/i,
        /\bon[a-z]+\s*=/i,
        /\bclass=/i,
      ]) {
        expect(html).not.toMatch(pattern);
      }
      expect(html).toContain(
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;',
      );
    });

    it('links to exactly the three actions, each once, and nowhere else', () => {
      expect(hrefs(html)).toEqual([LINKS.approve, LINKS.reject, LINKS.stop]);
      for (const link of [LINKS.approve, LINKS.reject, LINKS.stop]) expect(occurrences(html, link)).toBe(1);
    });

    it('shows the message escaped, with its line breaks as <br>', () => {
      expect(html).toContain(
        `<p style="margin:0 0 4px;font-size:14px;font-weight:600;color:#57606a">Message from the runbook</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px">
<tr><td style="padding:12px 16px;background-color:#f6f8fa;border-left:4px solid #d0d7de;font-size:16px;line-height:24px;word-break:break-word;overflow-wrap:anywhere">Restart the web tier.<br><br>Check ${HOSTILE_ESCAPED} first.</td></tr>
</table>`,
      );
    });

    it('shows the facts, dates in UTC, the deadline to the second', () => {
      const row = (label: string, value: string, extra = ''): string =>
        `<tr><td width="120" style="padding:6px 12px 6px 0;vertical-align:top;font-size:14px;line-height:20px;font-weight:600;color:#57606a;width:120px;border-bottom:1px solid #d0d7de">${label}</td><td style="padding:6px 0;vertical-align:top;font-size:14px;line-height:20px;word-break:break-word;overflow-wrap:anywhere;border-bottom:1px solid #d0d7de${extra}">${value}</td></tr>\n`;
      expect(html).toContain(
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;border-top:1px solid #d0d7de">
${row('Runbook', 'Demo-ApproveChange (version 3)')}${row('Approval step', 'ApproveChange')}${row('Time left', '2 days 3 hours, until Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z)')}${row('Quorum', 'Needs 2 approvals from different people')}${row('Started by', 'alice@example.com (role Admin, account 111122223333)')}${row('Started', 'Wednesday 19 November 2025, 08:30 UTC')}${row('Execution', EXECUTION_ID, ';font-family:SFMono-Regular,Menlo,Consolas,Liberation Mono,monospace')}</table>`,
      );
      expect(html).toContain(
        '<h1 style="margin:0 0 12px;font-size:22px;line-height:28px;font-weight:700;color:#1f2328;word-break:break-word;overflow-wrap:anywhere">Approval needed: Demo-ApproveChange</h1>',
      );
    });

    it('shows the parameters sorted, escaped, each name above its value', () => {
      const row = (name: string, value: string): string =>
        `<tr><td style="padding:6px 0;font-size:14px;line-height:20px;border-bottom:1px solid #d0d7de;word-break:break-word;overflow-wrap:anywhere"><strong>${name}</strong><br><span style="font-family:SFMono-Regular,Menlo,Consolas,Liberation Mono,monospace">${value}</span></td></tr>\n`;
      expect(html).toContain(
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;border-top:1px solid #d0d7de">
${row('Empty', '<em style="font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#57606a">(empty)</em>')}${row('Note', HOSTILE_ESCAPED)}${row('Targets', 'i-1, i-2')}</table>`,
      );
    });

    it('has Approve and Reject buttons at least 44px tall, and a plainer Stop link', () => {
      const button = (href: string, label: string, colour: string): string =>
        `<a href="${href}" style="display:inline-block;font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:20px;font-weight:600;color:#ffffff;background-color:${colour};border:solid ${colour};border-width:12px 24px;border-radius:6px;text-decoration:none">${label}</a>`;
      expect(html).toContain(
        `<tr><td style="padding:0 12px 12px 0">${button(LINKS.approve, 'Approve', '#0b5cad')}</td><td style="padding:0 0 12px 0">${button(LINKS.reject, 'Reject', '#b42318')}</td></tr>`,
      );
      expect(html).toContain(
        `<p style="margin:0;font-size:14px;line-height:20px"><a href="${LINKS.stop}" style="display:inline-block;padding:12px 0;color:#b42318;font-weight:600;text-decoration:underline">Stop the whole execution</a></p>
<p style="margin:0 0 20px;font-size:14px;line-height:20px;color:#57606a">Cancels the execution, not just this approval step.</p>`,
      );
    });

    it('says that opening a link changes nothing, when the links expire, and that they are personal', () => {
      expect(html).toContain(
        `<p style="margin:0 0 12px;font-size:14px;line-height:20px">Opening a link changes nothing: it shows a page that asks you to confirm, and only the button on that page acts.</p>
<p style="margin:0 0 12px;font-size:14px;line-height:20px">The links expire Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z).</p>
<p style="margin:0;padding:12px 16px;font-size:14px;line-height:20px;background-color:#f6f8fa;border-left:4px solid #b42318;word-break:break-word;overflow-wrap:anywhere"><strong>These links are for bob@example.com only: do not forward this e-mail; anyone with them can act in your name.</strong></p>`,
      );
    });
  });

  it('escapes everything from SSM and the recipient in the HTML, and keeps the subject on one line', () => {
    const email = renderApprovalEmail(
      input({
        notification: {
          execution: {
            ...NOTIFICATION.execution,
            documentName: `Doc${HOSTILE}\r\nBcc: eve@example.com`,
            documentVersion: HOSTILE,
            executedBy: HOSTILE,
            parameters: { [HOSTILE]: [HOSTILE, HOSTILE] },
          },
          gate: { ...NOTIFICATION.gate, stepName: `Step\n${HOSTILE}`, message: HOSTILE },
        },
        recipient: HOSTILE,
      }),
    );

    expect(email.subject).toBe(`Approval needed: Doc${HOSTILE} Bcc: eve@example.com – Step ${HOSTILE}`);
    expect(email.html).not.toMatch(/<script/i);
    expect(structureProblems(withoutComments(email.html))).toEqual([]);
    expect(email.html).toContain(
      `<title>Approval needed: Doc${HOSTILE_ESCAPED} Bcc: eve@example.com – Step ${HOSTILE_ESCAPED}</title>`,
    );
    expect(email.html).toContain(`<strong>${HOSTILE_ESCAPED}</strong><br>`);
    expect(email.html).toContain(`>${HOSTILE_ESCAPED}, ${HOSTILE_ESCAPED}</span>`);
    expect(email.html).toContain(`<strong>These links are for ${HOSTILE_ESCAPED} only:`);
    expect(email.text).toContain(`\nStarted by:    ${HOSTILE}\n`);
  });

  it('escapes the links in href attributes', () => {
    const links = { ...LINKS, approve: `${BASE}/approve?token=a.b.c&x="y"` };
    const { html, text } = renderApprovalEmail(input({ links }));

    expect(hrefs(html)).toEqual([
      `${BASE}/approve?token=a.b.c&amp;x=&quot;y&quot;`,
      LINKS.reject,
      LINKS.stop,
    ]);
    expect(occurrences(text, links.approve)).toBe(1);
  });

  it('shortens a long subject to 120 characters, the runbook name first', () => {
    const subject = renderApprovalEmail(
      input({
        notification: {
          execution: { ...NOTIFICATION.execution, documentName: 'R'.repeat(128) },
          gate: { ...NOTIFICATION.gate, stepName: 'S'.repeat(50) },
        },
      }),
    ).subject;

    expect(subject).toBe(`Approval needed: ${'R'.repeat(59)}… – ${'S'.repeat(39)}…`);
    expect(Array.from(subject)).toHaveLength(120);
  });

  it('leaves out what SSM did not report, and Approvals needed when one approval is enough', () => {
    const notification: GateNotification = {
      execution: { executionId: EXECUTION_ID, documentName: 'Demo-ApproveChange', parameters: {} },
      gate: {
        stepName: 'ApproveChange',
        stepExecutionId: NOTIFICATION.gate.stepExecutionId,
        approvers: [],
        minRequiredApprovals: 1,
        timeoutSeconds: 3600,
      },
    };
    const { text, html } = renderApprovalEmail(input({ notification }));

    expect(text).toBe(`Approval needed: Demo-ApproveChange – ApproveChange

The runbook Demo-ApproveChange is waiting for a decision at its approval step ApproveChange.

Runbook:       Demo-ApproveChange
Approval step: ApproveChange
Execution:     ${EXECUTION_ID}

Approve:
${LINKS.approve}

Reject:
${LINKS.reject}

Stop the whole execution (not just this approval step):
${LINKS.stop}

Opening a link changes nothing: it shows a page that asks you to confirm, and only the button on that page acts.
The links expire Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z).
These links are for bob@example.com only: do not forward this e-mail; anyone with them can act in your name.

-- 
SSM Automation approvals
`);
    expect(html).not.toContain('Message from the runbook');
    expect(html).not.toContain('>Parameters</p>');
    expect(html).not.toContain('Approvals needed');
    expect(html).not.toContain('Time left');
    expect(hrefs(html)).toEqual([LINKS.approve, LINKS.reject, LINKS.stop]);
  });

  it('says so when the gate has already timed out', () => {
    const { text } = renderApprovalEmail(input({ now: new Date('2025-11-22T00:00:00Z') }));

    expect(text).toContain(
      '\n\nThe runbook Demo-ApproveChange was waiting for a decision at its approval step ApproveChange; the step has timed out.\n\n',
    );
    expect(text).toContain(
      '\nTime left:     timed out at Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z)\n',
    );
  });

  it('cuts long parameter values visibly, in both parts', () => {
    const notification = withExecution({ parameters: { Script: ['x'.repeat(250)] } });
    const { text, html } = renderApprovalEmail(input({ notification }));

    expect(text).toContain(`\n  Script: ${'x'.repeat(200)}… (cut, 250 characters in all)\n`);
    expect(html).toContain(`${'x'.repeat(200)}… (cut, 250 characters in all)</span>`);
  });

  it('shows a one-line message without a stray break, and none for a blank one', () => {
    expect(renderApprovalEmail(input({ notification: withGate({ message: 'Go?' }) })).html).toContain(
      'overflow-wrap:anywhere">Go?</td></tr>',
    );
    expect(renderApprovalEmail(input({ notification: withGate({ message: ' \n ' }) })).text).not.toContain(
      'Message from the runbook',
    );
  });
});

describe('a quorum gate (MinRequiredApprovals > 1)', () => {
  const SEAT = 'arn:aws:iam::111122223333:role/Signal';
  const tally: Tally = {
    needed: 2,
    approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: SEAT }],
    remaining: 1,
  };

  it('says in the facts that it needs approvals from different people, and who approved so far', () => {
    const { text } = renderApprovalEmail(input({ tally }));

    expect(text).toContain(`
Time left:       2 days 3 hours, until Friday 21 November 2025, 15:04 UTC (2025-11-21T15:04:05Z)
Quorum:          Needs 2 approvals from different people
Approved so far: 1 of 2 approvals: alice@example.com; 1 more needed
Started by:      alice@example.com (role Admin, account 111122223333)
`);
  });

  it('shows the same rows in the HTML part, names escaped', () => {
    const { html } = renderApprovalEmail(
      input({
        tally: {
          needed: 3,
          approvals: [
            { person: HOSTILE, via: 'signed link', seat: SEAT },
            { person: 'arn:aws:iam::111122223333:user/ops', seat: 'arn:aws:iam::111122223333:user/ops' },
          ],
          remaining: 1,
        },
        notification: withGate({ minRequiredApprovals: 3 }),
      }),
    );

    expect(html).toContain(
      `>Quorum</td><td style="padding:6px 0;vertical-align:top;font-size:14px;line-height:20px;word-break:break-word;overflow-wrap:anywhere;border-bottom:1px solid #d0d7de">Needs 3 approvals from different people</td></tr>`,
    );
    expect(html).toContain(
      `>Approved so far</td><td style="padding:6px 0;vertical-align:top;font-size:14px;line-height:20px;word-break:break-word;overflow-wrap:anywhere;border-bottom:1px solid #d0d7de">2 of 3 approvals: ${HOSTILE_ESCAPED}, ops (IAM user, account 111122223333); 1 more needed</td></tr>`,
    );
  });

  it('has no "Approved so far" row while nobody has approved', () => {
    const { text } = renderApprovalEmail(input({ tally: { needed: 2, approvals: [], remaining: 2 } }));

    expect(text).toContain('\nQuorum:        Needs 2 approvals from different people\n');
    expect(text).not.toContain('Approved so far');
  });

  it('renders a gate that needs one approval exactly as before, whatever tally is given', () => {
    const notification = withGate({ minRequiredApprovals: 1 });
    expect(renderApprovalEmail(input({ notification, tally }))).toEqual(
      renderApprovalEmail(input({ notification })),
    );
    expect(renderApprovalEmail(input({ notification })).text).not.toMatch(/Quorum|Approved so far/);
  });
});
