import type { Identity } from '../../lambda/auth/authenticate';
import { composeComment, MAX_COMMENT_LENGTH, truncate } from '../../lambda/auth/identity-comment';
import { LEGACY_API_SCOPE } from '../../lambda/auth/secret-document';

const alice: Identity = { kind: 'link', channel: 'link', name: 'alice@example.com', tokenId: 'id' };
const jira: Identity = { kind: 'api', channel: 'api', name: 'jira', scope: LEGACY_API_SCOPE };

describe('composeComment', () => {
  it.each<[Identity, Parameters<typeof composeComment>[1], string | undefined, string]>([
    [alice, 'approve', undefined, 'Approved via signed link by alice@example.com'],
    [
      alice,
      'reject',
      'Not during the freeze',
      'Rejected via signed link by alice@example.com: Not during the freeze',
    ],
    [alice, 'stop', '', 'Stopped via signed link by alice@example.com'],
    [jira, 'approve', 'CHG-1234 approved', 'Approved via API token by jira: CHG-1234 approved'],
    [jira, 'reject', '   ', 'Rejected via API token by jira'],
    [jira, 'stop', '  trailing and leading  ', 'Stopped via API token by jira: trailing and leading'],
    [jira, 'signal', undefined, 'Signalled via API token by jira'],
    [jira, 'approve', 'line one\nline two', 'Approved via API token by jira: line one line two'],
  ])('%j %s %j → %j', (identity, action, comment, expected) => {
    expect(composeComment(identity, action, comment)).toBe(expected);
  });

  describe('at the 512-character limit', () => {
    const head = 'Approved via API token by jira: ';
    const room = MAX_COMMENT_LENGTH - head.length;

    it('keeps a comment that fits exactly', () => {
      const comment = 'x'.repeat(room);

      const result = composeComment(jira, 'approve', comment);

      expect(result).toBe(`${head}${comment}`);
      expect(result.length).toBe(512);
    });

    it('shortens a comment one character too long, ending in an ellipsis', () => {
      const comment = `${'x'.repeat(room - 1)}yz`;

      const result = composeComment(jira, 'approve', comment);

      expect(result).toBe(`${head}${'x'.repeat(room - 1)}…`);
      expect(result.length).toBe(512);
    });

    it('never splits a surrogate pair at the cut', () => {
      // Given: an emoji whose high surrogate would be the last kept code unit
      const comment = `${'x'.repeat(room - 2)}😀tail`;

      const result = composeComment(jira, 'approve', comment);

      expect(result).toBe(`${head}${'x'.repeat(room - 2)}…`);
      expect(result.length).toBe(511);
      expect(/\p{Cs}/u.test(result)).toBe(false);
    });

    it('keeps a surrogate pair that ends just before the cut', () => {
      const comment = `${'x'.repeat(room - 3)}😀tail`;

      const result = composeComment(jira, 'approve', comment);

      expect(result).toBe(`${head}${'x'.repeat(room - 3)}😀…`);
      expect(result.length).toBe(512);
    });

    it('keeps the longest link identity whole and leaves room for the comment', () => {
      const longest: Identity = { ...alice, name: '😀'.repeat(128) };

      const result = composeComment(longest, 'signal', 'y'.repeat(600));

      const prefix = `Signalled via signed link by ${'😀'.repeat(128)}: `;
      expect(result).toBe(`${prefix}${'y'.repeat(512 - prefix.length - 1)}…`);
      expect(result.length).toBe(512);
    });

    it('shortens even a hand-made identity longer than the limit', () => {
      const huge: Identity = { ...jira, name: 'n'.repeat(600) };

      const result = composeComment(huge, 'approve', 'comment');

      expect(result).toBe(`Approved via API token by ${'n'.repeat(512 - 26 - 1)}…`);
      expect(result.length).toBe(512);
    });
  });
});

describe('truncate', () => {
  it.each<[string, number, string]>([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['a😀b', 3, 'a…'],
    ['a😀b', 4, 'a😀b'],
    ['ab😀c', 4, 'ab…'],
  ])('truncate(%j, %i) → %j', (text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });
});

describe('composeComment keeps a comment to one honest line', () => {
  it.each([
    [
      'line breaks that fake a line of our own',
      'ok\nApproved via API token by security-team',
      'Approved via signed link by alice@example.com: ok Approved via API token by security-team',
    ],
    [
      'CR LF, Unicode line and paragraph separators',
      'a\r\nb\u2028c\u2029d\u0085e',
      'Approved via signed link by alice@example.com: a b c d e',
    ],
    ['control characters', 'a\u0000b\u0007c\u001bd', 'Approved via signed link by alice@example.com: abcd'],
    [
      'bidi overrides and isolates',
      'safe \u202egnirts\u202c \u2066x\u2069',
      'Approved via signed link by alice@example.com: safe gnirts x',
    ],
    [
      'a comment that is only breaks and controls',
      '\n\u0000\u202e\r\n',
      'Approved via signed link by alice@example.com',
    ],
  ])('%s', (_case, comment, expected) => {
    expect(composeComment(alice, 'approve', comment)).toBe(expected);
  });
});
