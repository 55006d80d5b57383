import type { Identity, SlackIdentity } from '../../lambda/auth/authenticate';
import {
  commentRoom,
  composeComment,
  MAX_COMMENT_LENGTH,
  MAX_SLACK_NAME_LENGTH,
  parseRecordedComment,
  type RecordedDecision,
  slackUserName,
  truncate,
} from '../../lambda/auth/identity-comment';
import type { LinkChannel, MutatingAction } from '../../lambda/auth/link-token';
import { LEGACY_API_SCOPE } from '../../lambda/auth/secret-document';

const alice: Identity = { kind: 'link', channel: 'link', name: 'alice@example.com', tokenId: 'id' };
const jira: Identity = { kind: 'api', channel: 'api', name: 'jira', scope: LEGACY_API_SCOPE };
const sent = (via: LinkChannel, name: string): Identity => ({
  kind: 'link',
  channel: 'link',
  name,
  tokenId: 'id',
  via,
});
const slackUser = (name: string, userId = 'U0LOCALALICE'): SlackIdentity => ({
  kind: 'slack',
  channel: 'slack',
  name,
  userId,
  teamId: 'T0LOCAL01',
  slackChannelId: 'C0LOCAL01',
  gate: { stepName: 'ApproveStaging', stepExecutionId: '0b7d4a53-8a7c-4d5e-9f10-2a3b4c5d6e7f' },
  tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
  keyId: 'k1',
});
const slackAlice = slackUser('alice');

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
    [slackAlice, 'approve', undefined, 'Approved via Slack by alice (U0LOCALALICE)'],
    [slackAlice, 'approve', 'looks fine', 'Approved via Slack by alice (U0LOCALALICE): looks fine'],
    [slackAlice, 'reject', 'Not now', 'Rejected via Slack by alice (U0LOCALALICE): Not now'],
    [slackAlice, 'reject', ' \n ', 'Rejected via Slack by alice (U0LOCALALICE)'],
    [sent('email', 'bob@example.com'), 'reject', undefined, 'Rejected via e-mail link by bob@example.com'],
    [
      sent('webhook', 'webhook:change-board'),
      'approve',
      'ok',
      'Approved via webhook link by webhook:change-board: ok',
    ],
    [sent('teams', 'teams:ops'), 'approve', 'ok', 'Approved via Teams link by teams:ops: ok'],
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

describe('commentRoom', () => {
  it.each<[string, Identity, MutatingAction, string]>([
    ['an API client', jira, 'approve', 'Approved via API token by jira'],
    ['a hand-made link', alice, 'reject', 'Rejected via signed link by alice@example.com'],
    [
      'an e-mail link',
      sent('email', 'bob@example.com'),
      'approve',
      'Approved via e-mail link by bob@example.com',
    ],
    ['a Slack user', slackAlice, 'approve', 'Approved via Slack by alice (U0LOCALALICE)'],
    ['a Slack user rejecting', slackAlice, 'reject', 'Rejected via Slack by alice (U0LOCALALICE)'],
  ])('leaves 512 − "<head>: " characters for %s', (_, identity, action, head) => {
    const room = commentRoom(identity, action);

    expect(room).toBe(MAX_COMMENT_LENGTH - head.length - 2);
    // A comment of exactly that length is kept whole.
    expect(composeComment(identity, action, 'c'.repeat(room))).toBe(`${head}: ${'c'.repeat(room)}`);
  });

  it('is 468 for alice on Slack (512 − 42 − 2)', () => {
    expect(commentRoom(slackAlice, 'approve')).toBe(468);
  });

  it('counts the Slack name as it is recorded, cut to 80 characters', () => {
    const long = slackUser('n'.repeat(200));

    // 'Approved via Slack by ' (22) + 80 + ' (U0LOCALALICE)' (15) + ': ' (2)
    expect(commentRoom(long, 'approve')).toBe(512 - 22 - 80 - 15 - 2);
  });
});

