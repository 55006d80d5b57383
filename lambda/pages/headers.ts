/**
 * Response headers for the pages and for JSON answers. Names are in the same Title-Case that
 * @middy/http-security-headers writes, so a middleware run afterwards overwrites rather than
 * duplicates; but note that middleware's HTML defaults (`form-action 'none'`,
 * `upgrade-insecure-requests`, no style source) would break these pages: do not run it on HTML
 * responses, or pass `contentSecurityPolicy: false` to it.
 */
import { STYLE_CSP_HASH } from './html';

/**
 * - `style-src` allows exactly the one inline style block, by hash; everything else is `'none'`
 *   (no script, image, font or connection at all).
 * - `form-action 'self'`: the confirmation form may post only back to this origin.
 * - No `upgrade-insecure-requests`: the local runner serves plain http on 127.0.0.1.
 */
export const HTML_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_CSP_HASH}`,
  "img-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers shared by every response, HTML or JSON. */
const COMMON_SECURITY_HEADERS = {
  // Token pages and decisions must not be kept by browsers or proxies (nor restored from bfcache).
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Browsers ignore HSTS on plain http, so this is harmless for the local runner.
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
} as const;

/** Every HTML response (confirmation, result and problem pages) carries exactly these. */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': HTML_CONTENT_SECURITY_POLICY,
  ...COMMON_SECURITY_HEADERS,
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'X-Robots-Tag': 'noindex, nofollow',
});

/**
 * Security headers for JSON and problem+json responses (OWASP REST guidance). No Content-Type here:
 * the caller sets `application/json` or `application/problem+json`.
 */
export const JSON_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...COMMON_SECURITY_HEADERS,
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
});
