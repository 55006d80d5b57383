/**
 * What the local stand-ins' pages (`/_local/mailbox`, `/_local/slack`, `/_local/teams`) share: their
 * response headers (never cached; HTML with the page's own Content-Security-Policy) and the
 * `?format=json` switch (JSON for tests and tools, the page for people, 400 for any other format).
 */

export interface PageAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface PageHeaders {
  readonly html: Readonly<Record<string, string>>;
  readonly json: Readonly<Record<string, string>>;
  readonly text: Readonly<Record<string, string>>;
}

const NO_STORE = 'no-store';

export const pageHeaders = (contentSecurityPolicy: string): PageHeaders => ({
  html: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': NO_STORE,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  },
  json: { 'content-type': 'application/json', 'cache-control': NO_STORE },
  text: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_STORE },
});

/** `?format=json`: `json()`; no format (or `html`): `page()`; any other format: 400 naming both. */
export const answerByFormat = (
  query: URLSearchParams,
  headers: PageHeaders,
  json: () => string,
  page: () => PageAnswer,
): PageAnswer => {
  const format = query.get('format');
  if (format === 'json') return { status: 200, headers: { ...headers.json }, body: json() };
  if (format !== null && format !== 'html') {
    return {
      status: 400,
      headers: { ...headers.text },
      body: `Unknown format '${format}': use ?format=json for JSON, or no format for the page.\n`,
    };
  }
  return page();
};