describe('slackUserName (how a Slack name is recorded)', () => {
  it.each<[string, string, string]>([
    ['a plain name', 'alice', 'alice'],
    ['line breaks and runs of spaces', ' Alice\n  Smith\t ', 'Alice Smith'],
    ['bidi and control characters', 'ali\u202ece\u0007', 'alice'],
    ['round brackets', 'Alice (SRE)', 'Alice [SRE]'],
    ['a fake user id followed by ": "', 'bob (U0BOB): ', 'bob [U0BOB]:'],
    ['only white space', ' \n ', ''],
  ])('%s: %j → %j', (_, raw, expected) => {
    expect(slackUserName(raw)).toBe(expected);
  });

  it('cuts a name to 80 characters, the last one "…"', () => {
    const name = slackUserName('😀'.repeat(100));

    expect(MAX_SLACK_NAME_LENGTH).toBe(80);
    expect(name).toBe(`${'😀'.repeat(79)}…`);
    expect([...name]).toHaveLength(80);
  });

  it('changes nothing the second time', () => {
    const once = slackUserName(` (bob)\n${'x'.repeat(100)}`);

    expect(slackUserName(once)).toBe(once);
  });

  it('is applied by composeComment, whatever name the identity holds', () => {
    expect(composeComment(slackUser('Alice (SRE)\nteam'), 'approve', 'ok')).toBe(
      'Approved via Slack by Alice [SRE] team (U0LOCALALICE): ok',
    );
  });

  it('records a name that is empty once made one line as the user id', () => {
    expect(composeComment(slackUser('\u202e\n'), 'approve')).toBe(
      'Approved via Slack by U0LOCALALICE (U0LOCALALICE)',
    );
  });
});

