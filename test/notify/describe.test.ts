import {
  cutMark,
  cutText,
  messageLines,
  parameterRows,
  principalLabel,
  singleLine,
  timeLeft,
} from '../../lambda/notify/describe';

const SMILE = '\u{1F600}'; // one code point, two UTF-16 code units

describe('cutText', () => {
  it('keeps a text of exactly maxLength code points whole', () => {
    expect(cutText(`${'a'.repeat(3)}${SMILE}`, 4)).toEqual({ text: `aaa${SMILE}`, cut: false });
  });

  it('cuts after maxLength code points, never inside a surrogate pair, and counts the whole text', () => {
    expect(cutText(`aaa${SMILE}${SMILE}b`, 4)).toEqual({
      text: `aaa${SMILE}… (cut, 6 characters in all)`,
      cut: true,
    });
    expect(cutMark(4097)).toBe('… (cut, 4097 characters in all)');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxLength %p', (maxLength) => {
    expect(() => cutText('x', maxLength)).toThrow(RangeError);
  });
});

describe('singleLine', () => {
  it('turns breaks and white space runs into one space, drops control and bidi characters, trims', () => {
    expect(singleLine(' Deploy\r\nX-Injected: 1\n\t\u2028a\u0000b\u202Ec\u2066d  ')).toBe(
      'Deploy X-Injected: 1 abcd',
    );
  });

  it('cuts to maxLength code points, the last being …', () => {
    expect(singleLine(`abc${SMILE}${SMILE}`, 5)).toBe(`abc${SMILE}${SMILE}`);
    expect(singleLine(`abc${SMILE}${SMILE}x`, 5)).toBe(`abc${SMILE}…`);
  });
});

describe('parameterRows', () => {
  it('sorts by name (case-insensitively, stable across locales) and joins lists with ", "', () => {
    expect(
      parameterRows({
        zeta: ['z'],
        beta: ['b1', 'b2', 'b3'],
        alpha: ['lower'],
        Alpha: ['upper'],
        Empty: [],
      }),
    ).toEqual([
      { name: 'Alpha', value: 'upper', cut: false },
      { name: 'alpha', value: 'lower', cut: false },
      { name: 'beta', value: 'b1, b2, b3', cut: false },
      { name: 'Empty', value: '', cut: false },
      { name: 'zeta', value: 'z', cut: false },
    ]);
  });

  it('keeps a value of exactly maxLength code points, and cuts a longer one visibly', () => {
    const exact = `${'a'.repeat(199)}${SMILE}`;
    const long = `${'a'.repeat(199)}${SMILE}${SMILE}${SMILE}`;
    expect(parameterRows({ Exact: [exact], Long: [long] })).toEqual([
      { name: 'Exact', value: exact, cut: false },
      { name: 'Long', value: `${'a'.repeat(199)}${SMILE}… (cut, 202 characters in all)`, cut: true },
    ]);
  });

  it('cuts the joined list, not each value', () => {
    expect(parameterRows({ Ids: ['i-1', 'i-2', 'i-3'] }, 8)).toEqual([
      { name: 'Ids', value: 'i-1, i-2… (cut, 13 characters in all)', cut: true },
    ]);
  });

  it('shows line breaks as ↵, turns tabs into spaces, drops control and bidi characters', () => {
    expect(parameterRows({ Script: ['echo a\r\necho\tb\rexit\u0007 \u202Eevil'] })).toEqual([
      { name: 'Script', value: 'echo a ↵ echo b ↵ exit evil', cut: false },
    ]);
  });

  it('cuts a name longer than maxLength too', () => {
    expect(parameterRows({ ['N'.repeat(12)]: ['v'] }, 10)).toEqual([
      { name: 'NNNNNNNNNN… (cut, 12 characters in all)', value: 'v', cut: true },
    ]);
  });

  it('shows at most maxRows parameters, then one row saying how many more there are', () => {
    const parameters = Object.fromEntries(
      Array.from({ length: 53 }, (_, i) => [`P${String(i).padStart(2, '0')}`, [String(i)]]),
    );
    const rows = parameterRows(parameters);
    expect(rows).toHaveLength(51);
    expect(rows[0]).toEqual({ name: 'P00', value: '0', cut: false });
    expect(rows[49]).toEqual({ name: 'P49', value: '49', cut: false });
    expect(rows[50]).toEqual({ name: '…', value: '3 more parameters not shown', cut: true });

    expect(parameterRows({ a: ['1'], b: ['2'] }, 200, 1)).toEqual([
      { name: 'a', value: '1', cut: false },
      { name: '…', value: '1 more parameter not shown', cut: true },
    ]);
    expect(parameterRows({ a: ['1'], b: ['2'] }, 200, 2)).toHaveLength(2);
  });

  it('returns no rows for no parameters, and refuses nonsense limits', () => {
    expect(parameterRows({})).toEqual([]);
    expect(() => parameterRows({}, 0)).toThrow(RangeError);
    expect(() => parameterRows({}, 200, 0)).toThrow(RangeError);
  });
});

