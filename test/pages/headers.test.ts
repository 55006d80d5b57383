import { renderConfirmationPage } from '../../lambda/pages/confirmation-page';
import {
  HTML_CONTENT_SECURITY_POLICY,
  HTML_SECURITY_HEADERS,
  JSON_SECURITY_HEADERS,
} from '../../lambda/pages/headers';
import { renderProblemPage, renderResultPage } from '../../lambda/pages/result-page';
import { cspHashOf, styleText } from './html-checks';

const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';

const pages = [
  renderConfirmationPage({
    executionId: EXECUTION_ID,
    action: 'approve',
    approver: 'alice',
    expiresAt: new Date('2025-11-21T15:04:05Z'),
    token: 't',
  }),
  renderResultPage({ executionId: EXECUTION_ID, action: 'stop' }),
  renderProblemPage({ status: 403, title: 'Not allowed', detail: 'd', reason: 'link-expired' }),
];

describe('HTML_SECURITY_HEADERS', () => {
  it('is exactly the strict set, with the style allowed by its hash only', () => {
    const styleHash = cspHashOf(styleText(pages[0] ?? ''));

    expect(HTML_SECURITY_HEADERS).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src ${styleHash}; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
      'X-Robots-Tag': 'noindex, nofollow',
    });
  });

  it('allows the style block of every page (they share one)', () => {
    for (const document of pages) {
      expect(HTML_CONTENT_SECURITY_POLICY).toContain(`style-src ${cspHashOf(styleText(document))};`);
    }
  });

  it('never allows inline code or styles wholesale', () => {
    expect(HTML_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|script-src|\*/);
  });

  it('is frozen, so no handler can weaken it for the others', () => {
    expect(Object.isFrozen(HTML_SECURITY_HEADERS)).toBe(true);
    expect(Object.isFrozen(JSON_SECURITY_HEADERS)).toBe(true);
  });
});

describe('JSON_SECURITY_HEADERS', () => {
  it('is exactly the JSON set, without a content type', () => {
    expect(JSON_SECURITY_HEADERS).toEqual({
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
    });
  });
});