describe('parseRecordedComment', () => {
  it.each<[string, RecordedDecision]>([
    [
      'Approved via Slack by alice (U0LOCALALICE): looks fine',
      { verb: 'Approved', via: 'Slack', name: 'alice', slackUserId: 'U0LOCALALICE', comment: 'looks fine' },
    ],
    [
      'Rejected via Slack by alice (U0LOCALALICE)',
      { verb: 'Rejected', via: 'Slack', name: 'alice', slackUserId: 'U0LOCALALICE' },
    ],
    [
      'Rejected via e-mail link by bob@example.com',
      { verb: 'Rejected', via: 'e-mail link', name: 'bob@example.com' },
    ],
    [
      'Approved via webhook link by webhook:change-board: ok',
      { verb: 'Approved', via: 'webhook link', name: 'webhook:change-board', comment: 'ok' },
    ],
    [
      'Approved via Teams link by teams:ops: CHG-1: ok (see ticket)',
      { verb: 'Approved', via: 'Teams link', name: 'teams:ops', comment: 'CHG-1: ok (see ticket)' },
    ],
    [
      'Approved via Slack link by alice@example.com',
      { verb: 'Approved', via: 'Slack link', name: 'alice@example.com' },
    ],
    [
      'Stopped via signed link by alice@example.com',
      { verb: 'Stopped', via: 'signed link', name: 'alice@example.com' },
    ],
    [
      'Signalled via API token by jira: CHG-1234',
      { verb: 'Signalled', via: 'API token', name: 'jira', comment: 'CHG-1234' },
    ],
    [
      'Approved via Slack by Alice [SRE] (W0ENTERPRISE1): (U0OTHER): no',
      {
        verb: 'Approved',
        via: 'Slack',
        name: 'Alice [SRE]',
        slackUserId: 'W0ENTERPRISE1',
        comment: '(U0OTHER): no',
      },
    ],
    ['Approved via API token by jira: ', { verb: 'Approved', via: 'API token', name: 'jira' }],
  ])('%j', (comment, expected) => {
    expect(parseRecordedComment(comment)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['a console user’s own comment', 'Looks good to me'],
    ['an empty comment', ''],
    ['an unknown verb', 'Accepted via Slack by alice (U0LOCALALICE)'],
    ['an unknown channel', 'Approved via carrier pigeon by alice'],
    ['a channel in other case', 'Approved via slack by alice (U0LOCALALICE)'],
    ['no "by"', 'Approved via Slack'],
    ['nobody after "by"', 'Approved via API token by '],
    ['a Slack decision without a user id', 'Approved via Slack by alice: ok'],
    ['a Slack decision whose id is not a Slack id', 'Approved via Slack by alice (u0lower): ok'],
    ['a Slack name with round brackets', 'Approved via Slack by bob (SRE) (U0BOB)'],
    ['a Slack head cut short by the 512 limit', `Approved via Slack by ${'n'.repeat(80)} (U0LOCAL…`],
    ['text on a second line', 'Approved via API token by jira\nsecond line'],
    ['text before the verb', 'Note: Approved via API token by jira'],
  ])('is undefined for %s', (_, comment) => {
    expect(parseRecordedComment(comment)).toBeUndefined();
  });

  it('is not fooled by a Slack name that fakes another user id before ": "', () => {
    // Given: mallory named herself so that her decision would read as bob's
    const mallory = slackUser('bob (U0BOB): ', 'U0MALLORY');

    // When: her decision is recorded and read back
    const comment = composeComment(mallory, 'approve', 'fine');
    const parsed = parseRecordedComment(comment);

    // Then: the recorded line and its reading both name her user id
    expect(comment).toBe('Approved via Slack by bob [U0BOB]: (U0MALLORY): fine');
    expect(parsed).toEqual({
      verb: 'Approved',
      via: 'Slack',
      name: 'bob [U0BOB]:',
      slackUserId: 'U0MALLORY',
      comment: 'fine',
    });
  });

  it('reads a hand-made link label holding ": " short, the rest as comment (documented limit)', () => {
    const label: Identity = { kind: 'link', channel: 'link', name: 'Ops: alice', tokenId: 'id' };

    const comment = composeComment(label, 'approve', 'ok');

    expect(comment).toBe('Approved via signed link by Ops: alice: ok');
    expect(parseRecordedComment(comment)).toEqual({
      verb: 'Approved',
      via: 'signed link',
      name: 'Ops',
      comment: 'alice: ok',
    });
  });

  describe('round trips composeComment → parseRecordedComment', () => {
    const HARD_COMMENTS = [
      undefined,
      'looks fine',
      'CHG-42: approved (after review): go',
      '(U0FAKE): not me',
      'by bob (U0BOB): trust me',
      'ends with a colon:',
    ];
    const identities: readonly [string, Identity, string, string | undefined][] = [
      ['an API client', jira, 'API token', undefined],
      ['a hand-made link', alice, 'signed link', undefined],
      ['an e-mail link', sent('email', 'bob@example.com'), 'e-mail link', undefined],
      ['a webhook link', sent('webhook', 'webhook:change-board'), 'webhook link', undefined],
      ['a Slack link', sent('slack', 'slack:C0LOCAL01'), 'Slack link', undefined],
      ['a Teams link', sent('teams', 'teams:ops'), 'Teams link', undefined],
      ['a Slack user', slackAlice, 'Slack', 'U0LOCALALICE'],
      [
        'a Slack user with brackets in the name',
        slackUser('Alice (SRE)', 'W0ENTERPRISE1'),
        'Slack',
        'W0ENTERPRISE1',
      ],
      ['a Slack user whose name has ": "', slackUser('Ops: Alice', 'U0ALICE'), 'Slack', 'U0ALICE'],
    ];
    const cases = identities.flatMap(([label, identity, via, slackUserId]) =>
      (['approve', 'reject', 'stop', 'signal'] as const).flatMap((action) =>
        HARD_COMMENTS.map((comment) => [label, action, comment, identity, via, slackUserId] as const),
      ),
    );
    const VERB = { approve: 'Approved', reject: 'Rejected', stop: 'Stopped', signal: 'Signalled' };

    it.each(cases)('%s, %s, comment %j', (_, action, comment, identity, via, slackUserId) => {
      const name = identity.kind === 'slack' ? slackUserName(identity.name) : identity.name;

      expect(parseRecordedComment(composeComment(identity, action, comment))).toEqual({
        verb: VERB[action],
        via,
        name,
        ...(slackUserId === undefined ? {} : { slackUserId }),
        ...(comment === undefined ? {} : { comment }),
      });
    });

    it('keeps a comment shortened to the 512 limit', () => {
      const comment = composeComment(slackAlice, 'approve', `a: (b) ${'x'.repeat(600)}`);

      expect(comment).toHaveLength(512);
      expect(parseRecordedComment(comment)).toEqual({
        verb: 'Approved',
        via: 'Slack',
        name: 'alice',
        slackUserId: 'U0LOCALALICE',
        comment: `a: (b) ${'x'.repeat(468 - 7 - 1)}…`,
      });
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
