/**
 * Debian's Chromium for browser tests. Outside CI a missing browser skips the browser suites with a loud
 * warning; in CI (`CI=true`, where .ci/run installs it) a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);

if (!HAVE_CHROMIUM) {
  const message = `No Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI must run the browser tests.`);
  console.warn(`\n\n!!! BROWSER TESTS SKIPPED: ${message}\n\n`);
}

/** `describe` when a browser is there, `describe.skip` otherwise (never in CI: see above). */
export const describeWithBrowser: jest.Describe = HAVE_CHROMIUM ? describe : describe.skip;

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