describe('timeLeft', () => {
  const now = new Date('2025-11-20T12:00:00Z');
  const after = (ms: number): Date => new Date(now.getTime() + ms);
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;

  it.each<[number, string]>([
    [2 * day + 3 * hour + 59 * minute, '2 days 3 hours'],
    [2 * day + 59 * minute, '2 days'],
    [7 * day, '7 days'],
    [day + hour, '1 day 1 hour'],
    [day - second, '23 hours 59 minutes'],
    [hour + 5 * minute + 59 * second, '1 hour 5 minutes'],
    [2 * hour + 30 * second, '2 hours'],
    [45 * minute + 59 * second, '45 minutes'],
    [minute, '1 minute'],
    [minute - 1, 'less than a minute'],
    [1, 'less than a minute'],
    [0, 'timed out'],
    [-day, 'timed out'],
  ])('%p ms left → %p', (ms, expected) => {
    expect(timeLeft(after(ms), now)).toBe(expected);
  });

  it('refuses invalid dates', () => {
    expect(() => timeLeft(new Date(Number.NaN), now)).toThrow(RangeError);
    expect(() => timeLeft(now, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('principalLabel', () => {
  it.each<[string, string]>([
    ['arn:aws:iam::111122223333:user/alice', 'alice (IAM user, account 111122223333)'],
    ['arn:aws:iam::111122223333:user/division/ops/alice', 'alice (IAM user, account 111122223333)'],
    [
      'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com',
      'alice@example.com (role Admin, account 111122223333)',
    ],
    ['arn:aws:iam::111122223333:role/Deploy', 'role Deploy (account 111122223333)'],
    ['arn:aws:iam::111122223333:role/service-role/Deploy', 'role Deploy (account 111122223333)'],
    ['arn:aws-us-gov:iam::111122223333:user/bob', 'bob (IAM user, account 111122223333)'],
    ['arn:aws-cn:sts::111122223333:assumed-role/R/s', 's (role R, account 111122223333)'],
    ['arn:aws:sts::111122223333:federated-user/carol', 'carol (federated user, account 111122223333)'],
    ['arn:aws:iam::111122223333:root', 'root user (account 111122223333)'],
    // Anything else, as is.
    ['arn:aws:iam::111122223333:group/Admins', 'arn:aws:iam::111122223333:group/Admins'],
    ['arn:aws:sts::111122223333:assumed-role/OnlyRole', 'arn:aws:sts::111122223333:assumed-role/OnlyRole'],
    ['arn:aws:iam::1111:user/short-account', 'arn:aws:iam::1111:user/short-account'],
    ['arn:aws:ssm:eu-west-1:111122223333:document/X', 'arn:aws:ssm:eu-west-1:111122223333:document/X'],
    ['alice', 'alice'],
    ['', ''],
  ])('%p → %p', (arn, expected) => {
    expect(principalLabel(arn)).toBe(expected);
  });

  it('keeps whatever it returns on one line, without control characters', () => {
    expect(principalLabel('eve\r\nBcc: x@example.com\u0000')).toBe('eve Bcc: x@example.com');
  });
});

describe('messageLines', () => {
  it('splits on \\r\\n, \\n and \\r, drops trailing spaces and blank ends, keeps one blank line in a row', () => {
    expect(messageLines('\n\nFirst line  \r\nsecond\rthird\t\n\n\n\n  indented\n \n')).toEqual([
      'First line',
      'second',
      'third',
      '',
      '  indented',
    ]);
  });

  it('drops control and bidi characters, turns tabs into spaces, and breaks on Unicode separators', () => {
    expect(messageLines('a\u0000b\u202Ec\tdone\u2028next')).toEqual(['abc done', 'next']);
  });

  it('gives no lines for an empty or blank message', () => {
    expect(messageLines('')).toEqual([]);
    expect(messageLines(' \r\n\t\n')).toEqual([]);
  });

  it('keeps up to 4096 code points (breaks count one) and cuts beyond, marking the last line', () => {
    const full = `${'a'.repeat(2047)}\n${'b'.repeat(2048)}`;
    expect(messageLines(full)).toEqual(['a'.repeat(2047), 'b'.repeat(2048)]);
    expect(messageLines(`${full}c`)).toEqual([
      'a'.repeat(2047),
      `${'b'.repeat(2048)}… (cut, 4097 characters in all)`,
    ]);
    expect(messageLines('one\ntwo\nthree', 8)).toEqual(['one', 'two', '… (cut, 13 characters in all)']);
    expect(messageLines('one\ntwo\nthree', 9)).toEqual(['one', 'two', 't… (cut, 13 characters in all)']);
  });
});
