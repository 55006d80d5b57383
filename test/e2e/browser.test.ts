/**
 * A person with a link, in a real browser (Debian's headless Chromium, driven by playwright-core):
 * open the link, read the page, write a comment, press Approve, read the result; the simulator shows
 * the execution moved on; pressing in a second tab opened before reports that the decision was already
 * made; opening the link again shows what happened and offers no button.
 */
import type { Browser } from 'playwright-core';
import { describeWithBrowser, launchChromium } from '../support/chromium';
import { type E2E, startE2E } from './local-stack';

describeWithBrowser('approving from a link in Chromium', () => {
  let e2e: E2E;
  let browser: Browser;

  beforeAll(async () => {
    [e2e, browser] = await Promise.all([startE2E(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('confirms, approves, and a second press is told the decision was made', async () => {
    const id = await e2e.start('Demo-ApproveChange');
    const links = await e2e.links(id, 'alice@example.com');
    const page = await browser.newPage({ javaScriptEnabled: false });

    const opened = await page.goto(links.approve);
    expect(opened?.status()).toBe(200);
    const secondTab = await browser.newPage({ javaScriptEnabled: false });
    await secondTab.goto(links.approve);
    await expect(page.locator('h1').innerText()).resolves.toBe('Approve this execution?');
    const main = await page.locator('main').innerText();
    expect(main).toContain(id);
    expect(main).toContain('alice@example.com');
    expect(main).toContain('This link is not bound to one approval step');
    expect(await e2e.status(id)).toBe('Waiting');

    await page.getByLabel(/comment/i).fill('Reviewed in CHG-7');
    const [result] = await Promise.all([page.waitForNavigation(), page.getByRole('button').click()]);
    expect(result?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toMatch(/^Approved/);
    expect(await page.locator('main').innerText()).toContain('Reviewed in CHG-7');
    expect(await e2e.status(id)).toBe('Success');

    const [again] = await Promise.all([secondTab.waitForNavigation(), secondTab.getByRole('button').click()]);
    expect(again?.status()).toBe(409);
    expect(await secondTab.locator('h1').innerText()).toBe(
      'This approval was already decided or the execution is no longer waiting',
    );
    await secondTab.close();

    const reopened = await page.goto(links.approve);
    expect(reopened?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('The execution is not waiting for an approval');
    expect(await page.locator('main').innerText()).toContain('the runbook has finished (Success)');
    expect(await page.getByRole('button').count()).toBe(0);
    await page.close();
  });
});
