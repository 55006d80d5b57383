import {
  escapeHtml,
  html,
  humanUtc,
  isoUtc,
  PALETTE,
  page,
  SafeHtml,
  STYLE,
  STYLE_CSP_HASH,
  timeElement,
} from '../../lambda/pages/html';
import { contrastRatio, cspHashOf, externalReferences, structureProblems, styleText } from './html-checks';

const HOSTILE = `<script>alert(1)</script>"'&`;

describe('escapeHtml', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(HOSTILE)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  });

  it('escapes an ampersand that already starts an entity, so text shows as typed', () => {
    expect(escapeHtml('&amp; &#39;')).toBe('&amp;amp; &amp;#39;');
  });

  it('leaves other text, including non-ASCII, unchanged', () => {
    expect(escapeHtml('Zoë — 100% `ok` = {x}')).toBe('Zoë — 100% `ok` = {x}');
  });
});

describe('html template tag', () => {
  it('escapes interpolated strings and numbers and keeps literal markup', () => {
    expect(html`<p title="${HOSTILE}">${HOSTILE} ${42}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp; 42</p>',
    );
  });

  it('keeps nested fragments and joins lists, escaping strings inside lists', () => {
    const items = [html`<li>a</li>`, html`<li>${'<b>'}</li>`];
    expect(html`<ul>${items}</ul>${['<i>', html`<br>`]}`.value).toBe(
      '<ul><li>a</li><li>&lt;b&gt;</li></ul>&lt;i&gt;<br>',
    );
  });

  it('renders an empty template as an empty fragment', () => {
    expect(html``.value).toBe('');
  });

  it('only wraps, never escapes, markup passed to SafeHtml.trusted', () => {
    expect(`${SafeHtml.trusted('<b>x</b>')}`).toBe('<b>x</b>');
  });
});

describe('page', () => {
  it('renders the whole document with escaped title and heading, one main and the inline style', () => {
    const document = page({ title: 'T <x>', heading: 'H & co', body: html`<p>Body</p>`, status: 'error' });

    expect(document).toBe(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>T &lt;x&gt; – SSM Automation approvals</title>
<style>${STYLE}</style>
</head>
<body>
<header class="site">SSM Automation approvals</header>
<main class="status-error">
<h1>H &amp; co</h1>
<p>Body</p>
</main>
</body>
</html>
`);
    expect(structureProblems(document)).toEqual([]);
    expect(externalReferences(document)).toEqual([]);
  });

  it('defaults to the neutral status', () => {
    expect(page({ title: 't', heading: 'h', body: html`` })).toContain(
      '<main class="status-neutral">\n<h1>h</h1>',
    );
  });
});

describe('style block and its CSP hash', () => {
  it('STYLE_CSP_HASH is the SHA-256 of the exact style text placed in pages', () => {
    const inPage = styleText(page({ title: 't', heading: 'h', body: html`` }));
    expect(inPage).toBe(STYLE);
    expect(STYLE_CSP_HASH).toBe(cspHashOf(inPage));
    expect(STYLE_CSP_HASH).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
  });

  it('loads nothing: no url(), no @import, no closing style tag inside', () => {
    expect(STYLE).not.toMatch(/url\(|@import|<\/style/i);
  });

  it('shows keyboard focus with a solid outline', () => {
    expect(STYLE).toContain(`:focus-visible{outline:3px solid ${PALETTE.focus};outline-offset:2px}`);
  });
});

describe('palette contrast (WCAG 2.2 AA)', () => {
  it.each([
    ['text on surface', PALETTE.text, PALETTE.surface],
    ['text on background', PALETTE.text, PALETTE.background],
    ['muted text on surface', PALETTE.mutedText, PALETTE.surface],
    ['muted text on background', PALETTE.mutedText, PALETTE.background],
    ['button text on primary', PALETTE.onButton, PALETTE.primary],
    ['button text on danger', PALETTE.onButton, PALETTE.danger],
  ])('%s is at least 4.5:1', (_name, foreground, background) => {
    expect(contrastRatio(foreground, background)).toBeGreaterThanOrEqual(4.5);
  });

  it.each([
    ['focus outline on surface', PALETTE.focus, PALETTE.surface],
    ['focus outline on background', PALETTE.focus, PALETTE.background],
    ['text field border on surface', PALETTE.fieldBorder, PALETTE.surface],
  ])('%s (non-text) is at least 3:1', (_name, foreground, background) => {
    expect(contrastRatio(foreground, background)).toBeGreaterThanOrEqual(3);
  });

  it('the contrast helper matches known values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});

describe('dates', () => {
  it.each([
    ['2025-11-21T15:04:05.678Z', '2025-11-21T15:04:05Z', 'Friday 21 November 2025, 15:04 UTC'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z', 'Thursday 29 February 2024, 00:00 UTC'],
    ['2026-01-04T23:59:59Z', '2026-01-04T23:59:59Z', 'Sunday 4 January 2026, 23:59 UTC'],
  ])('%s is %s and %s', (input, iso, human) => {
    expect(isoUtc(new Date(input))).toBe(iso);
    expect(humanUtc(new Date(input))).toBe(human);
  });

  it('renders a time element with both forms', () => {
    expect(timeElement(new Date('2025-11-21T15:04:05Z')).value).toBe(
      '<time datetime="2025-11-21T15:04:05Z">Friday 21 November 2025, 15:04 UTC</time> <span class="nowrap">(<code>2025-11-21T15:04:05Z</code>)</span>',
    );
  });

  it('refuses an invalid date', () => {
    expect(() => isoUtc(new Date(Number.NaN))).toThrow(new RangeError('Invalid Date given to a page'));
    expect(() => humanUtc(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('structure checks used by these tests', () => {
  it('report unclosed, misnested and unescaped markup', () => {
    expect(structureProblems('<main><form></main>')).toEqual(['</main> closes <form>', 'unclosed: main']);
    expect(structureProblems('<p>a < b</p>')).toEqual(['raw < or > in text: "a < b"']);
    expect(structureProblems('<p><input type="hidden" value="a>b"></p>')).toEqual([]);
    expect(externalReferences('<img src="https://x.example/a.png">')).toEqual([
      '/\\bsrc\\s*=/i',
      '/https?:/i',
      '/\\/\\/[a-z0-9]/i',
    ]);
  });
});
