/**
 * A person on the local Slack page in Chromium: the message with its buttons as Slack draws them, a press
 * with the mouse that reaches the app as a signed block_actions payload, and a modal the app opens in
 * answer, filled in and submitted. Screenshots go to /tmp/slack-page*.png.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { localRouteListener } from '../../local/slack/local-route';
import { slackRoutes } from '../../local/slack/page';
import type { LocalSlack } from '../../local/slack/server';
import { describeWithBrowser, launchChromium } from '../support/chromium';
import {
  ALICE,
  type InteractionsServer,
  OPS,
  startInteractionsServer,
  startSlack,
  webClient,
} from './support';

describeWithBrowser('the local Slack page in Chromium', () => {
  let slack: LocalSlack;
  let app: InteractionsServer;
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await startInteractionsServer();
    slack = await startSlack({ interactionsUrl: app.url });
    server = createServer(localRouteListener(slackRoutes(slack)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await slack?.close();
    await app?.close();
  });

  it('shows the message with its buttons; a click sends block_actions and a modal opens and submits', async () => {
    const client = webClient(slack.apiUrl);
    await client.chat.postMessage({
      channel: OPS.id,
      text: 'Approval needed: Demo-ApproveChange',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Approval needed' } },
        {
          type: 'section',
          block_id: 'summary',
          text: {
            type: 'mrkdwn',
            text: '*Demo-ApproveChange* waits at step `approve`.\nStarted by <@U0ALICE01> · <https://console.example/e-1|Open the execution>',
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Execution*\ne-0123456789abcdef' },
            { type: 'mrkdwn', text: '*Deadline*\n2025-11-21 16:04 UTC' },
          ],
        },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
              value: 'g1',
            },
            {
              type: 'button',
              action_id: 'reject',
              text: { type: 'plain_text', text: 'Reject' },
              style: 'danger',
              value: 'g1',
            },
            {
              type: 'button',
              action_id: 'open',
              text: { type: 'plain_text', text: 'Details' },
              url: 'https://console.example/e-1',
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Only <!subteam^S0APPROVE> may decide.' }] },
      ],
    });
    app.answer = async ({ payload }) => {
      const action = (payload.actions as { action_id: string }[] | undefined)?.[0]?.action_id;
      if (action === 'reject') {
        await client.views.open({
          trigger_id: payload.trigger_id as string,
          view: {
            type: 'modal',
            callback_id: 'reject',
            title: { type: 'plain_text', text: 'Reject the change' },
            submit: { type: 'plain_text', text: 'Reject' },
            blocks: [
              {
                type: 'input',
                block_id: 'reason',
                label: { type: 'plain_text', text: 'Why?' },
                hint: { type: 'plain_text', text: 'Shown in the execution history.' },
                element: { type: 'plain_text_input', action_id: 'text', multiline: true },
              },
            ],
          },
        });
      }
      return { status: 200, body: '' };
    };

    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    const console: string[] = [];
    page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
    await page.goto(`${url}/_local/slack`);
    expect(await page.locator('h1').innerText()).toBe('Local Slack');
    const approve = page.getByRole('button', { name: 'Approve' });
    // Slack's primary green, white text.
    const colours = await approve.evaluate((button) => {
      const style = (
        globalThis as unknown as {
          getComputedStyle(element: unknown): { backgroundColor: string; color: string };
        }
      ).getComputedStyle(button);
      return [style.backgroundColor, style.color];
    });
    expect(colours).toEqual(['rgb(0, 122, 90)', 'rgb(255, 255, 255)']);
    expect(await page.getByRole('link', { name: 'Details (opens a new tab)' }).getAttribute('href')).toBe(
      'https://console.example/e-1',
    );
    await page.screenshot({ path: '/tmp/slack-page.png', fullPage: true });

    await Promise.all([page.waitForURL(/#m-C0OPS0001-/), approve.click()]);
    expect(
      app.received.map((received) => (received.payload.actions as { action_id: string }[])[0]?.action_id),
    ).toEqual(['approve']);
    expect(app.received[0]?.payload.user).toEqual({
      id: ALICE.id,
      username: 'alice',
      name: 'alice',
      team_id: 'T0LOCAL01',
    });
    expect(await page.getByRole('status').innerText()).toMatch(
      /^block_actions for “Approve” as Alice Approver: the app answered HTTP 200 in \d+ ms\.$/,
    );

    await Promise.all([
      page.waitForURL(/#m-C0OPS0001-/),
      page.getByRole('button', { name: 'Reject' }).click(),
    ]);
    const dialog = page.getByRole('dialog', { name: 'Reject the change' });
    await dialog.getByLabel('Why?').fill('Outside the change window');
    await page.screenshot({ path: '/tmp/slack-page-modal.png' });
    await Promise.all([
      page.waitForURL(`${url}/_local/slack?as=${ALICE.id}`),
      dialog.getByRole('button', { name: 'Reject' }).click(),
    ]);
    expect(app.received.at(-1)?.payload).toMatchObject({
      type: 'view_submission',
      view: {
        callback_id: 'reject',
        state: {
          values: { reason: { text: { type: 'plain_text_input', value: 'Outside the change window' } } },
        },
      },
    });
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(console).toEqual([]);
  });
});
