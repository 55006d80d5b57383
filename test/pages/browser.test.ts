/**
 * The pages in a real browser (Debian's headless Chromium): the CSP hash really admits the style,
 * the form really posts what the handlers expect, without JavaScript, and without leaking the
 * token through Referer. Skipped, loudly, when no Chromium is installed (CHROMIUM_PATH overrides).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isPageAction } from '../../lambda/pages/actions';
import { renderConfirmationPage } from '../../lambda/pages/confirmation-page';
import { HTML_SECURITY_HEADERS } from '../../lambda/pages/headers';
import { renderResultPage } from '../../lambda/pages/result-page';
import { describeWithBrowser, launchChromium } from '../support/chromium';

const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
// Characters that must survive the round trip: + / = from base64, and ones that need encoding.
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.ab+c/d=&x';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Stands in for the handlers: GET renders the confirmation page, POST the result page. */
const startServer = async (received: Received[]): Promise<{ server: Server; origin: string }> => {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      if (url.pathname !== '/favicon.ico') {
        received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
        });
      }
      const [, executions, executionId = '', action = ''] = url.pathname.split('/');
      if (executions !== 'executions' || !isPageAction(action)) {
        response.writeHead(404).end();
        return;
      }
      const page =
        request.method === 'GET'
          ? renderConfirmationPage({
              executionId,
              action,
              approver: 'a'.repeat(80),
              expiresAt: new Date('2025-11-21T15:04:05Z'),
              token: url.searchParams.get('token') ?? '',
            })
          : renderResultPage({ executionId, action });
      response.writeHead(200, HTML_SECURITY_HEADERS).end(page);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describeWithBrowser('pages in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let received: Received[];
  let consoleMessages: string[];
  let contexts: BrowserContext[];

  const linkFor = (action: string): string =>
    `${origin}/executions/${EXECUTION_ID}/${action}?token=${encodeURIComponent(TOKEN)}`;

  const openPage = async (options: { javaScriptEnabled: boolean; width?: number }): Promise<Page> => {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled,
      viewport: { width: options.width ?? 1000, height: 800 },
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
    return page;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    received = [];
    consoleMessages = [];
    contexts = [];
    ({ server, origin } = await startServer(received));
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await new Promise((resolve) => server.close(resolve));
  });

  it('approve: the button posts the token and comment, form-encoded, to the same path without the query', async () => {
    const page = await openPage({ javaScriptEnabled: false });

    await page.goto(linkFor('approve'));
    await page.getByLabel('Comment (optional)').fill('Looks good – ship it & "go"');
    await Promise.all([
      page.waitForURL(`${origin}/executions/${EXECUTION_ID}/approve`),
      page.getByRole('button', { name: 'Approve execution' }).click(),
    ]);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Approved');
    expect(received.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `GET /executions/${EXECUTION_ID}/approve?token=${encodeURIComponent(TOKEN)}`,
      `POST /executions/${EXECUTION_ID}/approve`,
    ]);
    const post = received[1];
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(post?.body).toBe(
      `token=${new URLSearchParams({ t: TOKEN }).toString().slice(2)}&comment=Looks+good+%E2%80%93+ship+it+%26+%22go%22`,
    );
    expect(Object.fromEntries(new URLSearchParams(post?.body))).toEqual({
      token: TOKEN,
      comment: 'Looks good – ship it & "go"',
    });
    // no-referrer: the token in the link's URL never travels in a Referer; browsers then send
    // `Origin: null` on the POST, so handlers must not require a matching Origin.
    expect(post?.headers.referer).toBeUndefined();
    expect(post?.headers.origin).toBe('null');
  });

  it('stop: the form posts only the token', async () => {
    const page = await openPage({ javaScriptEnabled: false });

    await page.goto(linkFor('stop'));
    await Promise.all([
      page.waitForURL(`${origin}/executions/${EXECUTION_ID}/stop`),
      page.getByRole('button', { name: 'Stop execution' }).click(),
    ]);

    expect(received[1]?.body).toBe(`token=${new URLSearchParams({ t: TOKEN }).toString().slice(2)}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Stopped');
  });

  it('the comment box stops at maxlength', async () => {
    const page = await openPage({ javaScriptEnabled: false });

    await page.goto(linkFor('reject'));
    await page.getByLabel('Comment (optional)').fill('x'.repeat(600));

    expect(await page.getByLabel('Comment (optional)').inputValue()).toHaveLength(512);
  });

  it('the CSP admits the style block, nothing is blocked, and keyboard focus is visible', async () => {
    const page = await openPage({ javaScriptEnabled: true });

    await page.goto(linkFor('reject'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');

    const styles = await page.evaluate(`(() => {
      const main = getComputedStyle(document.querySelector('main'));
      const focused = getComputedStyle(document.activeElement);
      return {
        mainBorderTop: main.borderTopWidth + ' ' + main.borderTopColor,
        focusedText: document.activeElement.textContent,
        outline: focused.outlineStyle + ' ' + focused.outlineWidth + ' ' + focused.outlineColor,
        buttonBackground: focused.backgroundColor,
      };
    })()`);
    expect(styles).toEqual({
      mainBorderTop: '4px rgb(11, 92, 173)',
      focusedText: 'Reject execution',
      outline: 'solid 3px rgb(31, 35, 40)',
      buttonBackground: 'rgb(180, 35, 24)',
    });
    expect(consoleMessages).toEqual([]);
  });

  it('fits a 320px-wide phone without sideways scrolling, even with a long approver label', async () => {
    const page = await openPage({ javaScriptEnabled: true, width: 320 });

    await page.goto(linkFor('approve'));

    expect(await page.evaluate('document.documentElement.scrollWidth')).toBe(320);
  });
});
