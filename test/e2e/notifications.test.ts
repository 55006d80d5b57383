/**
 * The whole loop on the local twin: a runbook reaches an aws:approve step; the simulator delivers the
 * SNS notification (here twice, as at-least-once delivery may) and the status-change events to the
 * notifier; the notifier reads the gate from the simulator and e-mails the approver through the local
 * SES endpoint; the mailbox shows the e-mail once; a person opens its approve link in Chromium, reads
 * what is being approved and approves; on Demo-TwoGates the first gate's link cannot approve the second.
 */
import type { Browser } from 'playwright-core';
import { describeWithBrowser, launchChromium } from '../support/chromium';
import { type E2E, startE2E } from './local-stack';

interface MailboxEntry {
  to: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

const APPROVER = 'alice@example.com';

const mailbox = async (e2e: E2E): Promise<MailboxEntry[]> => {
  const response = await fetch(`${e2e.stack.mailboxUrl}?format=json`);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as MailboxEntry[];
};

/** Waits until the notifier has handled every event so far and the mailbox holds `count` e-mails. */
const settledMailbox = async (e2e: E2E, count: number): Promise<MailboxEntry[]> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await e2e.stack.notifier?.idle();
    const entries = await mailbox(e2e);
    if (entries.length >= count || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const linkIn = (email: MailboxEntry, action: 'approve' | 'reject' | 'stop'): string => {
  const match = new RegExp(`https?://\\S+/executions/[0-9a-f-]{36}/${action}\\?token=[A-Za-z0-9._-]+`).exec(
    email.text,
  );
  if (!match) throw new Error(`no ${action} link in the e-mail's text part`);
  return match[0];
};

describe('notifications on the local twin', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ snsDeliveries: 2, notify: [APPROVER] });
  });
  afterAll(async () => e2e?.close());

  it('e-mails a demo run’s approver exactly once, although SNS delivered the notification twice', async () => {
    const before = (await mailbox(e2e)).length;
    const id = await e2e.start('Demo-ApproveChange');
    const entries = (await settledMailbox(e2e, before + 1)).slice(before);
    // A second look after everything settled: still exactly one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await e2e.stack.notifier?.idle();
    expect((await mailbox(e2e)).slice(before)).toHaveLength(1);
    const [email] = entries as [MailboxEntry];
    expect(email.to).toEqual([APPROVER]);
    expect(email.subject).toBe('Approval needed: Demo-ApproveChange – ApproveChange');
    expect(email.text).toContain(id);
    expect(new URL(linkIn(email, 'approve')).pathname).toBe(`/executions/${id}/approve`);
    expect(await e2e.status(id)).toBe('Waiting');
  });

  it('serves the mailbox as a page for people', async () => {
    const response = await fetch(e2e.stack.mailboxUrl as string);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('Approval needed: Demo-ApproveChange – ApproveChange');
  });

  it('on Demo-TwoGates, the first gate’s link cannot approve the second gate', async () => {
    const before = (await mailbox(e2e)).length;
    const id = await e2e.start('Demo-TwoGates');
    const [first] = (await settledMailbox(e2e, before + 1)).slice(before) as [MailboxEntry];
    expect(first.subject).toBe('Approval needed: Demo-TwoGates – ApproveStaging');
    const firstApprove = new URL(linkIn(first, 'approve'));
    const token = firstApprove.searchParams.get('token') as string;

    // The first link approves the first gate.
    const approved = await e2e.post(`/executions/${id}/approve`, { form: { token }, token: null });
    expect(approved.status).toBe(200);
    const [second] = (await settledMailbox(e2e, before + 2)).slice(before + 1) as [MailboxEntry];
    expect(second.subject).toBe('Approval needed: Demo-TwoGates – ApproveProduction');
    expect((await e2e.steps(id)).map((s) => `${s.name}:${s.status}`)).toContain('ApproveProduction:Waiting');

    // The same link, used again, finds the first gate decided: calm, and nothing reaches the second gate.
    const again = await e2e.post(`/executions/${id}/approve`, { form: { token }, token: null });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('<h1>Already approved</h1>');
    // A reject link of the first gate cannot reject the second gate.
    const rejectToken = new URL(linkIn(first, 'reject')).searchParams.get('token') as string;
    const refused = await e2e.post(`/executions/${id}/reject`, { json: { token: rejectToken }, token: null });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      type: 'urn:ssm-approval-webhook:problem:gate-moved-on',
      detail: expect.stringMatching(
        /^This link was for gate ApproveStaging; ApproveStaging was approved at .* UTC; the runbook is now waiting at gate ApproveProduction\.$/,
      ),
    });
    expect((await e2e.steps(id)).map((s) => `${s.name}:${s.status}`)).toContain('ApproveProduction:Waiting');
    expect(await e2e.status(id)).toBe('Waiting');

    // The second gate's own link decides it.
    const secondToken = new URL(linkIn(second, 'approve')).searchParams.get('token') as string;
    expect(
      (await e2e.post(`/executions/${id}/approve`, { form: { token: secondToken }, token: null })).status,
    ).toBe(200);
    expect(await e2e.status(id)).toBe('Success');
  });
});

describeWithBrowser('an approver in Chromium', () => {
  let e2e: E2E;
  let browser: Browser;
  beforeAll(async () => {
    [e2e, browser] = await Promise.all([startE2E({ notify: [APPROVER] }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('opens the e-mail’s approve link, reads what is approved, clicks, and the run continues', async () => {
    const id = await e2e.start('Demo-ApproveChange', {
      parameters: { ChangeDescription: ['Rotate <TLS> certs'] },
    });
    const [email] = await settledMailbox(e2e, 1);
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(linkIn(email as MailboxEntry, 'approve'));
    expect(await page.locator('h1').innerText()).toBe('Approve this execution?');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Demo-ApproveChange');
    expect(main).toContain('ApproveChange');
    expect(main).toContain('Approve the change "Rotate <TLS> certs"');
    expect(main).toContain(`Link issued for\n${APPROVER}`);
    await page.screenshot({ path: 'test-results/confirmation-from-email.png', fullPage: true });
    const [result] = await Promise.all([page.waitForNavigation(), page.getByRole('button').click()]);
    expect(result?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Approved');
    expect(await e2e.status(id)).toBe('Success');
    await page.close();
  });
});
